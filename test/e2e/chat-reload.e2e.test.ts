/** Nothing is lost across window reloads: the draft, attachments, a stream in flight, and the history. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { type Workbench, WorkbenchPage, lastAnswerText, sampleUntil, sendChat, settledFile, useWorkbench, waitForTurnState } from './harness';
import { DEMO_PNG, textReply } from '../fake-api/library';
import type { Json } from '../fake-api/scenario';
import { WARM_TURNS } from '../../src/core/conversation/paging';

let wb: Workbench;
let p: WorkbenchPage;
let chat: Frame;

useWorkbench({ files: { 'src/app.ts': 'export const answer = 42;\n' } }, { chat: true }, (t) => ({ wb, p, chat } = t));

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

/** Conversation journals (under the extension's global storage) that mention `text`. */
function journalsWith(text: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const f = join(d, n.name);
      if (n.isDirectory()) walk(f);
      else if (n.name.endsWith('.jsonl') && readFileSync(f, 'utf8').includes(text)) out.push(f);
    }
  };
  walk(wb.userDataDir);
  return out;
}

async function chips(): Promise<string[]> {
  return chat.locator('#attachments .chip').allInnerTexts();
}

/** Hand the composer files the way the browser does for a paste or a drop. */
async function pasteOrDrop(how: 'paste' | 'drop', name: string, type: string, base64: string): Promise<void> {
  await chat.evaluate(
    ([how, name, type, base64]) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type }));
      if (how === 'paste') document.getElementById('input')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      else document.getElementById('composer')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [how, name, type, base64] as const,
  );
}

test('attachments: the active file, a pasted image and a dropped PDF survive a reload and go with the message; a huge file is refused', async () => {
  await p.openFile('src/app.ts');
  chat = await p.openChat();
  await chat.locator('#input').fill('What is in these?');
  await chat.locator('#attach').click();
  await chat.locator('#attach-menu button[data-kind="activeFile"]').click();
  await chat.waitForFunction(() => document.querySelectorAll('#attachments .chip').length === 1);
  await pasteOrDrop('paste', 'shot.png', 'image/png', DEMO_PNG);
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n').toString('base64');
  await pasteOrDrop('drop', 'spec.pdf', 'application/pdf', pdf);
  await chat.waitForFunction(() => document.querySelectorAll('#attachments .chip').length === 3);
  assert.deepEqual(
    (await chips()).map((c) => c.split(' (')[0]),
    ['src/app.ts', 'shot.png', 'spec.pdf'],
  );

  // A file over the limit: a clear message, and nothing else changes.
  writeFileSync(join(wb.workspace, 'big.log'), Buffer.alloc(21 * 1024 * 1024, 'x'));
  await chat.locator('#attach').click();
  await chat.locator('#attach-menu button[data-kind="workspaceFile"]').click();
  await p.answerQuickInput('big.log', { pickRow: 'big.log' });
  await chat.waitForFunction(() => /big\.log.*21\.0 MB.*limited to 20\.0 MB/.test(document.getElementById('toast')!.textContent ?? ''), undefined, { timeout: 10_000 });
  assert.equal((await chips()).length, 3);

  // Remove one, reload: the draft and the two others are still there.
  await chat.locator('#attachments button[aria-label="Remove attachment spec.pdf"]').click();
  await chat.waitForFunction(() => document.querySelectorAll('#attachments .chip').length === 2);
  await p.page.waitForTimeout(600); // the draft is saved after a short pause in typing
  await reloadAndOpenChat();
  await chat.waitForFunction(() => document.querySelectorAll('#attachments .chip').length === 2, undefined, { timeout: 10_000 });
  assert.equal(await chat.locator('#input').inputValue(), 'What is in these?');

  wb.fake.reset();
  wb.fake.setScenario({ replies: [textReply('A constant and a picture.')] });
  await chat.locator('#input').press('Enter');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.trim() === 'A constant and a picture.',
  );
  const input = (wb.fake.creates()[0]!.body as { input: Json[] }).input as Array<Record<string, string>>;
  assert.deepEqual(
    input.map((c) => c.type),
    ['text', 'text', 'image'],
  );
  assert.equal(input[0]!.text, 'What is in these?');
  assert.match(input[1]!.text!, /^File: src\/app\.ts\n```typescript\nexport const answer = 42;\n```$/);
  assert.deepEqual({ mime: input[2]!.mime_type, data: input[2]!.data }, { mime: 'image/png', data: DEMO_PNG });
  // Sent attachments are gone from the composer, also after a reload.
  assert.equal((await chips()).length, 0);
  await reloadAndOpenChat();
  await chat.waitForFunction(() => document.body.dataset.ready === 'true');
  assert.equal((await chips()).length, 0);
  await chat.locator('#new-chat').click();
});

const LONG = Array.from({ length: 60 }, (_, k) => `Sentence ${k + 1} of a long streamed answer.`).join(' ');

/** Interactions of other conversations (the attachments test), made before the long-story conversation. */
let otherConversations = new Set<string>();

test('a reload mid-stream loses nothing that arrived, and the answer resumes to the end', async () => {
  wb.fake.reset();
  otherConversations = new Set(wb.fake.interactions.keys());
  wb.fake.setScenario({ replies: [{ ...textReply(LONG), delayMs: 40, textChunk: 12 }] });
  await sendChat(chat, 'Tell me a long story');
  const seen = await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.length > 150,
  );
  const before = seen[seen.length - 1]!;
  await reloadAndOpenChat();
  // What arrived before the reload is there at once (from the journal) …
  const first = await lastAnswerText(chat);
  assert.ok(first.startsWith(before.trim().slice(0, 100)), `after reload: ${JSON.stringify(first.slice(0, 120))}`);
  // … and the stream continues from the last event (stream-get), never a second create.
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.trim() === LONG,
    30_000,
  );
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
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.trim() === LONG,
    10_000,
  );
  assert.match(await chat.locator('.turn .user-text').first().innerText(), /Tell me a long story/);
  // The history view lists it too, and a follow-up continues the same server-side conversation.
  wb.fake.setScenario({ replies: [textReply('A short follow-up.')] });
  await sendChat(chat, 'And the ending?');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.trim() === 'A short follow-up.',
  );
  const last = wb.fake.creates().pop()!.body as { previous_interaction_id?: string };
  assert.match(String(last.previous_interaction_id), /^v1_/);
});

test('when the server copy is gone, resending the local history is offered (never done behind the user’s back)', async () => {
  const id = [...wb.fake.interactions.keys()].pop()!;
  wb.fake.interactions.get(id)!.deleted = true;
  wb.fake.setScenario({ replies: [textReply('Answered from local history.')] });
  const before = wb.fake.creates().length;
  await sendChat(chat, 'Still there?');
  const offer = chat.locator('.turn').last().locator('.resend-local-btn');
  await offer.waitFor({ timeout: 20_000 });
  assert.match(await chat.locator('.turn').last().locator('.turn-footer').innerText(), /no longer on the server \(404\), so this message was not sent/);
  await p.page.waitForTimeout(500);
  assert.equal(wb.fake.creates().length, before + 1, 'only the refused create: nothing was resent on its own');
  await offer.click();
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.trim() === 'Answered from local history.',
  );
  const creates = wb.fake.creates();
  assert.equal(creates.length, before + 2);
  const failed = creates[creates.length - 2]!.body as { previous_interaction_id?: string };
  const resent = creates[creates.length - 1]!.body as { input: Array<{ type: string }>; previous_interaction_id?: string };
  assert.equal(failed.previous_interaction_id, id);
  assert.equal(resent.previous_interaction_id, undefined);
  assert.deepEqual(
    resent.input.map((s) => s.type),
    ['user_input', 'model_output', 'user_input', 'model_output', 'user_input'],
  );
  assert.equal(await chat.locator('.turn .user-text', { hasText: 'Still there?' }).count(), 1, 'one turn for the message (the refused one was replaced)');
});

test('deleting a conversation from the history view removes it here and its interactions on the server', async () => {
  // The conversation from the tests above that chained on the server ("Tell me a long story" …).
  // The answer before has ended (its end refreshes the history view under the pointer).
  await chat.waitForFunction(() => !document.querySelector('.turn[aria-busy]') && !(document.getElementById('send') as HTMLButtonElement).hidden, undefined, { timeout: 20_000 });
  await p.command('Gemini: Focus on Chat History View');
  const row = p.page.locator('.pane-body .monaco-list-row', { hasText: 'Tell me a long story' }).first();
  await row.waitFor({ timeout: 10_000 });
  const mine = () => [...wb.fake.interactions.values()].filter((i) => !otherConversations.has(i.id));
  const ids = mine().map((i) => i.id);
  assert.ok(mine().some((i) => !i.deleted));
  assert.equal(journalsWith('Tell me a long story').length, 1);
  // The view was just opened: it may still draw its rows again (a refresh queued while it was
  // collapsed). A click that lands while a row is rebuilt is lost, so act once the list is quiet.
  await row.evaluate(
    (el) =>
      new Promise<void>((resolve) => {
        const list = el.closest('.monaco-list-rows') ?? document.body;
        let timer = setTimeout(done, 400);
        const mo = new MutationObserver(() => {
          clearTimeout(timer);
          timer = setTimeout(done, 400);
        });
        function done() {
          mo.disconnect();
          resolve();
        }
        mo.observe(list, { subtree: true, childList: true });
      }),
  );
  await row.hover();
  await row.locator('.action-label[aria-label="Delete Conversation"]').click();
  const dialog = p.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 10_000 }).catch(async (err: Error) => {
    throw new Error(`${err.message.split('\n')[0]} (screenshot: ${await p.snap('history-delete')})`);
  });
  assert.match(await dialog.innerText(), /Delete the conversation “Tell me a long story”\? Its \d+ interactions? stored by the Gemini API will be deleted too\./);
  await dialog.locator('.monaco-button', { hasText: 'Delete' }).click();
  await row.waitFor({ state: 'detached', timeout: 10_000 });
  const deletes = () => wb.fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
  const deadline = Date.now() + 10_000;
  while (deletes().length === 0 && Date.now() < deadline) await p.page.waitForTimeout(100);
  assert.ok(deletes().length >= 1, 'DELETE requests were sent');
  for (const path of deletes())
    assert.ok(
      ids.some((id) => path.endsWith(`/interactions/${id}`)),
      path,
    );
  while (mine().some((i) => !i.deleted) && Date.now() < deadline) await p.page.waitForTimeout(100);
  assert.ok(
    mine().every((i) => i.deleted),
    `left on the server: ${mine()
      .filter((i) => !i.deleted)
      .map((i) => i.id)
      .join(', ')}`,
  );
  // The other conversation is untouched.
  assert.ok([...otherConversations].every((id) => !wb.fake.interactions.get(id)!.deleted));
  assert.deepEqual(journalsWith('Tell me a long story'), [], 'the local journal is gone');
});

test('a message sent in the background runs on the server (background: true), survives a reload mid-answer, and fills in', async () => {
  await chat.locator('#new-chat').click();
  await chat.waitForFunction(() => document.querySelectorAll('.turn').length === 0);
  wb.fake.reset();
  const story = Array.from({ length: 40 }, (_, k) => `Background sentence ${k + 1}.`).join(' ');
  wb.fake.setScenario({ replies: [{ ...textReply(story), delayMs: 40, textChunk: 10 }] });
  await chat.locator('#input').fill('Write it while I am away');
  await chat.locator('#send-mode').selectOption('background');
  await chat.locator('#send').click();
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.length > 80,
  );
  const created = wb.fake.creates();
  assert.equal(created.length, 1);
  assert.equal((created[0]!.body as { background?: boolean }).background, true);
  assert.match(await chat.locator('.turn').last().innerText(), /In the background: it runs on the server/);
  await reloadAndOpenChat();
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.trim() === story,
    30_000,
  );
  // The whole text is there before the stream's last events (the step's stop, the completion with
  // its usage): the turn has ended once its footer counts the tokens.
  await waitForTurnState(chat, (f) => /Tokens:/.test(f), 10_000);
  assert.equal(wb.fake.creates().length, 1, 'followed again, never created twice');
  assert.match(await chat.locator('.turn').last().innerText(), /In the background/, 'still marked after the reload');
  assert.equal([...wb.fake.interactions.values()].at(-1)!.status, 'completed');
});

test('Deep Research from the palette: a plan to confirm, edited, started; progress; a reload mid-run; done, notified, its cited report saved; Stop cancels a run on the server', async () => {
  wb.fake.reset();
  wb.fake.researchDurationMs = 6000;
  const earlier = wb.fake.interactions.size;
  const made = () => [...wb.fake.interactions.values()].slice(earlier);
  // The plan is held until the user has looked away from the chat: it is ready while the chat is out of view.
  let release!: () => void;
  wb.fake.researchPlanHold = new Promise<void>((r) => (release = r));
  await p.command('Gemini: Start Deep Research…');
  await p.answerQuickInput('How did TPUs evolve?');
  chat = await p.openChat();
  await chat.waitForFunction(() => document.querySelectorAll('.turn').length === 1, undefined, { timeout: 20_000 });
  await p.command('View: Show Explorer');
  wb.fake.researchPlanHold = undefined;
  release();
  await p.waitForNotification(/Deep Research plan for “How did TPUs evolve\?” is ready/);
  // Seen in the chat, it no longer applies: the notification goes by itself.
  chat = await p.openChat();
  const gone = Date.now() + 10_000;
  while ((await p.notifications()).some((t) => /Deep Research plan for .* is ready/.test(t))) {
    assert.ok(Date.now() < gone, 'the plan-ready notification went away once the chat showed the plan');
    await p.page.waitForTimeout(200);
  }
  const last = () => chat.locator('.turn').last();
  await chat.locator('.research-start').waitFor({ timeout: 20_000 });
  assert.match(await last().innerText(), /Deep Research: a research plan asked for[\s\S]*Research plan for “How did TPUs evolve\?”/);
  assert.equal(await chat.locator('#send-mode').inputValue(), 'research');
  const body = (k: number) => wb.fake.creates()[k]!.body as Json;
  assert.equal(wb.fake.creates().length, 1);
  assert.equal(body(0).agent, 'deep-research-preview-04-2026');
  assert.deepEqual(body(0).agent_config, { type: 'deep-research', collaborative_planning: true, thinking_summaries: 'auto', visualization: 'auto' });
  assert.equal(body(0).background, true);
  assert.equal(body(0).model, undefined);
  assert.equal(body(0).tools, undefined, 'none of our tools go to the agent');
  assert.equal(body(0).previous_interaction_id, undefined, 'a new conversation');

  // Edit the plan by writing: a revised plan, chained to the first.
  await sendChat(chat, 'Also cover the v5 generation');
  await chat.waitForFunction(() => document.querySelectorAll('.turn').length === 2 && !!document.querySelector('.turn:last-child .research-start'), undefined, { timeout: 20_000 });
  assert.match(await last().innerText(), /Revised research plan[\s\S]*Also cover the v5 generation/);
  const plan1 = made()[0]!.id;
  assert.equal(body(1).previous_interaction_id, plan1);
  assert.equal((body(1).agent_config as Json).collaborative_planning, true);

  // Start: the run goes in the background with planning off; progress shows while it runs.
  await chat.locator('.turn:last-child .research-start').click();
  await sampleUntil(
    chat,
    () => last().innerText(),
    (v) => /Searching for sources/.test(v),
    20_000,
  );
  assert.equal(wb.fake.creates().length, 3);
  assert.equal((body(2).agent_config as Json).collaborative_planning, false);
  assert.equal(body(2).previous_interaction_id, made()[1]!.id);
  assert.match(await last().innerText(), /Deep Research: runs in the background/);
  assert.equal(await chat.locator('.turn:last-child .research-save').count(), 0, 'no report to save while it runs');
  await reloadAndOpenChat();
  await chat.locator('.turn:last-child .research-save').waitFor({ timeout: 30_000 });
  assert.equal(await chat.locator('#send-mode').inputValue(), 'research', 'the mode survives the reload');
  assert.equal(await chat.locator('.research-start').count(), 0, 'an earlier plan offers no Start once it was started');
  assert.match(await lastAnswerText(chat), /Research report: How did TPUs evolve\?[\s\S]*follows the confirmed plan/);
  assert.equal(wb.fake.creates().length, 3, 'followed again after the reload, never created twice');
  await p.waitForNotification(/Deep Research on “How did TPUs evolve\?” is done/, 30_000);

  // Save the report: Markdown with its citations as numbered links and the sources listed.
  await chat.locator('.turn:last-child .research-save').click();
  const target = join(wb.workspace, 'tpu-report.md');
  await p.saveAs(target);
  await settledFile(target);
  // The saved report opens in an editor, which takes the focus: typing before it has opened would send Enter there.
  await p.page.locator('.tabs-container .tab', { hasText: 'tpu-report.md' }).first().waitFor({ timeout: 15_000 });
  await p.page.waitForTimeout(300);
  const md = readFileSync(target, 'utf8');
  assert.match(md, /> \*\*Question:\*\* How did TPUs evolve\?/);
  assert.match(md, /the study’s sample\.\[\[3\]\]\(https:\/\/example\.net\/critique\)/, 'offsets are UTF-8 bytes');
  assert.match(md, /in general terms\.\[\[1\]\]\(https:\/\/example\.org\/overview\) A 2026 study measured it directly\.\[\[2\]\]\(https:\/\/example\.com\/study\?id=7&lang=en\)/);
  assert.match(
    md,
    /## Sources\n\n1\. \[An overview\]\(https:\/\/example\.org\/overview\)\n2\. \[A study \(2026\)\]\(https:\/\/example\.com\/study\?id=7&lang=en\)\n3\. \[A critique\]\(https:\/\/example\.net\/critique\)/,
  );

  // Stop on a running research cancels it on the server.
  wb.fake.researchDurationMs = 60_000;
  await sendChat(chat, 'Now look at GPUs');
  const fourth = chat.locator('.turn').nth(3);
  await fourth
    .locator('.research-start')
    .waitFor({ timeout: 20_000 })
    .catch(async (err: Error) => {
      throw new Error(`${err.message}\nlast turn: ${await fourth.innerText()} (screenshot: ${await p.snap('research-plan')})`);
    });
  assert.match(await fourth.innerText(), /Research plan for “Now look at GPUs”/, 'a new question after a report: a new plan');
  await fourth.locator('.research-start').click();
  await sampleUntil(
    chat,
    () => last().innerText(),
    (v) => /Planning the searches/.test(v),
    20_000,
  );
  await chat.locator('#stop').click();
  await sampleUntil(
    chat,
    () => last().innerText(),
    (v) => /Cancelled on the server/.test(v),
    20_000,
  );
  assert.equal([...wb.fake.interactions.values()].at(-1)!.status, 'cancelled');
  assert.ok(wb.fake.requests.some((r) => r.method === 'POST' && r.path.endsWith(`/${[...wb.fake.interactions.values()].at(-1)!.id}/cancel`)));
  await chat.locator('#send-mode').selectOption('chat');
  await chat.waitForFunction(() => !document.body.classList.contains('research-mode'));
});

test('a conversation longer than the turns kept in memory comes back whole after a reload, and goes on from its last turn', async () => {
  await chat.locator('#new-chat').click();
  await chat.waitForFunction(() => document.querySelectorAll('.turn').length === 0);
  // More turns than the host keeps in memory (older finished turns are read back from the journal).
  const N = WARM_TURNS + 3;
  wb.fake.setScenario({ replies: Array.from({ length: N }, (_, k) => textReply(`Answer number ${k}.`)) });
  for (let k = 0; k < N; k++) {
    await sendChat(chat, `Question number ${k}`);
    await sampleUntil(
      chat,
      () => lastAnswerText(chat),
      (v) => v.trim() === `Answer number ${k}.`,
    );
  }
  // A reload of the page at once (the workbench's own storage is saved only every so often there).
  await reloadAndOpenChat();
  await chat.waitForFunction((n) => document.querySelectorAll('.turn').length === n, N, { timeout: 20_000 });
  const first = chat.locator('.turn').first();
  await first.scrollIntoViewIfNeeded();
  await sampleUntil(
    chat,
    () => first.innerText(),
    (t) => t.includes('Question number 0') && t.includes('Answer number 0.'),
  );
  assert.match(await chat.locator('.turn').nth(1).innerText(), /Question number 1[\s\S]*Answer number 1\./);
  const lastId = [...wb.fake.interactions.keys()].at(-1);
  wb.fake.setScenario({ replies: [textReply('Still here.')] });
  await sendChat(chat, 'One more');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.trim() === 'Still here.',
  );
  const body = wb.fake.creates().at(-1)!.body as { previous_interaction_id?: string };
  assert.equal(body.previous_interaction_id, lastId);
});
