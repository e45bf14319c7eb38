/**
 * Every command contributed in package.json is reachable from the palette and runs without an
 * error notification, each in a state where it applies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Workbench, WorkbenchPage, useWorkbench } from './harness';
import { text, type Reply } from '../fake-api/scenario';
import { englishManifest } from '../manifest';

const pkg = englishManifest<{
  contributes: { commands: Array<{ command: string; title: string; category: string }>; menus: { commandPalette: Array<{ command: string; when: string }> } };
}>();
const hidden = new Set(pkg.contributes.menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command));

let wb: Workbench;
let p: WorkbenchPage;

useWorkbench(
  {
    git: true,
    files: {
      'src/app.ts': 'export function greet(name: string): string {\n  const count: number = "three";\n  return `Hello, ${name}! (${count})`;\n}\n',
      'README.md': '# Palette\n',
      'tsconfig.json': '{ "compilerOptions": { "strict": true, "noEmit": true } }\n',
    },
  },
  {},
  (t) => ({ wb, p } = t),
);

/** Opens or closes the notification center with the status bar's bell (one click), or the palette if that fails. */
async function notificationCenter(open: boolean): Promise<void> {
  const isOpen = () => p.page.evaluate(() => !!document.querySelector('.notifications-center.visible'));
  if ((await isOpen()) === open) return;
  const bell = p.page.locator('[id="status.notifications"]');
  if (await bell.isVisible().catch(() => false)) {
    await bell.click({ timeout: 2_000 }).catch(() => undefined);
    const until = Date.now() + 2_000;
    while (Date.now() < until) {
      if ((await isOpen()) === open) return;
      await p.page.waitForTimeout(50);
    }
  }
  await p.command(open ? 'Notifications: Show Notifications' : 'Notifications: Hide Notifications');
}

async function errorCount(): Promise<number> {
  await notificationCenter(true);
  await p.page.waitForTimeout(200);
  const n = await p.page.locator('.notifications-center .notification-list-item .codicon-error').count();
  const texts = await p.page.locator('.notifications-center .notification-list-item').allInnerTexts();
  await notificationCenter(false);
  lastErrors = texts;
  return n;
}
let lastErrors: string[] = [];

const selectFirstLines = () => p.selectLines('src/app.ts', 1, 2);

const review: Reply = {
  steps: [text(JSON.stringify({ findings: [{ file: 'src/app.ts', start_line: 2, end_line: 2, severity: 'error', message: 'string assigned to number' }] }))],
};

/** How to put the workbench in a state where each command applies, and what to answer if it asks. */
const setups: Record<string, { prepare?: () => Promise<void>; replies?: Reply[]; after?: 'escape' | 'wait'; notification?: RegExp }> = {
  'gemini.setApiKey': { after: 'escape' },
  'gemini.clearApiKey': {},
  'gemini.newChat': {},
  'gemini.focusChat': {},
  'gemini.newChatInEditor': {},
  'gemini.sessions.next': {},
  'gemini.newChatInWorktree': { after: 'escape' },
  'gemini.worktree.actions': { after: 'escape' },
  'gemini.worktree.cleanup': { after: 'escape' },
  'gemini.exportChat': { after: 'escape' },
  'gemini.showLog': {},
  'gemini.searchHistory': { after: 'escape' },
  'gemini.selectModel': { after: 'escape' },
  'gemini.addSelectionToChat': { prepare: selectFirstLines },
  'gemini.askAboutFile': { prepare: () => p.openFile('src/app.ts') },
  'gemini.showCommandTerminal': {},
  'gemini.explainSelection': { prepare: selectFirstLines, replies: [{ steps: [text('An explanation.')] }], after: 'wait' },
  'gemini.fixDiagnostic': {
    prepare: async () => {
      await p.openFile('src/app.ts');
      await p.page.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
      await p.cursorAt('src/app.ts', 2, 'end');
    },
    replies: [{ steps: [text('I would change "three" to 3.')] }],
    after: 'wait',
  },
  'gemini.reviewFile': { prepare: () => p.openFile('src/app.ts'), replies: [review], after: 'wait' },
  'gemini.reviewChanges': {
    prepare: async () => {
      writeFileSync(join(wb.workspace, 'README.md'), '# Palette\n\nchanged\n');
      await p.page.waitForTimeout(1500);
    },
    replies: [{ steps: [text(JSON.stringify({ findings: [] }))] }],
    after: 'wait',
  },
  'gemini.clearReview': {},
  'gemini.generateImage': { after: 'escape' },
  'gemini.generateCommitMessage': {
    prepare: async () => {
      execFileSync('git', ['add', 'README.md'], { cwd: wb.workspace });
      await p.page.waitForTimeout(1500);
    },
    replies: [{ steps: [text('Update the README')] }],
    after: 'wait',
  },
  'gemini.runRemoteTask': { after: 'escape' },
  'gemini.deepResearch': { after: 'escape' },
  'gemini.runs.open': {},
  'gemini.runs.cancel': {},
  'gemini.runs.review': {},
  'gemini.runs.followUp': {},
  'gemini.runs.refresh': {},
  // Opens a new agent's document (the fake has one built-in agent, so no base is asked for).
  'gemini.agents.create': {},
  // Each asks which saved agent (the fake has one custom agent, team-reviewer).
  'gemini.agents.edit': { after: 'escape' },
  'gemini.agents.delete': { after: 'escape' },
  'gemini.agents.runTask': { after: 'escape' },
  'gemini.agents.setSecrets': { after: 'escape' },
  // The picker (VS Code's built-in Mermaid extension contributes a tool, so it is never empty here).
  'gemini.chooseTools': { after: 'escape' },
  'gemini.addRemoteMcpServer': { after: 'escape' },
  'gemini.removeRemoteMcpServer': { notification: /there are no remote MCP servers/ },
  'gemini.openWalkthrough': {},
};

test('every contributed command runs from the palette without an error notification', async () => {
  const commands = pkg.contributes.commands.filter((c) => !hidden.has(c.command));
  const missingSetup = commands.filter((c) => !(c.command in setups)).map((c) => c.command);
  assert.deepEqual(missingSetup, [], 'every palette command has a setup in this test');
  const failures: string[] = [];
  let errors = await errorCount();
  for (const c of commands) {
    const s = setups[c.command]!;
    wb.fake.reset();
    if (s.replies) wb.fake.setScenario({ replies: s.replies });
    await s.prepare?.();
    const title = `${c.category}: ${c.title}`;
    try {
      await p.command(title);
    } catch (err) {
      failures.push(`${title}: not found in the palette (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    if (s.after === 'escape') {
      await p.page
        .locator('.quick-input-widget input')
        .waitFor({ state: 'visible', timeout: 10_000 })
        .catch(() => undefined);
      await p.page.keyboard.press('Escape');
    }
    // A command that answers with a message: wait for it, so that it does not arrive during the next one.
    if (s.notification) await p.waitForNotification(s.notification, 20_000).catch((err: Error) => failures.push(`${title}: ${err.message.split('\n')[0]}`));
    // A command that calls the API: wait until it has taken every reply it was given.
    const deadline = Date.now() + 30_000;
    while (s.replies && wb.fake.pending() > 0 && Date.now() < deadline) await p.page.waitForTimeout(100);
    if (s.replies && wb.fake.pending() > 0) failures.push(`${title}: did not call the API within 30 s`);
    // A late error would still be counted at the next command's check (and after the last one).
    await p.page.waitForTimeout(s.after === 'wait' ? 1500 : 300);
    const now = await errorCount();
    if (now > errors) failures.push(`${title}: error notification: ${lastErrors.join(' | ')}`);
    errors = now;
  }
  await p.page.waitForTimeout(1500);
  if ((await errorCount()) > errors) failures.push(`an error notification after the last command: ${lastErrors.join(' | ')}`);
  assert.deepEqual(failures, []);
});
