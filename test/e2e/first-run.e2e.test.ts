/**
 * A new user in a fresh window (no key, nothing activated yet): the code actions in any language,
 * the walkthrough, and a sidebar where the chat gets the height.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { type Workbench, WorkbenchPage, pickCodeActionIn, useWorkbench } from './harness';

let wb: Workbench;
let browser: Browser;

useWorkbench(
  { envKey: false, files: { 'NOTES.md': '# Notes\n\nThe parser reads *pax* headers first.\n\nThen the body.\n', 'config.yaml': 'name: demo\n' } },
  {},
  (t) => ({ wb, browser } = t),
);

test('in a fresh window the lightbulb offers "Explain with Gemini" in a Markdown file (the extension activates for any language)', async () => {
  const p = await WorkbenchPage.open(browser, wb);
  const select = () => p.selectLines('NOTES.md', 3, 1);
  await select();
  await pickCodeActionIn(p, 'Explain with Gemini', 'lightbulb', select, false);
  await p.page.context().close();
});

test('Gemini: Get Started opens the walkthrough; its first step completes when the key is set', async () => {
  const p = await WorkbenchPage.open(browser, wb);
  await p.command('Gemini: Get Started');
  const step = p.page.locator('.getting-started-step', { hasText: 'Set your Gemini API key' }).first();
  await step.waitFor({ timeout: 20_000 });
  for (const title of ['Ask your first question', 'Know what runs without asking', 'Attach context', 'Run a task on a remote agent'])
    await p.page.locator('.getting-started-step', { hasText: title }).first().waitFor({ timeout: 5_000 });
  // A done step shows VS Code's "checked" icon.
  assert.equal(await step.locator('.codicon-getting-started-step-checked').count(), 0, 'not done before a key is set');
  const KEY = 'test-walkthrough-key-0123';
  // The key check is the first request this window makes with a valid key (the fake redacts the header).
  const keyChecked = () => wb.fake.requests.some((r) => r.keyStatus === 'valid');
  await p.command('Gemini: Set API Key');
  await p.answerQuickInput(KEY);
  const until = Date.now() + 15_000;
  while (!keyChecked() && Date.now() < until) await p.page.waitForTimeout(200);
  if (!keyChecked()) throw new Error(`the key was never checked (screenshot: ${await p.snap('set-key')})`);
  // The key is saved (the Welcome page may go back to its overview meanwhile): open the walkthrough
  // again, as a user would, until the step shows VS Code's check.
  const checked = () =>
    p.page.evaluate(() =>
      Array.from(document.querySelectorAll('.getting-started-step')).some(
        (e) => (e as HTMLElement).innerText.includes('Set your Gemini API key') && e.querySelector('.codicon-getting-started-step-checked') !== null,
      ),
    );
  const deadline = Date.now() + 20_000;
  while (!(await checked())) {
    if (Date.now() > deadline)
      throw new Error(
        `the step was not checked off (screenshot: ${await p.snap('walkthrough')}); requests: ${JSON.stringify(wb.fake.requests.map((r) => `${r.method} ${r.path} ${r.keyStatus}`))}`,
      );
    await p.page.waitForTimeout(1000);
    if (!(await checked())) await p.command('Gemini: Get Started');
  }
  await p.page.context().close();
});

test('a fresh window at 1500×950: the chat fills the sidebar; runs and history start collapsed', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1500, height: 950 } });
  const p = await WorkbenchPage.open(browser, wb, ctx);
  await p.openChat();
  const sizes = await p.page.evaluate(() => {
    const sidebar = document.querySelector('.part.sidebar') as HTMLElement;
    const panes = Array.from(sidebar.querySelectorAll('.pane')).map((pane) => ({
      title: (pane.querySelector('.pane-header .title') as HTMLElement | null)?.innerText ?? '',
      height: (pane as HTMLElement).getBoundingClientRect().height,
    }));
    return { sidebar: sidebar.getBoundingClientRect().height, panes };
  });
  const shot = await p.snap('first-run-sidebar-1500x950');
  const chat = sizes.panes.find((x) => /chat/i.test(x.title) && !/history/i.test(x.title));
  assert.ok(chat, JSON.stringify(sizes));
  assert.ok(chat.height > sizes.sidebar * 0.75, `the chat gets ${Math.round(chat.height)} of ${Math.round(sizes.sidebar)} px (${shot}): ${JSON.stringify(sizes)}`);
  for (const other of sizes.panes.filter((x) => x !== chat)) assert.ok(other.height < 40, `${other.title} is collapsed: ${JSON.stringify(sizes)}`);
  await ctx.close();
});
