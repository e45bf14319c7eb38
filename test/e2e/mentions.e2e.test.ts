/**
 * Mentions in the composer, keyboard only: # offers the keywords, #file: completes paths, @
 * completes workspace symbols; what each names (the diagnostics, the uncommitted diff, a file, a
 * symbol's source) goes into the request after the message, and the turn shows it folded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { type Workbench, WorkbenchPage, useWorkbench, waitForTurnState } from './harness';
import { DEMO_PNG, textReply } from '../fake-api/library';

let wb: Workbench;
let p: WorkbenchPage;
let chat: Frame;

useWorkbench(
  {
    git: true,
    files: {
      'src/app.ts': 'export const answer = 42;\nconst count: number = "three";\nexport { count };\n',
      'src/parser.ts': 'export function parseHeader(line: string): string[] {\n  return line.split(":");\n}\n',
      'README.md': '# Sample\n',
      'tsconfig.json': '{ "compilerOptions": { "strict": true, "noEmit": true }, "include": ["src"] }\n',
    },
  },
  {},
  (t) => ({ wb, p } = t),
);

async function typeInBox(text: string): Promise<void> {
  await chat.locator('#input').focus();
  await chat.locator('#input').press('End');
  await p.page.keyboard.type(text, { delay: 15 });
}

/** Send a message with Enter and wait until its own turn (not the one before) has ended. */
async function sendAndWait(text: string, reply: string): Promise<void> {
  await chat.locator('#input').fill(text);
  wb.fake.setScenario({ replies: [textReply(reply)] });
  const turns = await chat.locator('.turn').count();
  await chat.locator('#input').press('Enter');
  await chat.waitForFunction((n) => document.querySelectorAll('.turn').length > n, turns, { timeout: 15_000 });
  await waitForTurnState(chat, (f) => /Tokens:/.test(f), 30_000);
}

async function option(label: string, timeout = 15_000): Promise<void> {
  await chat.locator('#mention-menu:not([hidden]) .mention-option', { hasText: label }).first().waitFor({ timeout });
}

test('#problems, #changes, #file: and @symbol, chosen with the keyboard, put the diagnostics, the diff, the file and the symbol in the request', async () => {
  await p.openFile('src/app.ts');
  await p.page.locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
  writeFileSync(join(wb.workspace, 'README.md'), '# Sample\n\nA line not yet committed.\n');
  chat = await p.openChat();

  await typeInBox('Why does this fail? ');
  await typeInBox('#pro');
  await option('#problems');
  await p.page.keyboard.press('Enter'); // accepts the mention: nothing is sent
  assert.equal(await chat.locator('#input').inputValue(), 'Why does this fail? #problems ');
  assert.equal(wb.fake.creates().length, 0);
  await typeInBox('and #cha');
  await option('#changes');
  await p.page.keyboard.press('Tab');
  await typeInBox('in #fi');
  await option('#file');
  await p.page.keyboard.press('Enter');
  await typeInBox('pars');
  await option('parser.ts');
  await p.page.keyboard.press('Enter');
  await typeInBox('with @parseHe');
  await option('@parseHeader', 45_000);
  await p.page.keyboard.press('ArrowDown');
  await p.page.keyboard.press('ArrowUp');
  await p.page.keyboard.press('Enter');
  const typed = await chat.locator('#input').inputValue();
  assert.equal(typed, 'Why does this fail? #problems and #changes in #file:src/parser.ts with @parseHeader ');
  assert.deepEqual(await chat.locator('#mention-chips .mention-chip').allInnerTexts(), ['#problems', '#changes', '#file:src/parser.ts', '@parseHeader']);

  wb.fake.setScenario({ replies: [textReply('The string is not a number.')] });
  await p.page.keyboard.press('Enter');
  await waitForTurnState(chat, (f) => /Tokens:/.test(f), 30_000);
  const input = (wb.fake.creates()[0]!.body as { input: Array<{ type: string; text?: string }> }).input;
  assert.equal(input[0]!.text, typed);
  const parts = input.slice(1).map((c) => c.text ?? '');
  assert.equal(parts.length, 4, JSON.stringify(parts));
  assert.match(parts[0]!, /^#problems: \d+ in the workspace\n```\n[^]*src\/app\.ts:2:7 error: Type '[^']+' is not assignable to type 'number'\./);
  assert.match(parts[1]!, /^#changes: the uncommitted diff\n```diff\n[^]*\+A line not yet committed\./);
  assert.match(parts[2]!, /^File: src\/parser\.ts\n```ts\nexport function parseHeader/);
  assert.match(
    parts[3]!,
    /^@parseHeader: Function in src\/parser\.ts \(lines 1-3\)\n```typescript\nexport function parseHeader\(line: string\): string\[\] \{\n {2}return line\.split\(":"\);\n\}\n```$/,
  );
  // The turn shows what was sent with it, folded under its first line.
  assert.deepEqual(await chat.locator('.turn').last().locator('details.sent-context > summary').allInnerTexts(), [
    parts[0]!.split('\n')[0],
    '#changes: the uncommitted diff',
    'File: src/parser.ts',
    parts[3]!.split('\n')[0],
  ]);
  assert.equal(await chat.locator('#mention-chips .mention-chip').count(), 0, 'the chips went with the message');
});

test('a mention that names nothing (#selection with no selection) is refused with the reason and the text stays; #file of an image sends the image; an @ that is no symbol is plain text', async () => {
  await p.page.keyboard.press('Escape');
  await p.command('View: Close All Editors');
  chat = await p.openChat();
  const before = wb.fake.creates().length;
  await chat.locator('#input').fill('Explain #selection please');
  await chat.locator('#input').press('Enter');
  await chat.waitForFunction(() => /#selection: select some text in an editor first/.test(document.getElementById('toast')?.textContent ?? ''), undefined, { timeout: 10_000 });
  // The reason and the text come back as two messages: the text may land a moment after the reason.
  await chat.waitForFunction(() => (document.getElementById('input') as HTMLTextAreaElement).value !== '', undefined, { timeout: 5_000 }).catch(() => undefined);
  assert.equal(await chat.locator('#input').inputValue(), 'Explain #selection please');
  assert.equal(wb.fake.creates().length, before);
  // A binary file named with #file goes as its content part (an image as an image).
  writeFileSync(join(wb.workspace, 'logo.png'), Buffer.from(DEMO_PNG, 'base64'));
  await sendAndWait('What is in #file:logo.png', 'A tiny picture.');
  const sentImage = (wb.fake.creates().at(-1)!.body as { input: Array<Record<string, string>> }).input;
  assert.deepEqual(sentImage[1], { type: 'image', data: DEMO_PNG, mime_type: 'image/png' });
  // An @ that is no symbol is plain text: the message goes as typed.
  await sendAndWait('write to ops @nobodyHere', 'Noted.');
  assert.equal(wb.fake.creates().length, before + 2);
  const input = (wb.fake.creates().at(-1)!.body as { input: Array<{ text?: string }> }).input;
  assert.deepEqual(input, [{ type: 'text', text: 'write to ops @nobodyHere' }]);
});

test('#file: finds a file past the first 5,000 of a large tree, whatever the case typed', async () => {
  // 6,000 files listed before the one wanted: a listing capped at 5,000 may never reach it.
  for (let d = 0; d < 60; d++) {
    mkdirSync(join(wb.workspace, 'aaa', `pkg${d}`), { recursive: true });
    for (let k = 0; k < 100; k++) writeFileSync(join(wb.workspace, 'aaa', `pkg${d}`, `module${k}.ts`), `export const v${k} = ${k};\n`);
  }
  mkdirSync(join(wb.workspace, 'zzz/deep/inside'), { recursive: true });
  writeFileSync(join(wb.workspace, 'zzz/deep/inside/NeedleFinder.ts'), 'export const needle = true;\n');
  chat = await p.openChat();
  await chat.locator('#input').fill('');
  await typeInBox('look at #file:');
  await typeInBox('needlef');
  await option('NeedleFinder.ts', 30_000);
  await p.page.keyboard.press('Enter');
  assert.equal(await chat.locator('#input').inputValue(), 'look at #file:zzz/deep/inside/NeedleFinder.ts ');
  await chat.locator('#input').fill('');
});
