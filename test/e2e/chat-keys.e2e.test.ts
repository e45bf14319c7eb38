/** First run without a key, the key flow (wrong key first), a 401 mid-conversation, and no key leaks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { type Workbench, WorkbenchPage, filesUnder, lastAnswerText, sampleUntil, sendChat, useWorkbench, waitForTurnState } from './harness';
import { textReply } from '../fake-api/library';

const GOOD = 'test-key-good-1234567890';
let wb: Workbench;
let p: WorkbenchPage;
let chat: Frame;
const keys = [GOOD];

useWorkbench({ envKey: false, fake: { keys } }, { chat: true }, (t) => ({ wb, p, chat } = t));

test('no key: the panel says so, with a button, and the draft is kept', async () => {
  await chat.locator('#key-screen').waitFor({ state: 'visible' });
  assert.match(await chat.locator('#key-screen').innerText(), /Set your Gemini API key/);
  assert.ok(await chat.locator('#set-key').isVisible());
  await chat.locator('#input').fill('my unsent question');
  await chat.locator('#input').press('Enter');
  assert.equal(await chat.locator('#input').inputValue(), 'my unsent question', 'nothing is sent or lost without a key');
  assert.equal(wb.fake.requests.length, 0);
});

test('Set API Key: a wrong key is rejected and not stored; the right one is validated and stored', async () => {
  await chat.locator('#set-key').click();
  await p.answerQuickInput('test-wrong-key-000000');
  await p.waitForNotification(/API key was rejected/);
  assert.ok(await chat.locator('#key-screen').isVisible(), 'still no key');
  assert.equal(wb.fake.requests[0]!.keyStatus, 'invalid');
  assert.equal(wb.fake.requests[0]!.path, '/v1beta/agents');
  await p.command('Gemini: Set API Key');
  await p.answerQuickInput(GOOD);
  await chat.locator('#key-screen').waitFor({ state: 'hidden' });
  assert.equal(wb.fake.requests[1]!.keyStatus, 'valid', 'the key was checked with a cheap call before it was stored');
  assert.equal(await chat.locator('#input').inputValue(), 'my unsent question', 'the draft survived the key flow');
  wb.fake.setScenario({ replies: [textReply('Hello with a real key.')] });
  await chat.locator('#input').press('Enter');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.trim() === 'Hello with a real key.',
  );
  assert.equal(wb.fake.creates()[0]!.keyStatus, 'valid');
});

test('a 401 mid-conversation leads back to the key screen without losing the draft', async () => {
  keys.length = 0; // the server now rejects the stored key
  keys.push('test-key-rotated-999999');
  wb.fake.setScenario({ replies: [textReply('never')] });
  await sendChat(chat, 'second question');
  const footer = await waitForTurnState(chat, (f) => /Set API Key/.test(f));
  assert.match(footer, /rejected the API key \(401\)/);
  await chat.locator('#key-screen').waitFor({ state: 'visible' });
  await chat.locator('#input').fill('draft written after the error');
  // Fix the key; the panel comes back and the draft is still there.
  await chat.locator('#set-key').click();
  await p.answerQuickInput('test-key-rotated-999999');
  await chat.locator('#key-screen').waitFor({ state: 'hidden' });
  assert.equal(await chat.locator('#input').inputValue(), 'draft written after the error');
  wb.fake.setScenario({ replies: [textReply('Back in business.')] });
  await chat.locator('.retry-btn').click();
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.trim() === 'Back in business.',
  );
});

test('the key appears in no log, journal, webview state, exported file or webview DOM', async () => {
  await p.command('Gemini: Show Log');
  await p.command('Gemini: Export Chat');
  await p.answerQuickInput('JSON', { pickRow: 'JSON' });
  const exported = join(wb.workspace, 'chat-export.json');
  await p.saveAs(exported);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      statSync(exported);
      break;
    } catch {
      await p.page.waitForTimeout(100);
    }
  }
  // Let the log flush to disk.
  await p.page.waitForTimeout(1500);
  const files = [...filesUnder(wb.userDataDir), ...filesUnder(wb.workspace)];
  assert.ok(
    files.some((f) => f.endsWith('.jsonl')),
    'the journal exists',
  );
  assert.ok(
    files.some((f) => f.endsWith('Gemini.log')),
    'the log exists',
  );
  assert.ok(
    readFileSync(
      files.find((f) => f.endsWith('Gemini.log'))!,
      'utf8',
    ).includes('POST /v1beta/interactions'),
    'the log records requests',
  );
  for (const key of [GOOD, 'test-key-rotated-999999', 'test-wrong-key-000000']) {
    for (const f of files) assert.ok(!readFileSync(f).includes(key), `${key} leaked into ${f}`);
    const state = await chat.evaluate(() => JSON.stringify((window as unknown as { __state?: unknown }).__state ?? null) + document.documentElement.outerHTML);
    assert.ok(!state.includes(key), 'not in the webview DOM');
  }
  // The webview's persisted state holds only the draft.
  const persisted = await chat.evaluate(() => {
    try {
      return JSON.stringify(sessionStorage) + JSON.stringify(localStorage);
    } catch {
      return '';
    }
  });
  for (const key of [GOOD, 'test-key-rotated-999999']) assert.ok(!persisted.includes(key));
  assert.ok(!JSON.stringify(wb.fake.requests).includes(GOOD), 'the fake only ever saw it redacted');
});
