/**
 * Several conversations at once: the sidebar's and one in an editor tab stream at the same time,
 * each gets exactly its own answer, and a window reload in the middle resumes both (no second create).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { type Workbench, WorkbenchPage, lastAnswerText, sampleUntil, sendChat, toolCallReply, useWorkbench, waitForTurnState } from './harness';
import { text } from '../fake-api/scenario';
import { textReply } from '../fake-api/library';

let wb: Workbench;
let p: WorkbenchPage;
let chat: Frame;

useWorkbench({ files: { 'src/app.ts': 'export const answer = 42;\n' } }, { chat: true }, (t) => ({ wb, p, chat } = t));

const story = (who: string) => Array.from({ length: 40 }, (_, k) => `${who} sentence ${k + 1}.`).join(' ');

async function openTab(besides: Frame[] = []): Promise<Frame> {
  await p.command('Gemini: New Chat in Editor Tab');
  const f = await p.findChatTabFrame(30_000, besides);
  if (!f) throw new Error('the chat tab did not appear');
  return f;
}

test('two conversations stream at once, the sidebar’s and a tab’s, each with its own answer; a reload mid-answer resumes both without a second create', async () => {
  wb.fake.reset();
  const alpha = story('Alpha');
  const bravo = story('Bravo');
  wb.fake.setScenario({
    replies: [
      { ...textReply(alpha), whenInputIncludes: 'ALPHA-Q', delayMs: 60, textChunk: 10 },
      { ...textReply(bravo), whenInputIncludes: 'BRAVO-Q', delayMs: 60, textChunk: 10 },
    ],
  });
  const tab = await openTab();
  chat = await p.openChat();
  await tab.locator('#input').fill('BRAVO-Q: write the bravo story');
  await tab.locator('#input').press('Enter');
  await chat.locator('#input').fill('ALPHA-Q: write the alpha story');
  await chat.locator('#input').press('Enter');
  // Both are answering at the same moment.
  const both = (side: Frame, inTab: Frame) => async () => [await lastAnswerText(side), await lastAnswerText(inTab)] as const;
  const seen = await sampleUntil(chat, both(chat, tab), ([a, b]) => a.length > 60 && b.length > 60, 30_000);
  const [a, b] = seen.at(-1)!;
  assert.ok(a.length < alpha.length && b.length < bravo.length, 'both were still streaming when both had text');
  assert.ok(a.startsWith('Alpha sentence 1.') && !a.includes('Bravo'), `the sidebar shows its own answer: ${a.slice(0, 80)}`);
  assert.ok(b.startsWith('Bravo sentence 1.') && !b.includes('Alpha'), `the tab shows its own answer: ${b.slice(0, 80)}`);
  assert.equal(wb.fake.creates().length, 2);
  // The tab is named after its conversation.
  await p.page.locator('.tab', { hasText: 'BRAVO-Q' }).first().waitFor({ timeout: 10_000 });

  // A reload while both answer: VS Code restores the tab, and each conversation continues where it was.
  await p.reloadWindow();
  const tab2 = await p.findChatTabFrame(60_000);
  assert.ok(tab2, 'the chat tab came back after the reload');
  chat = await p.openChat();
  await sampleUntil(chat, both(chat, tab2), ([x, y]) => x.trim() === alpha && y.trim() === bravo, 40_000).catch(async (err: Error) => {
    throw new Error(`${err.message}: sidebar “${(await lastAnswerText(chat)).slice(-60)}”, tab “${(await lastAnswerText(tab2)).slice(-60)}”`);
  });
  await waitForTurnState(chat, (f) => /Tokens:/.test(f), 10_000);
  await waitForTurnState(tab2, (f) => /Tokens:/.test(f), 10_000);
  assert.equal(wb.fake.creates().length, 2, 'followed again, never created twice');
  assert.match(await tab2.locator('.user-text').last().innerText(), /BRAVO-Q/);
  assert.match(await chat.locator('.user-text').last().innerText(), /ALPHA-Q/);
  tabFrame = tab2;
});

let tabFrame: Frame;

async function sessionRows(): Promise<string[]> {
  return p.page.locator('.monaco-list-row[aria-label*=" · "]').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
}

test('an approval waiting in a conversation that is not on screen: a notification, a count in the status bar, an announcement in the chat on screen; the sessions view says which one', async () => {
  wb.fake.reset();
  let release!: () => void;
  const hold = new Promise<void>((r) => (release = r));
  wb.fake.setScenario({
    replies: [{ ...toolCallReply('run_command', { command: 'tail -f README.md', timeout_seconds: 2 }, 'fc_tail'), hold }, { steps: [text('It timed out.')] }],
  });
  // The sidebar's conversation goes on (it keeps the title of its first message).
  await sendChat(chat, 'Watch the readme');
  // The sidebar's conversation goes off screen; the tab's stays in view.
  await p.command('View: Show Explorer');
  await p.page.locator('.tab', { hasText: 'BRAVO-Q' }).first().click();
  await tabFrame.waitForFunction(() => document.visibilityState === 'visible');
  release();
  await p.waitForNotification(/Gemini: “ALPHA-Q: write the alpha story” waits for your approval\./);
  const bar = p.page.locator('.statusbar a.statusbar-item-label[aria-label="Gemini: 1 conversation(s) need you"]');
  await bar.waitFor({ timeout: 10_000 });
  await tabFrame.waitForFunction(() => /“ALPHA-Q: write the alpha story” waits for your approval/.test(document.getElementById('announce')?.textContent ?? ''), undefined, {
    timeout: 10_000,
  });
  // The status bar opens the conversation that needs the user; its approval is there.
  await bar.click();
  chat = (await p.findChatFrame(20_000))!;
  const approval = chat.locator('.tool-approval');
  await approval.waitFor({ state: 'visible', timeout: 15_000 });
  await bar.waitFor({ state: 'hidden', timeout: 10_000 });
  // The sessions view lists both conversations with their state.
  await p.command('Gemini: Focus on Sessions View');
  const rows = async () => (await sessionRows()).join('\n');
  await sampleUntil(
    chat,
    rows,
    (r) => /ALPHA-Q: write the alpha story, waiting for your approval · sidebar/.test(r) && /BRAVO-Q.*, done · editor tab · \d+ tokens/.test(r),
    15_000,
  );
  await approval.locator('button', { hasText: 'Run' }).click();
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('timed out'),
    30_000,
  );
  await sampleUntil(chat, rows, (r) => /ALPHA-Q: write the alpha story, done · sidebar/.test(r), 15_000);
});
