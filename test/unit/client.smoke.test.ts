import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TurnAccumulator } from '../../src/core/conversation/accumulator';
import { clientFor, collect, startFake } from './helpers';
import { text, thought } from '../fake-api/scenario';

test('smoke: stream a thought and text', async () => {
  const fake = await startFake();
  try {
    fake.setScenario({ replies: [{ steps: [thought('Thinking', 'sig-1'), text('Hello, world! ✓ done')] }] });
    const { client } = clientFor(fake);
    const acc = new TurnAccumulator();
    for await (const ev of client.stream({ model: 'gemini-3.5-flash', input: 'hi' })) acc.apply(ev);
    assert.equal(acc.status, 'completed');
    assert.deepEqual(acc.steps, [
      { type: 'thought', signature: 'sig-1', summary: [{ type: 'text', text: 'Thinking' }] },
      { type: 'model_output', content: [{ type: 'text', text: 'Hello, world! ✓ done' }] },
    ]);
    void collect;
  } finally {
    await fake.close();
  }
});

test('one-shots (review, fix without tools, image, commit message) keep nothing on the server: store is false', async () => {
  const { runOneShot } = await import('../../src/core/conversation/oneshot');
  const fake = await startFake();
  try {
    fake.setScenario({ replies: [{ steps: [text('{"findings": []}')] }] });
    const { client } = clientFor(fake);
    const r = await runOneShot(client, { model: 'gemini-3.5-flash', input: 'review this diff' });
    assert.equal(r.text, '{"findings": []}');
    assert.equal((fake.creates()[0]!.body as { store?: boolean }).store, false);
  } finally {
    await fake.close();
  }
});
