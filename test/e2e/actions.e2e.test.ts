/** Code actions and commands from anywhere in the editor, in the real workbench. */
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { lastAnswerText, pickCodeActionIn, readWorkspaceFile, sampleUntil, settledFile, useWorkbench, type Workbench, type WorkbenchPage } from './harness';
import { DEMO_PNG } from '../fake-api/library';
import { functionCall, text, type Json } from '../fake-api/scenario';

const APP = 'export function greet(name: string): string {\n  const count: number = "three";\n  return `Hello, ${name}! (${count})`;\n}\n';
const MATH = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport function div(a: number, b: number): number {\n  return a / b;\n}\n';
let wb: Workbench;
let p: WorkbenchPage;
const TSCONFIG = '{ "compilerOptions": { "strict": true, "noEmit": true, "target": "ES2022" }, "include": ["src"] }\n';
useWorkbench({ git: true, files: { 'src/app.ts': APP, 'src/math.ts': MATH, 'tsconfig.json': TSCONFIG, 'README.md': '# Actions\n' } }, {}, (t) => ({ wb, p } = t));
beforeEach(() => {
  wb.fake.reset();
});

const pickCodeAction = (title: string, via: 'lightbulb' | 'keyboard', retrigger?: () => Promise<void>) => pickCodeActionIn(p, title, via, retrigger);

function inputText(body: unknown): string {
  const input = (body as { input: unknown }).input;
  return JSON.stringify(input);
}

test('the lightbulb on a selection offers "Explain with Gemini"; the explanation streams into the chat with the right context', async () => {
  // Long enough (about 1.5 s) to be seen streaming once the chat frame is found.
  wb.fake.setScenario({ replies: [{ steps: [text('`div` divides `a` by `b`; note that b = 0 gives Infinity.')], delayMs: 100, textChunk: 6 }] });
  const select = () => p.selectLines('src/math.ts', 5, 3);
  await select();
  await pickCodeAction('Explain with Gemini', 'lightbulb', select);
  const chat = (await p.findChatFrame(20_000)) as Frame;
  assert.ok(chat, 'the chat opened');
  const seen = await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('Infinity'),
    20_000,
  );
  assert.ok(seen.length >= 3, 'streamed progressively');
  const sent = inputText(wb.fake.creates()[0]!.body);
  assert.match(sent, /src\/math\.ts/);
  assert.match(sent, /lines 5–7, typescript/);
  assert.match(sent, /export function div\(a: number, b: number\): number/);
  assert.match(sent, /Code just before it \(context\)/);
  assert.match(sent, /return a \+ b;/);
});

test('"Fix with Gemini" on a TypeScript error proposes a change as a diff and applies it', async () => {
  wb.fake.setScenario({
    replies: [
      {
        steps: [
          { type: 'thought', signature: 'sig-fix', summary: [] },
          functionCall('edit_file', { path: 'src/app.ts', edits: [{ search: 'const count: number = "three";', replace: 'const count: number = 3;' }] }, 'fc_fix'),
        ],
      },
      { steps: [text('Changed the string "three" to the number 3.')] },
    ],
  });
  await p.openFile('src/app.ts');
  // Wait for the TypeScript error, then put the cursor on it.
  await p.page.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
  await p.cursorAt('src/app.ts', 2, 'end');
  await pickCodeAction('Fix with Gemini', 'keyboard');
  const chat = (await p.findChatFrame(20_000)) as Frame;
  const approval = chat.locator('.tool-approval').last();
  await approval.waitFor({ state: 'visible', timeout: 20_000 });
  assert.match(await approval.locator('.diff').innerText(), /\+ {2}const count: number = 3;/);
  const sent = inputText(wb.fake.creates()[0]!.body);
  assert.match(sent, /Fix this error in `src\/app\.ts` at line 2/);
  assert.match(sent, /not assignable to type 'number'/);
  await approval.locator('button', { hasText: 'Accept' }).first().click();
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('number 3'),
    20_000,
  );
  assert.equal(readWorkspaceFile(wb, 'src/app.ts'), APP.replace('"three"', '3'));
  writeFileSync(join(wb.workspace, 'src/app.ts'), APP);
});

test('with workspace tools off, "Fix with Gemini" asks for structured edits, shows them as a diff and applies them on request', async () => {
  await p.setBooleanSetting('gemini.tools.enabled', 'Tools: Enabled', false);
  try {
    const fix = { explanation: 'count must be a number, not the string "three".', edits: [{ search: 'const count: number = "three";', replace: 'const count: number = 3;' }] };
    wb.fake.setScenario({ replies: [{ steps: [text(JSON.stringify(fix))], textChunk: 17 }] });
    // The chat panel says when the setting has reached the extension.
    await p.command('Gemini: Focus Chat');
    const chat = (await p.findChatFrame(20_000)) as Frame;
    await chat
      .waitForFunction(() => /gemini\.tools\.enabled/.test(document.body.innerText), undefined, { timeout: 20_000 })
      .catch(async (err) => {
        throw new Error(`${(err as Error).message} (screenshot: ${await p.snap('tools-off')}; settings: ${readFileSync(join(wb.userDataDir, 'User', 'settings.json'), 'utf8')})`);
      });
    await p.openFile('src/app.ts');
    await p.page.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
    await p.cursorAt('src/app.ts', 2, 'end');
    await pickCodeAction('Fix with Gemini', 'keyboard');
    const deadline = Date.now() + 10_000;
    while (!wb.fake.creates().length && Date.now() < deadline) await p.page.waitForTimeout(100);
    const body = wb.fake.creates()[0]!.body as { response_format?: { mime_type?: string }; tools?: unknown[] };
    assert.equal(body.response_format?.mime_type, 'application/json');
    assert.equal(body.tools, undefined, 'no tools are declared when they are off');
    assert.match(inputText(wb.fake.creates()[0]!.body), /not assignable to type 'number'/);
    // The proposal opens as a diff next to the file; nothing changes until "Apply Fix".
    const diff = p.page.locator('.monaco-diff-editor').first();
    await diff.waitFor({ timeout: 20_000 });
    await p.page.locator('.tab.active', { hasText: "Gemini's fix" }).waitFor({ timeout: 10_000 });
    await p.page
      .waitForFunction(
        () =>
          Array.from(document.querySelectorAll('.monaco-diff-editor .editor.modified .view-lines')).some((e) =>
            /const count: number = 3;/.test(e.textContent?.replace(/\u00a0/g, ' ') ?? ''),
          ),
        undefined,
        { timeout: 10_000 },
      )
      .catch(async (err: Error) => {
        throw new Error(`${err.message} (screenshot: ${await p.snap('fix-diff')})`);
      });
    assert.equal(readWorkspaceFile(wb, 'src/app.ts'), APP);
    await p.clickNotificationButton(/count must be a number/, 'Apply Fix');
    await p.openFile('src/app.ts');
    await p.command('File: Save');
    const until = Date.now() + 10_000;
    while (readWorkspaceFile(wb, 'src/app.ts') === APP && Date.now() < until) await p.page.waitForTimeout(100);
    assert.equal(readWorkspaceFile(wb, 'src/app.ts'), APP.replace('"three"', '3'));
  } finally {
    await p.setBooleanSetting('gemini.tools.enabled', 'Tools: Enabled', true);
    writeFileSync(join(wb.workspace, 'src/app.ts'), APP);
  }
});

const REVIEW = {
  summary: 'One real problem.',
  findings: [
    {
      file: 'src/math.ts',
      start_line: 6,
      end_line: 6,
      severity: 'warning',
      message: 'Division by zero is not handled.',
      suggested_replacement: '  if (b === 0) throw new RangeError("b must not be 0");\n  return a / b;',
    },
    { file: 'src/math.ts', start_line: 1, end_line: 3, severity: 'info', message: 'add could be an arrow function (taste).' },
  ],
};

async function problemRows(): Promise<string[]> {
  return p.page.locator('.markers-panel .monaco-list-row').allInnerTexts();
}

test('a review publishes findings with the right ranges, and the suggested fix applies', async () => {
  wb.fake.setScenario({ replies: [{ steps: [text(JSON.stringify(REVIEW, null, 1))], textChunk: 40 }] });
  await p.openFile('src/math.ts');
  await p.command('Gemini: Review Current File');
  await p.waitForNotification(/2 findings in the Problems panel/).catch((err) => {
    throw new Error(`${(err as Error).message}\nrequests: ${JSON.stringify(wb.fake.requests.map((r) => [r.method, r.path, JSON.stringify(r.body ?? '').slice(0, 150)]))}`);
  });
  const body = wb.fake.creates()[0]!.body as { response_format: { mime_type: string; schema: { properties: { findings: unknown } } }; store?: boolean };
  assert.equal(body.store, false, 'the reviewed file is not kept on the server');
  assert.equal(body.response_format.mime_type, 'application/json');
  assert.ok(body.response_format.schema.properties.findings);
  const deadline = Date.now() + 15_000;
  let rows = await problemRows();
  while (!rows.some((r) => r.includes('Division by zero')) && Date.now() < deadline) rows = await problemRows();
  const row = rows.find((r) => r.includes('Division by zero'))!;
  assert.match(row, /Gemini Review/);
  assert.match(row, /\[Ln 6, Col 1\]/);
  assert.ok(rows.some((r) => /add could be an arrow function[\s\S]*\[Ln 1, Col 1\]/.test(r)));
  // Apply the suggestion from the quick fix on line 6.
  await p.cursorAt('src/math.ts', 6, 'end');
  await pickCodeAction('Apply Gemini suggestion', 'keyboard');
  const until = Date.now() + 10_000;
  while (!(await p.editorText()).includes('RangeError') && Date.now() < until) await p.page.waitForTimeout(100);
  assert.match(await p.editorText(), /if \(b === 0\) throw new RangeError\("b must not be 0"\);\n {2}return a \/ b;/);
  await p.page.keyboard.press('Control+S');
  await p.command('Gemini: Clear Review Findings');
  writeFileSync(join(wb.workspace, 'src/math.ts'), MATH);
});

test('malformed structured output shows an error and publishes nothing', async () => {
  wb.fake.setScenario({ replies: [{ steps: [text('{"findings": [{"file": "src/math.ts", "start_line": 6, "end_line": 6, "severity": "warn')] }] });
  await p.openFile('src/math.ts');
  await p.command('Gemini: Review Current File');
  await p.waitForNotification(/not valid JSON \(it looks truncated\).*No findings were published/);
  assert.ok(!(await problemRows()).some((r) => r.includes('Gemini Review')));
  wb.fake.setScenario({ replies: [{ steps: [text('{"findings": [{"file": "src/math.ts", "start_line": "six", "end_line": 6, "severity": "warning", "message": "x"}]}')] }] });
  await p.command('Gemini: Review Current File');
  await p.waitForNotification(/did not match the expected format: "start_line" must be an integer/);
  assert.ok(!(await problemRows()).some((r) => r.includes('Gemini Review')));
});

test('Review Changes reviews the uncommitted diff', async () => {
  writeFileSync(join(wb.workspace, 'src/math.ts'), MATH.replace('return a + b;', 'return a - b;'));
  wb.fake.setScenario({
    replies: [
      {
        steps: [
          text(
            JSON.stringify({
              findings: [{ file: 'src/math.ts', start_line: 2, end_line: 2, severity: 'error', message: 'add subtracts.', suggested_replacement: '  return a + b;' }],
            }),
          ),
        ],
      },
    ],
  });
  // Git may take a moment to notice the change: until it does, the command says there is nothing to review.
  const deadline = Date.now() + 30_000;
  for (;;) {
    await p.command('Gemini: Review Changes');
    const until = Date.now() + 4_000;
    while (!wb.fake.creates().length && Date.now() < until) await p.page.waitForTimeout(100);
    if (wb.fake.creates().length) break;
    if (Date.now() > deadline) throw new Error(`Review Changes never called the API (screenshot: ${await p.snap('review-changes')})`);
  }
  const rowsDeadline = Date.now() + 15_000;
  let rows = await problemRows();
  while (!rows.some((r) => r.includes('add subtracts.')) && Date.now() < rowsDeadline) {
    await p.page.waitForTimeout(200);
    rows = await problemRows();
  }
  assert.ok(
    rows.some((r) => /add subtracts\.[\s\S]*Gemini Review[\s\S]*\[Ln 2, Col 1\]/.test(r)),
    rows.join(' | '),
  );
  assert.match(inputText(wb.fake.creates().pop()!.body), /- {2}return a \+ b;\\n\+ {2}return a - b;/);
  await p.command('Gemini: Clear Review Findings');
  writeFileSync(join(wb.workspace, 'src/math.ts'), MATH);
});

test('Generate Image: the prompt goes to the image model; the result is shown and saved where the user picks', async () => {
  wb.fake.setScenario({ replies: [{ steps: [{ type: 'model_output', content: [{ type: 'image', mime_type: 'image/png', data: DEMO_PNG }] }] }] });
  await p.command('Gemini: Generate Image');
  await p.answerQuickInput('a blue and white checkerboard');
  await p.answerQuickInput('16:9', { pickRow: '16:9' });
  await p.answerQuickInput('2K', { pickRow: '2K' });
  const target = join(wb.workspace, 'board.png');
  await p.saveAs(target);
  const saved = await settledFile(target);
  if (!saved) throw new Error(`not saved (screenshot: ${await p.snap('image')})`);
  assert.deepEqual(saved, Buffer.from(DEMO_PNG, 'base64'));
  const body = wb.fake.creates()[0]!.body as { model: string; input: Json[]; response_format?: Json; store?: boolean };
  assert.equal(body.model, 'gemini-3.1-flash-image');
  assert.deepEqual(body.input, [{ type: 'text', text: 'a blue and white checkerboard' }]);
  assert.deepEqual(body.response_format, { type: 'image', aspect_ratio: '16:9', image_size: '2K' });
  assert.equal(body.store, false, 'nothing kept on the server');
});

test('the commit message for the staged changes streams into the Source Control input, and nothing is committed', async () => {
  writeFileSync(join(wb.workspace, 'README.md'), '# Actions\n\nNow with a usage section.\n');
  execFileSync('git', ['add', 'README.md'], { cwd: wb.workspace });
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: wb.workspace, encoding: 'utf8' });
  wb.fake.setScenario({ replies: [{ steps: [text('Document usage in the README\n\nAdd a short usage section.')], delayMs: 20, textChunk: 5 }] });
  await p.page.keyboard.press('Control+Shift+G');
  const button = p.page.locator('.scm-view, .part.sidebar').locator('[aria-label="Generate Commit Message"], .action-label[aria-label*="Generate Commit Message"]').first();
  await button.waitFor({ state: 'visible', timeout: 20_000 });
  await button.click();
  const input = p.page.locator('.scm-editor .view-lines').first();
  const deadline = Date.now() + 20_000;
  let value = '';
  while (Date.now() < deadline) {
    value = (await input.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
    if (value.includes('Add a short usage section.')) break;
    await p.page.waitForTimeout(100);
  }
  assert.match(value, /Document usage in the README\s+Add a short usage section\./);
  assert.match(inputText(wb.fake.creates()[0]!.body), /\+Now with a usage section\./);
  assert.equal(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: wb.workspace, encoding: 'utf8' }), head, 'no commit was made');
});
