/**
 * Two windows on one folder, one conversation: one window answers while the other retries. The
 * retry waits for the answer (nothing is removed meanwhile), then replaces only the turn it was
 * clicked on, after the other window's turn and chained from it (the server conversation does not
 * fork). After a reload of both windows, both turns are there.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Frame } from 'playwright-core';
import { launch, launchBrowser, sampleUntil, sendChat, WorkbenchPage, type Workbench } from './harness';
import { text } from '../fake-api/scenario';

let wb: Workbench;
let browser: Browser;
let a: WorkbenchPage;
let b: WorkbenchPage;
let chatA: Frame;
let chatB: Frame;

before(async () => {
  wb = await launch({ files: { 'README.md': '# Two windows\n' } });
  browser = await launchBrowser();
  a = await WorkbenchPage.open(browser, wb);
  chatA = await a.openChat();
});
after(async () => {
  await browser?.close();
  await wb?.stop();
});

test('one window answers while the other retries; after a reload both turns are there, and nothing forked', async () => {
  // The first message fails in window A (a 400 that is not retried): its turn offers Retry.
  wb.fake.setScenario({ replies: [{ http: { status: 400, body: { error: { code: 400, message: 'Bad request for the test.' } } } }] });
  await sendChat(chatA, 'first question');
  await chatA.locator('.turn .retry-btn').last().waitFor({ timeout: 20_000 });

  // Window B opens the same folder: the same conversation, the failed turn last.
  b = await WorkbenchPage.open(browser, wb, a.context);
  chatB = await b.openChat();
  await chatB.locator('.turn .retry-btn').last().waitFor({ timeout: 20_000 });
  const failedTurn = await chatB.locator('.turn').last().getAttribute('data-turn');
  assert.ok(failedTurn, 'the turn carries its id');

  // Window A answers a new message, slowly.
  wb.fake.setScenario({
    replies: [
      { steps: [text('The answer from window A, streamed slowly so that the other window waits for it while its retry is asked for.')], delayMs: 120, textChunk: 6 },
      { steps: [text('The retried answer from window B.')], whenInputIncludes: 'first question' },
    ],
  });
  await sendChat(chatA, 'second question from A');
  await sampleUntil(
    chatA,
    () => chatA.locator('.turn').last().innerText(),
    (v) => v.includes('The answer from'),
    20_000,
  );
  // While it streams, window B asks to retry the turn it shows as failed (what its Retry button sends).
  const host = chatB.parentFrame()!;
  await host.evaluate(
    (id) => (window as unknown as Record<string, (c: string, d: unknown) => void>).__vscode_post_message__!('onmessage', { message: { type: 'retry', turnId: id } }),
    failedTurn,
  );
  // Window A's answer completes untouched; then window B's retry goes.
  await sampleUntil(
    chatB,
    () => chatB.locator('.turn').allInnerTexts(),
    (v) => v.some((t) => t.includes('The retried answer from window B.')),
    60_000,
  );
  const creates = wb.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/interactions'));
  const aCreate = creates.find((r) => JSON.stringify(r.body).includes('second question from A'))!;
  const bCreate = creates.filter((r) => JSON.stringify(r.body).includes('first question')).at(-1)!;
  assert.ok(aCreate && bCreate, 'both were sent');
  assert.ok(bCreate.at > aCreate.at, 'the retry went after the other answer');
  const aInteraction = [...wb.fake.interactions.values()].find((i) => JSON.stringify(i.body).includes('second question from A'))?.id;
  assert.equal((bCreate.body as { previous_interaction_id?: string }).previous_interaction_id, aInteraction, 'chained from the other window’s answer: no fork');
  assert.match(await chatB.locator('.turn').last().innerText(), /Another window added 1 turn/);

  // Both windows reload: both turns are there, the failed one replaced.
  for (const w of [a, b]) await w.reload();
  chatA = await a.openChat();
  chatB = await b.openChat();
  for (const chat of [chatA, chatB]) {
    await sampleUntil(
      chat,
      () => chat.locator('.turn').allInnerTexts(),
      (v) => v.length === 2,
      20_000,
    );
    const turns = await chat.locator('.turn').allInnerTexts();
    assert.match(turns[0]!, /second question from A[\s\S]*The answer from window A/);
    assert.match(turns[1]!, /first question[\s\S]*The retried answer from window B/);
  }
});

test('a message written in one window while the other answers waits in its queue and goes after that answer, chained from it', async () => {
  wb.fake.setScenario({
    replies: [
      { steps: [text('A long answer from window A, streamed slowly while window B has something to say.')], delayMs: 120, textChunk: 6 },
      { steps: [text('The answer to window B’s queued message.')], whenInputIncludes: 'queued in B' },
    ],
  });
  await sendChat(chatA, 'third question from A');
  await sampleUntil(
    chatA,
    () => chatA.locator('.turn').last().innerText(),
    (v) => v.includes('A long answer'),
    20_000,
  );
  // Window B follows A's answer; Enter there queues the message (nothing is sent while A answers).
  await sampleUntil(
    chatB,
    () => chatB.locator('.turn').allInnerTexts(),
    (v) => v.some((t) => t.includes('third question from A')),
    20_000,
  );
  const before = wb.fake.creates().length;
  await chatB.locator('#input').fill('queued in B');
  await chatB.locator('#input').press('Enter');
  await chatB.locator('#queue .queue-item', { hasText: 'queued in B' }).waitFor({ timeout: 10_000 });
  assert.equal(wb.fake.creates().length, before, 'nothing sent while the other window answers');
  await sampleUntil(
    chatB,
    () => chatB.locator('.turn').allInnerTexts(),
    (v) => v.some((t) => t.includes('The answer to window B’s queued message.')),
    60_000,
  );
  const bCreate = wb.fake.creates().find((r) => JSON.stringify(r.body).includes('queued in B'))!;
  const aInteraction = [...wb.fake.interactions.values()].find((i) => JSON.stringify(i.body).includes('third question from A'))!;
  assert.equal(aInteraction.status, 'completed', 'A’s answer ran to its end');
  assert.equal((bCreate.body as { previous_interaction_id?: string }).previous_interaction_id, aInteraction.id, 'chained from the other window’s answer');
});

test('a message taken out of the queue while the other window answered leaves nothing behind: after a Stop here, the next queued message waits for the user', async () => {
  wb.fake.setScenario({ replies: [{ steps: [text('Window A answers once more, slowly, while B changes its mind.')], delayMs: 120, textChunk: 6 }] });
  await sendChat(chatA, 'fourth question from A');
  await sampleUntil(
    chatB,
    () => chatB.locator('.turn').allInnerTexts(),
    (v) => v.some((t) => t.includes('fourth question from A')),
    20_000,
  );
  await chatB.locator('#input').fill('changed my mind');
  await chatB.locator('#input').press('Enter');
  const item = chatB.locator('#queue .queue-item', { hasText: 'changed my mind' });
  await item.waitFor({ timeout: 10_000 });
  await item.getByRole('button', { name: 'Remove from the queue' }).click();
  await sampleUntil(
    chatB,
    () => chatB.locator('.turn').last().innerText(),
    (v) => v.includes('while B changes its mind.'),
    60_000,
  );
  // Now B answers itself, a message waits behind that answer, and B stops it.
  wb.fake.setScenario({ replies: [{ steps: [text('A slow answer in B that will be stopped before it ends, word after word after word.')], delayMs: 150, textChunk: 4 }] });
  await sendChat(chatB, 'a question in B');
  await sampleUntil(
    chatB,
    () => chatB.locator('.turn').last().innerText(),
    (v) => v.includes('A slow'),
    20_000,
  );
  const before = wb.fake.creates().length;
  await chatB.locator('#input').fill('after the stop');
  await chatB.locator('#input').press('Enter');
  await chatB.locator('#queue .queue-item', { hasText: 'after the stop' }).waitFor({ timeout: 10_000 });
  await chatB.locator('#stop').click();
  await sampleUntil(
    chatB,
    () => chatB.locator('.turn').last().innerText(),
    (v) => /Stopped/.test(v),
    20_000,
  );
  // Longer than the follow tick: still nothing sent, the message still waits.
  await b.page.waitForTimeout(3000);
  assert.equal(wb.fake.creates().length, before, 'the queued message waits for the user after a Stop');
  assert.equal(await chatB.locator('#queue .queue-item', { hasText: 'after the stop' }).count(), 1);
});
