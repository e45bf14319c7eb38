/**
 * End-to-end harness: a real VS Code workbench (code-server) with the built extension installed,
 * driven in Debian's Chromium through playwright-core, against the fake Interactions API.
 */
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, readdirSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FakeApi, type FakeApiOptions } from '../fake-api/server';
import { functionCall, type Json, type Reply } from '../fake-api/scenario';
// @ts-ignore -- plain ESM helper shared with the demo script
import { CHROMIUM_ARGS, findChromium, installExtension, startCodeServer, writeUserSettings } from '../../scripts/workbench.mjs';

export const E2E_KEY = 'test-key-e2e-0123456789';

export interface LaunchOptions {
  settings?: Record<string, unknown>;
  files?: Record<string, string | Buffer>;
  trust?: boolean;
  /** Put the key in GEMINI_API_KEY and opt in (default true). False: no key at all. */
  envKey?: boolean;
  git?: boolean;
  fake?: FakeApiOptions;
  /** Extra extension folders to install beside ours. */
  extraExtensions?: string[];
  /** Extra environment for code-server and its extension host. */
  env?: Record<string, string>;
  /** The display language (code-server's `--locale`). */
  locale?: string;
}

export interface Workbench {
  url: string;
  fake: FakeApi;
  root: string;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  stop(): Promise<void>;
  serverOutput(): string;
}

export async function launch(opts: LaunchOptions = {}): Promise<Workbench> {
  const fake = new FakeApi({ quiet: true, ...opts.fake });
  await fake.start();
  const root = mkdtempSync(join(tmpdir(), 'gemini-e2e-'));
  const workspace = join(root, 'workspace');
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  for (const [rel, content] of Object.entries(opts.files ?? { 'README.md': '# Sample project\n', 'src/app.ts': 'export const answer = 42;\n' })) {
    const p = join(workspace, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  if (opts.git) {
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: workspace,
        stdio: 'ignore',
        env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' },
      });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'initial');
  }
  installExtension(extensionsDir);
  for (const extra of opts.extraExtensions ?? []) installExtension(extensionsDir, extra);
  if (opts.locale) installLanguagePack(extensionsDir, userDataDir, opts.locale);
  const envKey = opts.envKey !== false;
  writeUserSettings(userDataDir, {
    // Sticky scroll puts the file's first heading over the top lines once the editor scrolls, over
    // the lightbulb there: VS Code's own overlay, not what the tests look at.
    'editor.stickyScroll.enabled': false,
    'gemini.apiBaseUrl': fake.url,
    ...(envKey ? { 'gemini.useEnvironmentKey': true } : {}),
    ...opts.settings,
  });
  const server = await startCodeServer({
    workspace,
    userDataDir,
    extensionsDir,
    trust: opts.trust,
    locale: opts.locale,
    env: { ...(envKey ? { GEMINI_API_KEY: E2E_KEY } : { GEMINI_API_KEY: '' }), ...opts.env },
  });
  return {
    url: server.url,
    fake,
    root,
    workspace,
    userDataDir,
    extensionsDir,
    serverOutput: () => server.output(),
    async stop() {
      await server.stop();
      await fake.close();
      if (!process.env.GEMINI_E2E_KEEP) rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Make `locale` an available display language, as installing its language pack does: the pack
 * (a stand-in from test/fixtures, with no translations of VS Code itself) and the
 * `languagepacks.json` index VS Code's server reads at start to resolve `--locale`.
 */
function installLanguagePack(extensionsDir: string, userDataDir: string, locale: string): void {
  const pack = installExtension(extensionsDir, join(process.cwd(), 'test/fixtures', `language-pack-${locale}`)) as string;
  const manifest = JSON.parse(readFileSync(join(pack, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  mkdirSync(userDataDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'languagepacks.json'),
    JSON.stringify({
      [locale]: {
        hash: `e2e${manifest.version.replace(/\W/g, '')}`,
        extensions: [{ extensionIdentifier: { id: `${manifest.publisher}.${manifest.name}` }, version: manifest.version }],
        translations: { vscode: join(pack, 'translations/main.i18n.json') },
        label: locale,
      },
    }),
  );
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
}

/** Logs of the extension host (which extensions activated, errors). */
export function extensionHostLog(wb: Workbench): string {
  const logs = join(wb.userDataDir, 'logs');
  if (!existsSync(logs)) return '';
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, n.name);
      if (n.isDirectory()) walk(p);
      else if (/exthost|Gemini/i.test(n.name)) out.push(`--- ${p}\n${readFileSync(p, 'utf8')}`);
    }
  };
  walk(logs);
  return out.join('\n');
}

export class WorkbenchPage {
  constructor(
    readonly page: Page,
    readonly wb: Workbench,
    readonly context: BrowserContext,
  ) {}

  static async open(browser: Browser, wb: Workbench, context?: BrowserContext): Promise<WorkbenchPage> {
    const ctx = context ?? (await browser.newContext({ viewport: { width: 1400, height: 900 } }));
    const page = await ctx.newPage();
    page.on('dialog', (d) => void d.dismiss());
    await page.goto(`${wb.url}/?folder=${encodeURIComponent(wb.workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // The status bar shows once the workbench has restored.
    await page.waitForSelector('.statusbar', { timeout: 60_000 });
    return new WorkbenchPage(page, wb, ctx);
  }

  /** Save a screenshot under .e2e-artifacts/ (for failures); returns its path. */
  async snap(name: string): Promise<string> {
    const dir = join(process.cwd(), '.e2e-artifacts');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${Date.now()}-${name}.png`);
    await this.page.screenshot({ path: file }).catch(() => undefined);
    return file;
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await this.page.waitForSelector('.statusbar', { timeout: 60_000 });
  }

  /**
   * Reload through VS Code's own command: the workbench saves its editors first. (A reload of the
   * browser page keeps only what code-server saved in its last periodic save, up to a minute old:
   * an editor tab opened since then is not restored.)
   */
  async reloadWindow(): Promise<void> {
    const navigated = this.page.waitForEvent('framenavigated', { predicate: (f) => f === this.page.mainFrame(), timeout: 60_000 });
    await this.command('Developer: Reload Window');
    await navigated;
    await this.page.waitForLoadState('load');
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await this.page.waitForSelector('.statusbar', { timeout: 60_000 });
  }

  /**
   * Run a command from the palette by its title (e.g. "Gemini: New Chat"). The palette lists
   * commands once when it opens, so while extensions are still registering it is reopened.
   */
  async command(title: string, timeoutMs = 30_000): Promise<void> {
    const p = this.page;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.dismissNotificationsIfBlocking();
      await p.keyboard.press('F1');
      const input = p.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 15_000 }).catch(async (err: Error) => {
        throw new Error(`the command palette did not open for “${title}”: ${err.message.split('\n')[0]} (screenshot: ${await this.snap('palette')})`);
      });
      // The palette can close again at once when the workbench moves the focus (a restored tab, a
      // view opening after a reload): then it is opened again, as a user would, until the deadline.
      const typed = await input.fill(`>${title}`, { timeout: 3_000 }).then(
        () => true,
        () => false,
      );
      if (!typed) {
        if (Date.now() > deadline) throw new Error(`the command palette kept closing before “${title}” could be typed (screenshot: ${await this.snap('palette')})`);
        continue;
      }
      const row = p.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      try {
        await row.waitFor({ state: 'visible', timeout: 2_500 });
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await p.keyboard.press('Escape');
        await p.waitForTimeout(500);
        continue;
      }
      // Pick the row whose label is exactly the title.
      const rows = p.locator('.quick-input-list .monaco-list-row');
      const texts = await rows.allInnerTexts();
      const k = texts.findIndex((t) => t.split('\n')[0]!.trim() === title);
      if (k > 0) await rows.nth(k).click();
      else await input.press('Enter');
      // Wait until the palette has closed or turned into the command's own prompt.
      const until = Date.now() + 5_000;
      while (Date.now() < until) {
        const visible = await input.isVisible().catch(() => false);
        const value = visible ? await input.inputValue().catch(() => '') : '';
        if (!visible || !value.startsWith('>')) break;
        await p.waitForTimeout(50);
      }
      return;
    }
  }

  private async dismissNotificationsIfBlocking(): Promise<void> {
    // Nothing modal is expected; close the quick input if one is left open.
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible().catch(() => false)) await this.page.keyboard.press('Escape');
  }

  /** Type into an open quick input (input box or quick pick) and accept. */
  async answerQuickInput(text: string, opts: { pickRow?: string } = {}): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    // The command palette and the box a command opens share this widget: wait until the palette
    // (its value starts with ">") has given way, or the answer would be typed into the palette.
    await this.page
      .waitForFunction(() => !((document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value ?? '').startsWith('>'), undefined, { timeout: 5_000 })
      .catch(() => undefined);
    await input.fill(text);
    if (opts.pickRow) {
      await this.page.locator('.quick-input-list .monaco-list-row', { hasText: opts.pickRow }).first().waitFor({ timeout: 15_000 });
    }
    await this.page.waitForTimeout(100);
    const label = await input.getAttribute('aria-label').catch(() => null);
    await input.press('Enter');
    // The next box reuses this widget: wait until this one has been accepted (the widget closed, or
    // shows another prompt or value), or the next answer could be typed into this box.
    const until = Date.now() + 5_000;
    while (Date.now() < until) {
      const visible = await input.isVisible().catch(() => false);
      if (!visible) break;
      const [value, now] = await Promise.all([input.inputValue().catch(() => ''), input.getAttribute('aria-label').catch(() => null)]);
      if (value !== text || now !== label) break;
      await this.page.waitForTimeout(50);
    }
  }

  /**
   * Answer VS Code's (simple) save dialog with an absolute path. The dialog fills in its default
   * path asynchronously, so the value is set until it sticks, then accepted.
   */
  async saveAs(path: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    // The save dialog fills in its default path once it has listed the folder, and that can come
    // after our text on a busy machine (then Enter saved under the default name): wait for it,
    // then type ours and press Enter only once it has stayed there.
    const until = Date.now() + 5_000;
    while (!(await input.inputValue().catch(() => '')) && Date.now() < until) await this.page.waitForTimeout(50);
    for (let attempt = 0, stable = 0; attempt < 40 && stable < 2; attempt++) {
      if ((await input.inputValue()) !== path) {
        stable = 0;
        await input.fill(path);
      } else stable++;
      await this.page.waitForTimeout(200);
    }
    await input.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
  }

  async quickInputVisible(): Promise<boolean> {
    return this.page.locator('.quick-input-widget input').isVisible();
  }

  /** Open the Gemini chat view and return its webview frame (ready). */
  async openChat(): Promise<Frame> {
    const existing = await this.findChatFrame(500);
    if (existing) return existing;
    await this.command('Gemini: Focus Chat');
    const frame = await this.findChatFrame(40_000);
    if (!frame) throw new Error(`chat webview did not appear\n${extensionHostLog(this.wb).slice(-4000)}`);
    return frame;
  }

  /** The sidebar chat webview's inner frame (nested iframes), once it reported ready. */
  async findChatFrame(timeoutMs: number): Promise<Frame | undefined> {
    return this.findFrame(timeoutMs, (tab) => tab === undefined);
  }

  /** A chat editor tab's inner frame (not the sidebar's): the one not in `besides`, once ready. */
  async findChatTabFrame(timeoutMs: number, besides: Frame[] = []): Promise<Frame | undefined> {
    return this.findFrame(timeoutMs, (tab, f) => tab !== undefined && !besides.includes(f));
  }

  private async findFrame(timeoutMs: number, which: (tab: string | undefined, f: Frame) => boolean): Promise<Frame | undefined> {
    const deadline = Date.now() + timeoutMs;
    do {
      for (const f of this.page.frames()) {
        try {
          const tab = await f.evaluate(() =>
            document.body?.dataset.ready === 'true' && !!document.getElementById('input') && !document.body.classList.contains('run-mode')
              ? (document.body.dataset.tab ?? '')
              : null,
          );
          if (tab !== null && which(tab || undefined, f)) return f;
        } catch {
          /* detached or cross-origin */
        }
      }
      await this.page.waitForTimeout(200);
    } while (Date.now() < deadline);
    return undefined;
  }

  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }

  /** Messages in the notification center (every notification, also those whose toast was not shown). */
  async notificationCenter(): Promise<string[]> {
    await this.command('Notifications: Show Notifications');
    const list = this.page.locator('.notifications-center .notification-list-item-message');
    await this.page.waitForTimeout(200);
    const texts = await list.allInnerTexts();
    await this.command('Notifications: Hide Notifications').catch(() => undefined);
    return texts;
  }

  async waitForNotification(re: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let checkedCenter = 0;
    while (Date.now() < deadline) {
      const hit = (await this.notifications()).find((t) => re.test(t));
      if (hit) return hit;
      // VS Code holds back new toasts in some states (e.g. while one is hovered): look in the center too.
      if (Date.now() - checkedCenter > 3000) {
        checkedCenter = Date.now();
        const inCenter = (await this.notificationCenter()).find((t) => re.test(t));
        if (inCenter) return inCenter;
      }
      await this.page.waitForTimeout(200);
    }
    const shot = await this.snap('notification');
    throw new Error(`no notification matching ${re}; saw: ${(await this.notifications()).join(' | ')} (screenshot: ${shot})`);
  }

  /** Click a button on a notification toast. */
  async clickNotificationButton(messageRe: RegExp, button: string): Promise<void> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: messageRe }).first();
    await toast.waitFor({ timeout: 20_000 });
    await toast.locator('.monaco-button', { hasText: button }).first().click();
  }

  /** Open a workspace file in an editor via Quick Open. */
  async openFile(rel: string): Promise<void> {
    // Quick Open (through the palette, which works wherever the focus is, webviews included).
    await this.command('Go to File...');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(rel);
    const name = rel.split('/').pop()!;
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ timeout: 15_000 });
    await this.page.waitForTimeout(300); // let the result list settle
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click();
    try {
      await this.page
        .locator(`.tab.active[aria-label*="${rel.split('/').pop()}"]`)
        .first()
        .waitFor({ timeout: 15_000 });
    } catch (err) {
      const shot = await this.snap('open-file');
      throw new Error(`${(err as Error).message} (screenshot: ${shot})`);
    }
    await this.page.waitForTimeout(200);
  }

  /** Open a file and put the cursor at a 1-based line, at its end or a column. */
  async cursorAt(rel: string, line: number, column: number | 'end' = 1): Promise<void> {
    await this.openFile(rel);
    await this.page.locator('.editor-instance .view-lines').first().click();
    await this.page.keyboard.press('Control+Home');
    for (let k = 1; k < line; k++) await this.page.keyboard.press('ArrowDown');
    await this.page.keyboard.press(column === 'end' ? 'End' : 'Home');
    if (column !== 'end') for (let k = 1; k < column; k++) await this.page.keyboard.press('ArrowRight');
  }

  /** Select `count` whole lines starting at a 1-based line. */
  async selectLines(rel: string, fromLine: number, count: number): Promise<void> {
    await this.cursorAt(rel, fromLine);
    for (let k = 0; k < count; k++) await this.page.keyboard.press('Shift+ArrowDown');
  }

  /** The text of the active editor (via the DOM view lines; fine for small files). */
  /**
   * Turn a boolean setting on or off in the Settings editor, as a user would, and close it.
   * `title` is how the editor shows it, e.g. "Tools: Enabled" for gemini.tools.enabled.
   */
  async setBooleanSetting(id: string, title: string, value: boolean): Promise<void> {
    await this.command('Preferences: Open User Settings');
    const search = this.page.locator('.settings-editor .settings-header .suggest-input-container');
    await search.waitFor({ timeout: 15_000 });
    await search.click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.type(`@id:${id}`);
    // Wait for the search to filter down to this one setting before touching a checkbox.
    const item = this.page.locator('.settings-editor .setting-item-bool', { hasText: title }).first();
    await item.waitFor({ timeout: 15_000 });
    await this.page.locator('.settings-editor .settings-count-widget', { hasText: /^1 Setting Found$/ }).waitFor({ timeout: 15_000 });
    const box = item.locator('.setting-value-checkbox');
    if ((await box.getAttribute('aria-checked')) !== String(value)) await box.click();
    const until = Date.now() + 10_000;
    while ((await box.getAttribute('aria-checked')) !== String(value)) {
      if (Date.now() > until) throw new Error(`${id} did not become ${value}`);
      await this.page.waitForTimeout(100);
    }
    // The editor writes the change a moment later; closing it before then would drop the change.
    const file = join(this.wb.userDataDir, 'User', 'settings.json');
    const written = (): boolean => {
      try {
        const v = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)[id];
        return v === value || (value && v === undefined);
      } catch {
        return false; // mid-write
      }
    };
    while (!written()) {
      if (Date.now() > until) throw new Error(`${id} = ${value} was not saved to ${file}`);
      await this.page.waitForTimeout(100);
    }
    // The Settings editor opens as a modal editor in this workbench; close it (Escape would clear the search).
    const close = this.page.locator('.action-label[aria-label^="Close Modal Editor"]');
    if (await close.isVisible().catch(() => false)) await close.click();
    else await this.command('View: Close Editor');
    await this.page.locator('.settings-editor').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  async editorText(): Promise<string> {
    return this.page.evaluate(() => {
      const lines = Array.from(document.querySelectorAll('.editor-instance .view-lines .view-line')) as HTMLElement[];
      return lines
        .map((l) => ({ top: parseFloat(l.style.top || '0'), text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text)
        .join('\n');
    });
  }
}

/**
 * One workbench, one browser and one window for a test file (node:test before/after hooks).
 * The fields are filled in before the first test runs.
 */
export interface WorkbenchContext {
  wb: Workbench;
  browser: Browser;
  p: WorkbenchPage;
  chat: Frame;
}

/**
 * Launch a workbench and a browser for the whole file and stop them after it. `ready` runs inside the same
 * `before` hook, once everything is up, so callers can copy the handles into their own (reassignable) variables.
 */
export function useWorkbench(opts: LaunchOptions, setup: { chat?: boolean }, ready: (ctx: WorkbenchContext) => void): void {
  const ctx = {} as WorkbenchContext;
  before(async () => {
    ctx.wb = await launch(opts);
    ctx.browser = await launchBrowser();
    ctx.p = await WorkbenchPage.open(ctx.browser, ctx.wb);
    if (setup.chat) ctx.chat = await ctx.p.openChat();
    ready(ctx);
  });
  after(async () => {
    // GEMINI_E2E_LOGS=1: the extension hosts' logs of this file's workbench, for a failure's story.
    if (process.env.GEMINI_E2E_LOGS && ctx.wb) console.log(extensionHostLog(ctx.wb));
    await ctx.browser?.close();
    await ctx.wb?.stop();
  });
}

/**
 * Open the code actions (lightbulb or Ctrl+.) and pick `title` (`click: false`: only check that it
 * is offered, then close the menu).
 */
export async function pickCodeActionIn(p: WorkbenchPage, title: string, via: 'lightbulb' | 'keyboard', retrigger?: () => Promise<void>, click = true): Promise<void> {
  // Code actions are computed once when the menu opens. Like a user, if the menu came up before
  // the diagnostics or the extension's provider were there (the extension activates when the
  // first TypeScript file opens), close it and ask again; a lightbulb needs the selection made
  // again (`retrigger`) to come back.
  let offered: string[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (attempt > 1 && retrigger) await retrigger();
    if (via === 'lightbulb') {
      const bulb = p.page.locator('.lightBulbWidget').first();
      await bulb.waitFor({ state: 'visible', timeout: 20_000 });
      await bulb.click();
    } else await p.page.keyboard.press('Control+.');
    const item = p.page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    try {
      await item.waitFor({ state: 'visible', timeout: 7_000 });
      if (click) await item.click();
      else await p.page.keyboard.press('Escape');
      return;
    } catch {
      offered = await p.page.locator('.action-widget .monaco-list-row').allInnerTexts();
      console.error(
        `pickCodeAction attempt ${attempt}: “${title}” not offered; the menu had ${JSON.stringify(offered)}; focus: ${await p.page.evaluate(() => document.activeElement?.className ?? '')} (screenshot: ${await p.snap('code-actions')})`,
      );
      await p.page.keyboard.press('Escape');
      await p.page.waitForTimeout(1_000);
    }
  }
  throw new Error(`“${title}” was not offered; the menu had: ${JSON.stringify(offered)} (screenshot: ${await p.snap('code-actions')})`);
}

// ------------------------------------------------------------------ chat helpers

export async function sendChat(frame: Frame, text: string): Promise<void> {
  // Like a user, wait until the previous answer has finished (Send shows again, Stop hides):
  // the last words can be on screen a moment before the turn is closed.
  await frame.waitForFunction(() => document.body.dataset.ready === 'true' && !(document.getElementById('send') as HTMLButtonElement).hidden, undefined, { timeout: 20_000 });
  await frame.locator('#input').fill(text);
  await frame.locator('#input').press('Enter');
}

/** VS Code's modal dialog (a consent prompt): its text, and a way to press one of its buttons. */
export async function modalDialog(p: WorkbenchPage): Promise<{ text: string; click(label: string): Promise<void> }> {
  const box = p.page.locator('.monaco-dialog-box');
  await box.waitFor({ state: 'visible', timeout: 15_000 });
  return {
    text: await box.innerText(),
    click: async (label: string) => {
      await box.locator('.monaco-button', { hasText: label }).first().click();
      await box.waitFor({ state: 'hidden', timeout: 10_000 });
    },
  };
}

export async function lastAnswerText(frame: Frame): Promise<string> {
  return frame.evaluate(() => {
    const turns = document.querySelectorAll('.turn');
    const last = turns[turns.length - 1];
    return Array.from(last?.querySelectorAll('.model-output .text-content') ?? [])
      .map((e) => (e as HTMLElement).innerText)
      .join('\n');
  });
}

/**
 * A file another process writes, once it is whole: it exists, is not empty, and reads the same
 * twice 100 ms apart (a file is created before its bytes are written). Undefined at the deadline.
 */
export async function settledFile(path: string, timeoutMs = 10_000): Promise<Buffer | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: Buffer | undefined;
  for (;;) {
    const now = existsSync(path) ? readFileSync(path) : undefined;
    if (now?.length && last?.equals(now)) return now;
    last = now;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sample a frame value until `done` holds; returns every distinct value seen (progress). */
export async function sampleUntil<T>(frame: Frame, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000): Promise<T[]> {
  const seen: T[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (!seen.length || JSON.stringify(seen[seen.length - 1]) !== JSON.stringify(v)) seen.push(v);
    if (done(v)) return seen;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(v).slice(0, 500)}`);
    await frame.page().waitForTimeout(15);
  }
}

export async function waitForTurnState(frame: Frame, pred: (footerText: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await frame.evaluate(() => {
      const turns = document.querySelectorAll('.turn');
      return (turns[turns.length - 1]?.querySelector('.turn-footer') as HTMLElement | null)?.innerText ?? '';
    });
    if (pred(last)) return last;
    await frame.page().waitForTimeout(100);
  }
  throw new Error(`turn footer never matched; last: ${last}`);
}

/** Every regular file under `dir` (symlinks not followed), for "this secret is in no file" checks. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const f = join(d, n);
      const st = lstatSync(f);
      if (st.isDirectory()) walk(f);
      else if (st.isFile() && st.size < 50_000_000) out.push(f);
    }
  };
  walk(dir);
  return out;
}

export function readWorkspaceFile(wb: Workbench, rel: string): string {
  return readFileSync(join(wb.workspace, rel), 'utf8');
}

// ------------------------------------------------------------------ tool-call helpers

/** A reply in which the model calls one function (with a thought signature, as Gemini sends). */
export function toolCallReply(name: string, args: Json, id = `fc_${name}`): Reply {
  return { steps: [{ type: 'thought', signature: `sig-${id}`, summary: [{ type: 'text', text: `Calling ${name}.` }] }, functionCall(name, args, id)] };
}

/** The function_result the fake received for a call id. */
export function functionResultFor(wb: Workbench, callId: string): { result: Array<{ text: string }> | string; is_error?: boolean } {
  for (const r of wb.fake.creates()) {
    const input = (r.body as { input?: unknown }).input;
    if (!Array.isArray(input)) continue;
    const hit = (input as Json[]).find((s) => s.type === 'function_result' && s.call_id === callId);
    if (hit) return hit as never;
  }
  throw new Error(`no function_result for ${callId}`);
}

export function functionResultText(r: { result: Array<{ text: string }> | string }): string {
  return typeof r.result === 'string' ? r.result : r.result.map((c) => c.text).join('');
}

/** Wait until the fake has received the function_result of a call. */
export async function waitForFunctionResult(
  wb: Workbench,
  page: Page,
  callId: string,
  timeoutMs = 30_000,
): Promise<{ result: Array<{ text: string }> | string; is_error?: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return functionResultFor(wb, callId);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await page.waitForTimeout(100);
    }
  }
}

/** A local HTTP server that counts the requests it gets (for "nothing reached it" checks). */
export async function countingServer(): Promise<{ url: string; port: number; hits: string[]; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '/');
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!DOCTYPE html><title>counted</title><p>counted</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, port, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

// ------------------------------------------------------------------ extension-host responsiveness

export interface HostLatency {
  /** How many times the probe's command was run. */
  count: number;
  /**
   * [time (epoch ms), ms] for every wait over 20 ms: how long the command took to answer, or how
   * late the 25 ms timer that runs it fired (a command asked for during a stall waits that long).
   */
  slow: Array<[number, number]>;
}

/**
 * A small extension installed beside ours, in the same extension host: every 25 ms it runs a
 * command of its own and records how long it took to answer (a command waits for the host's
 * event loop, so this is what any other extension in the window feels). `read()` gets what it
 * recorded so far (written to a file every 200 ms, atomically).
 */
export function hostLatencyProbe(): { dir: string; read(): HostLatency } {
  const dir = mkdtempSync(join(tmpdir(), 'gemini-probe-ext-'));
  const out = join(dir, 'latency.json');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'gemini-latency-probe', publisher: 'geminilabs', version: '0.0.1', engines: { vscode: '^1.138.0' }, activationEvents: ['*'], main: './probe.js' }),
  );
  writeFileSync(
    join(dir, 'probe.js'),
    `const vscode = require('vscode');
const fs = require('fs');
exports.activate = (ctx) => {
  const state = { count: 0, slow: [] };
  ctx.subscriptions.push(vscode.commands.registerCommand('geminiProbe.echo', (t) => t));
  let last = Date.now();
  const run = async () => {
    const t0 = Date.now();
    const late = t0 - last - 25;
    last = t0;
    if (late > 20) state.slow.push([t0 - late, late]);
    await vscode.commands.executeCommand('geminiProbe.echo', t0);
    const ms = Date.now() - t0;
    state.count++;
    if (ms > 20) state.slow.push([t0, ms]);
  };
  const a = setInterval(() => void run(), 25);
  // Written whole, then renamed over the last copy: a reader never sees a half-written file.
  // (One write at a time.)
  let writing = false;
  const b = setInterval(() => {
    if (writing) return;
    writing = true;
    fs.writeFile(${JSON.stringify(out + '.tmp')}, JSON.stringify(state), (e) => {
      if (e) { writing = false; return; }
      fs.rename(${JSON.stringify(out + '.tmp')}, ${JSON.stringify(out)}, () => { writing = false; });
    });
  }, 200);
  ctx.subscriptions.push({ dispose: () => { clearInterval(a); clearInterval(b); } });
};
`,
  );
  return {
    dir,
    read: () => (existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as HostLatency) : { count: 0, slow: [] }),
  };
}

// ------------------------------------------------------------------ VS Code's own Chat view

/** Send a message in VS Code's Chat view and wait for the response to contain `expect`. */
export async function askInChatView(p: WorkbenchPage, message: string, expect: string): Promise<string> {
  await p.command('Chat: Open Chat');
  const input = p.page.locator('.interactive-input-part .monaco-editor').last();
  await input.waitFor({ timeout: 20_000 });
  await input.click();
  // @gemini is sticky: what the last request left in the input is cleared first.
  await p.page.keyboard.press('Control+A');
  await p.page.keyboard.press('Backspace');
  await p.page.keyboard.type(message, { delay: 5 });
  await p.page.keyboard.press('Enter');
  const response = p.page.locator('.interactive-item-container.interactive-response', { hasText: expect }).last();
  // The chat's list only renders rows near the viewport: if it stopped following the end, scroll down as a user would.
  const deadline = Date.now() + 30_000;
  while (!(await response.count()) && Date.now() < deadline) {
    const down = p.page.locator('.interactive-session .chat-scroll-down:visible');
    if (await down.count())
      await down
        .first()
        .click()
        .catch(() => undefined);
    await p.page.waitForTimeout(250);
  }
  await response.waitFor({ timeout: 1_000 }).catch(async (err: Error) => {
    const view = await p.page
      .locator('.interactive-session')
      .last()
      .innerText()
      .catch(() => '');
    throw new Error(`${err.message}\nrequests to the fake: ${p.wb.fake.creates().length}\nchat view: ${view.slice(-1500)} (screenshot: ${await p.snap('native-chat')})`);
  });
  return response.innerText();
}
