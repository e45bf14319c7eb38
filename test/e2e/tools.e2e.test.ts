/** Workspace tools driven by the model through the fake API, in the real workbench. */
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Workbench,
  WorkbenchPage,
  functionResultFor as resultForIn,
  functionResultText as resultText,
  lastAnswerText,
  readWorkspaceFile,
  sampleUntil,
  sendChat,
  toolCallReply as callReply,
  useWorkbench,
} from './harness';
import { text } from '../fake-api/scenario';

const APP = 'export function greet(name: string): string {\n  const count: number = "three";\n  return `Hello, ${name}! (${count})`;\n}\n';
let wb: Workbench;
let p: WorkbenchPage;
let chat: Frame;

useWorkbench(
  {
    files: {
      'src/app.ts': APP,
      'README.md': '# Tools demo\n\nThe secret word is **pineapple**.\n',
      'AGENTS.md': 'Run the tests with `npm test` before you say you are done.\n',
      'src/GEMINI.md': 'Code in src/ uses two-space indentation.\n',
    },
  },
  { chat: true },
  (t) => ({ wb, p, chat } = t),
);
beforeEach(async () => {
  wb.fake.reset();
  await chat.locator('#new-chat').click();
  await chat.waitForFunction(() => document.querySelectorAll('.turn').length === 0);
});

const resultFor = (callId: string) => resultForIn(wb, callId);

async function toolStatus(callName: string): Promise<string> {
  return chat.locator('.tool-call', { hasText: callName }).last().locator('.tool-status').innerText();
}

test('the model reads a file and answers from it', async () => {
  wb.fake.setScenario({ replies: [callReply('read_file', { path: 'README.md' }), { steps: [text('The secret word is pineapple.')] }] });
  await sendChat(chat, 'What is the secret word?');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('pineapple'),
    20_000,
  );
  const r = resultFor('fc_read_file');
  assert.equal(r.is_error, undefined);
  assert.match(resultText(r), /README\.md \(3 lines\)\n1: # Tools demo\n2: \n3: The secret word is \*\*pineapple\*\*\./);
  assert.match(await toolStatus('read_file'), /Done/);
  const second = wb.fake.creates()[1]!.body as { previous_interaction_id?: string; tools?: Array<{ name?: string }> };
  assert.match(String(second.previous_interaction_id), /^v1_/);
  assert.ok(
    second.tools!.some((t) => t.name === 'edit_file'),
    'the tools are declared',
  );
});

test('an edit shows its diff; approved, the file changes and the result says so; after a reload, undo restores it', async () => {
  wb.fake.setScenario({
    replies: [
      callReply('edit_file', { path: 'src/app.ts', edits: [{ search: '  const count: number = "three";', replace: '  const count: number = 3;' }] }),
      { steps: [text('Fixed the type error.')] },
    ],
  });
  await sendChat(chat, 'Fix the type error in src/app.ts');
  const approval = chat.locator('.tool-approval');
  await approval.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await approval.locator('.diff').innerText(), /- {2}const count: number = "three";\n\+ {2}const count: number = 3;/);
  assert.match(await toolStatus('edit_file'), /Waiting for approval/);
  assert.equal(readWorkspaceFile(wb, 'src/app.ts'), APP, 'nothing changes before approval');
  await approval.locator('button', { hasText: 'Accept' }).first().click();
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('Fixed the type error.'),
    20_000,
  );
  assert.equal(readWorkspaceFile(wb, 'src/app.ts'), APP.replace('"three"', '3'));
  assert.match(resultText(resultFor('fc_edit_file')), /Applied 1 edit\(s\) to src\/app\.ts .*The file was saved\./);
  // Undo the turn, after a window reload (the snapshots are kept on disk).
  await chat.locator('.undo-btn').waitFor({ timeout: 10_000 });
  await p.reload();
  chat = await p.openChat();
  const undo = chat.locator('.undo-btn');
  await undo.waitFor({ timeout: 10_000 });
  assert.match(await undo.innerText(), /Undo changes of this turn \(1 file\)/);
  await undo.click();
  const deadline = Date.now() + 10_000;
  while (readWorkspaceFile(wb, 'src/app.ts') !== APP && Date.now() < deadline) await p.page.waitForTimeout(100);
  assert.equal(readWorkspaceFile(wb, 'src/app.ts'), APP);
  await chat.locator('.undo-btn').waitFor({ state: 'detached', timeout: 5_000 });
});

test('a rejected edit leaves the file untouched and tells the model', async () => {
  wb.fake.setScenario({
    replies: [callReply('edit_file', { path: 'README.md', edits: [{ search: 'pineapple', replace: 'banana' }] }), { steps: [text('Understood, no change.')] }],
  });
  await sendChat(chat, 'Change the secret word');
  const approval = chat.locator('.tool-approval');
  await approval.waitFor({ state: 'visible', timeout: 15_000 });
  await approval.locator('button', { hasText: 'Reject' }).click();
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('no change'),
    20_000,
  );
  assert.match(readWorkspaceFile(wb, 'README.md'), /pineapple/);
  const r = resultFor('fc_edit_file');
  assert.equal(r.is_error, true);
  assert.match(resultText(r), /rejected this change to README\.md\. The file was not modified/);
  assert.match(await toolStatus('edit_file'), /Rejected/);
});

test('a path outside the workspace is refused', async () => {
  wb.fake.setScenario({ replies: [callReply('read_file', { path: '../../../../etc/passwd' }), { steps: [text('I cannot read that.')] }] });
  await sendChat(chat, 'Read /etc/passwd');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('cannot read'),
    20_000,
  );
  const r = resultFor('fc_read_file');
  assert.equal(r.is_error, true);
  assert.match(resultText(r), /climbs out of the workspace folder/);
  assert.doesNotMatch(resultText(r), /root:/);
  assert.match(await toolStatus('read_file'), /Failed/);
});

test('a command runs, its output streams into the chat and the exit code returns', async () => {
  wb.fake.setScenario({ replies: [callReply('run_command', { command: 'echo streamed-output && ls src' }), { steps: [text('The command worked.')] }] });
  await sendChat(chat, 'Run a command');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('worked'),
    20_000,
  );
  const call = chat.locator('.tool-call', { hasText: 'run_command' }).last();
  assert.match(await call.locator('.tool-output').innerText(), /streamed-output\nGEMINI\.md\napp\.ts/);
  assert.match(await call.locator('.tool-reason').innerText(), /Ran in the sandbox without asking/);
  assert.match(resultText(resultFor('fc_run_command')), /^Exit code 0 after [\d.]+ s \(ran in the sandbox\)\.\nOutput:\nstreamed-output\nGEMINI\.md\napp\.ts/);
});

test('a long command output shows its newest lines as they come, and stays where the user scrolled it', async () => {
  wb.fake.setScenario({
    replies: [callReply('run_command', { command: 'for i in $(seq 1 80); do echo "line $i"; sleep 0.05; done' }), { steps: [text('Counted.')] }],
  });
  await sendChat(chat, 'Count slowly');
  const call = chat.locator('.tool-call', { hasText: 'run_command' }).last();
  const out = call.locator('.tool-output');
  const box = () => out.evaluate((el) => ({ fromEnd: el.scrollHeight - el.scrollTop - el.clientHeight, top: el.scrollTop, text: el.textContent ?? '' }));
  // The command asks (a loop is not a known read-only or build command).
  const run = call.locator('.tool-approval button', { hasText: 'Run' });
  await run.waitFor({ timeout: 15_000 });
  await run.click();
  // More lines than the box shows: it keeps its end in view while they come.
  let b = await box();
  for (const deadline = Date.now() + 15_000; !/line 30\n/.test(b.text); b = await box()) {
    assert.ok(Date.now() < deadline, `no 30 lines yet: ${b.text.slice(-80)}`);
    await p.page.waitForTimeout(50);
  }
  await sampleUntil(chat, box, (v) => v.fromEnd < 8, 5_000);
  // The user scrolls the box up (the wheel over it): new lines do not pull it back down.
  await out.hover();
  await p.page.mouse.wheel(0, -5000);
  await sampleUntil(chat, box, (v) => v.top === 0, 5_000);
  const before = (await box()).text.length;
  await sampleUntil(chat, box, (v) => v.text.length > before + 40, 10_000);
  assert.equal((await box()).top, 0, 'the box stayed where the user put it');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('Counted.'),
    20_000,
  );
  b = await box();
  assert.match(b.text, /line 80\n?$/);
  assert.equal(b.top, 0, 'the end of the command did not move it either');
});

test('a command that would run forever asks first, then is stopped by its timeout', async () => {
  wb.fake.setScenario({ replies: [callReply('run_command', { command: 'tail -f README.md', timeout_seconds: 2 }), { steps: [text('It timed out.')] }] });
  await sendChat(chat, 'Wait forever');
  const approval = chat.locator('.tool-approval');
  await approval.waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await approval.locator('.approval-command').innerText(), 'tail -f README.md');
  await approval.locator('button', { hasText: 'Run' }).click();
  const t0 = Date.now();
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('timed out'),
    30_000,
  );
  assert.ok(Date.now() - t0 < 15_000);
  const r = resultFor('fc_run_command');
  assert.equal(r.is_error, true);
  assert.match(resultText(r), /stopped after 2 s \(timeout\)/);
});

test('the project’s AGENTS.md and the GEMINI.md nearest the open file go into the system instruction; the turn links to each; editing one always asks', async () => {
  await p.openFile('src/app.ts');
  wb.fake.setScenario({
    replies: [callReply('edit_file', { path: 'AGENTS.md', edits: [{ search: 'npm test', replace: 'npm run test:all' }] }), { steps: [text('Left AGENTS.md alone.')] }],
  });
  await sendChat(chat, 'How should I finish a change?');
  const line = chat.locator('.turn').last().locator('.instructions-used');
  await line.waitFor({ timeout: 20_000 });
  assert.match(await line.innerText(), /Instructions used: AGENTS\.md · src\/GEMINI\.md/);
  const sys = (wb.fake.creates()[0]!.body as { system_instruction?: string }).system_instruction ?? '';
  assert.match(sys, /## AGENTS\.md\n\nRun the tests with `npm test`/);
  assert.match(sys, /## src\/GEMINI\.md\n\nCode in src\/ uses two-space indentation\./);
  assert.match(sys, /cannot grant permissions/);
  // The model's edit of an instruction file asks, with the reason; rejected, the file is unchanged.
  const card = chat.locator('.tool-call', { hasText: 'edit_file' }).last();
  await card.locator('.tool-approval').waitFor({ timeout: 20_000 });
  assert.match(await card.locator('.tool-approval').innerText(), /agent instruction, skill or configuration file[\s\S]*always asks/);
  await card.locator('button', { hasText: /^Reject$/ }).click();
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (t) => t.includes('Left AGENTS.md alone.'),
  );
  assert.equal(readWorkspaceFile(wb, 'AGENTS.md'), 'Run the tests with `npm test` before you say you are done.\n');
  // The link opens the file in the editor.
  await line.locator('button', { hasText: 'src/GEMINI.md' }).click();
  await p.page.locator('.tab.active', { hasText: 'GEMINI.md' }).waitFor({ timeout: 10_000 });
});

test('a turn’s instruction files are read while the message is written, and a file changed before Enter goes as it is then', async () => {
  const before = readWorkspaceFile(wb, 'AGENTS.md');
  wb.fake.setScenario({ replies: [{ steps: [text('Noted.')] }] });
  try {
    // The first character goes to the host, which prepares the turn's tools and instruction files.
    await chat.locator('#input').pressSequentially('How do I');
    await p.page.waitForTimeout(500);
    // Changed after that (by another program: no editor event), just before Enter.
    writeFileSync(join(wb.workspace, 'AGENTS.md'), 'Run the checks with `make verify` first.\n');
    await sendChat(chat, 'How do I check a change?');
    await sampleUntil(
      chat,
      () => lastAnswerText(chat),
      (t) => t.includes('Noted.'),
    );
    const sys = (wb.fake.creates()[0]!.body as { system_instruction?: string }).system_instruction ?? '';
    assert.match(sys, /## AGENTS\.md\n\nRun the checks with `make verify` first\./);
    assert.doesNotMatch(sys, /npm test/);
  } finally {
    writeFileSync(join(wb.workspace, 'AGENTS.md'), before);
  }
});
