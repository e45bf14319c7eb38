/**
 * The API as of SDK 3.6.1 in the real workbench: the `xhigh` thinking level; media processing
 * options set from a document's and a recording's chips (checked before sending, against the
 * PDF's real page count); Tool Retrieval with 40 tools picked from a real MCP server; an Agent
 * Skill in .github/skills offered, loaded on use and listed; a chat link that opens a draft.
 */
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { PDFDocument } from 'pdf-lib';
import {
  type Workbench,
  WorkbenchPage,
  functionResultText,
  lastAnswerText,
  modalDialog,
  sampleUntil,
  sendChat,
  toolCallReply,
  useWorkbench,
  waitForFunctionResult,
} from './harness';
import { text, type Json } from '../fake-api/scenario';

const SERVER = join(process.cwd(), 'out/test/mcp-server/notes-server.js');
const SKILL = `---
name: release-notes
description: Write release notes from the merged pull requests. Use it when asked for release notes or a changelog entry.
---
# Release notes

1. Group the changes as Added, Changed, Fixed.
2. SKILL-BODY-MARKER: one line per change, newest first.
`;

let wb: Workbench;
let p: WorkbenchPage;
let chat: Frame;

useWorkbench(
  {
    files: {
      'README.md': '# Current API\n',
      '.github/skills/release-notes/SKILL.md': SKILL,
      '.github/skills/release-notes/references/style.md': 'Use the imperative mood.\n',
      // A broken skill: the user is told, the others still work.
      '.claude/skills/broken/SKILL.md': '---\nname: Broken Skill\ndescription: nope\n---\n',
      '.vscode/mcp.json': JSON.stringify({ servers: { catalog: { type: 'stdio', command: process.execPath, args: [SERVER], env: { NOTES_CATALOG: '40' } } } }),
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

const body = (k = 0) => wb.fake.creates()[k]!.body as Json;
/** Until the `n`th create request arrived and its turn has ended. */
async function waitDone(n = 1): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (wb.fake.creates().length < n) {
    if (Date.now() > deadline) throw new Error(`no request ${n} reached the fake API`);
    await p.page.waitForTimeout(50);
  }
  await chat.waitForFunction(() => !document.querySelector('.turn[aria-busy]') && !(document.getElementById('send') as HTMLButtonElement).hidden, undefined, { timeout: 30_000 });
}

test('a skill in .github/skills: offered by name and description, its body loaded on use, listed under “Skills used” and opened from there; a broken one is named with the reason', async () => {
  wb.fake.setScenario({ replies: [toolCallReply('load_skill', { name: 'release-notes' }, 'fc_skill'), { steps: [text('Added: skills. Fixed: nothing.')] }] });
  await sendChat(chat, 'Write the release notes for this week');
  await waitDone(2);
  const first = body();
  assert.match(String(first.system_instruction), /- release-notes: Write release notes from the merged pull requests\./);
  assert.doesNotMatch(String(first.system_instruction), /SKILL-BODY-MARKER/, 'the body is not sent until the model asks');
  assert.ok((first.tools as Json[]).some((t) => t.name === 'load_skill'));
  const result = await waitForFunctionResult(wb, p.page, 'fc_skill');
  assert.match(functionResultText(result), /SKILL-BODY-MARKER/);
  assert.match(functionResultText(result), /- references\/style\.md/);
  const line = chat.locator('.skills-used').last();
  await line.waitFor({ timeout: 10_000 });
  assert.match(await line.innerText(), /Skills used: release-notes/);
  assert.match(
    await chat.locator('.turn').last().innerText(),
    /The skill \.claude\/skills\/broken\/SKILL\.md is not offered: The skill name “Broken Skill” must be 1–64 lowercase letters/,
  );
  await line.locator('button', { hasText: 'release-notes' }).click();
  await p.page.locator('.tabs-container .tab', { hasText: 'SKILL.md' }).first().waitFor({ timeout: 15_000 });
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (t) => t.includes('Added: skills'),
  );
});

test('xhigh is offered in the thinking picker and sent as thinking_level', async () => {
  await chat.locator('#thinking').selectOption('xhigh');
  wb.fake.setScenario({ replies: [{ steps: [text('Thought hard.')] }] });
  await sendChat(chat, 'think very hard');
  await waitDone();
  assert.equal((body().generation_config as Json).thinking_level, 'xhigh');
  await chat.locator('#thinking').selectOption('default');
});

/** Drop a file on the composer, the way the browser hands it over. */
async function drop(name: string, type: string, bytes: Uint8Array): Promise<void> {
  await chat.evaluate(
    ([name, type, base64]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
      document.getElementById('composer')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [name, type, Buffer.from(bytes).toString('base64')] as const,
  );
}

/** One second of a quiet 8 kHz mono WAV. */
function wav(): Uint8Array {
  const samples = Buffer.alloc(8000, 128);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + samples.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(8000, 28);
  h.writeUInt16LE(1, 32);
  h.writeUInt16LE(8, 34);
  h.write('data', 36);
  h.writeUInt32LE(samples.length, 40);
  return Buffer.concat([h, samples]);
}

test('a document page range and an audio span are set from the chips, checked first (a range past the last page is refused and kept to fix), and sent as the reference says', async () => {
  const doc = await PDFDocument.create();
  for (let k = 0; k < 3; k++) doc.addPage([200, 200]).drawText(`page ${k + 1}`);
  await drop('report.pdf', 'application/pdf', await doc.save());
  const pdfChip = chat.locator('#attachments .chip-document');
  await pdfChip.waitFor({ timeout: 10_000 });
  await pdfChip.locator('.options-btn').click();
  const form = chat.locator('#attach-options');
  // The page count, read from the PDF itself, shows beside the field.
  await form.locator('.hint', { hasText: 'of 3 pages' }).waitFor({ timeout: 10_000 });
  await form.locator('input[data-option="pages"]').fill('2-5');
  await form.locator('button', { hasText: 'Apply' }).click();
  await form.locator('.attach-options-error', { hasText: '“report.pdf” has 3 pages; the range 2-5 goes beyond its last page.' }).waitFor({ timeout: 10_000 });
  assert.equal(await form.locator('input[data-option="pages"]').inputValue(), '2-5', 'what the user typed is kept to fix');
  await form.locator('input[data-option="pages"]').fill('2-3');
  await form.locator('input[data-option="pageLayers"][value="page_text"]').check();
  await form.locator('button', { hasText: 'Apply' }).click();
  await form.waitFor({ state: 'hidden', timeout: 10_000 });
  await chat.waitForFunction(() => /pp\. 2–3 · page_text/.test(document.querySelector('#attachments .chip-document')?.textContent ?? ''), undefined, { timeout: 10_000 });

  await drop('call.wav', 'audio/wav', wav());
  const audioChip = chat.locator('#attachments .chip-audio');
  await audioChip.waitFor({ timeout: 10_000 });
  await audioChip.locator('.options-btn').click();
  await form.locator('input[data-option="start"]').fill('0.8');
  await form.locator('input[data-option="end"]').fill('0:00.2');
  await form.locator('input[data-option="end"]').press('Enter');
  await form.locator('.attach-options-error', { hasText: 'ends (0:00.2) before it starts (0.8)' }).waitFor({ timeout: 10_000 });
  await form.locator('input[data-option="start"]').fill('0.2');
  await form.locator('input[data-option="end"]').fill('0:00.8');
  await form.locator('button', { hasText: 'Apply' }).click();
  await form.waitFor({ state: 'hidden', timeout: 10_000 });

  wb.fake.setScenario({ replies: [{ steps: [text('Pages 2 and 3 say hello.')] }] });
  await sendChat(chat, 'What do these say?');
  await waitDone();
  const input = body().input as Json[];
  const document_ = input.find((c) => c.type === 'document')!;
  assert.deepEqual(document_.processing, { type: 'static', page_options: { start_page: 2, end_page: 3, content_layers: ['page_text'] } });
  assert.equal(document_.mime_type, 'application/pdf');
  const audio = input.find((c) => c.type === 'audio')!;
  assert.deepEqual(audio.processing, { type: 'static', start_offset: '0.2s', end_offset: '0.8s' });
});

test('40 tools picked from a real MCP server: the request defers them behind tool_search, the search steps render, the loaded tool runs', async () => {
  await p.command('Gemini: Choose Tools…');
  const all = p.page.locator('.quick-input-header .monaco-checkbox[aria-label="Toggle all checkboxes"]');
  await p.page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'mcp_catalog_' })
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await p.page.locator('.quick-input-widget').innerText()} (screenshot: ${await p.snap('tools-pick')})`);
    });
  await all.click();
  await p.page.locator('.quick-input-widget input').first().press('Enter');
  await p.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  await chat.waitForFunction(() => Number(document.getElementById('tools-count')?.textContent) >= 40, undefined, { timeout: 10_000 });

  const tool = 'mcp_catalog_list_releases';
  wb.fake.setScenario({ replies: [toolCallReply(tool, { owner: 'acme', repo: 'app' }, 'fc_rel'), { steps: [text('There are no releases yet.')] }] });
  await sendChat(chat, 'Which releases does acme/app have?');
  while (!wb.fake.creates().length) await p.page.waitForTimeout(50);
  const tools = body().tools as Json[];
  const deferred = tools.filter((t) => t.defer_loading === true);
  assert.equal(deferred.filter((t) => String(t.name).startsWith('mcp_catalog_')).length, 40, JSON.stringify(deferred.map((t) => t.name)));
  assert.ok(deferred.every((t) => typeof t.short_description === 'string' && t.parameters));
  assert.ok(tools.some((t) => t.type === 'tool_search' && t.execution === 'server'));
  assert.ok(
    tools.some((t) => t.name === 'read_file' && t.defer_loading === undefined),
    'our own tools stay loaded',
  );
  // The read-only MCP tool runs (VS Code starts the server), its result goes back.
  const card = chat.locator('.tool-call', { hasText: tool }).last();
  await card.locator('.tool-approval').waitFor({ timeout: 30_000 });
  await card.locator('button', { hasText: /^Allow$/ }).click();
  const result = await waitForFunctionResult(wb, p.page, 'fc_rel');
  assert.match(functionResultText(result), /CATALOG list_releases/);
  await waitDone(2);
  const search = chat.locator('.step.tool-search');
  assert.match(await search.innerText(), new RegExp(`Looking for tools: ${tool}`));
  const loaded = chat.locator('.step.tool-search-result');
  assert.match(await loaded.innerText(), new RegExp(`Tools loaded: ${tool}`));
});

test('a chat link opens a new chat with its text as a draft, says where it came from, and sends nothing; the draft it replaced can be restored', async () => {
  await chat.locator('#input').fill('my own unsent words');
  await chat.locator('#input').press('Shift+Enter');
  const before = wb.fake.creates().length;
  const link = `vscode://geminilabs.gemini-interactions/chat?prompt=${encodeURIComponent('Explain the build\u200b script')}&source=docs.example.com`;
  await p.command('Developer: Open URL');
  await p.answerQuickInput(link);
  // VS Code's own consent: an extension opening a URI is the user's choice.
  const consent = await modalDialog(p);
  assert.match(consent.text, /Allow 'Gemini Interactions' extension to open this URI\?/);
  await consent.click('Open');
  await chat.waitForFunction(() => (document.getElementById('input') as HTMLTextAreaElement).value === 'Explain the build script', undefined, { timeout: 20_000 });
  const notice = await chat.locator('#link-notice').innerText();
  assert.match(notice, /came from a link opened outside the editor \(vscode:\/\/geminilabs\.gemini-interactions\/chat\)/);
  assert.match(notice, /Nothing has been sent/);
  assert.match(notice, /says it comes from “docs\.example\.com”; that is not verified/);
  assert.match(notice, /1 invisible characters were taken out/);
  await p.page.waitForTimeout(500);
  assert.equal(wb.fake.creates().length, before, 'nothing was sent');
  await chat.locator('#link-notice button', { hasText: 'Restore my previous draft' }).click();
  assert.equal(await chat.locator('#input').inputValue(), 'my own unsent words\n');
  assert.equal(await chat.locator('#link-notice').isVisible(), false);
  await chat.locator('#input').fill('');
});
