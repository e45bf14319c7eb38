/** Every section-13 shape decodes to one normal form; unknown things pass through. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEvent, decodeInput, decodeInteraction, decodeStep } from '../../src/core/protocol/decode';
import { byteOffsetsToIndices, utf8Length } from '../../src/core/protocol/utf8';

test('type instead of event_type', () => {
  assert.deepEqual(decodeEvent({ type: 'step.stop', index: 2, status: 'done' }), { event_type: 'step.stop', index: 2 });
});

test('interaction.in_progress / interaction.requires_action become status updates', () => {
  assert.deepEqual(decodeEvent({ type: 'interaction.in_progress', interaction: { id: 'int_xyz', status: 'in_progress' } }), {
    event_type: 'interaction.status_update',
    interaction_id: 'int_xyz',
    status: 'in_progress',
  });
  assert.deepEqual(decodeEvent({ event_type: 'interaction.requires_action', event_id: 'e9', interaction: { id: 'int_xyz', status: 'requires_action' } }), {
    event_type: 'interaction.status_update',
    interaction_id: 'int_xyz',
    status: 'requires_action',
    event_id: 'e9',
  });
});

test('arguments/partial_arguments and arguments_delta', () => {
  const a = decodeEvent({ type: 'step.delta', index: 1, delta: { type: 'arguments', partial_arguments: '{"a":' } }) as { delta: unknown };
  assert.deepEqual(a.delta, { type: 'arguments_delta', arguments: '{"a":' });
  const b = decodeEvent({ event_type: 'step.delta', index: 1, delta: { type: 'arguments_delta', arguments: '1}' } }) as { delta: unknown };
  assert.deepEqual(b.delta, { type: 'arguments_delta', arguments: '1}' });
});

test('thought text deltas: thought{text}, thought_summary{text}, thought_summary{content}', () => {
  for (const delta of [
    { type: 'thought', text: 'hm' },
    { type: 'thought_summary', text: 'hm' },
    { type: 'thought_summary', content: { type: 'text', text: 'hm' } },
  ]) {
    const ev = decodeEvent({ event_type: 'step.delta', index: 0, delta }) as { delta: unknown };
    assert.deepEqual(ev.delta, { type: 'thought_summary', content: { type: 'text', text: 'hm' } });
  }
});

test('uri citations without type become url_citation with url', () => {
  const s = decodeStep({
    type: 'model_output',
    status: 'done',
    content: [{ type: 'text', text: 'x', annotations: [{ start_index: 0, end_index: 1, uri: 'https://a', title: 't' }] }],
  });
  assert.deepEqual(s, {
    type: 'model_output',
    content: [{ type: 'text', text: 'x', annotations: [{ type: 'url_citation', start_index: 0, end_index: 1, url: 'https://a', title: 't' }] }],
  });
});

test('string user_input.content and per-step status', () => {
  assert.deepEqual(decodeStep({ type: 'user_input', status: 'done', content: 'hello' }), { type: 'user_input', content: [{ type: 'text', text: 'hello' }] });
});

test('S3 google_search_call/result shapes', () => {
  assert.deepEqual(decodeStep({ type: 'google_search_call', id: 'g', content: [{ type: 'text', text: 'euro 2024' }] }), {
    type: 'google_search_call',
    id: 'g',
    content: [{ type: 'text', text: 'euro 2024' }],
    arguments: { queries: ['euro 2024'] },
  });
  const r = decodeStep({ type: 'google_search_result', call_id: 'g', search_suggestions: '<b>x</b>' }) as { result: unknown };
  assert.deepEqual(r.result, [{ search_suggestions: '<b>x</b>' }]);
});

test('seed usage names, legacy outputs, created status kept', () => {
  const i = decodeInteraction({ id: 'int_1', status: 'created', outputs: [{ type: 'text', text: 'hi' }], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } });
  assert.deepEqual(i.steps, [{ type: 'model_output', content: [{ type: 'text', text: 'hi' }] }]);
  assert.deepEqual(i.usage, { total_tokens: 7, total_input_tokens: 3, total_output_tokens: 4 });
  assert.equal(i.status, 'created');
});

test('unknown step, delta and event types pass through unchanged', () => {
  assert.deepEqual(decodeStep({ type: 'hologram', id: 'h', rays: 3 }), { type: 'hologram', id: 'h', rays: 3 });
  assert.deepEqual(decodeEvent({ event_type: 'interaction.teleported', x: 1 }), { event_type: 'interaction.status_update', interaction_id: '', status: 'teleported' });
  assert.deepEqual(decodeEvent({ event_type: 'quantum.flux', x: 1 }), { event_type: 'quantum.flux', x: 1 });
  const d = decodeEvent({ event_type: 'step.delta', index: 0, delta: { type: 'smell', odor: 'rose' } }) as { delta: unknown };
  assert.deepEqual(d.delta, { type: 'smell', odor: 'rose' });
});

test('malformed events are rejected with a reason', () => {
  assert.throws(() => decodeEvent([]), /not a JSON object/);
  assert.throws(() => decodeEvent({ index: 1 }), /neither "event_type" nor "type"/);
  assert.throws(() => decodeEvent({ event_type: 'step.delta', index: 'x', delta: {} }), /numeric "index"/);
});

test('decodeInput accepts string, Content, Content[] and Step[]', () => {
  assert.deepEqual(decodeInput('hi'), [{ type: 'user_input', content: [{ type: 'text', text: 'hi' }] }]);
  assert.deepEqual(decodeInput({ type: 'function_result', call_id: 'c', result: 'r' }), [{ type: 'function_result', call_id: 'c', result: 'r' }]);
  assert.deepEqual(
    decodeInput([
      { type: 'text', text: 'a' },
      { type: 'image', data: 'AA', mime_type: 'image/png' },
    ]),
    [
      {
        type: 'user_input',
        content: [
          { type: 'text', text: 'a' },
          { type: 'image', data: 'AA', mime_type: 'image/png' },
        ],
      },
    ],
  );
});

test('UTF-8 byte offsets map to string indices', () => {
  const s = 'aé🏆b';
  assert.equal(utf8Length(s), 1 + 2 + 4 + 1);
  assert.deepEqual(byteOffsetsToIndices(s, [0, 1, 3, 7, 8, 99]), [0, 1, 2, 4, 5, 5]);
  // An offset inside a character snaps to its start.
  assert.deepEqual(byteOffsetsToIndices(s, [2, 5]), [1, 2]);
});
