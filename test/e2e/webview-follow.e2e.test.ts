/**
 * The chat log follows a streaming answer to its end, in Chromium (the real webview bundle, no
 * workbench), with real wheel input: it stays at the end while text arrives, stays where the
 * user scrolled to, follows again once the user is back at the end, and a scroll the browser
 * makes by itself never stops the following.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-ignore -- plain ESM helper
import { CHROMIUM_ARGS, findChromium } from '../../scripts/workbench.mjs';
import { PANEL_STATE, serveWebview } from './webview-page';

let browser: Browser;
let server: { url: string; close(): void };
let page: Page;

before(async () => {
  server = await serveWebview();
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 420, height: 700 } });
  await page.goto(server.url);
  await page.evaluate(
    (s) => window.postMessage({ type: 'init', state: s, conversation: { id: 'c', title: 't', mode: 'stateful', turns: [] }, draft: '', attachments: [] }, '*'),
    PANEL_STATE,
  );
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await page.evaluate(() => {
    const post = (m: unknown) => window.postMessage(m, '*');
    post({ type: 'turnStart', turn: { id: 't1', input: [{ type: 'text', text: 'go' }], steps: [], state: 'streaming', notices: [], model: 'm' } });
    post({ type: 'turnChanges', turnId: 't1', changes: [{ k: 'add', s: 0, step: { type: 'model_output' } }] });
    post({ type: 'turnChanges', turnId: 't1', changes: [{ k: 'content', s: 0, c: 0, content: { type: 'text', text: 'Start.\n\n' } }] });
  });
});
after(async () => {
  await browser?.close();
  server?.close();
});

/** Streams `n` paragraphs, one message per frame, and returns the log's distance from its end after each frame. */
async function stream(n: number, tag: string): Promise<{ gaps: number[]; tops: number[] }> {
  return page.evaluate(
    async ({ n, tag }) => {
      const log = document.getElementById('log')!;
      const gaps: number[] = [];
      const tops: number[] = [];
      const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
      for (let k = 0; k < n; k++) {
        window.postMessage({ type: 'turnChanges', turnId: 't1', changes: [{ k: 'text', s: 0, c: 0, t: `${tag} paragraph ${k}: ${'words and more words '.repeat(6)}\n\n` }] }, '*');
        await frame();
        await frame();
        gaps.push(log.scrollHeight - log.scrollTop - log.clientHeight);
        tops.push(log.scrollTop);
      }
      return { gaps, tops };
    },
    { n, tag },
  );
}

test('the log follows a streaming answer, stops where the user scrolled, and follows again at the end', async () => {
  // 1. Following: after every frame the end is in view.
  const a = await stream(40, 'A');
  assert.ok(
    a.gaps.every((g) => g < 40),
    `at the end after every frame: ${a.gaps.join(',')}`,
  );
  assert.ok(a.tops[a.tops.length - 1]! > 1000, 'the answer is taller than the view');

  // 2. The user scrolls up with the wheel: the log stays there while more text arrives.
  const box = (await page.locator('#log').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -800);
  await page.waitForFunction(() => {
    const log = document.getElementById('log')!;
    return log.scrollHeight - log.scrollTop - log.clientHeight > 600;
  });
  const held = await page.evaluate(() => document.getElementById('log')!.scrollTop);
  const b = await stream(20, 'B');
  assert.ok(
    b.tops.every((t) => Math.abs(t - held) < 2),
    `stays where the user put it (${held}): ${b.tops.join(',')}`,
  );
  assert.ok(b.gaps[b.gaps.length - 1]! > 1500, 'the new text is below the view');

  // 3. Back at the end with the wheel: following again.
  await page.mouse.wheel(0, 100_000);
  await page.waitForFunction(() => {
    const log = document.getElementById('log')!;
    return log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  });
  await page.waitForTimeout(800); // the wheel's intent window passes
  const c = await stream(20, 'C');
  assert.ok(
    c.gaps.every((g) => g < 40),
    `follows again: ${c.gaps.join(',')}`,
  );

  // 4. A scroll the browser makes by itself (no wheel, key or touch): still following.
  await page.evaluate(() => {
    const log = document.getElementById('log')!;
    log.scrollTop = log.scrollTop - 500;
  });
  const d = await stream(10, 'D');
  assert.ok(
    d.gaps.every((g) => g < 40),
    `a browser-made scroll does not stop the following: ${d.gaps.join(',')}`,
  );
});
