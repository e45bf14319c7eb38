import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import assert from 'node:assert/strict';
import { type Workbench, WorkbenchPage, lastAnswerText, sampleUntil, sendChat, useWorkbench } from './harness';
import { text, thought } from '../fake-api/scenario';

let wb: Workbench;
let browser: Browser;

useWorkbench({}, {}, (t) => ({ wb, browser } = t));

test('chat view streams an answer progressively from the fake API', async () => {
  const answer = 'Streaming works: the first words arrive before the last ones, one small delta at a time, and the panel shows them as they come.';
  wb.fake.setScenario({ replies: [{ steps: [thought('Planning a short answer.', 'sig-e2e-1'), text(answer)], delayMs: 40, textChunk: 6 }] });
  const p = await WorkbenchPage.open(browser, wb);
  const chat = await p.openChat();
  await sendChat(chat, 'Say something streamed');
  // While it streams, the turn is marked busy so screen readers announce it once, complete.
  await chat.waitForFunction(() => document.querySelector('.turn:last-of-type')?.getAttribute('aria-busy') === 'true', undefined, { timeout: 10_000 });
  const seen = await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.trim() === answer,
    30_000,
  );
  await chat.waitForFunction(() => !document.querySelector('.turn[aria-busy]'), undefined, { timeout: 10_000 });
  const partial = seen.filter((v) => v.length > 0 && v.trim() !== answer);
  assert.ok(partial.length >= 3, `expected several intermediate states, saw ${partial.length}: ${JSON.stringify(seen)}`);
  for (const v of partial) assert.ok(answer.startsWith(v.trim()), `intermediate state is a prefix: ${JSON.stringify(v)}`);
  // The thought is collapsed by default and carries the summary.
  const thoughtOpen = await chat
    .locator('details.thought')
    .first()
    .evaluate((d) => (d as HTMLDetailsElement).open);
  assert.equal(thoughtOpen, false);
  // What the extension sent.
  const creates = wb.fake.creates();
  assert.equal(creates.length, 1);
  const body = creates[0]!.body as Record<string, unknown>;
  assert.equal(body.model, 'gemini-3.5-flash');
  assert.equal(body.stream, true);
  assert.deepEqual(body.input, [{ type: 'text', text: 'Say something streamed' }]);
  assert.equal(creates[0]!.headers['x-goog-api-key'], '[redacted]');
  assert.equal(creates[0]!.keyStatus, 'valid');
  assert.equal(creates[0]!.headers.accept, 'text/event-stream');
});

test('the panel is usable without a mouse and every control has an accessible name', async () => {
  wb.fake.setScenario({ replies: [{ steps: [text('Done.')] }] });
  const p = await WorkbenchPage.open(browser, wb);
  const chat = await p.openChat();
  assert.equal(await chat.locator('#log').getAttribute('role'), 'log');
  // Every visible button, select and text field has a name a screen reader can read.
  const unnamed = await chat.evaluate(() =>
    Array.from(document.querySelectorAll('button, select, textarea, input, [role="button"], [role="menuitem"]'))
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .filter(
        (e) =>
          !(
            (e.getAttribute('aria-label') ?? '').trim() ||
            (e.getAttribute('title') ?? '').trim() ||
            ((e as HTMLElement).innerText ?? '').trim() ||
            e.getAttribute('aria-labelledby')
          ),
      )
      .map((e) => e.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(unnamed, []);
  // Focus the message box, type, send with Enter; the attach menu opens and closes with the keyboard.
  await chat.locator('#input').focus();
  await p.page.keyboard.type('Keyboard only');
  await p.page.keyboard.press('Enter');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.trim() === 'Done.',
  );
  await chat.locator('#attach').focus();
  await p.page.keyboard.press('Enter');
  await chat.waitForFunction(() => !document.getElementById('attach-menu')!.hidden && document.activeElement?.getAttribute('role') === 'menuitem');
  await p.page.keyboard.press('ArrowDown');
  assert.equal(await chat.evaluate(() => (document.activeElement as HTMLElement).dataset.kind), 'selection');
  await p.page.keyboard.press('ArrowUp');
  await p.page.keyboard.press('ArrowUp');
  assert.equal(await chat.evaluate(() => (document.activeElement as HTMLElement).dataset.kind), 'url', 'wraps to the last item');
  await p.page.keyboard.press('Escape');
  await chat.waitForFunction(() => document.getElementById('attach-menu')!.hidden && document.activeElement?.id === 'attach');
});
