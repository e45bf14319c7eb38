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
  const seen = await sampleUntil(chat, () => lastAnswerText(chat), (v) => v.trim() === answer, 30_000);
  const partial = seen.filter((v) => v.length > 0 && v.trim() !== answer);
  assert.ok(partial.length >= 3, `expected several intermediate states, saw ${partial.length}: ${JSON.stringify(seen)}`);
  for (const v of partial) assert.ok(answer.startsWith(v.trim()), `intermediate state is a prefix: ${JSON.stringify(v)}`);
  // The thought is collapsed by default and carries the summary.
  const thoughtOpen = await chat.locator('details.thought').first().evaluate((d) => (d as HTMLDetailsElement).open);
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
