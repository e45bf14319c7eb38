/**
 * The display language set to Indonesian (`--locale id`, with a stand-in Indonesian language pack
 * installed): the contributed commands and views, the chat's buttons, and the messages the host
 * writes (an API error in the chat) are in Indonesian.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { type Workbench, WorkbenchPage, extensionHostLog, sendChat, useWorkbench, waitForTurnState } from './harness';

let wb: Workbench;
let browser: Browser;

useWorkbench({ locale: 'id' }, {}, (t) => ({ wb, browser } = t));

const nls = JSON.parse(readFileSync('package.nls.id.json', 'utf8')) as Record<string, string>;
const bundle = JSON.parse(readFileSync('l10n/bundle.l10n.id.json', 'utf8')) as Record<string, string>;

test('in Indonesian the commands, the views and the chat’s buttons are Indonesian; a host error reads in Indonesian', async () => {
  const p = await WorkbenchPage.open(browser, wb);
  // Contributed commands: the palette finds them by their Indonesian titles.
  assert.equal(nls['command.gemini.focusChat.title'], 'Fokus ke Obrolan');
  const chat = await (async () => {
    await p.command('Gemini: Fokus ke Obrolan');
    const f = await p.findChatFrame(40_000);
    if (!f) throw new Error(`the chat did not open from its Indonesian command (screenshot: ${await p.snap('l10n-chat')})`);
    return f;
  })();
  for (const key of ['command.gemini.newChat.title', 'command.gemini.setApiKey.title', 'command.gemini.runRemoteTask.title']) {
    await p.page.keyboard.press('F1');
    const input = p.page.locator('.quick-input-widget input');
    await input.fill(`>Gemini: ${nls[key]}`);
    await p.page
      .locator('.quick-input-list .monaco-list-row', { hasText: `Gemini: ${nls[key]}` })
      .first()
      .waitFor({ timeout: 10_000 });
    await p.page.keyboard.press('Escape');
  }
  // The views of the sidebar.
  const headers = await p.page.locator('.pane-header .title').allInnerTexts();
  for (const name of [nls['view.gemini.chat.name'], nls['view.gemini.runs.name'], nls['view.gemini.history.name']])
    assert.ok(
      headers.some((h) => h.trim().toLowerCase() === name!.toLowerCase()),
      `view “${name}” in ${JSON.stringify(headers)}`,
    );
  // The chat's buttons and fields.
  const ui = await chat.evaluate(() => ({
    lang: document.documentElement.lang,
    send: document.getElementById('send')?.textContent,
    stop: document.getElementById('stop')?.textContent,
    attach: document.getElementById('attach')?.getAttribute('aria-label'),
    placeholder: document.getElementById('input')?.getAttribute('placeholder'),
    newChat: document.getElementById('new-chat')?.getAttribute('aria-label'),
  }));
  assert.deepEqual(ui, {
    lang: 'id',
    send: 'Kirim',
    stop: 'Berhenti',
    attach: 'Lampirkan',
    placeholder: bundle['Ask Gemini… (Enter to send, Shift+Enter for a new line)'],
    newChat: 'Obrolan baru',
  });
  // A message the host writes: the error of a rate-limited request, and the turn's name.
  wb.fake.setScenario({ replies: [{ http: { status: 429, retryAfter: 3600, body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'slow down' } } } }] });
  await sendChat(chat, 'halo');
  const footer = await waitForTurnState(chat, (t) => /429/.test(t), 30_000);
  assert.match(footer, /Dibatasi oleh Gemini API \(429\)/, footer);
  assert.equal(await chat.locator('.turn').last().getAttribute('aria-label'), 'Anda bertanya: halo');
  // The translations are VS Code's (already loaded); activation does no more for them. The time
  // is wall-clock on a shared machine (4–24 ms seen here, in English and in Indonesian), so this
  // guards against a gross regression and reports the number.
  const activated = /Activated in (\d+) ms/.exec(extensionHostLog(wb));
  assert.ok(activated, 'the activation time is logged');
  assert.ok(Number(activated[1]) < 100, `activate() took ${activated[1]} ms`);
  console.log(`# activate() in Indonesian: ${activated[1]} ms`);
  await p.page.context().close();
});
