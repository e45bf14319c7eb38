/**
 * Mention completion races, in Chromium with the real webview bundle and a host we answer by hand
 * (so the order of events is chosen, not left to timing): an answer for text that is gone never
 * opens a list, and Enter never puts in an item that was found for other text.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-ignore -- plain ESM helper
import { CHROMIUM_ARGS, findChromium } from '../../scripts/workbench.mjs';
import { openChatPage, serveWebview } from './webview-page';

let browser: Browser;
let server: { url: string; close(): void };
let page: Page;

type Posted = { type: string; kind?: string; query?: string; seq?: number; text?: string };

before(async () => {
  server = await serveWebview();
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 420, height: 700 } });
  await openChatPage(page, server.url);
});
after(async () => {
  await browser?.close();
  server?.close();
});

const posted = () => page.evaluate(() => (window as unknown as { __posted: Posted[] }).__posted);

/** The last mention query the page asked the host, once it has asked one after `from` messages. */
async function lastQuery(from: number): Promise<Posted> {
  await page.waitForFunction((n) => (window as unknown as { __posted: Posted[] }).__posted.slice(n).some((m) => m.type === 'mentionQuery'), from);
  // (Queries wait 60–150 ms for the typing to pause: the last one is the one that counts.)
  await page.waitForTimeout(250);
  return (await posted()).filter((m, k) => k >= from && m.type === 'mentionQuery').at(-1)!;
}

function answer(seq: number, items: Array<{ kind: 'file' | 'symbol'; value: string; label: string }>): Promise<void> {
  return page.evaluate(({ seq, items }) => window.postMessage({ type: 'mentionCandidates', seq, items }, '*'), { seq, items });
}

const menuOpen = () => page.evaluate(() => !document.getElementById('mention-menu')!.hidden);

test('an answer that comes after its text was sent never opens a list; the next message goes as typed', async () => {
  const box = page.locator('#input');
  await box.focus();
  let n = (await posted()).length;
  await page.keyboard.type('What is in #file:logo');
  const q = await lastQuery(n);
  assert.equal(q.kind, 'file');
  // Sent before the host answered: the box is empty again.
  n = (await posted()).length;
  await page.keyboard.press('Enter');
  await page.waitForFunction((k) => (window as unknown as { __posted: Posted[] }).__posted.slice(k).some((m) => m.type === 'send'), n);
  assert.equal(await box.inputValue(), '');
  // The late answer for the old text: no list opens.
  await answer(q.seq!, [{ kind: 'file', value: 'img/logo.png', label: 'logo.png' }]);
  await page.waitForTimeout(100);
  assert.equal(await menuOpen(), false, 'a late answer for text that is gone opens nothing');
  // The next message, typed and sent at once, goes as typed.
  n = (await posted()).length;
  await box.fill('write to ops @nobodyHere');
  await box.press('Enter');
  await page.waitForFunction((k) => (window as unknown as { __posted: Posted[] }).__posted.slice(k).some((m) => m.type === 'send'), n);
  const sent = (await posted()).slice(n).find((m) => m.type === 'send')!;
  assert.equal(sent.text, 'write to ops @nobodyHere');
});

test('typing on narrows the last answer to what is typed; an item that no longer fits is never put in by Enter', async () => {
  const box = page.locator('#input');
  await box.fill('');
  await box.focus();
  let n = (await posted()).length;
  await page.keyboard.type('see @pa');
  const q = await lastQuery(n);
  await answer(q.seq!, [
    { kind: 'symbol', value: 'parseHeader', label: 'parseHeader' },
    { kind: 'symbol', value: 'padLeft', label: 'padLeft' },
  ]);
  await page.waitForFunction(() => document.querySelectorAll('#mention-menu .mention-option').length === 2);
  // Typed on before the next answer: only what still fits stays, and Enter takes it.
  n = (await posted()).length;
  await page.keyboard.type('rs');
  await lastQuery(n);
  assert.deepEqual(await page.locator('#mention-menu .mention-option .mention-label').allInnerTexts(), ['@parseHeader']);
  await page.keyboard.press('Enter');
  assert.equal(await box.inputValue(), 'see @parseHeader ');
  // Typed on so that nothing fits: the list goes, and Enter sends the text as typed.
  await box.fill('');
  n = (await posted()).length;
  await page.keyboard.type('then @pa');
  const q2 = await lastQuery(n);
  await answer(q2.seq!, [{ kind: 'symbol', value: 'padLeft', label: 'padLeft' }]);
  await page.waitForFunction(() => document.querySelectorAll('#mention-menu .mention-option').length === 1);
  n = (await posted()).length;
  await page.keyboard.type('x');
  await lastQuery(n);
  assert.equal(await menuOpen(), false);
  await page.keyboard.press('Enter');
  await page.waitForFunction((k) => (window as unknown as { __posted: Posted[] }).__posted.slice(k).some((m) => m.type === 'send'), n);
  assert.equal((await posted()).slice(n).find((m) => m.type === 'send')!.text, 'then @pax');
});
