/** Restricted Mode (untrusted workspace): chat works, every workspace tool is off, and the panel says why. */
import type { Browser } from 'playwright-core';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Workbench, WorkbenchPage, lastAnswerText, sampleUntil, sendChat, useWorkbench } from './harness';
import { functionCall, text } from '../fake-api/scenario';

let wb: Workbench;
let browser: Browser;

const NOTES = join(mkdtempSync(join(tmpdir(), 'gemini-restricted-mcp-')), 'notes');
const MCP_JSON = JSON.stringify({
  servers: { notesrv: { type: 'stdio', command: process.execPath, args: [join(process.cwd(), 'out/test/mcp-server/notes-server.js')], env: { NOTES_DIR: NOTES } } },
});

useWorkbench(
  { trust: false, git: true, files: { 'secret.txt': 'TOP-SECRET-CONTENT\n', '.env': 'API_KEY=do-not-upload\n', '.vscode/mcp.json': MCP_JSON } },
  {},
  (t) => ({ wb, browser } = t),
);

test('in Restricted Mode chat works, no tool is offered or run, and the reason is visible', async () => {
  const p = await WorkbenchPage.open(browser, wb);
  const chat = await p.openChat();
  const banner = chat.locator('#banner');
  await banner.waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await banner.innerText(), /Restricted Mode: workspace tools \(read, edit, run\) are off/);
  // A plain answer works.
  wb.fake.setScenario({ replies: [{ steps: [text('Chat works in Restricted Mode.')] }] });
  await sendChat(chat, 'hello');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('Chat works'),
  );
  const body = wb.fake.creates()[0]!.body as { tools?: Array<{ type: string }> };
  assert.ok(!(body.tools ?? []).some((t) => t.type === 'function'), 'no function tools are declared');
  // Even if the model calls a tool, nothing runs.
  wb.fake.setScenario({ replies: [{ steps: [functionCall('read_file', { path: 'secret.txt' }, 'fc_r')] }, { steps: [text('No tools here.')] }] });
  await sendChat(chat, 'read secret.txt');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('No tools here.'),
  );
  const input = (wb.fake.creates()[2]!.body as { input: Array<{ type: string; result: unknown; is_error?: boolean }> }).input;
  const r = input.find((s) => s.type === 'function_result')!;
  assert.equal(r.is_error, true);
  assert.match(String(r.result), /No tool named "read_file" is available/);
  assert.doesNotMatch(JSON.stringify(wb.fake.requests.map((x) => x.body)), /TOP-SECRET-CONTENT/);
});

test('in Restricted Mode “Run Task on Remote Agent” is refused, and the folder’s hostile git config never runs', async () => {
  const marker = join(wb.root, 'fsmonitor-ran');
  execFileSync('git', ['config', 'core.fsmonitor', `touch ${marker}; echo`], { cwd: wb.workspace });
  const p = await WorkbenchPage.open(browser, wb);
  wb.fake.reset();
  await p.command('Gemini: Run Task on Remote Agent');
  const note = await p.waitForNotification(/remote agent tasks are off in Restricted Mode/);
  assert.match(note, /Trust this folder first/);
  assert.equal(await p.quickInputVisible(), false, 'no task prompt');
  await p.page.waitForTimeout(1000);
  assert.equal(existsSync(marker), false, 'no git command ran in the untrusted folder');
  assert.deepEqual(
    wb.fake.requests.filter((r) => /environments|interactions/.test(r.path)).map((r) => `${r.method} ${r.path}`),
    [],
    'nothing was created or uploaded',
  );
  // The chat's run-remote button takes the same path.
  const chat = await p.openChat();
  await chat.locator('#input').fill('do it remotely');
  await chat.locator('#send-mode').selectOption('remote');
  await chat.locator('#send').click();
  await p.waitForNotification(/remote agent tasks are off in Restricted Mode/);
  assert.equal(existsSync(marker), false);
  assert.doesNotMatch(JSON.stringify(wb.fake.requests.map((x) => x.body)), /do-not-upload/);
});

test('in Restricted Mode no MCP server is started or offered, and no remote MCP server can be added; the reason is shown', async () => {
  const p = await WorkbenchPage.open(browser, wb);
  await p.command('Gemini: Choose Tools…');
  const note = await p.waitForNotification(/Restricted Mode: MCP servers, tools of other extensions and remote MCP servers are off/);
  assert.ok(note);
  assert.equal(await p.quickInputVisible(), false, 'no picker');
  await p.command('Gemini: Add Remote MCP Server…');
  await p.waitForNotification(/Restricted Mode: MCP servers/);
  assert.equal(await p.quickInputVisible(), false, 'no input box');
  await p.page.waitForTimeout(1000);
  // The server creates its notes folder as soon as it starts: it never did.
  assert.equal(existsSync(NOTES), false, 'the workspace’s MCP server was never started');
});
