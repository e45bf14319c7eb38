/**
 * The client against every scenario, variant and fault of the fake server: resulting steps,
 * statuses, errors and the requests that were sent.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { ApiError } from '../../src/core/client/errors';
import { TurnAccumulator } from '../../src/core/conversation/accumulator';
import type { CreateInteractionRequest, InteractionEvent, Step } from '../../src/core/protocol/types';
import type { FakeApi } from '../fake-api/server';
import { SEED_S0, SEED_S3, type Reply, type Variant } from '../fake-api/scenario';
import { continuationReplies, everyStepReply, functionCallReply, textReply } from '../fake-api/library';
import { clientFor, KEY, startFake, useFake } from './helpers';

let fake: FakeApi;
useFake((f) => (fake = f));

const REQ: CreateInteractionRequest = { model: 'gemini-3.5-flash', input: 'hello' };

async function run(reply: Reply | Reply[], req: CreateInteractionRequest = REQ, opts: Parameters<typeof clientFor>[1] = {}) {
  fake.setScenario({ replies: Array.isArray(reply) ? reply : [reply] });
  const { client, log } = clientFor(fake, opts);
  const acc = new TurnAccumulator();
  const events: InteractionEvent[] = [];
  const resumes: unknown[] = [];
  for await (const ev of client.stream(req, { onResume: (i) => resumes.push(i) })) {
    events.push(ev as InteractionEvent);
    acc.apply(ev);
  }
  return { acc, events, client, log, resumes };
}

/** The steps of a non-streaming read of the same interaction (the reference for equality). */
async function storedSteps(id: string): Promise<Step[]> {
  const { client } = clientFor(fake);
  const inter = await client.get(id);
  return inter.steps.filter((s) => s.type !== 'user_input');
}

describe('streaming reassembles the same steps as a non-streaming read', () => {
  test('every step type (thought, search, code, url context, citations, image, unknown step)', async () => {
    const { acc } = await run(everyStepReply());
    assert.equal(acc.status, 'completed');
    assert.deepEqual(acc.steps, await storedSteps(acc.interactionId!));
    const types = acc.steps.map((s) => s.type);
    assert.deepEqual(types, [
      'thought',
      'google_search_call',
      'google_search_result',
      'code_execution_call',
      'code_execution_result',
      'url_context_call',
      'url_context_result',
      'model_output',
      'model_output',
      'future_step_kind',
    ]);
    assert.equal((acc.steps[0] as { signature: string }).signature, 'sig-thought-Ω-1');
    assert.deepEqual(acc.usage, { total_input_tokens: 100, total_output_tokens: 200, total_thought_tokens: 50, total_cached_tokens: 10, total_tokens: 360 });
  });

  test('a streamed function call: arguments joined and parsed at step.stop, status requires_action', async () => {
    const { acc } = await run(functionCallReply('get_weather', { location: 'Zürich ✓', days: [1, 2] }));
    assert.equal(acc.status, 'requires_action');
    assert.deepEqual(acc.steps[1], { type: 'function_call', id: 'fc_1', name: 'get_weather', arguments: { location: 'Zürich ✓', days: [1, 2] } });
    assert.deepEqual(acc.steps, await storedSteps(acc.interactionId!));
  });

  const variants: Array<[string, Variant]> = [
    ['S3: type discriminator, lifecycle events, thought/arguments deltas, statuses, uri citations, seed usage', SEED_S3],
    ['S0: no event ids, object field', SEED_S0],
    ['[DONE] sentinel', { done: true }],
    ['CRLF line endings', { lineEnding: '\r\n' }],
    ['CR line endings', { lineEnding: '\r' }],
  ];
  for (const [name, variant] of variants) {
    test(`seed variant decodes to the same steps: ${name}`, async () => {
      const base = await run({ ...everyStepReply() });
      const v = await run({ ...everyStepReply(), variant });
      assert.deepEqual(v.acc.steps, base.acc.steps);
      assert.equal(v.acc.status, 'completed');
      const fc = await run({ ...functionCallReply(), variant });
      assert.equal(fc.acc.status, 'requires_action');
      assert.deepEqual(fc.acc.steps[1], { type: 'function_call', id: 'fc_1', name: 'get_weather', arguments: { location: 'Boston, MA', units: 'fahrenheit' } });
    });
  }

  test('S3 usage names are mapped (prompt_tokens → total_input_tokens)', async () => {
    const { acc } = await run({ ...textReply('hi'), variant: SEED_S3 });
    assert.equal(acc.usage?.total_input_tokens, 12);
    assert.equal(acc.usage?.total_output_tokens, 34);
  });
});

describe('a turn of many requests', () => {
  test('each finished request lets go of the turn’s Stop signal (a long turn does not hold every request until it ends)', async () => {
    const stop = new AbortController();
    const { client } = clientFor(fake);
    fake.setScenario({ replies: Array.from({ length: 5 }, () => textReply('ok')) });
    for (let k = 0; k < 5; k++) {
      for await (const _ev of client.stream(REQ, { signal: stop.signal })) {
        /* read to the end */
      }
      assert.equal(getEventListeners(stop.signal, 'abort').length, 0, `request ${k + 1} still listens`);
    }
    // A request that fails with a status lets go too.
    fake.setScenario({ replies: [{ http: { status: 400, body: { error: { code: 400, message: 'no' } } } }] });
    await assert.rejects(async () => {
      for await (const _ev of client.stream(REQ, { signal: stop.signal })) {
        /* nothing */
      }
    });
    assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
  });
});

describe('faults', () => {
  test('bytes delivered one at a time (inside UTF-8 characters and fields) reassemble', async () => {
    const { acc } = await run({ ...everyStepReply(), faults: { chunks: 'bytes' } });
    assert.deepEqual(acc.steps, await storedSteps(acc.interactionId!));
  });

  test('odd chunk sizes reassemble', async () => {
    const { acc } = await run({ ...everyStepReply(), faults: { chunks: [1, 3, 7, 2, 64, 5] } });
    assert.deepEqual(acc.steps, await storedSteps(acc.interactionId!));
  });

  test('a connection dropped mid-stream resumes with last_event_id and exactly one create', async () => {
    const { acc, resumes } = await run({ ...everyStepReply(), faults: { dropAfterEvents: 9 } });
    assert.equal(acc.status, 'completed');
    assert.deepEqual(acc.steps, await storedSteps(acc.interactionId!));
    assert.equal(fake.creates().length, 1, 'never a second create');
    const gets = fake.requests.filter((r) => r.method === 'GET' && r.query.stream === 'true');
    assert.equal(gets.length, 1);
    assert.ok(gets[0]!.query.last_event_id, 'resume names the last event');
    assert.equal(gets[0]!.headers.accept, 'text/event-stream');
    assert.equal(resumes.length, 1);
  });

  test('a drop inside a UTF-8 character resumes cleanly', async () => {
    // Find a byte offset inside the 🏆 of the cited answer in the wire stream.
    fake.setScenario({ replies: [everyStepReply()] });
    const { client } = clientFor(fake);
    for await (const _ of client.stream(REQ)) void _;
    const wire = Buffer.concat(fake.lastWire);
    const at = wire.indexOf(Buffer.from('🏆')) + 2;
    fake.reset();
    const { acc } = await run({ ...everyStepReply(), faults: { dropAfterBytes: at } });
    assert.deepEqual(acc.steps, await storedSteps(acc.interactionId!));
    assert.equal(fake.creates().length, 1);
  });

  test('without event ids, a drop replays from the start and the steps are rebuilt, not duplicated', async () => {
    const { acc, events } = await run({ ...everyStepReply(), variant: { eventIds: false }, faults: { dropAfterEvents: 12 } });
    assert.ok(events.some((e) => e.event_type === 'client.stream_restart'));
    assert.deepEqual(acc.steps, await storedSteps(acc.interactionId!));
    assert.equal(fake.creates().length, 1);
  });

  test('a stream that goes silent hits the idle timeout and resumes', async () => {
    const { acc, resumes } = await run({ ...textReply('after the stall'), faults: { stall: { afterEvents: 3, ms: 1500 } } }, REQ, { idleTimeoutMs: 300 });
    assert.equal(acc.status, 'completed');
    assert.equal(resumes.length, 1);
    assert.equal((acc.steps[0] as { content: Array<{ text: string }> }).content[0]!.text, 'after the stall');
  });

  test('keep-alive comments do not disturb parsing', async () => {
    const { acc } = await run({ ...everyStepReply(), faults: { keepAlive: true } });
    assert.deepEqual(acc.steps, await storedSteps(acc.interactionId!));
  });

  test('429 with Retry-After: 2 waits about 2 s, then succeeds', async () => {
    const retries: number[] = [];
    fake.setScenario({ replies: [{ http: { status: 429, retryAfter: 2 } }, textReply('ok')] });
    const { client } = clientFor(fake, { retry: { baseDelayMs: 5, maxDelayMs: 20, maxWaitMs: 10_000 } });
    const t0 = Date.now();
    const acc = new TurnAccumulator();
    for await (const ev of client.stream(REQ, { onRetry: (n) => retries.push(n.delayMs) })) acc.apply(ev);
    const elapsed = Date.now() - t0;
    assert.equal(acc.status, 'completed');
    assert.ok(elapsed >= 1900 && elapsed < 4000, `waited ${elapsed} ms`);
    assert.deepEqual(retries, [2000]);
    assert.equal(fake.creates().length, 2);
  });

  test('retry-after-ms takes precedence over Retry-After', async () => {
    const retries: number[] = [];
    fake.setScenario({ replies: [{ http: { status: 503, retryAfter: 9, retryAfterMs: 120 } }, textReply('ok')] });
    const { client } = clientFor(fake);
    for await (const _ of client.stream(REQ, { onRetry: (n) => retries.push(n.delayMs) })) void _;
    assert.deepEqual(retries, [120]);
  });

  test('a Retry-After longer than the cap is surfaced with the time, not slept through', async () => {
    fake.setScenario({ replies: [{ http: { status: 429, retryAfter: 120 } }, textReply('never')] });
    const { client } = clientFor(fake, { retry: { maxWaitMs: 5000 } });
    const t0 = Date.now();
    await assert.rejects(
      async () => {
        for await (const _ of client.stream(REQ)) void _;
      },
      (err: unknown) => err instanceof ApiError && err.kind === 'rate_limited' && err.retryAfterMs === 120_000 && /2 min/.test(err.message),
    );
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(fake.creates().length, 1);
  });

  test('500 and 503 are retried with backoff, then succeed', async () => {
    fake.setScenario({ replies: [{ http: { status: 500 } }, { http: { status: 503 } }, textReply('third time')] });
    const { client, log } = clientFor(fake);
    const acc = new TurnAccumulator();
    for await (const ev of client.stream(REQ)) acc.apply(ev);
    assert.equal(acc.status, 'completed');
    assert.equal(fake.creates().length, 3);
    assert.deepEqual(
      log.filter((l) => l.outcome === 'retry').map((l) => l.status),
      [500, 503],
    );
  });

  test('retries give up after the policy and report a server error', async () => {
    fake.setScenario({ replies: [{ http: { status: 500, times: 10 } }] });
    const { client } = clientFor(fake, { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    await assert.rejects(
      async () => {
        for await (const _ of client.stream(REQ)) void _;
      },
      (e: unknown) => e instanceof ApiError && e.kind === 'server' && e.status === 500,
    );
    assert.equal(fake.creates().length, 3);
  });

  test('401 gives an auth error without retry, and the message never contains the key', async () => {
    const { client } = clientFor(fake, { getApiKey: () => 'wrong-key-abcdef' });
    fake.setScenario({ replies: [textReply('never')] });
    await assert.rejects(
      async () => {
        for await (const _ of client.stream(REQ)) void _;
      },
      (e: unknown) => e instanceof ApiError && e.kind === 'auth' && e.status === 401 && !e.message.includes('wrong-key-abcdef') && /Set API Key/.test(e.message),
    );
    assert.equal(fake.requests.length, 1);
  });

  test("the real API's 400 API_KEY_INVALID is an auth error too", async () => {
    const other = await startFake({ badKeyStyle: '400' });
    try {
      const { client } = clientFor(other, { getApiKey: () => 'wrong-key-abcdef' });
      await assert.rejects(
        () => client.get('x'),
        (e: unknown) => e instanceof ApiError && e.kind === 'auth' && e.status === 400,
      );
    } finally {
      await other.close();
    }
  });

  test('no key: a clear auth error and no request at all', async () => {
    const { client } = clientFor(fake, { getApiKey: () => undefined });
    await assert.rejects(
      () => client.get('x'),
      (e: unknown) => e instanceof ApiError && e.kind === 'auth' && e.code === 'NO_KEY',
    );
    assert.equal(fake.requests.length, 0);
  });

  test('malformed JSON in data: gives a protocol error naming the event, after the good events', async () => {
    fake.setScenario({ replies: [{ ...everyStepReply(), faults: { malformedAt: 4 } }] });
    const { client } = clientFor(fake);
    const seen: string[] = [];
    await assert.rejects(
      async () => {
        for await (const ev of client.stream(REQ)) seen.push(ev.event_type);
      },
      (e: unknown) => e instanceof ApiError && e.kind === 'protocol' && /malformed JSON in a "step\.(start|delta|stop)" event/.test(e.message),
    );
    assert.equal(seen.length, 4);
    assert.equal(fake.creates().length, 1, 'a protocol error is not retried as a new create');
  });

  test('an error event ends the stream and is reported', async () => {
    const { acc } = await run({ ...textReply('partial'), errorEvent: { code: 'INTERNAL', message: 'The model crashed.' } });
    assert.deepEqual(acc.errors, [{ code: 'INTERNAL', message: 'The model crashed.' }]);
    assert.equal(fake.creates().length, 1);
  });

  test('a wrong content type is a protocol error', async () => {
    fake.setScenario({ replies: [{ ...textReply('x'), faults: { contentType: 'text/html' } }] });
    const { client } = clientFor(fake);
    await assert.rejects(
      async () => {
        for await (const _ of client.stream(REQ)) void _;
      },
      (e: unknown) => e instanceof ApiError && e.kind === 'protocol' && /text\/html/.test(e.message),
    );
  });

  test('a JSON body where a stream was asked for is tolerated', async () => {
    const { acc } = await run({ ...everyStepReply(), faults: { jsonBody: true } });
    assert.equal(acc.status, 'completed');
    assert.deepEqual(acc.steps, await storedSteps(acc.interactionId!));
  });

  test('a dropped stateless (store:false) stream is not resumed and says why', async () => {
    fake.setScenario({ replies: [{ ...textReply('abc def ghi'), faults: { dropAfterEvents: 3 } }] });
    const { client } = clientFor(fake);
    await assert.rejects(
      async () => {
        for await (const _ of client.stream({ ...REQ, store: false })) void _;
      },
      (e: unknown) => e instanceof ApiError && e.kind === 'network' && /not stored/.test(e.message),
    );
    assert.equal(fake.creates().length, 1);
  });

  test('a connection refused before the first byte is retried, then reported as a network error', async () => {
    const { client } = clientFor(fake, { baseUrl: 'http://127.0.0.1:9', retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    await assert.rejects(
      () => client.get('x'),
      (e: unknown) => e instanceof ApiError && e.kind === 'network' && /proxy/.test(e.message),
    );
  });

  test('the request log has method, path, status, timings and event counts, never the key', async () => {
    const { log } = await run(everyStepReply());
    const entry = log.find((l) => l.events !== undefined)!;
    assert.equal(entry.method, 'POST');
    assert.equal(entry.path, '/v1beta/interactions');
    assert.equal(entry.status, 200);
    assert.ok(entry.events! > 20);
    assert.ok(entry.durationMs >= 0);
    assert.ok(!JSON.stringify(log).includes(KEY));
  });

  test('the key travels only in x-goog-api-key', async () => {
    await run(textReply('x'));
    const r = fake.creates()[0]!;
    assert.equal(r.keyStatus, 'valid');
    assert.ok(!r.path.includes(KEY) && !JSON.stringify(r.query).includes(KEY) && !JSON.stringify(r.body).includes(KEY));
  });
});

describe('continuation and background', () => {
  test('a create after requires_continuation carries the token and the previous id, and no input', async () => {
    fake.setScenario({ replies: continuationReplies('First half, ', 'second half.') });
    const { client } = clientFor(fake);
    const acc = new TurnAccumulator();
    for await (const ev of client.stream(REQ)) acc.apply(ev);
    assert.equal(acc.status, 'requires_continuation');
    assert.equal(acc.continuationToken, 'cont-token-1');
    const first = acc.interactionId!;
    acc.beginInteraction('continuation');
    for await (const ev of client.stream({ model: 'gemini-3.5-flash', previous_interaction_id: first, continuation_token: 'cont-token-1' })) acc.apply(ev);
    assert.equal(acc.status, 'completed');
    assert.deepEqual(acc.steps, [{ type: 'model_output', content: [{ type: 'text', text: 'First half, second half.' }] }]);
    assert.equal(acc.interactionIds.length, 2);
  });

  test('a background run returns at once, progresses over time and can be streamed and cancelled', async () => {
    fake.setScenario({ replies: [{ ...everyStepReply(), delayMs: 60 }] });
    const { client } = clientFor(fake);
    const started = await client.create({ ...REQ, background: true });
    assert.equal(started.status, 'in_progress');
    await new Promise((r) => setTimeout(r, 200));
    const mid = await client.get(started.id);
    assert.equal(mid.status, 'in_progress');
    const acc = new TurnAccumulator();
    let n = 0;
    for await (const ev of client.streamGet(started.id, undefined)) {
      acc.apply(ev);
      if (++n === 5) break;
    }
    const cancelled = await client.cancel(started.id);
    assert.equal(cancelled.status, 'cancelled');
    const after = await client.get(started.id);
    assert.equal(after.status, 'cancelled');
    await assert.rejects(
      () => client.cancel(started.id),
      (e: unknown) => e instanceof ApiError && e.kind === 'bad_request',
    );
  });

  test('aborting a background stream never cancels the run on the server (only an explicit Cancel does)', async () => {
    fake.setScenario({ replies: [{ ...everyStepReply(), delayMs: 80 }] });
    const { client } = clientFor(fake);
    const ctrl = new AbortController();
    let n = 0;
    await assert.rejects(
      async () => {
        for await (const _ of client.stream({ ...REQ, background: true }, { signal: ctrl.signal })) if (++n === 3) ctrl.abort();
      },
      (e: unknown) => e instanceof ApiError && e.kind === 'aborted',
    );
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(fake.requests.filter((r) => r.path.endsWith('/cancel')).length, 0);
  });

  test('delete removes the interaction', async () => {
    const { acc, client } = await run(textReply('x'));
    await client.delete(acc.interactionId!);
    await assert.rejects(
      () => client.get(acc.interactionId!),
      (e: unknown) => e instanceof ApiError && e.kind === 'not_found',
    );
  });

  test('a previous_interaction_id that is gone is a not_found error', async () => {
    fake.setScenario({ replies: [textReply('x')] });
    const { client } = clientFor(fake);
    await assert.rejects(
      async () => {
        for await (const _ of client.stream({ ...REQ, previous_interaction_id: 'v1_gone' })) void _;
      },
      (e: unknown) => e instanceof ApiError && e.kind === 'not_found',
    );
  });
});
