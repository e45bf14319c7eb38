/** Nothing is lost across window reloads: the draft, a stream in flight, and the history. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { type Workbench, WorkbenchPage, lastAnswerText, sampleUntil, sendChat, useWorkbench } from './harness';
import { textReply } from '../fake-api/library';

let wb: Workbench;
let p: WorkbenchPage;
let chat: Frame;

useWorkbench({}, { chat: true }, (t) => ({ wb, p, chat } = t));

async function reloadAndOpenChat(): Promise<Frame> {
  await p.reload();
  chat = await p.openChat();
  return chat;
}

test('the draft in the input box survives a window reload', async () => {
  await chat.locator('#input').fill('a half-written thought\nwith two lines');
  await p.page.waitForTimeout(600); // the draft is saved after a short pause in typing
  await reloadAndOpenChat();
  assert.equal(await chat.locator('#input').inputValue(), 'a half-written thought\nwith two lines');
  await chat.locator('#input').fill('');
  await p.page.waitForTimeout(600);
});

const LONG = Array.from({ length: 60 }, (_, k) => `Sentence ${k + 1} of a long streamed answer.`).join(' ');

test('a reload mid-stream loses nothing that arrived, and the answer resumes to the end', async () => {
  wb.fake.setScenario({ replies: [{ ...textReply(LONG), delayMs: 40, textChunk: 12 }] });
  await sendChat(chat, 'Tell me a long story');
  const seen = await sampleUntil(chat, () => lastAnswerText(chat), (v) => v.length > 150);
  const before = seen[seen.length - 1]!;
  await reloadAndOpenChat();
  // What arrived before the reload is there at once (from the journal) …
  const first = await lastAnswerText(chat);
  assert.ok(first.startsWith(before.trim().slice(0, 100)), `after reload: ${JSON.stringify(first.slice(0, 120))}`);
  // … and the stream continues from the last event (stream-get), never a second create.
  await sampleUntil(chat, () => lastAnswerText(chat), (v) => v.trim() === LONG, 30_000);
  assert.equal(wb.fake.creates().length, 1);
  const resumed = wb.fake.requests.filter((r) => r.method === 'GET' && r.query.stream === 'true');
  assert.ok(resumed.length >= 1 && resumed[resumed.length - 1]!.query.last_event_id, 'resumed with last_event_id');
});

test('reopen from history: search finds prompts and answers; the conversation comes back whole', async () => {
  await chat.locator('#new-chat').click();
  await chat.waitForFunction(() => document.querySelectorAll('.turn').length === 0);
  await p.command('Gemini: Search Chat History');
  await p.page.locator('.quick-input-widget input').fill('Sentence 42');
  // The excerpt around the match in the answer shows under the title.
  const row = p.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Sentence 42' }).first();
  await row.waitFor({ timeout: 10_000 });
  assert.match(await row.innerText(), /Tell me a long story/);
  await row.click();
  await sampleUntil(chat, () => lastAnswerText(chat), (v) => v.trim() === LONG, 10_000);
  assert.match(await chat.locator('.turn .user-text').first().innerText(), /Tell me a long story/);
  // The history view lists it too, and a follow-up continues the same server-side conversation.
  wb.fake.setScenario({ replies: [textReply('A short follow-up.')] });
  await sendChat(chat, 'And the ending?');
  await sampleUntil(chat, () => lastAnswerText(chat), (v) => v.trim() === 'A short follow-up.');
  const last = wb.fake.creates().pop()!.body as { previous_interaction_id?: string };
  assert.match(String(last.previous_interaction_id), /^v1_/);
});

test('when the server copy is gone, the local history is resent', async () => {
  const id = [...wb.fake.interactions.keys()].pop()!;
  wb.fake.interactions.get(id)!.deleted = true;
  wb.fake.setScenario({ replies: [textReply('Answered from local history.')] });
  await sendChat(chat, 'Still there?');
  await sampleUntil(chat, () => lastAnswerText(chat), (v) => v.trim() === 'Answered from local history.');
  const creates = wb.fake.creates();
  const failed = creates[creates.length - 2]!.body as { previous_interaction_id?: string };
  const resent = creates[creates.length - 1]!.body as { input: Array<{ type: string }>; previous_interaction_id?: string };
  assert.equal(failed.previous_interaction_id, id);
  assert.equal(resent.previous_interaction_id, undefined);
  assert.deepEqual(resent.input.map((s) => s.type), ['user_input', 'model_output', 'user_input', 'model_output', 'user_input']);
  assert.match(await chat.locator('.notice').last().innerText(), /no longer on the server; resending the local history/);
});
