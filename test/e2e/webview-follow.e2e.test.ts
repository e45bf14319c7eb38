/**
 * The chat log follows a streaming answer to its end, in Chromium (the real webview bundle, no
 * workbench), with real wheel input: it stays at the end while text arrives, stays where the
 * user scrolled to, follows again once the user is back at the end, and a scroll the browser
 * makes by itself never stops the following. A long conversation opens with only its last turns
 * rendered, and renders the others as they are scrolled to.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-ignore -- plain ESM helper
import { CHROMIUM_ARGS, findChromium } from '../../scripts/workbench.mjs';
import { openChatPage, PANEL_STATE, serveWebview } from './webview-page';

let browser: Browser;
let server: { url: string; close(): void };
let page: Page;

before(async () => {
  server = await serveWebview();
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 420, height: 700 } });
  await openChatPage(page, server.url);
  await page.evaluate(() => {
    const post = (m: unknown) => window.postMessage(m, '*');
    post({ type: 'turnStart', turn: { id: 't1', input: [{ type: 'text', text: 'go' }], steps: [], state: 'streaming', notices: [], model: 'm' } });
    post({ type: 'turnChanges', turnId: 't1', changes: [{ k: 'add', s: 0, step: { type: 'model_output' } }] });
    post({ type: 'turnChanges', turnId: 't1', changes: [{ k: 'content', s: 0, c: 0, content: { type: 'text', text: 'Start.\n\n' } }] });
  });
});
after(async () => {
  await browser?.close();
  server?.close();
});

/** Streams `n` paragraphs, one message per frame, and returns the log's distance from its end after each frame. */
async function stream(n: number, tag: string): Promise<{ gaps: number[]; tops: number[] }> {
  return page.evaluate(
    async ({ n, tag }) => {
      const log = document.getElementById('log')!;
      const gaps: number[] = [];
      const tops: number[] = [];
      const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
      for (let k = 0; k < n; k++) {
        window.postMessage({ type: 'turnChanges', turnId: 't1', changes: [{ k: 'text', s: 0, c: 0, t: `${tag} paragraph ${k}: ${'words and more words '.repeat(6)}\n\n` }] }, '*');
        await frame();
        await frame();
        gaps.push(log.scrollHeight - log.scrollTop - log.clientHeight);
        tops.push(log.scrollTop);
      }
      return { gaps, tops };
    },
    { n, tag },
  );
}

test('the log follows a streaming answer, stops where the user scrolled, and follows again at the end', async () => {
  // 1. Following: after every frame the end is in view.
  const a = await stream(40, 'A');
  assert.ok(
    a.gaps.every((g) => g < 40),
    `at the end after every frame: ${a.gaps.join(',')}`,
  );
  assert.ok(a.tops[a.tops.length - 1]! > 1000, 'the answer is taller than the view');

  // 2. The user scrolls up with the wheel: the log stays there while more text arrives.
  const box = (await page.locator('#log').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -800);
  await page.waitForFunction(() => {
    const log = document.getElementById('log')!;
    return log.scrollHeight - log.scrollTop - log.clientHeight > 600;
  });
  const held = await page.evaluate(() => document.getElementById('log')!.scrollTop);
  const b = await stream(20, 'B');
  assert.ok(
    b.tops.every((t) => Math.abs(t - held) < 2),
    `stays where the user put it (${held}): ${b.tops.join(',')}`,
  );
  assert.ok(b.gaps[b.gaps.length - 1]! > 1500, 'the new text is below the view');

  // 3. Back at the end with the wheel: following again.
  await page.mouse.wheel(0, 100_000);
  await page.waitForFunction(() => {
    const log = document.getElementById('log')!;
    return log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  });
  await page.waitForTimeout(800); // the wheel's intent window passes
  const c = await stream(20, 'C');
  assert.ok(
    c.gaps.every((g) => g < 40),
    `follows again: ${c.gaps.join(',')}`,
  );

  // 4. A scroll the browser makes by itself (no wheel, key or touch): still following.
  await page.evaluate(() => {
    const log = document.getElementById('log')!;
    log.scrollTop = log.scrollTop - 500;
  });
  const d = await stream(10, 'D');
  assert.ok(
    d.gaps.every((g) => g < 40),
    `a browser-made scroll does not stop the following: ${d.gaps.join(',')}`,
  );

  // 5. Focus moved to a control far above the end (a keyboard or screen-reader user): the browser
  // shows it, and the log stays there while more text arrives (it is not pulled back to the end).
  const control = page.locator('.turn').first().locator('button').first();
  await control.focus();
  const shown = () =>
    control.evaluate((el) => {
      const log = document.getElementById('log')!.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return r.bottom > log.top && r.top < log.bottom;
    });
  await page.waitForFunction(() => document.activeElement?.closest('#log') !== null);
  assert.equal(await shown(), true, 'the focused control is in view');
  await stream(10, 'E');
  assert.equal(await shown(), true, 'still in view after more text arrived');
});

test('a long conversation opens at its end and renders the turns above as the user scrolls to them', async () => {
  const long = await browser.newPage({ viewport: { width: 420, height: 700 } });
  try {
    await long.goto(server.url);
    const turns = Array.from({ length: 300 }, (_, k) => ({
      id: `t${k}`,
      input: [{ type: 'text', text: `Question ${k}` }],
      steps: [{ type: 'model_output', content: [{ type: 'text', text: `Answer ${k}.\n\n${`Some words about part ${k}. `.repeat(20)}\n\n- one\n- two\n` }] }],
      state: 'completed',
      notices: [],
      model: 'm',
    }));
    await long.evaluate(
      ({ s, ts }) => window.postMessage({ type: 'init', state: s, conversation: { id: 'c', title: 't', mode: 'stateful', turns: ts }, draft: '', attachments: [] }, '*'),
      { s: PANEL_STATE, ts: turns },
    );
    await long.waitForFunction(() => document.body.dataset.ready === 'true');
    /** The turns in the log's view: their ids, and whether each is rendered. */
    const inView = () =>
      long.evaluate(() => {
        const box = document.getElementById('log')!.getBoundingClientRect();
        return Array.from(document.querySelectorAll<HTMLElement>('.turn'))
          .filter((t) => {
            const r = t.getBoundingClientRect();
            return r.bottom > box.top && r.top < box.bottom;
          })
          .map((t) => ({ id: t.dataset.turn!, rendered: !t.classList.contains('placeholder') && t.textContent!.includes(`Answer ${t.dataset.turn!.slice(1)}.`) }));
      });
    const renderedCount = () => long.evaluate(() => document.querySelectorAll('.turn:not(.placeholder)').length);

    // 1. At the end, the last answer in view; most turns not rendered.
    await long.waitForFunction(() => {
      const log = document.getElementById('log')!;
      return log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    });
    const first = await inView();
    assert.ok(
      first.some((t) => t.id === 't299' && t.rendered),
      `the last turn is in view: ${JSON.stringify(first)}`,
    );
    assert.ok((await renderedCount()) < 100, 'a long conversation is not rendered all at once');

    // 2. Scrolling up with the wheel: every turn that comes into view is rendered.
    const box = (await long.locator('#log').boundingBox())!;
    await long.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      await long.mouse.wheel(0, -700);
      await long.waitForFunction(
        () => {
          const b = document.getElementById('log')!.getBoundingClientRect();
          return Array.from(document.querySelectorAll('.turn.placeholder')).every((t) => {
            const r = t.getBoundingClientRect();
            return r.bottom <= b.top || r.top >= b.bottom;
          });
        },
        undefined,
        { timeout: 5000 },
      );
      for (const t of await inView()) {
        assert.ok(t.rendered, `turn ${t.id} is rendered once in view`);
        seen.add(t.id);
      }
    }
    assert.ok(seen.size > 10, `the wheel went through many turns: ${[...seen].join(',')}`);
    assert.ok(!seen.has('t0'), 'not yet at the top');

    // 3. A jump to the top (as a scrollbar drag does): the first turns render there, the middle stays unrendered.
    await long.evaluate(() => (document.getElementById('log')!.scrollTop = 0));
    await long.waitForFunction(() => document.querySelector('[data-turn="t0"]')!.textContent!.includes('Answer 0.'), undefined, { timeout: 5000 });
    await long.waitForFunction(
      () => {
        const b = document.getElementById('log')!.getBoundingClientRect();
        const t0 = document.querySelector('[data-turn="t0"]')!.getBoundingClientRect();
        return t0.top >= b.top - 1 && t0.top < b.bottom;
      },
      undefined,
      { timeout: 5000 },
    );
    const top = await inView();
    assert.equal(top[0]!.id, 't0', `the first turn is at the top: ${JSON.stringify(top)}`);
    assert.ok(
      top.every((t) => t.rendered),
      `rendered at the top: ${JSON.stringify(top)}`,
    );
    assert.ok((await renderedCount()) < 200, 'the turns between were never rendered');
  } finally {
    await long.close();
  }
});
