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

test('a long streaming answer keeps its end in view, stays where the user scrolls with the wheel, and follows again at the end', async () => {
  const paras = Array.from({ length: 120 }, (_, k) => `Paragraph ${k} of a long answer, written one delta at a time so that the chat grows while it is read.`);
  wb.fake.setScenario({ replies: [{ steps: [text(paras.join('\n\n'))], delayMs: 30, textChunk: 40 }] });
  const p = await WorkbenchPage.open(browser, wb);
  const chat = await p.openChat();
  await sendChat(chat, 'A long answer, please');
  const gap = () =>
    chat.evaluate(() => {
      const log = document.getElementById('log')!;
      return { gap: log.scrollHeight - log.scrollTop - log.clientHeight, top: log.scrollTop, height: log.scrollHeight, client: log.clientHeight };
    });
  // Following: once the answer is taller than the view, its end stays in view while it grows.
  await chat.waitForFunction(
    () => {
      const log = document.getElementById('log')!;
      return log.scrollHeight > log.clientHeight * 1.5;
    },
    undefined,
    { timeout: 20_000 },
  );
  const following: number[] = [];
  for (let k = 0; k < 8; k++) {
    following.push((await gap()).gap);
    await p.page.waitForTimeout(100);
  }
  assert.ok(
    following.every((g) => g < 40),
    `the end in view while streaming: ${following.join(',')}`,
  );
  // The user scrolls up with the wheel: the view stays there while the answer grows below it.
  const box = (await chat.locator('#log').boundingBox())!;
  await p.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await p.page.mouse.wheel(0, -600);
  await chat.waitForFunction(
    () => {
      const log = document.getElementById('log')!;
      return log.scrollHeight - log.scrollTop - log.clientHeight > 300;
    },
    undefined,
    { timeout: 5_000 },
  );
  await p.page.waitForTimeout(200);
  const held = await gap();
  await p.page.waitForTimeout(1_000);
  const later = await gap();
  assert.equal(await chat.evaluate(() => !!document.querySelector('.turn[aria-busy]')), true, 'still streaming while the user reads above');
  assert.ok(Math.abs(later.top - held.top) < 2, `stays where the user scrolled: ${held.top} → ${later.top}`);
  assert.ok(later.height > held.height, 'the answer grew below the view');
  // Back at the end with the wheel: following again until the answer ends.
  await p.page.mouse.wheel(0, 100_000);
  assert.equal(await chat.evaluate(() => !!document.querySelector('.turn[aria-busy]')), true, 'more of the answer arrives after the user is back at the end');
  await chat.waitForFunction(() => !document.querySelector('.turn[aria-busy]'), undefined, { timeout: 30_000 });
  await p.page.waitForTimeout(300);
  const end = await gap();
  assert.ok(end.gap < 40, `at the end when the answer ends: ${JSON.stringify(end)}`);
  assert.match(await lastAnswerText(chat), /Paragraph 119 of a long answer/);
});
