/** CoalescedOutput: many small writes go on as few pieces, whole lines first, nothing lost or reordered. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoalescedOutput } from '../../src/core/tools/coalesce';

const INTERVAL = 30;

function sink() {
  const pieces: string[] = [];
  return { pieces, put: (text: string) => pieces.push(text) };
}

/** Wait until `ok()` (a slow machine only makes this wait longer, never fail). */
async function until(ok: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!ok()) {
    assert.ok(Date.now() < deadline, what);
    await sleep(5);
  }
}

test('the first whole line goes on at once; what follows within the interval goes together at its end', async () => {
  const s = sink();
  const out = new CoalescedOutput(s.put, INTERVAL);
  out.write('first\n');
  assert.deepEqual(s.pieces, ['first\n']);
  for (let k = 0; k < 500; k++) out.write(`line ${k}\n`);
  assert.equal(s.pieces.length, 1, 'held while the interval runs');
  await until(() => s.pieces.length === 2, 'the held lines went on');
  assert.equal(s.pieces[1], Array.from({ length: 500 }, (_, k) => `line ${k}\n`).join(''));
  out.end();
});

test('an unfinished line goes on after one more interval; one with a URL waits for its end', async () => {
  const s = sink();
  const out = new CoalescedOutput(s.put, INTERVAL);
  out.write('Password: ');
  assert.equal(s.pieces.length, 0, 'half a line is not shown at once');
  await until(() => s.pieces.length === 1, 'a prompt without a newline is shown');
  assert.deepEqual(s.pieces, ['Password: ']);
  out.write('clone https://user:se');
  await sleep(INTERVAL * 4);
  assert.equal(s.pieces.length, 1, 'a URL is not cut');
  out.write('cret@host/x');
  out.write('\n');
  await until(() => s.pieces.length === 2, 'the line went on when it ended');
  assert.equal(s.pieces[1], 'clone https://user:secret@host/x\n');
  out.write('https://user:pw@h');
  out.end();
  assert.equal(s.pieces[2], 'https://user:pw@h', 'end() passes on an unfinished URL too');
});

test('a carriage return ends a line (progress bars)', () => {
  const s = sink();
  const out = new CoalescedOutput(s.put, INTERVAL);
  out.write('10%\r');
  assert.deepEqual(s.pieces, ['10%\r']);
  out.end();
});

test('end() passes on the rest at once, and nothing comes after it', async () => {
  const s = sink();
  const out = new CoalescedOutput(s.put, INTERVAL);
  out.write('a\n');
  out.write('b\nc');
  out.end();
  assert.equal(s.pieces.join(''), 'a\nb\nc');
  const n = s.pieces.length;
  await sleep(INTERVAL * 3);
  assert.equal(s.pieces.length, n, 'no timer left behind');
});

test('a lot waiting goes on at once, lines or not', () => {
  const s = sink();
  const out = new CoalescedOutput(s.put, INTERVAL, 1000);
  out.write('x\n');
  out.write('y'.repeat(1500));
  assert.equal(s.pieces.length, 2);
  assert.equal(s.pieces[1]!.length, 1500);
  out.end();
});

test('any split of a text comes out whole and in order', async () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const kinds = ['line {k}\n', 'partial {k}', 'at https://u:p@h/{k} ', 'bar {k}%\r'];
  const text = Array.from({ length: 3000 }, (_, k) => kinds[Math.floor(rnd() * kinds.length)]!.replace('{k}', String(k))).join('');
  const s = sink();
  const out = new CoalescedOutput(s.put, 5);
  for (let i = 0; i < text.length;) {
    const n = 1 + Math.floor(rnd() * 200);
    out.write(text.slice(i, i + n));
    i += n;
    if (rnd() < 0.05) await sleep(rnd() * 12);
  }
  out.end();
  assert.equal(s.pieces.join(''), text);
});
