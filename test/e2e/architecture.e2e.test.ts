/**
 * One webview host for the chat and the run tabs: every run-tab button does what it does in the
 * chat; composer picks belong to the window's conversation (never another window's); a tool call's
 * reason, duration and output are part of the turn and survive a reload.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { lastAnswerText, sampleUntil, sendChat, settledFile, toolCallReply, useWorkbench, waitForFunctionResult, WorkbenchPage, type Workbench } from './harness';
import { text } from '../fake-api/scenario';
import type { Browser } from 'playwright-core';

/** A code block's action, as a user reaches it: the shared toolbar joins the block under the pointer. */
async function codeAction(frame: import('playwright-core').Frame, act: 'copy' | 'insert' | 'newFile'): Promise<void> {
  await frame.locator('.code-block').first().hover();
  await frame.locator(`.code-block button[data-act="${act}"]`).first().click();
}

const DEMO_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
let wb: Workbench;
let p: WorkbenchPage;
let browser: Browser;
let chat: Frame;

useWorkbench({ files: { 'src/app.ts': 'export const answer = 42;\n', 'README.md': '# Arch\n' } }, { chat: true }, (t) => ({ wb, p, browser, chat } = t));

async function runFrame(task: string): Promise<Frame> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    for (const f of p.page.frames()) {
      try {
        if (
          await f.evaluate(
            (t) =>
              document.body?.dataset.ready === 'true' &&
              document.body.classList.contains('run-mode') &&
              !!Array.from(document.querySelectorAll('.user-text')).find((u) => (u.textContent ?? '').includes(t)),
            task,
          )
        )
          return f;
      } catch {
        /* detached */
      }
    }
    await p.page.waitForTimeout(200);
  }
  throw new Error(`no run panel for ${task}`);
}

test('every run-tab button does what the same button does in the chat', async () => {
  wb.fake.reset();
  wb.fake.setScenario({
    replies: [
      {
        steps: [
          {
            type: 'model_output',
            content: [
              { type: 'text', text: 'Done. Use:\n\n```ts\nexport const fromAgent = "agent code";\n```\n' },
              { type: 'image', mime_type: 'image/png', data: DEMO_PNG },
            ],
          },
        ],
        delayMs: 50,
      },
    ],
  });
  await p.openFile('src/app.ts');
  await p.command('Gemini: Run Task on Remote Agent');
  await p.answerQuickInput('Write a snippet');
  await p.answerQuickInput('', { pickRow: 'antigravity-preview-05-2026' });
  await p.answerQuickInput('No files', { pickRow: 'No files' });
  await p.answerQuickInput('', { pickRow: 'Start the run' });
  const run = await runFrame('Write a snippet');
  await run.locator('#run-header', { hasText: 'completed' }).waitFor({ timeout: 30_000 });
  await run.locator('.code-block').first().waitFor();
  // Copy: the same toast as the chat.
  await codeAction(run, 'copy');
  await run.locator('#toast', { hasText: 'Copied to the clipboard.' }).waitFor({ timeout: 10_000 });
  // Insert at the cursor of the editor the run tab covers (it comes back, as in the chat).
  await codeAction(run, 'insert');
  await sampleUntil(
    run,
    () => p.editorText(),
    (t) => t.includes('agent code'),
    15_000,
  );
  const backToRun = async () => {
    await p.page.locator('.tab', { hasText: 'Agent: Write a snippet' }).first().click();
    return runFrame('Write a snippet');
  };
  // Save as a new file.
  await codeAction(await backToRun(), 'newFile');
  await p.page.locator('.tab', { hasText: 'Untitled' }).first().waitFor({ timeout: 10_000 });
  // Image: open and save to the workspace.
  await (await backToRun()).locator('.image-content button', { hasText: 'Open' }).click();
  await p.page.locator('.tab', { hasText: /\.png/ }).first().waitFor({ timeout: 10_000 });
  await (await backToRun()).locator('.image-content button', { hasText: 'Save to workspace' }).click();
  const target = join(wb.workspace, 'from-run.png');
  await p.saveAs(target);
  assert.deepEqual(await settledFile(target), Buffer.from(DEMO_PNG, 'base64'));
  // Edit and resend the (finished) task.
  wb.fake.setScenario({ replies: [{ steps: [text('Edited run answer.')], delayMs: 50 }] });
  const again = await backToRun();
  await again.locator('.edit-btn').click();
  await again.locator('#input').fill('Write a better snippet');
  await again.locator('#input').press('Enter');
  await again.locator('.turn', { hasText: 'Edited run answer.' }).waitFor({ timeout: 20_000 });
  const last = wb.fake.creates().at(-1)!.body as { input: Array<{ type: string; text?: string }>; agent?: string };
  assert.equal(last.agent, 'antigravity-preview-05-2026');
  assert.ok(JSON.stringify(last.input).includes('Write a better snippet'));
  // A chat-only control is declined with a word, not silently dropped.
  const host = again.parentFrame()!;
  await host.evaluate(() => (window as unknown as Record<string, (c: string, d: unknown) => void>).__vscode_post_message__!('onmessage', { message: { type: 'newChat' } }));
  await again.locator('#toast', { hasText: 'chat control' }).waitFor({ timeout: 10_000 });
  await p.command('View: Close All Editors');
  for (let k = 0; k < 4; k++) {
    const dont = p.page.locator('.monaco-dialog-box .monaco-button', { hasText: "Don't Save" });
    if (!(await dont.isVisible({ timeout: 1500 }).catch(() => false))) break;
    await dont.click();
  }
});

test('a model picked in one window does not change another window’s pick', async () => {
  wb.fake.reset();
  const second = await WorkbenchPage.open(browser, wb, await browser.newContext({ viewport: { width: 1400, height: 900 } }));
  const chat2 = await second.openChat();
  await chat.locator('#model').selectOption('gemini-3.1-pro-preview');
  await chat.waitForFunction(() => (document.getElementById('model') as HTMLSelectElement).value === 'gemini-3.1-pro-preview');
  await second.page.waitForTimeout(1000);
  assert.equal(await chat2.locator('#model').inputValue(), 'gemini-3.5-flash', 'the other window keeps its pick');
  await sendChat(chat2, 'from window two');
  await sampleUntil(
    chat2,
    () => lastAnswerText(chat2),
    (v) => v.includes('from window two'),
    20_000,
  );
  await sendChat(chat, 'from window one');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('from window one'),
    20_000,
  );
  const models = wb.fake.creates().map((r) => [(r.body as { model?: string }).model, JSON.stringify((r.body as { input?: unknown }).input).includes('window one') ? 1 : 2]);
  assert.deepEqual(models, [
    ['gemini-3.5-flash', 2],
    ['gemini-3.1-pro-preview', 1],
  ]);
  assert.equal(JSON.parse(readFileSync(join(wb.userDataDir, 'User', 'settings.json'), 'utf8'))['gemini.model'], undefined, 'the pick is not written to the user settings');
  await second.context.close();
});

test('a reload keeps each tool call’s reason, duration and output', async () => {
  wb.fake.reset();
  await p.command('Gemini: Focus Chat');
  chat = await p.openChat();
  await chat.locator('#new-chat').click();
  wb.fake.setScenario({ replies: [toolCallReply('run_command', { command: 'echo kept-after-reload && ls src' }, 'fc_keep'), { steps: [text('Listed.')] }] });
  await sendChat(chat, 'List the sources');
  await waitForFunctionResult(wb, p.page, 'fc_keep');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('Listed.'),
    20_000,
  );
  const read = async (f: Frame) => {
    const call = f.locator('.tool-call', { hasText: 'run_command' }).last();
    return {
      reason: await call.locator('.tool-reason').innerText(),
      status: await call.locator('.tool-status').innerText(),
      output: await call.locator('.tool-output').innerText(),
    };
  };
  const before = await read(chat);
  assert.match(before.reason, /Ran in the sandbox without asking/);
  assert.match(before.status, /^Done · \d+\.\d s$/);
  assert.match(before.output, /kept-after-reload\napp\.ts/);
  await p.reload();
  chat = await p.openChat();
  await chat.locator('.tool-call', { hasText: 'run_command' }).last().waitFor({ timeout: 20_000 });
  assert.deepEqual(await read(chat), before);
});
