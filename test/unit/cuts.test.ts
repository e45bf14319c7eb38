/**
 * A recorded multi-step response cut at every possible byte offset still reassembles to the
 * identical steps: (1) re-chunked in memory, (2) dropped over HTTP and resumed with
 * last_event_id — with exactly one create each time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/core/client/errors';
import { SseEventDecoder } from '../../src/core/client/sse';
import { TurnAccumulator } from '../../src/core/conversation/accumulator';
import type { Step } from '../../src/core/protocol/types';
import type { FakeApi } from '../fake-api/server';
import { everyStepReply } from '../fake-api/library';
import type { Reply } from '../fake-api/scenario';
import { clientFor, useFake } from './helpers';

let fake: FakeApi;
useFake((f) => (fake = f));

async function record(reply: Reply): Promise<{ wire: Buffer; steps: Step[] }> {
  fake.reset();
  fake.setScenario({ replies: [reply] });
  const { client } = clientFor(fake);
  const acc = new TurnAccumulator();
  for await (const ev of client.stream({ model: 'm', input: 'x' })) acc.apply(ev);
  return { wire: Buffer.concat(fake.lastWire), steps: acc.steps };
}

function decodeChunks(chunks: Buffer[]): Step[] {
  const dec = new SseEventDecoder();
  const acc = new TurnAccumulator();
  for (const c of chunks) {
    for (const ev of dec.push(c)) acc.apply(ev);
    assert.equal(dec.failure, undefined);
  }
  for (const ev of dec.end()) acc.apply(ev);
  return acc.steps;
}

test('re-chunked at every byte offset (two pieces) → identical steps', async () => {
  const { wire, steps } = await record(everyStepReply());
  assert.ok(wire.length > 3000, `recorded ${wire.length} bytes`);
  for (let k = 1; k < wire.length; k++) {
    const got = decodeChunks([wire.subarray(0, k), wire.subarray(k)]);
    if (JSON.stringify(got) !== JSON.stringify(steps)) assert.fail(`cut at byte ${k} changed the steps`);
  }
});

test('re-chunked into three pieces at a sliding pair of offsets → identical steps', async () => {
  const { wire, steps } = await record(everyStepReply());
  for (let k = 1; k < wire.length - 40; k += 7) {
    const got = decodeChunks([wire.subarray(0, k), wire.subarray(k, k + 37), wire.subarray(k + 37)]);
    if (JSON.stringify(got) !== JSON.stringify(steps)) assert.fail(`cuts at ${k}/${k + 37} changed the steps`);
  }
});

test('dropped over HTTP after every byte offset → resumed to identical steps, one create each', async () => {
  const reply: Reply = {
    steps: [
      { type: 'thought', signature: 'sig-ü', summary: [{ type: 'text', text: 'Plan ✓' }] },
      { type: 'function_call', id: 'fc_9', name: 'read_file', arguments: { path: 'src/é.ts' } },
      { type: 'model_output', content: [{ type: 'text', text: 'Done — 🎉' }] },
    ],
    status: 'completed',
    textChunk: 4,
    argsChunk: 6,
  };
  const { wire, steps } = await record(reply);
  const { client } = clientFor(fake, { retry: { baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => undefined });
  let resumed = 0;
  let unrecoverable = 0;
  const createdEnd = wire.indexOf('\n\n') + 2; // the interaction id is known once the first event is complete
  for (let k = 1; k < wire.length; k++) {
    fake.reset();
    fake.setScenario({ replies: [{ ...reply, faults: { dropAfterBytes: k } }] });
    const acc = new TurnAccumulator();
    try {
      for await (const ev of client.stream({ model: 'm', input: 'x' })) acc.apply(ev);
    } catch (err) {
      // Before the first event is complete there is no id to resume: a clear error, never a second create.
      assert.ok(k < createdEnd, `unexpected failure when cut at ${k}: ${(err as Error).message}`);
      assert.ok(err instanceof ApiError && /No interaction id/.test(err.message));
      unrecoverable++;
      assert.equal(fake.creates().length, 1);
      continue;
    }
    assert.equal(fake.creates().length, 1, `cut at ${k}: exactly one create`);
    if (JSON.stringify(acc.steps) !== JSON.stringify(steps)) assert.fail(`cut at byte ${k} changed the steps: ${JSON.stringify(acc.steps)}`);
    if (fake.requests.some((r) => r.query.stream === 'true')) resumed++;
  }
  assert.ok(resumed > wire.length * 0.8, `resumed ${resumed} of ${wire.length}`);
  assert.ok(unrecoverable <= createdEnd);
});
