/**
 * MCP in the real workbench: a real stdio MCP server (written with @modelcontextprotocol/sdk) in
 * the workspace's .vscode/mcp.json, started by VS Code, its tools picked in "Gemini: Choose
 * Tools" and called by the model through vscode.lm.invokeTool; and a remote MCP server that the
 * (fake) Gemini API calls itself, configured by the user with a header secret.
 */
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import {
  type Workbench,
  WorkbenchPage,
  functionResultText,
  lastAnswerText,
  sampleUntil,
  sendChat,
  toolCallReply,
  useWorkbench,
  waitForFunctionResult,
  modalDialog,
  filesUnder,
} from './harness';
import { functionCall, mcpCall, mcpResult, text, type Json } from '../fake-api/scenario';

const SERVER = join(process.cwd(), 'out/test/mcp-server/notes-server.js');
const NOTES = mkdtempSync(join(tmpdir(), 'gemini-mcp-notes-'));
const SECRET = 'Bearer sk-remote-HEADER-SECRET-4711';

let wb: Workbench;
let p: WorkbenchPage;
let chat: Frame;

useWorkbench(
  {
    files: {
      'README.md': '# MCP demo\n',
      '.vscode/mcp.json': JSON.stringify({
        servers: {
          notesrv: { type: 'stdio', command: process.execPath, args: [SERVER], env: { NOTES_DIR: NOTES } },
          // A server that fails to start: the others still work, and the user is told.
          broken: { type: 'stdio', command: process.execPath, args: ['-e', 'process.stderr.write("cannot start"); process.exit(3)'] },
        },
      }),
    },
    settings: {
      // The user's own allow list (user settings): these run without our ask.
      'gemini.tools.external.allow': ['mcp_notes_hang_forever', 'mcp_notes_huge_result', 'mcp_notes_draw_dot', 'mcp_notes_fail_always'],
      'gemini.tools.external.timeoutSeconds': 3,
    },
  },
  { chat: true },
  (t) => ({ wb, p, chat } = t),
);

let picked = false;
beforeEach(async () => {
  if (!picked) {
    // The user picks the notes server's tools for this workspace (VS Code starts the server to list them).
    picked = true;
    await p.command('Gemini: Choose Tools…');
    // The picker names the server as mcp.json does (`notesrv`), not by the name the server reports.
    const row = p.page.locator('.quick-input-list .monaco-list-row', { hasText: 'mcp_notes_lookup_word' }).first();
    await row.waitFor({ timeout: 30_000 });
    assert.match(await row.innerText(), /MCP server notesrv/);
    await pickMany([
      'mcp_notes_lookup_word',
      'mcp_notes_write_note',
      'mcp_notes_draw_dot',
      'mcp_notes_odd_schema',
      'mcp_notes_hang_forever',
      'mcp_notes_huge_result',
      'mcp_notes_fail_always',
    ]);
    await chat.waitForFunction(() => document.getElementById('tools-count')?.textContent === '7', undefined, { timeout: 10_000 });
  }
  wb.fake.reset();
  await chat.locator('#new-chat').click();
  await chat.waitForFunction(() => document.querySelectorAll('.turn').length === 0);
});

function calls(): Array<{ name: string; args: Json }> {
  const f = join(NOTES, 'calls.log');
  return existsSync(f)
    ? readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { name: string; args: Json })
    : [];
}

/** Check the rows of a multi-select quick pick whose text includes each label, then accept. */
async function pickMany(labels: string[]): Promise<void> {
  const rows = p.page.locator('.quick-input-list .monaco-list-row');
  for (const label of labels) {
    const row = rows.filter({ hasText: label }).first();
    await row.waitFor({ timeout: 30_000 });
    const box = row.locator('input[type=checkbox], .monaco-checkbox').first();
    await box.click();
    await p.page.waitForFunction(
      (l) =>
        Array.from(document.querySelectorAll('.quick-input-list .monaco-list-row')).some(
          (r) => (r as HTMLElement).innerText.includes(l) && (r.querySelector('input[type=checkbox]') as HTMLInputElement | null)?.checked !== false,
        ),
      label,
    );
  }
  await p.page.locator('.quick-input-widget input').first().press('Enter');
  await p.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

function firstRequestTools(): Json[] {
  return ((wb.fake.creates()[0]?.body as { tools?: Json[] } | undefined)?.tools ?? []) as Json[];
}

test('a picked MCP tool is offered, asks in the chat, runs in the real MCP server; its result reaches the model and the chat shows both', async () => {
  wb.fake.setScenario({ replies: [toolCallReply('mcp_notes_lookup_word', { word: 'zed' }, 'fc_look'), { steps: [text('The glossary says zed is a small fast parser.')] }] });
  await sendChat(chat, 'What does zed mean in our glossary?');
  // Our approval, in the tool's card, names the tool, its server and the arguments.
  const card = chat.locator('.tool-call', { hasText: 'mcp_notes_lookup_word' }).last();
  await card.locator('.tool-approval').waitFor({ timeout: 20_000 });
  const ask = await card.locator('.tool-approval').innerText();
  // The server under the name the user gave it in mcp.json (`notesrv`), not the name it reports (`notes`).
  assert.match(ask, /Let Gemini call mcp_notes_lookup_word \(MCP server notesrv\)\?/);
  assert.match(ask, /"word": "zed"/);
  assert.equal(calls().filter((c) => c.name === 'lookup_word').length, 0, 'nothing ran before the approval');
  await card.locator('button', { hasText: /^Allow$/ }).click();
  const result = await waitForFunctionResult(wb, p.page, 'fc_look');
  assert.match(functionResultText(result), /GLOSSARY: "zed" means a small fast parser \(from the notes server\)/);
  assert.deepEqual(
    calls()
      .filter((c) => c.name === 'lookup_word')
      .map((c) => c.args),
    [{ word: 'zed' }],
  );
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (t) => t.includes('small fast parser'),
  );
  assert.match(await card.locator('.tool-status').innerText(), /done/i);
  assert.match((await card.textContent()) ?? '', /Result[\s\S]*GLOSSARY/);

  // The request offered the picked tools as function declarations; odd_schema was converted for Gemini.
  const tools = firstRequestTools();
  const names = tools.filter((t) => t.type === 'function').map((t) => t.name as string);
  for (const n of ['read_file', 'mcp_notes_lookup_word', 'mcp_notes_write_note', 'mcp_notes_odd_schema']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
  const odd = tools.find((t) => t.name === 'mcp_notes_odd_schema')!.parameters as Json;
  assert.deepEqual((odd.properties as Json).label, { type: 'string', nullable: true });
  assert.deepEqual((odd.properties as Json).level, { type: 'integer', description: '(one of: 1, 2, 3)' });
  assert.ok(!JSON.stringify(odd).includes('$ref') && !JSON.stringify(odd).includes('additionalProperties'));
});

test('a non-read-only MCP tool shows VS Code’s own confirmation; cancelled there, it does nothing and the model is told', async () => {
  wb.fake.setScenario({
    replies: [toolCallReply('mcp_notes_write_note', { title: 'cancelled', body: 'must not be written' }, 'fc_write'), { steps: [text('Understood, no note.')] }],
  });
  await sendChat(chat, 'Write a note.');
  const card = chat.locator('.tool-call', { hasText: 'mcp_notes_write_note' }).last();
  await card.locator('.tool-approval').waitFor({ timeout: 20_000 });
  await card.locator('button', { hasText: /^Allow$/ }).click();
  // VS Code asks too (the tool is not marked read-only): Cancel there.
  const dialog = await modalDialog(p);
  assert.match(dialog.text, /write_note|Write a note/i);
  await dialog.click('Cancel');
  const result = await waitForFunctionResult(wb, p.page, 'fc_write');
  assert.equal(result.is_error, true);
  assert.match(functionResultText(result), /cancelled in VS Code/);
  assert.equal(existsSync(join(NOTES, 'cancelled.txt')), false);
  assert.equal(calls().filter((c) => c.name === 'write_note').length, 0, 'the server was never called');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (t) => t.includes('no note'),
  );
  assert.match((await card.textContent()) ?? '', /cancelled in VS Code/);
});

test('bad input from tools: a hang is cut at the deadline, a huge result is capped with a mark, an error and an image come back; the turn goes on', async () => {
  wb.fake.setScenario({
    replies: [
      {
        steps: [
          { type: 'thought', signature: 'sig-many', summary: [{ type: 'text', text: 'Trying the tools.' }] },
          functionCall('mcp_notes_hang_forever', {}, 'fc_hang'),
          functionCall('mcp_notes_huge_result', {}, 'fc_huge'),
          functionCall('mcp_notes_fail_always', { why: 'testing' }, 'fc_fail'),
          functionCall('mcp_notes_draw_dot', {}, 'fc_dot'),
          functionCall('mcp_notes_lookup_word', { word: 42 }, 'fc_badargs'),
        ],
      },
      { steps: [text('All tool results are in.')] },
    ],
  });
  const t0 = Date.now();
  await sendChat(chat, 'Try every tool.');
  // Past its deadline the call is not cancelled behind the user's back (VS Code may be asking
  // them): the card asks; the user cancels it.
  const hangCard = chat.locator('.tool-call', { hasText: 'mcp_notes_hang_forever' }).last();
  await hangCard.locator('.tool-approval', { hasText: 'has not answered for 3 s' }).waitFor({ timeout: 20_000 });
  await hangCard.locator('button', { hasText: 'Cancel the call' }).click();
  const hang = await waitForFunctionResult(wb, p.page, 'fc_hang', 40_000);
  assert.equal(hang.is_error, true);
  assert.match(functionResultText(hang), /did not answer within 3 s and the user cancelled it/);
  const huge = await waitForFunctionResult(wb, p.page, 'fc_huge');
  const hugeText = functionResultText(huge);
  assert.ok(hugeText.length < 110 * 1024, `capped: ${hugeText.length}`);
  assert.match(hugeText, /^HUGE-START x+/);
  assert.match(hugeText, /more characters cut: the result was 2000020 characters/);
  const fail = await waitForFunctionResult(wb, p.page, 'fc_fail');
  assert.match(functionResultText(fail), /NOTES ERROR: cannot do that \(testing\)/);
  const dot = (await waitForFunctionResult(wb, p.page, 'fc_dot')) as unknown as { result: Json[] };
  assert.deepEqual(
    dot.result.map((c) => c.type),
    ['text', 'image'],
  );
  assert.equal(dot.result[1]!.mime_type, 'image/png');
  const bad = await waitForFunctionResult(wb, p.page, 'fc_badargs');
  assert.equal(bad.is_error, true);
  assert.match(functionResultText(bad), /"word" must be a string/);
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (t) => t.includes('All tool results are in.'),
    30_000,
  );
  assert.ok(Date.now() - t0 < 30_000);
  const cards = await chat.locator('.tool-call').allTextContents();
  assert.ok(
    cards.some((c) => /mcp_notes_hang_forever[\s\S]*did not answer within 3 s and the user cancelled it/.test(c)),
    cards.join('\n---\n'),
  );
  assert.ok(
    cards.some((c) => /mcp_notes_draw_dot[\s\S]*user settings allow/.test(c)),
    'says why it ran without asking',
  );
});

/** Every file under `dir` whose bytes contain `needle`. */
const filesContaining = (dir: string, needle: string) => filesUnder(dir).filter((f) => readFileSync(f).includes(needle));

test('a remote MCP server added by the user is sent as an mcp_server tool exactly as the reference says; its streamed call and result render; its header secret is nowhere else', async () => {
  await p.command('Gemini: Add Remote MCP Server…');
  await p.answerQuickInput('docs');
  await p.answerQuickInput('https://mcp.example.com/mcp');
  await p.answerQuickInput('Authorization');
  await p.answerQuickInput(SECRET);
  await p.answerQuickInput('');
  await p.answerQuickInput('search_docs, fetch_page');
  await p.waitForNotification(/remote MCP server “docs” added/);
  await chat.waitForFunction(() => document.getElementById('tools-count')?.textContent === '8', undefined, { timeout: 10_000 });

  wb.fake.setScenario({
    replies: [
      {
        delayMs: 20,
        steps: [
          mcpCall('docs', 'search_docs', { query: 'tar headers' }, 'mcp_1'),
          mcpResult('mcp_1', [{ type: 'text', text: 'pax headers carry long names' }], { name: 'search_docs', server_name: 'docs' }),
          text('The docs say pax headers carry long names.'),
        ],
      },
    ],
  });
  await sendChat(chat, 'Search the docs for tar headers.');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (t) => t.includes('pax headers carry long names'),
  );
  const tools = firstRequestTools();
  assert.deepEqual(
    tools.filter((t) => t.type === 'mcp_server'),
    [{ type: 'mcp_server', name: 'docs', url: 'https://mcp.example.com/mcp', headers: { Authorization: SECRET }, allowed_tools: [{ tools: ['search_docs', 'fetch_page'] }] }],
  );
  const call = await chat.locator('.mcp-call').last().innerText();
  assert.match(call, /docs · search_docs/);
  assert.match(call, /"query": "tar headers"/);
  assert.match(call, /remote MCP server, called by the Gemini API/);
  const result = chat.locator('.mcp-result').last();
  await result.locator('summary').click();
  assert.match(await result.innerText(), /Result from docs · search_docs[\s\S]*pax headers carry long names/);

  // The secret: not in the webview's DOM or state, not in any log, journal or storage file of ours.
  const dom = await chat.evaluate(() => document.documentElement.outerHTML);
  assert.ok(!dom.includes(SECRET) && !dom.includes('HEADER-SECRET'), 'not in the webview');
  await p.page.waitForTimeout(1500); // let VS Code flush its storage and logs
  const hits = [...filesContaining(wb.userDataDir, 'HEADER-SECRET'), ...filesContaining(wb.workspace, 'HEADER-SECRET')];
  // (code-server keeps SecretStorage encrypted: the plain value is in no file at all.)
  assert.deepEqual(hits, [], `the header secret is in: ${hits.join(', ')}`);
});

test('after a window reload the picks are still there; a turn that needs an MCP tool gets its server started and the call works', async () => {
  await p.reload();
  chat = await p.openChat();
  await chat.waitForFunction(() => document.getElementById('tools-count')?.textContent === '8', undefined, { timeout: 20_000 });
  wb.fake.reset();
  wb.fake.setScenario({ replies: [toolCallReply('mcp_notes_lookup_word', { word: 'yak' }, 'fc_yak'), { steps: [text('A yak is a parser too.')] }] });
  await sendChat(chat, 'And yak?');
  const card = chat.locator('.tool-call', { hasText: 'mcp_notes_lookup_word' }).last();
  await card
    .locator('.tool-approval')
    .waitFor({ timeout: 40_000 })
    .catch(async (err: Error) => {
      const turn = await chat.locator('.turn').last().textContent();
      throw new Error(`${err.message}\nturn: ${turn}`);
    });
  await card.locator('button', { hasText: /^Allow$/ }).click();
  assert.match(functionResultText(await waitForFunctionResult(wb, p.page, 'fc_yak')), /GLOSSARY: "yak"/);
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (t) => t.includes('A yak is a parser too.'),
  );
});
