/**
 * The chat renderer against hostile model output, in Chromium (the real webview bundle, no
 * workbench): nothing executes, nothing remote loads, links go through the host.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-ignore -- plain ESM helper
import { CHROMIUM_ARGS, findChromium } from '../../scripts/workbench.mjs';
import { openChatPage, serveWebview } from './webview-page';

let browser: Browser;
let server: { url: string; close(): void };
let page: Page;
const remote: string[] = [];

before(async () => {
  server = await serveWebview();
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  page = await browser.newPage();
  page.on('request', (r) => {
    // data: and blob: are local (the highlighting worker starts from a blob: URL).
    if (!r.url().startsWith(server.url) && !/^(data|blob):/.test(r.url())) remote.push(r.url());
  });
  await openChatPage(page, server.url);
});
after(async () => {
  await browser?.close();
  server?.close();
});

const HOSTILE = [
  '# Title <script>window.__pwned = 1</script>',
  '',
  'Inline <img src="https://evil.example/x.png" onerror="window.__pwned = 2"> html and <b onclick="window.__pwned=3">bold</b>.',
  '',
  '[click me](javascript:window.__pwned=4) and [data](data:text/html,<script>1</script>) and [ok](https://example.com/ok)',
  '',
  '![remote image](https://evil.example/tracker.png)',
  '',
  '<iframe src="https://evil.example/"></iframe><svg onload="window.__pwned=5"></svg><style>body{display:none}</style>',
  '',
  '<a href="https://example.com/" style="position:fixed">styled</a> <!-- comment --> <form action="https://evil.example"><input name=x></form>',
  '',
  '```html\n<script>window.__pwned = 6</script>\n```',
].join('\n');

async function render(turnId: string, text: string, streamed: boolean): Promise<void> {
  await page.evaluate(
    ({ turnId, text, streamed }) => {
      const post = (m: unknown) => window.postMessage(m, '*');
      post({ type: 'turnStart', turn: { id: turnId, input: [{ type: 'text', text: 'x' }], steps: [], state: 'streaming', notices: [], model: 'm' } });
      post({ type: 'turnChanges', turnId, changes: [{ k: 'add', s: 0, step: { type: 'model_output' } }] });
      if (streamed)
        for (let i = 0; i < text.length; i += 7)
          post({
            type: 'turnChanges',
            turnId,
            changes: [i === 0 ? { k: 'content', s: 0, c: 0, content: { type: 'text', text: text.slice(0, 7) } } : { k: 'text', s: 0, c: 0, t: text.slice(i, i + 7) }],
          });
      else post({ type: 'turnChanges', turnId, changes: [{ k: 'content', s: 0, c: 0, content: { type: 'text', text } }] });
      post({ type: 'turnChanges', turnId, changes: [{ k: 'done', s: 0 }] });
      post({ type: 'turnEnd', turnId, state: 'completed' });
    },
    { turnId, text, streamed },
  );
  await page.waitForFunction((id) => document.querySelector(`[data-turn="${id}"] .turn-footer`) !== null && !document.querySelector(`[data-turn="${id}"] [data-tail]`), turnId);
  await page.waitForTimeout(300);
}

for (const streamed of [false, true]) {
  test(`hostile markdown (${streamed ? 'streamed in 7-character deltas' : 'in one piece'}): nothing runs, nothing loads`, async () => {
    const id = streamed ? 'streamed' : 'whole';
    await render(id, HOSTILE, streamed);
    const r = await page.evaluate((id) => {
      const root = document.querySelector(`[data-turn="${id}"] .model-output`)!;
      const attrs = Array.from(root.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).map((a) => `${e.localName}[${a.name}=${a.value}]`));
      return {
        pwned: (window as unknown as { __pwned?: number }).__pwned,
        tags: Array.from(new Set(Array.from(root.querySelectorAll('*')).map((e) => e.localName))).sort(),
        handlers: attrs.filter((a) => /\[on/i.test(a)),
        styles: attrs.filter((a) => /\[style=/.test(a)),
        hrefs: Array.from(root.querySelectorAll('a')).map((a) => a.getAttribute('href')),
        targets: Array.from(root.querySelectorAll('a')).map((a) => a.getAttribute('data-href')),
        text: (root as HTMLElement).innerText,
      };
    }, id);
    assert.equal(r.pwned, undefined, 'no script ran');
    for (const bad of ['script', 'img', 'iframe', 'svg', 'style', 'form', 'input']) assert.ok(!r.tags.includes(bad), `no <${bad}> element (tags: ${r.tags})`);
    assert.deepEqual(r.handlers, []);
    assert.deepEqual(r.styles, []);
    // No anchor keeps an href (VS Code's webview would open it by itself, without consent).
    assert.deepEqual(
      r.hrefs.filter((h) => h !== null),
      [],
    );
    for (const h of r.targets) assert.ok(h === null || /^(https?:|mailto:)/.test(h), `unsafe link target ${h}`);
    assert.ok(r.targets.includes('https://example.com/ok'));
    assert.ok(!r.targets.some((t) => /^(javascript|data|vscode|file|command):/i.test(t ?? '')));
    assert.match(r.text, /<script>window.__pwned = 1<\/script>/, 'raw HTML is shown as text, nothing of the answer is lost');
    assert.match(r.text, /remote image/, 'a remote image becomes a link placeholder');
    assert.deepEqual(remote, [], 'no remote request');
  });
}

test('links are opened by the host, not by the webview', async () => {
  await page.evaluate(() => ((window as unknown as { __posted: unknown[] }).__posted.length = 0));
  const before = page.url();
  await page.locator('[data-turn="whole"] a[data-href="https://example.com/ok"]').click();
  assert.equal(page.url(), before, 'no navigation');
  const posted = await page.evaluate(() => (window as unknown as { __posted: Array<{ type: string; url?: string }> }).__posted);
  assert.deepEqual(
    posted.filter((m) => m.type === 'openLink'),
    [{ type: 'openLink', url: 'https://example.com/ok' }],
  );
});

test('citation and source links keep only http(s) targets and show the real host', async () => {
  await page.evaluate(() => {
    const post = (m: unknown) => window.postMessage(m, '*');
    const text = 'One [a]. Two [b]. Three [c]. Four [d].';
    const cites = [
      { url: 'javascript:window.__pwned=9', title: 'Click me', start: 0, end: 8 },
      { url: 'vscode://settings/gemini', title: 'Settings', start: 9, end: 17 },
      { url: 'file:///etc/passwd', title: 'passwd', start: 18, end: 28 },
      { url: 'https://real.example.org/page', title: 'google.com', start: 29, end: 38 },
    ];
    post({
      type: 'turnStart',
      turn: {
        id: 'cites',
        input: [{ type: 'text', text: 'x' }],
        steps: [{ type: 'model_output', content: [{ type: 'text', text }] }],
        cites: { '0:0': cites },
        state: 'completed',
        notices: [],
        model: 'm',
      },
    });
  });
  await page.waitForSelector('[data-turn="cites"] .sources li');
  const r = await page.evaluate(() => {
    const root = document.querySelector('[data-turn="cites"]')!;
    return {
      targets: Array.from(root.querySelectorAll('a'))
        .map((a) => a.getAttribute('data-href'))
        .filter(Boolean),
      hrefs: Array.from(root.querySelectorAll('a'))
        .map((a) => a.getAttribute('href'))
        .filter(Boolean),
      sources: Array.from(root.querySelectorAll('.sources li')).map((li) => (li as HTMLElement).innerText),
      citeTitles: Array.from(root.querySelectorAll('a.citation')).map((a) => a.getAttribute('title')),
    };
  });
  assert.deepEqual([...new Set(r.targets)], ['https://real.example.org/page']);
  assert.deepEqual(r.hrefs, []);
  assert.ok(
    r.sources.some((s) => /google\.com — real\.example\.org/.test(s)),
    r.sources.join(' | '),
  );
  // The hover starts with where the link goes; a source's own title comes after.
  assert.ok(r.citeTitles.includes('https://real.example.org/page — google.com'), JSON.stringify(r.citeTitles));
  await page.locator('[data-turn="cites"] a.citation').first().click();
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
});

test('a link never shows one host and opens another: its hover starts with the real URL, and text naming another host says where it goes', async () => {
  await page.evaluate(() => {
    const text =
      'Log in at [https://bank.example/login](https://evil.example/x "https://bank.example") or [docs.python.org](https://docs.python.org/3/) or [the docs](https://docs.example/a).';
    window.postMessage(
      {
        type: 'turnStart',
        turn: {
          id: 'hosts',
          input: [{ type: 'text', text: 'x' }],
          steps: [{ type: 'model_output', content: [{ type: 'text', text }] }],
          state: 'completed',
          notices: [],
          model: 'm',
        },
      },
      '*',
    );
  });
  await page.waitForSelector('[data-turn="hosts"] a[data-href]');
  const links = await page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-turn="hosts"] a[data-href]')).map((a) => ({ text: (a as HTMLElement).innerText, title: a.getAttribute('title') })),
  );
  assert.deepEqual(links, [
    { text: 'https://bank.example/login ⟨evil.example⟩', title: 'https://evil.example/x — https://bank.example' },
    { text: 'docs.python.org', title: 'https://docs.python.org/3/' },
    { text: 'the docs', title: 'https://docs.example/a' },
  ]);
});

test('a message that fails validation is ignored', async () => {
  const n = await page.locator('.turn').count();
  await page.evaluate(() => window.postMessage({ type: 'turnStart', turn: { id: 'bad' } }, '*'));
  await page.evaluate(() => window.postMessage({ type: 'eval', code: 'window.__pwned = 7' }, '*'));
  await page.waitForTimeout(200);
  assert.equal(await page.locator('.turn').count(), n);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
});
