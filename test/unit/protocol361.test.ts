/**
 * The wire shapes new since SDK 3.1.0 (reference "What changed since SDK 3.1.0"), in streams and
 * in resources: `idle`, `interaction.cancelled` / `interaction.canceled`, tool search steps and
 * deltas, media `processing` and document `resolution`, `xhigh`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TurnEngine, type ToolCall, type ToolOutcome, type ToolRunner, type TurnSettings } from '../../src/core/conversation/engine';
import { TurnAccumulator } from '../../src/core/conversation/accumulator';
import { decodeEvent, decodeInteraction, decodeInput } from '../../src/core/protocol/decode';
import { FINISHED, toRunStatus } from '../../src/core/agents/runs';
import { THINKING_LEVELS } from '../../src/shared/vocab';
import type { FakeApi } from '../fake-api/server';
import { functionCallReply, textReply } from '../fake-api/library';
import { clientFor, useFake } from './helpers';

let fake: FakeApi;
useFake((f) => (fake = f));

const settings = (extra: Partial<TurnSettings> = {}): TurnSettings => ({ model: 'gemini-4-neon', mode: 'stateful', maxSteps: 10, ...extra });
const run = (engine: TurnEngine, s = settings(), ctx = {}) => engine.runTurn([{ type: 'text', text: 'hi' }], s, ctx, {}, new AbortController().signal);

class Tools implements ToolRunner {
  calls: ToolCall[] = [];
  async run(calls: ToolCall[]): Promise<ToolOutcome[]> {
    this.calls.push(...calls);
    return calls.map(() => ({ result: 'sunny', isError: false }));
  }
}

describe('idle', () => {
  test('a stream ending idle is a completed answer the next turn chains from', async () => {
    fake.setScenario({ replies: [textReply('Done for now.', { status: 'idle' }), textReply('Again.')] });
    const engine = new TurnEngine(clientFor(fake).client, undefined);
    const first = await run(engine);
    assert.equal(first.status, 'completed');
    assert.equal(first.chainFrom, first.interactionId);
    await run(engine, settings(), { previousInteractionId: first.chainFrom });
    assert.equal((fake.creates()[1]!.body as { previous_interaction_id?: string }).previous_interaction_id, first.interactionId);
  });

  test('idle with a function call waiting runs the call (the Live API’s successor of requires_action)', async () => {
    fake.setScenario({ replies: [{ ...functionCallReply(), status: 'idle' }, textReply('It is sunny.')] });
    const tools = new Tools();
    const out = await run(new TurnEngine(clientFor(fake).client, tools), settings({ tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }] }));
    assert.equal(out.status, 'completed');
    assert.equal(tools.calls[0]!.name, 'get_weather');
    assert.equal(fake.creates().length, 2);
  });

  test('a polled background interaction that is idle is finished; remote runs read idle and canceled', () => {
    assert.equal(toRunStatus('idle'), 'idle');
    assert.ok(FINISHED.has('idle'));
    assert.equal(toRunStatus('canceled'), 'cancelled');
    assert.equal(toRunStatus('created'), 'queued');
    assert.equal(toRunStatus('something_new'), 'unknown');
  });
});

describe('interaction.cancelled', () => {
  for (const name of ['interaction.cancelled', 'interaction.canceled']) {
    test(`${name} on an SSE stream ends the turn as cancelled, keeping what arrived`, async () => {
      fake.setScenario({
        replies: [
          {
            events: [
              { event_type: 'interaction.created', interaction: { id: 'v1_cx', status: 'in_progress' } },
              { event_type: 'step.start', index: 0, step: { type: 'model_output' } },
              { event_type: 'step.delta', index: 0, delta: { type: 'text', text: 'Half an ans' } },
              { event_type: name, usage: { total_input_tokens: 3, total_output_tokens: 4 } },
            ],
          },
        ],
      });
      const out = await run(new TurnEngine(clientFor(fake).client, undefined));
      assert.equal(out.status, 'cancelled');
      assert.match(JSON.stringify(out.steps), /Half an ans/);
      assert.equal(fake.creates().length, 1, 'not resumed or resent');
    });
  }

  test('decoded as a terminal status update', () => {
    assert.deepEqual(decodeEvent({ event_type: 'interaction.canceled', interaction_id: 'v1_a' }), {
      event_type: 'interaction.status_update',
      interaction_id: 'v1_a',
      status: 'cancelled',
    });
  });
});

describe('tool search steps', () => {
  test('the reference’s probable stream builds both steps', () => {
    const acc = new TurnAccumulator();
    const events = [
      { event_type: 'interaction.created', interaction: { id: 'v1_t', status: 'in_progress' } },
      { event_type: 'step.start', index: 0, step: { type: 'tool_search_call', id: 'ts_1', arguments: {} } },
      { event_type: 'step.delta', index: 0, delta: { type: 'tool_search_call', arguments: { function_names: ['create_issue'] }, signature: 'Cq0B' } },
      { event_type: 'step.stop', index: 0 },
      { event_type: 'step.start', index: 1, step: { type: 'tool_search_result', call_id: 'ts_1' } },
      { event_type: 'step.delta', index: 1, delta: { type: 'tool_search_result', result: [{ type: 'function', name: 'create_issue', parameters: { type: 'object' } }] } },
      { event_type: 'step.delta', index: 1, delta: { type: 'tool_search_result', result: [{ type: 'function', name: 'close_issue' }], signature: 'Cq0C' } },
      { event_type: 'step.stop', index: 1 },
      { event_type: 'interaction.completed', interaction: { id: 'v1_t', status: 'completed' } },
    ];
    for (const e of events) acc.apply(decodeEvent(e));
    assert.deepEqual(acc.steps, [
      { type: 'tool_search_call', id: 'ts_1', arguments: { function_names: ['create_issue'] }, signature: 'Cq0B' },
      {
        type: 'tool_search_result',
        call_id: 'ts_1',
        result: [
          { type: 'function', name: 'create_issue', parameters: { type: 'object' } },
          { type: 'function', name: 'close_issue' },
        ],
        signature: 'Cq0C',
      },
    ]);
  });

  test('in a resource, and as input (stateless history), they keep every field; bad shapes are tolerated', () => {
    const inter = decodeInteraction({
      id: 'v1_r',
      status: 'idle',
      steps: [
        { type: 'tool_search_call', id: 'ts_1', arguments: { function_names: ['a'] }, signature: 's' },
        { type: 'tool_search_result', call_id: 'ts_1', result: [{ type: 'function', name: 'a' }] },
        { type: 'tool_search_call', id: 'ts_2' },
        { type: 'tool_search_result', call_id: 'ts_2', result: 'not a list' },
      ],
    });
    assert.equal(inter.status, 'idle');
    assert.deepEqual(inter.steps![0], { type: 'tool_search_call', id: 'ts_1', arguments: { function_names: ['a'] }, signature: 's' });
    assert.deepEqual((inter.steps![2] as { arguments: unknown }).arguments, {});
    assert.deepEqual((inter.steps![3] as { result: unknown }).result, []);
    assert.deepEqual(decodeInput([{ type: 'tool_search_result', call_id: 'ts_1', result: [{ type: 'function', name: 'a' }] }])[0], {
      type: 'tool_search_result',
      call_id: 'ts_1',
      result: [{ type: 'function', name: 'a' }],
    });
  });
});

describe('media processing and xhigh', () => {
  test('processing and resolution on input content pass through decoding (a stateless history resends them)', () => {
    const content = [
      {
        type: 'document',
        data: 'x',
        mime_type: 'application/pdf',
        resolution: 'low',
        processing: { type: 'static', page_options: { start_page: 3, end_page: 5, content_layers: ['page_text'] } },
      },
      { type: 'audio', uri: 'https://example.com/a.mp3', mime_type: 'audio/mp3', processing: { type: 'static', start_offset: '10.5s', end_offset: '30s' } },
      { type: 'video', uri: 'https://example.com/v.mp4', processing: { type: 'static', fps: 1, content_layers: ['frames', 'transcript'] } },
      { type: 'document', uri: 'https://example.com/q.xlsx', processing: 'static' },
    ];
    const [step] = decodeInput([{ type: 'user_input', content }]);
    assert.deepEqual((step as { content: unknown }).content, content);
  });

  test('xhigh is a thinking level, sent as generation_config.thinking_level', async () => {
    assert.ok((THINKING_LEVELS as readonly string[]).includes('xhigh'));
    fake.setScenario({ replies: [textReply('ok')] });
    await run(new TurnEngine(clientFor(fake).client, undefined), settings({ generationConfig: { thinking_level: 'xhigh' } }));
    assert.equal((fake.creates()[0]!.body as { generation_config: { thinking_level: string } }).generation_config.thinking_level, 'xhigh');
  });
});
