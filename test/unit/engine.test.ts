/** The turn engine: function-calling loop, stateful/stateless chaining, continuation, step limit. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TurnEngine, type ToolCall, type ToolOutcome, type ToolRunner, type TurnSettings } from '../../src/core/conversation/engine';
import type { Step } from '../../src/core/protocol/types';
import type { FakeApi } from '../fake-api/server';
import { continuationReplies, functionCallReply, parallelCallsReply, textReply } from '../fake-api/library';
import { SEED_S3 } from '../fake-api/scenario';
import { clientFor, useFake } from './helpers';

let fake: FakeApi;
useFake((f) => (fake = f));

const settings = (extra: Partial<TurnSettings> = {}): TurnSettings => ({
  model: 'gemini-3.5-flash',
  mode: 'stateful',
  maxSteps: 10,
  tools: [{ type: 'function', name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } }],
  ...extra,
});

class RecordingTools implements ToolRunner {
  calls: ToolCall[][] = [];
  constructor(private readonly fn: (c: ToolCall) => ToolOutcome | Promise<ToolOutcome>) {}
  async run(calls: ToolCall[]): Promise<ToolOutcome[]> {
    this.calls.push(calls);
    return Promise.all(calls.map((c) => this.fn(c)));
  }
}

const bodies = () => fake.creates().map((r) => r.body as Record<string, unknown>);

describe('function-calling loop', () => {
  test('runs the call, sends one function_result per call_id chained by previous_interaction_id', async () => {
    fake.setScenario({ replies: [functionCallReply(), textReply('It is 52°F and rainy.')] });
    const tools = new RecordingTools((c) => ({ result: [{ type: 'text', text: JSON.stringify({ temp_f: 52, where: c.arguments.location }) }], isError: false }));
    const engine = new TurnEngine(clientFor(fake).client, tools);
    const out = await engine.runTurn([{ type: 'text', text: 'Weather in Boston?' }], settings(), {}, {}, new AbortController().signal);
    assert.equal(out.status, 'completed');
    assert.deepEqual(tools.calls[0], [{ id: 'fc_1', name: 'get_weather', arguments: { location: 'Boston, MA', units: 'fahrenheit' } }]);
    const [first, second] = bodies();
    assert.deepEqual(first!.input, [{ type: 'text', text: 'Weather in Boston?' }]);
    assert.ok(Array.isArray(first!.tools));
    assert.equal(second!.previous_interaction_id, out.accumulator.interactionIds[0]);
    assert.deepEqual(second!.input, [{ type: 'function_result', call_id: 'fc_1', name: 'get_weather', result: [{ type: 'text', text: '{"temp_f":52,"where":"Boston, MA"}' }] }]);
    assert.deepEqual(second!.tools, first!.tools, 'tools are re-sent on the follow-up');
    assert.deepEqual(
      out.steps.map((s) => s.type),
      ['thought', 'function_call', 'function_result', 'model_output'],
    );
    assert.equal(out.interactionId, out.accumulator.interactionIds[1]);
  });

  test('steering: a message taken at the tool boundary goes as a user_input after the results (stateful and stateless), once', async () => {
    for (const mode of ['stateful', 'stateless'] as const) {
      fake.reset();
      fake.setScenario({ replies: [functionCallReply(), textReply('Only the temperature, then: 52°F.')] });
      const tools = new RecordingTools(() => ({ result: 'rain, 52°F', isError: false }));
      const engine = new TurnEngine(clientFor(fake).client, tools);
      const pending = ['Just the temperature, please'];
      const local: Step[] = [];
      const out = await engine.runTurn(
        [{ type: 'text', text: 'Weather in Boston?' }],
        settings({ mode }),
        mode === 'stateless' ? { history: [] } : {},
        { steer: () => pending.shift(), local: (st) => local.push(st) },
        new AbortController().signal,
      );
      assert.equal(out.status, 'completed');
      const input = bodies()[1]!.input as Step[];
      const tail = input.slice(-2);
      assert.deepEqual(
        tail.map((st) => st.type),
        ['function_result', 'user_input'],
        mode,
      );
      assert.deepEqual((tail[1] as { content: unknown }).content, [{ type: 'text', text: 'Just the temperature, please' }]);
      assert.deepEqual(
        local.map((st) => st.type),
        ['function_result', 'user_input'],
        'journaled as local steps (replayed on reload)',
      );
      assert.equal(pending.length, 0, 'taken once');
    }
  });

  test('parallel calls run together and answer in one input array', async () => {
    fake.setScenario({ replies: [parallelCallsReply(), textReply('Both done.')] });
    const tools = new RecordingTools((c) => ({ result: `weather for ${String(c.arguments.location)}`, isError: false }));
    const out = await new TurnEngine(clientFor(fake).client, tools).runTurn([{ type: 'text', text: 'x' }], settings(), {}, {}, new AbortController().signal);
    assert.equal(out.status, 'completed');
    assert.equal(tools.calls.length, 1);
    assert.equal(tools.calls[0]!.length, 2);
    const input = bodies()[1]!.input as Array<{ call_id: string; result: string }>;
    assert.deepEqual(
      input.map((r) => [r.call_id, r.result]),
      [
        ['fc_a', 'weather for Paris'],
        ['fc_b', 'weather for Tokyo'],
      ],
    );
  });

  test('a failing tool returns is_error: true with the message', async () => {
    fake.setScenario({ replies: [functionCallReply(), textReply('Sorry.')] });
    const tools = new RecordingTools(() => ({ result: 'File not found: nope.txt', isError: true }));
    await new TurnEngine(clientFor(fake).client, tools).runTurn([{ type: 'text', text: 'x' }], settings(), {}, {}, new AbortController().signal);
    assert.deepEqual((bodies()[1]!.input as unknown[])[0], { type: 'function_result', call_id: 'fc_1', name: 'get_weather', result: 'File not found: nope.txt', is_error: true });
  });

  test('arguments that are not valid JSON reach the tool runner as an argument error', async () => {
    fake.setScenario({
      replies: [
        {
          events: [
            { event_type: 'interaction.created', interaction: { id: 'v1_bad', status: 'in_progress' } },
            { event_type: 'step.start', index: 0, step: { type: 'function_call', id: 'fc_x', name: 'get_weather' } },
            { event_type: 'step.delta', index: 0, delta: { type: 'arguments_delta', arguments: '{"location": "Bos' } },
            { event_type: 'step.stop', index: 0 },
            { event_type: 'interaction.completed', interaction: { id: 'v1_bad', status: 'requires_action' } },
          ],
        },
        textReply('ok'),
      ],
    });
    const tools = new RecordingTools((c) => ({ result: c.argumentError ?? 'ran', isError: !!c.argumentError }));
    await new TurnEngine(clientFor(fake).client, tools).runTurn([{ type: 'text', text: 'x' }], settings(), {}, {}, new AbortController().signal);
    assert.match(tools.calls[0]![0]!.argumentError!, /not valid JSON/);
  });

  test('a model that keeps calling tools stops at the step limit with a clear message', async () => {
    fake.setScenario({ replies: Array.from({ length: 6 }, (_, k) => functionCallReply('get_weather', { location: `x${k}` }, `fc_${k}`)) });
    const tools = new RecordingTools(() => ({ result: 'ok', isError: false }));
    const out = await new TurnEngine(clientFor(fake).client, tools).runTurn([{ type: 'text', text: 'x' }], settings({ maxSteps: 3 }), {}, {}, new AbortController().signal);
    assert.equal(out.status, 'error');
    assert.match(out.error!.message, /Stopped after 3 model steps/);
    assert.equal(fake.creates().length, 3);
  });

  test('stop during a tool call ends the turn as stopped', async () => {
    fake.setScenario({ replies: [functionCallReply(), textReply('never')] });
    const ctrl = new AbortController();
    const tools = new RecordingTools(async () => {
      ctrl.abort();
      return { result: 'late', isError: false };
    });
    const out = await new TurnEngine(clientFor(fake).client, tools).runTurn([{ type: 'text', text: 'x' }], settings(), {}, {}, ctrl.signal);
    assert.equal(out.status, 'stopped');
    assert.equal(fake.creates().length, 1);
  });

  test('the [S3] echoed function_result step is not duplicated', async () => {
    fake.setScenario({
      replies: [
        { ...functionCallReply(), variant: SEED_S3 },
        { ...textReply('Done.'), variant: SEED_S3 },
      ],
    });
    const tools = new RecordingTools(() => ({ result: 'ok', isError: false }));
    const out = await new TurnEngine(clientFor(fake).client, tools).runTurn([{ type: 'text', text: 'x' }], settings(), {}, {}, new AbortController().signal);
    assert.deepEqual(
      out.steps.map((s) => s.type),
      ['thought', 'function_call', 'function_result', 'model_output'],
    );
  });
});

describe('chaining', () => {
  test('stateful: the next turn sends previous_interaction_id and only the new input', async () => {
    fake.setScenario({ replies: [textReply('one'), textReply('two')] });
    const engine = new TurnEngine(clientFor(fake).client, undefined);
    const t1 = await engine.runTurn([{ type: 'text', text: 'first' }], settings(), {}, {}, new AbortController().signal);
    await engine.runTurn([{ type: 'text', text: 'second' }], settings(), { previousInteractionId: t1.interactionId }, {}, new AbortController().signal);
    const [, b2] = bodies();
    assert.equal(b2!.previous_interaction_id, t1.interactionId);
    assert.deepEqual(b2!.input, [{ type: 'text', text: 'second' }]);
    assert.equal(b2!.store, undefined);
  });

  test('stateless: store:false and the full history with every thought signature exactly as received', async () => {
    fake.setScenario({ replies: [functionCallReply(), textReply('It rains.'), textReply('You asked about Boston.')] });
    const tools = new RecordingTools(() => ({ result: [{ type: 'text', text: '52F' }], isError: false }));
    const engine = new TurnEngine(clientFor(fake).client, tools);
    const s = settings({ mode: 'stateless' });
    const user1: Step = { type: 'user_input', content: [{ type: 'text', text: 'Weather in Boston?' }] };
    const t1 = await engine.runTurn([{ type: 'text', text: 'Weather in Boston?' }], s, { history: [] }, {}, new AbortController().signal);
    assert.equal(t1.status, 'completed');
    const history: Step[] = [user1, ...t1.steps];
    await engine.runTurn([{ type: 'text', text: 'What did I ask?' }], s, { history }, {}, new AbortController().signal);
    const [b1, b2, b3] = bodies();
    for (const b of [b1, b2, b3]) {
      assert.equal(b!.store, false);
      assert.equal(b!.previous_interaction_id, undefined);
    }
    // Within the turn: the follow-up resends the user turn, the thought (signature verbatim), the call and the result.
    const in2 = b2!.input as Array<Record<string, unknown>>;
    assert.deepEqual(
      in2.map((s) => s.type),
      ['user_input', 'thought', 'function_call', 'function_result'],
    );
    assert.equal(in2[1]!.signature, 'sig-fc_1');
    assert.deepEqual(in2[2], { type: 'function_call', id: 'fc_1', name: 'get_weather', arguments: { location: 'Boston, MA', units: 'fahrenheit' } });
    // The next turn carries the whole history.
    const in3 = b3!.input as Array<Record<string, unknown>>;
    assert.deepEqual(
      in3.map((s) => s.type),
      ['user_input', 'thought', 'function_call', 'function_result', 'model_output', 'user_input'],
    );
    assert.deepEqual(in3.slice(0, 5), JSON.parse(JSON.stringify(history)));
  });

  test('requires_continuation is followed with the token and merged into one turn', async () => {
    fake.setScenario({ replies: continuationReplies('The first part of a long answer, ', 'and its end.') });
    const engine = new TurnEngine(clientFor(fake).client, undefined);
    const out = await engine.runTurn([{ type: 'text', text: 'long please' }], settings(), {}, {}, new AbortController().signal);
    assert.equal(out.status, 'completed');
    assert.deepEqual(out.steps, [{ type: 'model_output', content: [{ type: 'text', text: 'The first part of a long answer, and its end.' }] }]);
    const [, b2] = bodies();
    assert.equal(b2!.continuation_token, 'cont-token-1');
    assert.equal(b2!.previous_interaction_id, out.accumulator.interactionIds[0]);
    assert.equal(b2!.input, undefined);
    assert.equal(out.accumulator.interactionIds.length, 2);
  });

  test('stateless continuation resends the original input with the token', async () => {
    fake.setScenario({ replies: continuationReplies('A, ', 'B.') });
    const engine = new TurnEngine(clientFor(fake).client, undefined);
    const out = await engine.runTurn([{ type: 'text', text: 'go' }], settings({ mode: 'stateless' }), { history: [] }, {}, new AbortController().signal);
    assert.equal(out.status, 'completed');
    const [b1, b2] = bodies();
    assert.deepEqual(b2!.input, b1!.input);
    assert.equal(b2!.continuation_token, 'cont-token-1');
    assert.equal(b2!.store, false);
  });

  test('a failed interaction reports its errors', async () => {
    fake.setScenario({ replies: [{ ...textReply('partial'), status: 'failed', errors: [{ code: 'https://errors/quota', message: 'Quota exhausted for this model.' }] }] });
    const out = await new TurnEngine(clientFor(fake).client, undefined).runTurn([{ type: 'text', text: 'x' }], settings(), {}, {}, new AbortController().signal);
    assert.equal(out.status, 'failed');
    assert.match(out.error!.message, /Quota exhausted/);
  });
});
