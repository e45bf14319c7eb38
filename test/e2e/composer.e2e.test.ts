/**
 * The composer a first-time user reads, at a 300-pixel-wide sidebar in the real workbench: its
 * actions are visible and labelled, nothing is cut, the ways to send are one labelled choice,
 * toggles show whether they are on, a queued message is readable, and axe finds no violation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Frame } from 'playwright-core';
import { type Workbench, WorkbenchPage, sendChat, useWorkbench } from './harness';
import { text } from '../fake-api/scenario';

let wb: Workbench;
let p: WorkbenchPage;
let chat: Frame;

useWorkbench({}, { chat: true }, (t) => ({ wb, p, chat } = t));

/** Drag the sash between the side bar and the editor until the side bar is `width` px wide. */
async function sideBarWidth(width: number): Promise<number> {
  const bar = p.page.locator('.part.sidebar').first();
  for (let k = 0; k < 4; k++) {
    const box = (await bar.boundingBox())!;
    if (Math.abs(box.width - width) <= 2) break;
    const x = box.x + box.width;
    const y = box.y + box.height / 2;
    await p.page.mouse.move(x - 1, y);
    await p.page.mouse.down();
    await p.page.mouse.move(box.x + width, y, { steps: 8 });
    await p.page.mouse.up();
    await p.page.waitForTimeout(300);
  }
  return (await bar.boundingBox())!.width;
}

test('at a 300-pixel sidebar the composer says what each control does, cuts nothing, and shows what is on', async () => {
  const width = await sideBarWidth(300);
  assert.ok(Math.abs(width - 300) <= 4, `side bar ${width}px`);
  await chat.waitForFunction(() => window.innerWidth <= 310, undefined, { timeout: 10_000 });
  const layout = await chat.evaluate(() => {
    const visible = (el: Element | null) => !!el && (el as HTMLElement).offsetParent !== null && el.getBoundingClientRect().width > 0;
    const cut = (el: Element) => el.scrollWidth > el.clientWidth + 1;
    const labelled = ['attach', 'tools', 'options'].map((id) => {
      const b = document.getElementById(id)!;
      const label = b.querySelector('.btn-label');
      return { id, label: visible(label) ? (label as HTMLElement).innerText : null, cut: cut(b), inside: b.getBoundingClientRect().right <= window.innerWidth };
    });
    const send = document.getElementById('send')!;
    const mode = document.getElementById('send-mode') as HTMLSelectElement;
    return {
      labelled,
      send: { text: send.innerText, inside: send.getBoundingClientRect().right <= window.innerWidth, visible: visible(send) },
      mode: { visible: visible(mode), label: mode.getAttribute('aria-label'), options: Array.from(mode.options).map((o) => o.text) },
      pageOverflows: document.documentElement.scrollWidth > window.innerWidth + 1,
      glyphOnly: Array.from(document.querySelectorAll('#composer .toolbar button'))
        .filter((b) => visible(b) && !(b as HTMLElement).innerText.trim())
        .map((b) => b.id),
    };
  });
  assert.deepEqual(
    layout.labelled.map((l) => [l.id, l.label, l.cut, l.inside]),
    [
      ['attach', 'Attach', false, true],
      ['tools', 'Tools', false, true],
      ['options', 'Options', false, true],
    ],
  );
  assert.deepEqual(layout.send, { text: 'Send', inside: true, visible: true });
  assert.deepEqual(layout.mode, { visible: true, label: 'How to send', options: ['Chat', 'Plan first', 'Deep Research', 'In the background', 'On a remote agent'] });
  assert.equal(layout.pageOverflows, false, 'nothing sticks out to the side');
  assert.deepEqual(layout.glyphOnly, [], 'no unlabelled glyph buttons under the box');

  // A toggle shows whether it is on, in its look and to a screen reader; the Options button counts it.
  await chat.locator('#options').click();
  const search = chat.locator('#toggle-googleSearch');
  assert.equal(await search.innerText(), 'Google Search');
  assert.equal(await search.getAttribute('aria-pressed'), 'false');
  await search.click();
  assert.equal(await search.getAttribute('aria-pressed'), 'true');
  assert.match((await search.locator('.toggle-mark').getAttribute('class')) ?? '', /codicon-pass-filled/);
  await chat.waitForFunction(() => document.getElementById('options')?.getAttribute('aria-label') === 'Options (1 on)');
  assert.equal(await chat.locator('#options-panel').evaluate((el) => el.getBoundingClientRect().right <= window.innerWidth + 1), true, 'the panel fits');
  await search.click();
  await chat.locator('#toggle-googleSearch').press('Escape');
  await chat.locator('#options-panel').waitFor({ state: 'hidden' });
});

test('a queued message is readable at 300 pixels, and axe finds no violation there', async () => {
  wb.fake.setScenario({ replies: [{ steps: [text('A slow answer. '.repeat(40))], delayMs: 60, textChunk: 6 }, { steps: [text('Done.')] }] });
  await sendChat(chat, 'Start something slow');
  await chat.waitForFunction(() => !(document.getElementById('stop') as HTMLButtonElement).hidden, undefined, { timeout: 10_000 });
  const queued = 'Queued follow-up: also update the CHANGELOG and the README with the new setting';
  await chat.locator('#input').fill(queued);
  await chat.locator('#input').press('Enter');
  const row = chat.locator('#queue .queue-item').first();
  await row.waitFor({ timeout: 10_000 });
  const shown = await row.locator('.queue-text').evaluate((el) => ({
    text: (el as HTMLElement).innerText,
    cutSideways: el.scrollWidth > el.clientWidth + 1,
    cutBelow: el.scrollHeight > el.clientHeight + 1,
    height: el.getBoundingClientRect().height,
    font: parseFloat(getComputedStyle(el).fontSize),
  }));
  assert.equal(shown.text, queued, 'the whole message, not “Queued follow-…”');
  assert.equal(shown.cutSideways, false);
  assert.equal(shown.cutBelow, false, 'three lines hold it');
  assert.ok(shown.height >= 2 * shown.font, `wrapped: ${shown.height}px at ${shown.font}px`);
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await chat.evaluate(source);
  const violations = await chat.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }
    ).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return r.violations.map((v) => `${v.impact} ${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  assert.deepEqual(violations, []);
  await chat.waitForFunction(() => !document.querySelector('.turn[aria-busy]') && document.querySelectorAll('.turn').length === 2, undefined, { timeout: 30_000 });
});

test('code-block actions are one shared toolbar that the keyboard reaches: focus a block, Tab to Copy, Enter', async () => {
  wb.fake.setScenario({ replies: [{ steps: [text('Two blocks:\n\n```ts\nconst a = 1;\n```\n\n```py\nb = 2\n```\n')] }] });
  await sendChat(chat, 'Show me code');
  await chat.waitForFunction(() => document.querySelectorAll('.turn:last-child .code-block').length === 2 && !document.querySelector('.turn[aria-busy]'), undefined, {
    timeout: 20_000,
  });
  assert.ok((await chat.locator('.code-toolbar').count()) <= 1, 'at most one toolbar');
  const second = chat.locator('.turn').last().locator('.code-block').nth(1);
  assert.equal(await second.getAttribute('aria-label'), 'Code (py)');
  await second.focus();
  await second.press('Tab');
  const focused = await chat.evaluate(() => ({
    act: (document.activeElement as HTMLElement).dataset.act,
    label: document.activeElement?.getAttribute('aria-label'),
    inBlock: document.activeElement?.closest('.code-block')?.getAttribute('data-lang'),
  }));
  assert.deepEqual(focused, { act: 'copy', label: 'Copy code', inBlock: 'py' });
  await chat.evaluate(() => (document.activeElement as HTMLElement).click());
  await chat.locator('#toast', { hasText: 'Copied to the clipboard.' }).waitFor({ timeout: 10_000 });
  assert.equal(await chat.locator('.code-toolbar').count(), 1, 'one toolbar for every block');
});
