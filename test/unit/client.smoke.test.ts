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
