import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clone, TurnAccumulator } from '../../src/core/conversation/accumulator';
import type { InteractionEvent } from '../../src/core/protocol/types';

const ev = (e: Record<string, unknown>) => e as unknown as InteractionEvent;

test('a change carries its own copy: later deltas never alter what a consumer already holds', () => {
  const acc = new TurnAccumulator();
  const [add] = acc.apply(ev({ event_type: 'step.start', index: 0, step: { type: 'model_output', content: [{ type: 'text', text: 'a' }] } }));
  acc.apply(ev({ event_type: 'step.delta', index: 0, delta: { type: 'text', text: 'b' } }));
  const [done] = acc.apply(ev({ event_type: 'step.stop', index: 0 }));
  assert.equal(add!.kind, 'step.add');
  assert.deepEqual((add as { value: { content: unknown } }).value.content, [{ type: 'text', text: 'a' }]);
  assert.deepEqual((done as { value: { content: unknown } }).value.content, [{ type: 'text', text: 'ab' }]);
  // a continuation hop reopens the answer: the earlier step.done value stays as it was
  acc.beginInteraction('continuation');
  acc.apply(ev({ event_type: 'step.start', index: 0, step: { type: 'model_output', content: [{ type: 'text', text: 'c' }] } }));
  assert.equal(acc.steps.length, 1);
  assert.deepEqual((acc.steps[0] as { content: unknown }).content, [{ type: 'text', text: 'abc' }]);
  assert.deepEqual((done as { value: { content: unknown } }).value.content, [{ type: 'text', text: 'ab' }]);
});

test('clone copies JSON data deeply and anything else the structured way', () => {
  const data = { a: [1, { b: 'x', c: null, d: [true] }], e: { f: 'long'.repeat(1000) } };
  const c = clone(data);
  assert.deepEqual(c, data);
  assert.notEqual(c.a, data.a);
  assert.notEqual(c.a[1], data.a[1]);
  assert.notEqual(c.e, data.e);
  const bytes = { raw: new Uint8Array([1, 2, 3]), when: new Date(5) };
  const cb = clone(bytes);
  assert.notEqual(cb.raw, bytes.raw);
  assert.deepEqual([...cb.raw], [1, 2, 3]);
  assert.equal(cb.when.getTime(), 5);
  assert.equal(clone(undefined), undefined);
  assert.equal(clone('s'), 's');
});

test('a streamed text reads whole at any moment, and is plain data again once its step ends', () => {
  const acc = new TurnAccumulator();
  acc.apply(ev({ event_type: 'step.start', index: 0, step: { type: 'model_output', content: [{ type: 'text', text: '' }] } }));
  let want = '';
  for (let k = 0; k < 200; k++) {
    const piece = `p${k} `;
    want += piece;
    acc.apply(ev({ event_type: 'step.delta', index: 0, delta: { type: 'text', text: piece } }));
    if (k % 37 === 0) assert.equal((acc.steps[0] as { content: Array<{ text: string }> }).content[0]!.text, want, `after ${k + 1} deltas`);
  }
  assert.equal(JSON.stringify(acc.steps), JSON.stringify([{ type: 'model_output', content: [{ type: 'text', text: want }] }]));
  assert.equal(structuredClone(acc.steps[0] as { content: Array<{ text: string }> }).content[0]!.text, want);
  const [done] = acc.apply(ev({ event_type: 'step.stop', index: 0 }));
  const item = (acc.steps[0] as { content: Array<{ text: string }> }).content[0]!;
  assert.equal(Object.getOwnPropertyDescriptor(item, 'text')!.value, want, 'a data property again');
  assert.equal((done as { value: { content: Array<{ text: string }> } }).value.content[0]!.text, want);
  item.text = 'edited';
  assert.equal(item.text, 'edited');
});

test('the usage of a turn of many interactions is their sum, whatever order the reports come in', () => {
  const acc = new TurnAccumulator();
  const status = (id: string, u: Record<string, unknown>) => acc.apply(ev({ event_type: 'interaction.status_update', interaction_id: id, status: 'in_progress', usage: u }));
  status('i1', { total_input_tokens: 10, total_output_tokens: 1, initial_input_tokens: 10, input_tokens_by_modality: [{ modality: 'text', tokens: 10 }] });
  status('i1', { total_input_tokens: 10, total_output_tokens: 5, initial_input_tokens: 10, input_tokens_by_modality: [{ modality: 'text', tokens: 10 }] });
  for (let k = 2; k <= 300; k++)
    status(`i${k}`, { total_input_tokens: 20, total_output_tokens: 2, initial_input_tokens: 20, input_tokens_by_modality: [{ modality: 'text', tokens: 20 }] });
  // a late, corrected report for an earlier interaction
  status('i2', { total_input_tokens: 25, total_output_tokens: 2, initial_input_tokens: 20, input_tokens_by_modality: [{ modality: 'text', tokens: 25 }] });
  const u = acc.usage as Record<string, unknown>;
  assert.equal(u.total_input_tokens, 10 + 299 * 20 + 5);
  assert.equal(u.total_output_tokens, 5 + 299 * 2);
  assert.equal(u.initial_input_tokens, 10, 'the first interaction’s prompt');
  assert.deepEqual(u.input_tokens_by_modality, [{ modality: 'text', tokens: 10 + 299 * 20 + 5 }]);
});
