/**
 * Rendering in the real webview (its CSP, its host): a streamed answer ends in exactly the DOM
 * its one-shot render gives (the same answer restored after the webview reloads); invisible
 * characters in model text are shown; the Google Search suggestions widget shows with its own
 * styles in a script-less frame, and a chip opens the search only through the host's consent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { type Workbench, WorkbenchPage, lastAnswerText, modalDialog, sampleUntil, sendChat, useWorkbench } from './harness';
import { functionCall, text } from '../fake-api/scenario';

let wb: Workbench;
let p: WorkbenchPage;
let chat: Frame;

useWorkbench({}, { chat: true }, (t) => ({ wb, p, chat } = t));

const ANSWER = [
  'The [guide] and the [API][api] say the same; see also [missing] (never defined).',
  '',
  '- first point',
  '',
  '- second point, after a blank line (a loose list)',
  '',
  '',
  '- third',
  '',
  '| name | value |',
  '|:-----|------:|',
  '| a    | [guide] |',
  '| b    | `2` |',
  '',
  '```ts',
  'const x: number = 1;',
  '```',
  '',
  'Hidden: \u202Egnp.exe\u202C and \u{E0069}\u{E0067}\u{E006E}\u{E006F}\u{E0072}\u{E0065} end.',
  '',
  '[guide]: https://example.com/guide "The guide"',
  '[api]: https://example.com/api',
  '',
].join('\n');

/** The answer's markdown DOM once its highlighting has landed. */
async function answerHtml(frame: Frame): Promise<string> {
  await frame.waitForFunction(() => !document.querySelector('.turn:last-of-type [data-tail], .turn:last-of-type [data-hl="pending"]'), undefined, { timeout: 20_000 });
  return frame.evaluate(() => {
    const turns = document.querySelectorAll('.turn');
    return (turns[turns.length - 1]!.querySelector('.model-output .markdown') as HTMLElement).innerHTML;
  });
}

test('a streamed answer with reference links, a loose list, a table and code ends identical to its one-shot render', async () => {
  wb.fake.setScenario({ replies: [{ steps: [text(ANSWER)], textChunk: 5, delayMs: 4 }] });
  await sendChat(chat, 'Render test');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('end.'),
    30_000,
  );
  await chat.waitForFunction(() => !document.querySelector('.turn[aria-busy]'), undefined, { timeout: 15_000 });
  const streamed = await answerHtml(chat);
  const facts = await chat.evaluate(() => {
    const md = document.querySelector('.turn:last-of-type .model-output .markdown')!;
    return {
      links: Array.from(md.querySelectorAll('a[data-href]')).map((a) => a.getAttribute('data-href')),
      literal: md.textContent!.includes('[missing]'),
      loose: md.querySelectorAll('li > p').length,
      lists: md.querySelectorAll('ul').length,
      cells: md.querySelectorAll('td').length,
      keyword: md.querySelector('code .hljs-keyword')?.textContent,
      hidden: Array.from(md.querySelectorAll('.hidden-char')).map((e) => e.textContent),
    };
  });
  assert.deepEqual(facts.links, ['https://example.com/guide', 'https://example.com/api', 'https://example.com/guide'], 'reference links resolved from definitions that came last');
  assert.ok(facts.literal, 'an undefined reference stays literal text');
  assert.equal(facts.lists, 1, 'one list, not one per blank-line-separated part');
  assert.equal(facts.loose, 3, 'the list is loose: every item a paragraph');
  assert.equal(facts.cells, 4);
  assert.equal(facts.keyword, 'const', 'code is highlighted');
  assert.deepEqual(facts.hidden, ['⟨U+202E⟩', '⟨U+202C⟩', '⟨hidden text: “ignore”⟩'], 'bidi controls and tag characters are shown');

  // The same answer rendered in one piece: reload the webview (the conversation is restored from the journal).
  const old = chat;
  await p.command('Developer: Reload Webviews');
  for (let k = 0; k < 200 && !old.isDetached(); k++) await p.page.waitForTimeout(50);
  assert.ok(old.isDetached(), 'the old webview went away');
  chat = (await p.findChatFrame(40_000))!;
  assert.ok(chat, 'the chat came back');
  await chat.waitForFunction(() => document.querySelectorAll('.turn').length > 0, undefined, { timeout: 20_000 });
  const oneShot = await answerHtml(chat);
  assert.equal(oneShot, streamed, 'the streamed DOM equals the one-shot render');
});

const WIDGET = `<style>
.container { align-items: center; border-radius: 8px; display: flex; font-family: Google Sans, Roboto, sans-serif; font-size: 14px; padding: 8px 12px; }
.chip { display: inline-block; border: solid 1px; border-radius: 16px; min-width: 14px; padding: 5px 16px; margin: 0 8px; }
.carousel { overflow: auto; white-space: nowrap; }
</style>
<div class="container">
  <div class="headline" style="color: rgb(1, 2, 3)">Search</div>
  <img src="https://tracker.example/pixel.png">
  <script>document.body.dataset.pwned = '1'</script>
  <div class="carousel">
    <a class="chip" href="https://www.google.com/search?q=euro+2024+winner&amp;client=app-vertex-grounding" target="_blank" onclick="document.body.dataset.pwned = '2'">euro 2024 winner</a>
  </div>
</div>`;

test('the search-suggestions widget shows its own styles, runs no script, loads nothing remote, and a chip opens only through the host', async () => {
  const remote: string[] = [];
  p.page.on('request', (r) => {
    if (/tracker\.example|google\.com/.test(r.url())) remote.push(r.url());
  });
  wb.fake.setScenario({
    replies: [
      {
        steps: [
          { type: 'google_search_call', id: 'gs_1', arguments: { queries: ['euro 2024 winner'] } },
          { type: 'google_search_result', call_id: 'gs_1', result: [{ search_suggestions: WIDGET }] },
          text('Spain won Euro 2024.'),
        ],
      },
    ],
  });
  await sendChat(chat, 'Who won Euro 2024?');
  const frameEl = chat.locator('.turn:last-of-type iframe.search-suggestions');
  await frameEl.waitFor({ timeout: 20_000 });
  const widget = await (await frameEl.elementHandle())!.contentFrame();
  assert.ok(widget, 'the widget frame');
  await widget!.waitForSelector('.chip', { timeout: 10_000 });
  const look = await widget!.evaluate(() => {
    const chip = document.querySelector('.chip') as HTMLElement;
    const cs = getComputedStyle(chip);
    return {
      radius: cs.borderTopLeftRadius,
      display: cs.display,
      headline: getComputedStyle(document.querySelector('.headline')!).color,
      pwned: document.body.dataset.pwned ?? null,
      imgs: document.querySelectorAll('img').length,
      scripts: document.querySelectorAll('script').length,
      href: chip.getAttribute('href'),
      target: chip.getAttribute('data-href'),
    };
  });
  assert.equal(look.radius, '16px', 'the widget’s <style> applies');
  assert.equal(look.display, 'inline-block');
  assert.equal(look.headline, 'rgb(1, 2, 3)', 'its style attributes apply');
  assert.equal(look.pwned, null, 'no script ran');
  assert.deepEqual([look.scripts, look.imgs], [0, 0], 'no script or remote image kept');
  assert.equal(look.href, null, 'no href for the frame to follow');
  assert.match(look.target!, /^https:\/\/www\.google\.com\/search\?q=euro\+2024\+winner/);
  await widget!.locator('.chip').click();
  const d = await modalDialog(p);
  assert.match(d.text, /Open www\.google\.com\?/);
  await d.click('Cancel');
  // The frame still shows the widget (it did not navigate to an error page) and nothing was fetched.
  assert.equal(await widget!.locator('.chip').count(), 1);
  assert.equal(widget!.url(), 'about:srcdoc');
  assert.deepEqual(remote, [], 'nothing remote loaded');
});

test('a long agent turn keeps only its newest steps in the DOM; the earlier ones fold behind a button that brings them back; a reload shows the same', async () => {
  const CALLS = 50;
  const calls = Array.from({ length: CALLS }, (_, k) => functionCall('list_directory', { path: '.' }, `fc_long_${k}`));
  wb.fake.setScenario({ replies: [{ steps: calls }, { steps: [text('Looked everywhere.')] }] });
  await sendChat(chat, 'Look around a lot');
  await sampleUntil(
    chat,
    () => lastAnswerText(chat),
    (v) => v.includes('Looked everywhere.'),
    60_000,
  );
  await chat.waitForFunction(() => !document.querySelector('.turn[aria-busy]'), undefined, { timeout: 20_000 });
  const seen = (frame: Frame) =>
    frame.evaluate(() => {
      const turns = document.querySelectorAll('.turn');
      const turn = turns[turns.length - 1]!;
      return {
        fold: turn.querySelector('.steps-fold')?.textContent ?? null,
        cards: Array.from(turn.querySelectorAll('.tool-call')).map((c) => `${c.querySelector('.tool-name')?.textContent}:${c.querySelector('.tool-status')?.className}`),
        results: turn.querySelectorAll('.tool-call .tool-result:not([hidden])').length,
        elements: turn.querySelectorAll('*').length,
      };
    });
  const streamed = await seen(chat);
  // 50 calls, then their 50 results, then the answer: 101 steps, of which the newest 80 keep their
  // views. The 21 folded steps are the first 21 calls (their results, among the newest, wait with them).
  assert.equal(streamed.fold, 'Show 21 earlier steps');
  assert.equal(streamed.cards.length, CALLS - 21);
  assert.equal(streamed.results, CALLS - 21, 'every shown call has its result');

  // The same turn rendered in one piece after the webview reloads: the same fold, the same cards.
  const old = chat;
  await p.command('Developer: Reload Webviews');
  for (let k = 0; k < 200 && !old.isDetached(); k++) await p.page.waitForTimeout(50);
  chat = (await p.findChatFrame(40_000))!;
  await chat.waitForFunction(() => document.querySelectorAll('.turn .tool-call').length > 0, undefined, { timeout: 20_000 });
  const oneShot = await seen(chat);
  assert.deepEqual({ ...oneShot, elements: 0 }, { ...streamed, elements: 0 });

  // The button brings every step back, each call with its result; focus goes to the first. (By
  // keyboard: the log follows its end until a user scrolls or moves focus into it, so a click
  // with no scroll before it would race the following.)
  const fold = chat.locator('.turn:last-of-type .steps-fold');
  await fold.focus();
  await fold.press('Enter');
  await chat.waitForFunction((n) => document.querySelector('.turn:last-of-type')!.querySelectorAll('.tool-call').length === n, CALLS, { timeout: 10_000 });
  const all = await seen(chat);
  assert.equal(all.fold, null);
  assert.equal(all.results, CALLS);
  assert.ok(all.elements > streamed.elements, `${all.elements} elements unfolded, ${streamed.elements} folded`);
  assert.equal(await chat.evaluate(() => document.activeElement?.classList.contains('tool-call')), true, 'focus on the first restored step');
});
