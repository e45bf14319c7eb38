/**
 * Nothing saved is ever lost. The conversation file is damaged at every byte offset, and at random
 * offsets with truncation, garbage and flipped bits: every record the damage did not touch loads,
 * the loss is reported, and the next append works. Two real processes race for an expired lease
 * and write one conversation. A really full file system (a small tmpfs, mounted in a user and
 * mount namespace of the test's own, so it needs no privileges) fills under a stream.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TurnAccumulator } from '../../src/core/conversation/accumulator';
import { frameLine, parseLine } from '../../src/core/conversation/frame';
import { ConversationStore, replayJournal, type JournalRecord } from '../../src/core/conversation/journal';
import { Leases } from '../../src/core/lease';
import type { InteractionEvent } from '../../src/core/protocol/types';

type TurnRecordLike = { id: string; input: unknown[]; state: string; steps: unknown[] };

const ev = (e: Record<string, unknown>) => e as unknown as InteractionEvent;
function events(id: string, words: string[]): InteractionEvent[] {
  return [
    ev({ event_type: 'interaction.created', event_id: `${id}-c`, interaction: { id, status: 'in_progress' } }),
    ev({ event_type: 'step.start', event_id: `${id}-s`, index: 0, step: { type: 'model_output' } }),
    ...words.map((w, k) => ev({ event_type: 'step.delta', event_id: `${id}-d${k}`, index: 0, delta: { type: 'text', text: `${w} ` } })),
    ev({ event_type: 'step.stop', event_id: `${id}-x`, index: 0 }),
    ev({ event_type: 'interaction.completed', event_id: `${id}-e`, interaction: { id, status: 'completed', usage: { total_tokens: 3 } } }),
  ];
}

/** A real conversation file: two finished turns and one interrupted, one event batch per line. */
function conversation(): { text: string; records: JournalRecord[] } {
  const recs: JournalRecord[] = [{ r: 'meta', v: 1, id: 'conv1', created: 1, mode: 'stateful', model: 'gemini-x', title: 'Damage' }];
  const turn = (t: string, text: string, prev: string | undefined, words: string[], end: boolean) => {
    recs.push({ r: 'turn', t, at: 10, input: [{ type: 'text', text }], model: 'gemini-x', previous: prev });
    const evs = events(`v1_${t}`, words);
    for (let k = 0; k < evs.length; k += 2) recs.push({ r: 'ev', t, e: evs.slice(k, k + 2) });
    if (end) {
      const acc = new TurnAccumulator();
      evs.forEach((e) => acc.apply(e));
      recs.push({ r: 'end', t, at: 20, state: 'completed', chain: `v1_${t}`, steps: acc.steps, usage: acc.usage, ids: [`v1_${t}`] });
    }
  };
  turn('t1', 'first question', undefined, ['alpha', 'beta', 'gamma'], true);
  recs.push({ r: 'title', title: 'Damage test' });
  turn('t2', 'second question', 'v1_t1', ['delta', 'epsilon'], true);
  turn('t3', 'third question', 'v1_t2', ['zeta', 'eta', 'theta', 'iota'], false);
  return { text: recs.map((r) => frameLine(JSON.stringify(r)) + '\n').join(''), records: recs };
}

/** What a replay must show for those lines: each turn's text and state as its own records say. */
function expectFrom(lines: string[]): Map<string, { text?: string; ended: boolean; words: number }> {
  const m = new Map<string, { text?: string; ended: boolean; words: number }>();
  for (const l of lines) {
    const r = parseLine<JournalRecord>(l)!;
    if (!('t' in r)) continue;
    const e = m.get(r.t) ?? { ended: false, words: 0 };
    if (r.r === 'turn') e.text = (r.input[0] as { text: string }).text;
    if (r.r === 'end') e.ended = true;
    if (r.r === 'ev') e.words += r.e.filter((x) => (x as { event_type: string }).event_type === 'step.delta').length;
    m.set(r.t, e);
  }
  return m;
}

/**
 * Replay `damaged` (made from `text`) and check: every record that survived whole loads as its
 * records say, and a damaged record that matters is reported (one that is not an event of a turn
 * whose end record holds the whole answer, which replay never needs).
 */
function check(text: string, damaged: string, label: string): void {
  const data = replayJournal(damaged, 'conv1');
  const present = new Set(damaged.split('\n'));
  const original = new Set(text.split('\n'));
  const kept = text.split('\n').filter((l) => l && present.has(l));
  if (!kept.length) return;
  assert.ok(data, `${label}: the conversation still loads`);
  const want = expectFrom(kept);
  for (const [t, e] of want) {
    const turn: TurnRecordLike | undefined = data.turns.find((x) => x.id === t);
    assert.ok(turn, `${label}: turn ${t} survives`);
    if (e.text) assert.deepEqual(turn.input, [{ type: 'text', text: e.text }], `${label}: the message of ${t}`);
    if (e.ended) assert.equal(turn.state, 'completed', `${label}: ${t} is ended by its end record`);
    else if (e.words) {
      // Not ended: what its intact events say is kept (never "interrupted with nothing").
      const content = (turn.steps[0] as { content?: Array<{ text: string }> } | undefined)?.content;
      assert.ok(content?.[0]?.text.trim(), `${label}: ${t} keeps its events`);
    }
  }
  const endedIntact = new Set([...want].filter(([, e]) => e.ended).map(([t]) => t));
  // A line cut right before its checksum still holds its whole record (it reads as a line without one): not a loss.
  const strange = damaged.split('\n').filter((l) => l && !original.has(l) && parseLine(l) === undefined);
  const matters = strange.filter((l) => {
    const m = /^\{"r":"ev","t":"([^"]+)"/.exec(l);
    return !(m && endedIntact.has(m[1]!));
  });
  if (matters.length) assert.ok(data.damage && data.damage.lines >= 1, `${label}: the loss is reported`);
}

describe('a conversation file survives damage at any byte', () => {
  const { text } = conversation();

  test('cut at every byte offset (a crash or a full disk mid-write): what was written before loads, and the next append starts on a fresh line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-cut-'));
    const store = new ConversationStore(dir);
    for (let n = 0; n <= text.length; n++) {
      const cut = text.slice(0, n);
      check(text, cut, `cut at ${n}`);
      // The next append works and is not glued to a torn record.
      writeFileSync(join(dir, 'conv1.jsonl'), cut);
      store.journal('conv1').append({ r: 'note', t: 't1', text: `after ${n}` });
      const again = readFileSync(join(dir, 'conv1.jsonl'), 'utf8');
      const last = again.trimEnd().split('\n').pop()!;
      assert.equal((parseLine<JournalRecord>(last) as { text?: string })?.text, `after ${n}`, `the append after a cut at ${n} reads back`);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('one byte changed, at every offset: only the record holding it is lost, and the loss is reported', () => {
    for (let n = 0; n < text.length; n++) {
      if (text[n] === '\n') continue;
      const flipped = text.slice(0, n) + String.fromCharCode(text.charCodeAt(n) ^ 0x20) + text.slice(n + 1);
      check(text, flipped, `byte ${n} flipped`);
    }
  });

  test('random damage: truncation, garbage runs and flipped bits at random offsets', () => {
    let seed = 7;
    const rand = (k: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % k;
    for (let round = 0; round < 400; round++) {
      const a = rand(text.length);
      const len = 1 + rand(120);
      const kind = round % 3;
      const bytes = Buffer.from(text, 'utf8');
      let damaged: string;
      if (kind === 0) damaged = text.slice(0, a) + '\u0000'.repeat(len) + text.slice(a + len);
      else if (kind === 1) damaged = text.slice(0, a) + 'garbage{"r":"ev","t":"t2","e":[' + text.slice(a + len);
      else {
        for (let k = 0; k < 4; k++) bytes[Math.min(bytes.length - 1, a + rand(len))] ^= 1 << rand(8);
        damaged = bytes.toString('latin1');
        // Flipping bits of multi-byte characters: compare on the same encoding.
        const plain = Buffer.from(text, 'utf8').toString('latin1');
        check(plain, damaged, `round ${round} (bits)`);
        continue;
      }
      check(text, damaged, `round ${round}`);
    }
  });

  test('a damaged header is rebuilt from the records after it and said so; a lost turn record keeps what followed it', () => {
    const lines = text.split('\n');
    lines[0] = lines[0]!.replace('"Damage"', '"Dxmage"');
    const data = replayJournal(lines.join('\n'), 'conv1')!;
    assert.equal(data.meta.id, 'conv1');
    assert.equal(data.turns.length, 3);
    assert.equal(data.meta.title, 'Damage test', 'the title record after it');
    assert.match(data.turns[0]!.notices.join(' '), /rebuilt from the messages/);
    const noTurn = text.split('\n');
    const k = noTurn.findIndex((l) => l.startsWith('{"r":"turn","t":"t2"'));
    noTurn[k] = noTurn[k]!.slice(0, 30);
    const d2 = replayJournal(noTurn.join('\n'), 'conv1')!;
    const t2 = d2.turns.find((t) => t.id === 't2')!;
    assert.equal(t2.state, 'completed');
    assert.match(t2.notices.join(' '), /message of this turn could not be read/);
  });

  test('a torn end record no longer hides a saved answer: the turn loads from its events, and the next turn survives', () => {
    const lines = text.split('\n');
    const k = lines.findIndex((l) => l.startsWith('{"r":"end","t":"t2"'));
    lines[k] = lines[k]!.slice(0, 40);
    const data = replayJournal(lines.join('\n'), 'conv1')!;
    const t2 = data.turns.find((t) => t.id === 't2')!;
    assert.equal(t2.state, 'interrupted');
    assert.match((t2.steps[0] as { content: Array<{ text: string }> }).content[0]!.text, /delta epsilon/);
    assert.ok(t2.resume, 'resumable from its last event');
    assert.ok(
      data.turns.find((t) => t.id === 't3'),
      'the turn after it is there',
    );
  });
});

describe('a full disk, for real', () => {
  const canMount = (() => {
    try {
      execFileSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  test(
    'a stream fills the disk: nothing saved is lost, the answer goes on, and what was held is written when space returns',
    { skip: canMount ? false : 'no user namespaces here' },
    () => {
      // A child Node in a mount namespace of its own, with a 256 KB tmpfs as the conversation folder.
      const script = `
      const { ConversationStore, replayJournal } = require(${JSON.stringify(join(__dirname, 'store-child.js'))});
      const fs = require('fs');
      const dir = '/mnt/conv';
      fs.mkdirSync(dir);
      const problems = [], recovered = [];
      const store = new ConversationStore(dir);
      const health = { problem: (e) => problems.push(e.code), recovered: () => recovered.push(1) };
      const j = store.create({ id: 'full', mode: 'stateful', model: 'm' }, health);
      j.append({ r: 'turn', t: 't1', at: 1, input: [{ type: 'text', text: 'hi' }], model: 'm' });
      // Fill the disk with another file, then stream.
      const filler = '/mnt/filler';
      try { fs.writeFileSync(filler, Buffer.alloc(1 << 20)); } catch {}
      let n = 0;
      for (let k = 0; k < 200; k++) j.append({ r: 'note', t: 't1', text: 'x'.repeat(300) + k }), n++;
      const heldWhileFull = j.unsaved;
      const sendCheck = store.writable();
      fs.unlinkSync(filler);
      j.append({ r: 'note', t: 't1', text: 'after space returned' });
      const data = replayJournal(fs.readFileSync(dir + '/full.jsonl', 'utf8'), 'full');
      console.log(JSON.stringify({ problems, recovered: recovered.length, heldWhileFull, sendCheck: sendCheck && sendCheck.code, notes: data.turns[0].notices.length, last: data.turns[0].notices.at(-1), unsaved: j.unsaved, damage: data.damage }));
    `;
      const out = execFileSync(
        'unshare',
        ['--user', '--map-root-user', '--mount', 'sh', '-c', `mount -t tmpfs -o size=256k tmpfs /mnt && exec "$0" -e "$1"`, process.execPath, script],
        {
          encoding: 'utf8',
        },
      );
      const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
      assert.deepEqual(r.problems, ['ENOSPC'], 'told once what is not saved and why');
      assert.ok((r.heldWhileFull as number) > 0, 'records were held in memory while the disk was full');
      assert.equal(r.sendCheck, 'ENOSPC', 'a send would be asked about');
      assert.equal(r.recovered, 1, 'told when it is saved again');
      assert.equal(r.unsaved, 0);
      assert.equal(r.notes, 201, 'every note of the stream is on disk, in order');
      assert.equal(r.last, 'after space returned');
      assert.equal(r.damage, undefined, 'no torn record was left behind');
    },
  );
});

describe('two real processes', () => {
  test('racing for an expired lease: never two holders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lease-race-'));
    const child = join(__dirname, 'store-child.js');
    let doubles = 0;
    for (let round = 0; round < 25; round++) {
      const id = `run${round}`;
      // An expired lease of a third window.
      new Leases(dir, 'gone', 1, () => Date.now() - 60_000).acquire(id);
      const at = Date.now() + 300;
      const race = (owner: string) =>
        new Promise<string>((resolve) => {
          const p = spawn(process.execPath, [
            '-e',
            `const { Leases } = require(${JSON.stringify(child)}); const l = new Leases(${JSON.stringify(dir)}, '${owner}', 15000); while (Date.now() < ${at}); console.log(l.acquire('${id}') ? 'won' : 'lost');`,
          ]);
          let out = '';
          p.stdout.on('data', (d: Buffer) => (out += d));
          p.on('close', () => resolve(out.trim()));
        });
      const results = await Promise.all([race('a'), race('b'), race('c')]);
      if (results.filter((r) => r === 'won').length !== 1) doubles++;
    }
    assert.equal(doubles, 0, `rounds with other than one holder: ${doubles} of 25`);
    rmSync(dir, { recursive: true, force: true });
  });

  test('two windows append to one conversation at once: every record of both is there, whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'two-writers-'));
    new ConversationStore(dir).create({ id: 'shared', mode: 'stateful', model: 'm' });
    const child = join(__dirname, 'store-child.js');
    const writer = (who: string) =>
      new Promise<void>((resolve) => {
        const p = spawn(process.execPath, [
          '-e',
          `const { ConversationStore } = require(${JSON.stringify(child)}); const j = new ConversationStore(${JSON.stringify(dir)}).journal('shared');
           j.append({ r: 'turn', t: '${who}', at: 1, input: [{ type: 'text', text: '${who}' }], model: 'm' });
           for (let k = 0; k < 500; k++) j.append({ r: 'note', t: '${who}', text: '${who}-' + k + '-' + 'y'.repeat(k % 50) });`,
        ]);
        p.on('close', () => resolve());
      });
    await Promise.all([writer('A'), writer('B')]);
    const data = new ConversationStore(dir).load('shared')!;
    assert.equal(data.damage, undefined);
    for (const who of ['A', 'B']) {
      const t = data.turns.find((x) => x.id === who)!;
      assert.equal(t.notices.length, 500, `${who}'s 500 records`);
      assert.deepEqual(
        t.notices.map((n) => Number(n.split('-')[1])),
        Array.from({ length: 500 }, (_, k) => k),
      );
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('Retry in one window supersedes only its own turn: the turn another window added stays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'supersede-'));
    const s = new ConversationStore(dir);
    const a = s.create({ id: 'c', mode: 'stateful', model: 'm' });
    a.append({ r: 'turn', t: 'mine', at: 1, input: [{ type: 'text', text: 'retried' }], model: 'm' });
    const b = s.journal('c');
    b.append({ r: 'turn', t: 'theirs', at: 2, input: [{ type: 'text', text: 'from window B' }], model: 'm' });
    a.append({ r: 'supersede', turns: ['mine'] });
    a.append({ r: 'turn', t: 'mine2', at: 3, input: [{ type: 'text', text: 'retried' }], model: 'm' });
    assert.deepEqual(
      s.load('c')!.turns.map((t) => t.id),
      ['theirs', 'mine2'],
    );
    // Files written before supersede still load their truncate records as they did.
    appendFileSync(join(dir, 'c.jsonl'), `${JSON.stringify({ r: 'truncate', from: 'mine2' })}\n`);
    assert.deepEqual(
      s.load('c')!.turns.map((t) => t.id),
      ['theirs'],
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
