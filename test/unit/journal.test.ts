/** The journal: append-only, replayable, survives torn lines, searchable. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TurnAccumulator } from '../../src/core/conversation/accumulator';
import { HistoryIndex } from '../../src/core/conversation/history';
import { ConversationStore, replayJournal } from '../../src/core/conversation/journal';
import { findRipgrep as testRipgrep } from './tool-fakes';
import { exportJson, exportMarkdown } from '../../src/core/conversation/export';
import type { InteractionEvent } from '../../src/core/protocol/types';

const ev = (e: Record<string, unknown>) => e as unknown as InteractionEvent;
const stream: InteractionEvent[] = [
  ev({ event_type: 'interaction.created', event_id: 'e1', interaction: { id: 'v1_a', status: 'in_progress' } }),
  ev({ event_type: 'step.start', event_id: 'e2', index: 0, step: { type: 'model_output' } }),
  ev({ event_type: 'step.delta', event_id: 'e3', index: 0, delta: { type: 'text', text: 'Hello ' } }),
  ev({ event_type: 'step.delta', event_id: 'e4', index: 0, delta: { type: 'text', text: 'world' } }),
  ev({ event_type: 'step.stop', event_id: 'e5', index: 0 }),
  ev({ event_type: 'interaction.completed', event_id: 'e6', interaction: { id: 'v1_a', status: 'completed', usage: { total_tokens: 9 } } }),
];

function store() {
  return new ConversationStore(mkdtempSync(join(tmpdir(), 'journal-')));
}

test('a finished turn replays to its end record; an interrupted turn replays its events', () => {
  const s = store();
  const j = s.create({ id: 'c1', mode: 'stateful', model: 'm', title: 'Greeting' });
  j.append({ r: 'turn', t: 't1', at: 1, input: [{ type: 'text', text: 'hi' }], model: 'm' });
  j.append({ r: 'ev', t: 't1', e: stream });
  const acc = new TurnAccumulator();
  stream.forEach((e) => acc.apply(e));
  j.append({ r: 'end', t: 't1', at: 2, state: 'completed', chain: 'v1_a', steps: acc.steps, usage: acc.usage, ids: ['v1_a'] });
  // Second turn: only the first half arrived before a reload.
  j.append({ r: 'turn', t: 't2', at: 3, input: [{ type: 'text', text: 'again' }], model: 'm', previous: 'v1_a' });
  j.append({ r: 'ev', t: 't2', e: stream.slice(0, 3) });
  const data = s.load('c1')!;
  assert.equal(data.meta.title, 'Greeting');
  assert.equal(data.turns.length, 2);
  assert.equal(data.turns[0]!.state, 'completed');
  assert.equal(data.turns[0]!.chainFrom, 'v1_a');
  assert.deepEqual(data.turns[0]!.steps, [{ type: 'model_output', content: [{ type: 'text', text: 'Hello world' }] }]);
  assert.equal(data.turns[1]!.state, 'interrupted');
  assert.deepEqual(data.turns[1]!.steps, [{ type: 'model_output', content: [{ type: 'text', text: 'Hello ' }] }]);
  assert.deepEqual(data.turns[1]!.resume, { interactionId: 'v1_a', lastEventId: 'e3' });
});

test('a torn last line (crash mid-write) loses only that line', () => {
  const s = store();
  const j = s.create({ id: 'c2', mode: 'stateful', model: 'm' });
  j.append({ r: 'turn', t: 't1', at: 1, input: [{ type: 'text', text: 'hi' }], model: 'm' });
  j.append({ r: 'ev', t: 't1', e: stream.slice(0, 3) });
  appendFileSync(j.path, '{"r":"ev","t":"t1","e":[{"event_type":"step.del');
  const data = s.load('c2')!;
  assert.deepEqual(data.turns[0]!.steps, [{ type: 'model_output', content: [{ type: 'text', text: 'Hello ' }] }]);
});

test('truncate removes the last turn (edit and resend), the file stays append-only', () => {
  const s = store();
  const j = s.create({ id: 'c3', mode: 'stateful', model: 'm' });
  j.append({ r: 'turn', t: 't1', at: 1, input: [{ type: 'text', text: 'one' }], model: 'm' });
  j.append({ r: 'turn', t: 't2', at: 2, input: [{ type: 'text', text: 'two' }], model: 'm' });
  const before = readFileSync(j.path, 'utf8');
  j.append({ r: 'truncate', from: 't2' });
  assert.ok(readFileSync(j.path, 'utf8').startsWith(before));
  assert.deepEqual(
    s.load('c3')!.turns.map((t) => t.id),
    ['t1'],
  );
});

for (const engine of ['ripgrep', 'in-process'] as const) {
  test(`list (newest first), search over prompts and answers (${engine}), delete`, async () => {
    const rg = engine === 'ripgrep' ? testRipgrep() : undefined;
    if (engine === 'ripgrep') assert.ok(rg, 'the workbench ripgrep is available to the unit tests');
    const s = store();
    const h = new HistoryIndex(s.dir, () => rg);
    const a = s.create({ id: 'ca', mode: 'stateful', model: 'm', title: 'Alpha', created: 1 });
    a.append({ r: 'turn', t: 't', at: 10, input: [{ type: 'text', text: 'How do I parse SSE?' }], model: 'm' });
    a.append({ r: 'end', t: 't', at: 11, state: 'completed', steps: [{ type: 'model_output', content: [{ type: 'text', text: 'Use eventsource-parser.' }] }], ids: [] });
    const b = s.create({ id: 'cb', mode: 'stateless', model: 'm', title: 'Beta', created: 2 });
    b.append({ r: 'turn', t: 't', at: 20, input: [{ type: 'text', text: 'Tell me a joke' }], model: 'm' });
    assert.deepEqual(
      (await h.list()).map((m) => m.id),
      ['cb', 'ca'],
    );
    const streamed: string[] = [];
    const hits = await h.search('eventsource', (x) => streamed.push(x.meta.id));
    assert.deepEqual(
      hits.map((x) => x.meta.id),
      ['ca'],
    );
    assert.deepEqual(streamed, ['ca'], 'hits arrive as they are found');
    assert.match((await h.search('EVENTSOURCE', () => undefined))[0]!.excerpt, /eventsource-parser/);
    assert.deepEqual(
      (await h.search('joke', () => undefined)).map((x) => x.meta.id),
      ['cb'],
    );
    // JSON keys and record types of the journal are not searched: only the title, prompts and answers.
    assert.deepEqual(await h.search('"model"', () => undefined), []);
    assert.deepEqual(await h.search('stateless', () => undefined), []);
    // A change to a journal is seen by the next search.
    b.append({ r: 'end', t: 't', at: 21, state: 'completed', steps: [{ type: 'model_output', content: [{ type: 'text', text: 'Why did the parser cross the road?' }] }], ids: [] });
    assert.deepEqual(
      (await h.search('cross the road', () => undefined)).map((x) => x.meta.id),
      ['cb'],
    );
    s.delete('ca');
    assert.deepEqual(
      (await h.list()).map((m) => m.id),
      ['cb'],
    );
    assert.deepEqual(await h.search('eventsource', () => undefined), []);
    // The index is kept on disk and read again by a new instance (a new window).
    await h.save();
    const again = new HistoryIndex(s.dir, () => rg);
    assert.deepEqual(
      (await again.list()).map((m) => m.id),
      ['cb'],
    );
  });
}

test('ids cannot escape the store folder', () => {
  const s = store();
  assert.throws(() => s.load('../etc/passwd'), /invalid conversation id/);
});

test('replay of an unknown file is undefined; exports render every turn', async () => {
  assert.equal(replayJournal('not json\n'), undefined);
  const s = store();
  const j = s.create({ id: 'cx', mode: 'stateful', model: 'm', title: 'Export me' });
  j.append({ r: 'turn', t: 't', at: 1, input: [{ type: 'text', text: 'Q?' }], model: 'm' });
  j.append({
    r: 'end',
    t: 't',
    at: 2,
    state: 'completed',
    ids: ['v1_z'],
    steps: [
      { type: 'thought', signature: 's', summary: [{ type: 'text', text: 'thinking' }] },
      { type: 'model_output', content: [{ type: 'text', text: 'A!', annotations: [{ type: 'url_citation', url: 'https://src', title: 'Src', start_index: 0, end_index: 2 }] }] },
    ],
  });
  const data = s.load('cx')!;
  const md = exportMarkdown(data);
  assert.match(md, /^# Export me/);
  assert.match(md, /## You\n\nQ\?/);
  assert.match(md, /A!/);
  assert.match(md, /\[Src\]\(https:\/\/src\)/);
  const json = JSON.parse(exportJson(data));
  assert.equal(json.turns[0].steps[0].signature, 's');
  writeFileSync(join(s.dir, 'junk.txt'), 'x');
  assert.equal((await new HistoryIndex(s.dir, () => undefined).list()).length, 1);
});

test('a pending approval of the running turn is part of a rebuilt view (panel shown again); a finished or stale one is not', async () => {
  const { conversationView } = await import('../../src/core/conversation/present');
  const approval = { requestId: 'r1', kind: 'tool' as const, title: 'Let Gemini call x?', detail: '{}', allowAcceptAll: true };
  const turn = (state: 'streaming' | 'interrupted', status: 'waiting' | 'done') => ({
    id: 't1',
    created: 1,
    input: [],
    model: 'm',
    state,
    steps: [],
    interactionIds: [],
    notices: [],
    tools: [{ callId: 'c1', name: 'x', status, approval }],
  });
  const view = (t: ReturnType<typeof turn>) =>
    conversationView({ meta: { id: 'c', title: 't', created: 1, updated: 1, mode: 'stateful', model: 'm', turns: 1 }, turns: [t] }).turns[0]!.tools![0]!;
  assert.deepEqual(view(turn('streaming', 'waiting')).approval, approval);
  assert.equal(view(turn('interrupted', 'waiting')).approval, undefined);
  assert.equal(view(turn('streaming', 'done')).approval, undefined);
});
