/**
 * Worktree conversations: a conversation in its own git worktree edits a file and runs a sandboxed
 * command there while the main tree stays as it was; its review shows the diff, the merge brings
 * the change across; a conflicting change opens the merge editor; discard asks, naming what is not
 * merged, then removes the worktree and its branch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Frame } from 'playwright-core';
import { type Workbench, WorkbenchPage, functionResultFor, functionResultText, lastAnswerText, modalDialog, sendChat, useWorkbench } from './harness';
import { functionCall, text } from '../fake-api/scenario';

let wb: Workbench;
let p: WorkbenchPage;

useWorkbench({ git: true, files: { 'src/app.ts': 'export const answer = 42;\n', 'README.md': '# WT\n' } }, { chat: true }, (t) => ({ wb, p } = t));

const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: wb.workspace,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
const worktreesDir = () => join(dirname(wb.workspace), `${basename(wb.workspace)}.worktrees`);
const worktrees = () => (existsSync(worktreesDir()) ? readdirSync(worktreesDir()).map((n) => join(worktreesDir(), n)) : []);

async function newWorktreeChat(besides: Frame[] = []): Promise<{ tab: Frame; dir: string }> {
  const before = worktrees();
  await p.command('Gemini: New Chat in a Worktree…');
  await p.answerQuickInput('main', { pickRow: 'main' });
  const tab = await p.findChatTabFrame(30_000, besides);
  assert.ok(tab, 'the worktree conversation opened in a tab');
  const dir = worktrees().find((d) => !before.includes(d));
  assert.ok(dir, 'a worktree was made beside the repository');
  return { tab, dir };
}

/** Bring the worktree conversation's tab to the front, and wait until its webview is there again (a covered tab has none). */
async function showTab(dir: string): Promise<void> {
  await p.page
    .locator('.tab', { hasText: `gemini/${basename(dir)}` })
    .first()
    .click();
  assert.ok(await p.findChatTabFrame(20_000), 'the conversation shows again');
}

async function worktreeAction(label: string): Promise<void> {
  await p.command('Gemini: Worktree Actions…');
  await p.answerQuickInput(label, { pickRow: label });
}

/** Answer each approval in the tab until the answer has `done`. */
async function untilAnswered(tab: Frame, done: string): Promise<void> {
  const deadline = Date.now() + 40_000;
  let frame = tab;
  for (;;) {
    // The card is drawn again when its call's state changes (a button can go from under a click),
    // and a webview built again is a new frame: each round looks again.
    if (frame.isDetached()) frame = (await p.findChatTabFrame(10_000)) ?? frame;
    const text = await lastAnswerText(frame).catch(() => '');
    if (text.includes(done)) return;
    assert.ok(Date.now() < deadline, `no “${done}” in the worktree conversation; last: ${text.slice(-200)}`);
    const approve = frame.locator('.tool-approval button', { hasText: /^(Accept|Run)$/ }).first();
    if (await approve.isVisible().catch(() => false)) await approve.click({ timeout: 2_000 }).catch(() => undefined);
    await p.page.waitForTimeout(150);
  }
}

test('a worktree conversation edits and runs a sandboxed command in its worktree, the main tree unchanged; review shows the diff; merge brings it across', async () => {
  wb.fake.reset();
  wb.fake.setScenario({
    replies: [
      {
        whenInputIncludes: 'WT-EDIT',
        steps: [functionCall('edit_file', { path: 'src/app.ts', edits: [{ search: 'export const answer = 42;', replace: 'export const answer = 43;' }] }, 'fc_edit')],
      },
      { whenInputIncludes: 'fc_edit', steps: [functionCall('run_command', { command: 'echo made-in-worktree > made.txt' }, 'fc_cmd')] },
      { whenInputIncludes: 'fc_cmd', steps: [text('Done in the worktree.')] },
    ],
  });
  const { tab, dir } = await newWorktreeChat();
  assert.match(git('worktree', 'list'), new RegExp(`${basename(dir)}.*\\[gemini/${basename(dir)}\\]`));
  await sendChat(tab, 'WT-EDIT: change the answer');
  await untilAnswered(tab, 'Done in the worktree.');
  // The worktree changed; the main working tree did not.
  assert.equal(readFileSync(join(dir, 'src/app.ts'), 'utf8'), 'export const answer = 43;\n');
  assert.equal(readFileSync(join(dir, 'made.txt'), 'utf8').trim(), 'made-in-worktree');
  assert.equal(readFileSync(join(wb.workspace, 'src/app.ts'), 'utf8'), 'export const answer = 42;\n');
  assert.ok(!existsSync(join(wb.workspace, 'made.txt')));
  assert.equal(git('status', '--porcelain'), '', 'the main tree is clean');
  assert.match(functionResultText(functionResultFor(wb, 'fc_cmd')), /sandbox/, 'the command ran in the sandbox');
  // #file: offers the worktree's files (made.txt is only there), named from the worktree.
  await tab.locator('#input').focus();
  await p.page.keyboard.type('#file:made', { delay: 15 });
  await tab.locator('#mention-menu:not([hidden]) .mention-option', { hasText: 'made.txt' }).first().waitFor({ timeout: 15_000 });
  await tab.locator('#input').fill('');
  // The tab names the worktree's branch.
  await p.page
    .locator('.tab', { hasText: `gemini/${basename(dir)}` })
    .first()
    .waitFor({ timeout: 10_000 });
  // Review: the multi-file diff against the base.
  await worktreeAction('Review Changes');
  await p.page
    .locator('.tab', { hasText: `Worktree gemini/${basename(dir)} against main` })
    .first()
    .waitFor({ timeout: 20_000 });
  // The multi-file diff lists both changed files.
  for (const f of ['app.ts', 'made.txt']) await p.page.locator('.editor-container').getByText(f, { exact: true }).first().waitFor({ timeout: 20_000 });
  // Merge: git's merge brings the change into the main tree (staged, for the user to commit).
  await showTab(dir);
  await worktreeAction('Merge into the Main Working Tree');
  await p.waitForNotification(/are merged into the main working tree/);
  assert.equal(readFileSync(join(wb.workspace, 'src/app.ts'), 'utf8'), 'export const answer = 43;\n');
  assert.equal(readFileSync(join(wb.workspace, 'made.txt'), 'utf8').trim(), 'made-in-worktree');
  git('commit', '-q', '-m', 'merged from the worktree');
  // A reload brings the worktree conversation back in its tab, still named after its branch.
  await p.reloadWindow();
  await p.page
    .locator('.tab', { hasText: `gemini/${basename(dir)}` })
    .first()
    .waitFor({ timeout: 60_000 });
  await p.command('View: Close All Editors');
});

test('a conflicting change opens the merge editor; discard names what is not merged, then removes the worktree and its branch', async () => {
  wb.fake.reset();
  wb.fake.setScenario({
    replies: [
      { whenInputIncludes: 'WT-README', steps: [functionCall('edit_file', { path: 'README.md', edits: [{ search: '# WT', replace: '# From the worktree' }] }, 'fc_readme')] },
      { whenInputIncludes: 'fc_readme', steps: [text('README changed.')] },
    ],
  });
  const { tab, dir } = await newWorktreeChat();
  await sendChat(tab, 'WT-README: retitle the readme');
  await untilAnswered(tab, 'README changed.');
  // Meanwhile the main branch changed the same line.
  writeFileSync(join(wb.workspace, 'README.md'), '# From main\n');
  git('commit', '-q', '-am', 'main retitles the readme');
  await showTab(dir);
  await worktreeAction('Merge into the Main Working Tree');
  await p.waitForNotification(/left 1 conflict\(s\)/);
  await p.page
    .locator('.tab', { hasText: /Merging: README\.md/ })
    .first()
    .waitFor({ timeout: 20_000 });
  await p.page.locator('.merge-editor').first().waitFor({ timeout: 20_000 });
  assert.match(readFileSync(join(wb.workspace, 'README.md'), 'utf8'), /<<<<<<<[\s\S]*# From main[\s\S]*# From the worktree[\s\S]*>>>>>>>/);
  git('merge', '--abort');
  await p.command('View: Close All Editors');
  // VS Code may ask about the merge editor (the file still had conflicts when it was opened) and
  // about its unsaved result, in either order: each question is answered without keeping anything.
  for (let k = 0; k < 4; k++) {
    const answer = p.page.locator('.monaco-dialog-box .monaco-button', { hasText: /^(Don't Save|Close with Conflicts)$/ }).first();
    if (!(await answer.isVisible({ timeout: 1000 }).catch(() => false))) break;
    await answer.click();
  }
  // Discard: a confirmation naming the unmerged commit; then the worktree and its branch are gone.
  await p.command('Gemini: Clean Up Worktrees…');
  // A pick of many: the row is checked, then the pick accepted.
  const row = p.page.locator('.quick-input-list .monaco-list-row', { hasText: `gemini/${basename(dir)}` }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.locator('.monaco-checkbox, input[type=checkbox], .quick-input-list-checkbox').first().click();
  await p.page.locator('.quick-input-widget input').press('Enter');
  const dialog = await modalDialog(p);
  assert.match(dialog.text, /Not merged: 1 commit\(s\) on gemini\//);
  await dialog.click('Discard');
  // The folder goes first (git worktree remove), the branch after it (git branch -D): wait for both.
  const branchListed = () => new RegExp(basename(dir)).test(git('branch', '--list', 'gemini/*'));
  const until = Date.now() + 15_000;
  while ((existsSync(dir) || branchListed()) && Date.now() < until) await p.page.waitForTimeout(200);
  assert.ok(!existsSync(dir), 'the worktree folder is gone');
  assert.doesNotMatch(git('branch', '--list', 'gemini/*'), new RegExp(basename(dir)), 'its branch is gone');
  assert.doesNotMatch(git('worktree', 'list'), new RegExp(basename(dir)));
});
