/** The message queue: order, edits, steering and sending now, as pure state over its store. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_QUEUED, MessageQueue } from '../../src/core/conversation/queue';
import type { QueuedView } from '../../src/shared/protocol';

function queue(initial: unknown = []) {
  let stored: unknown = initial;
  const saves: QueuedView[][] = [];
  let n = 0;
  const q = new MessageQueue({ load: () => stored, save: (items) => (saves.push(items), (stored = items)) }, () => `q${++n}`);
  return { q, saves, texts: () => q.items().map((i) => `${i.text}${i.steer ? '*' : ''}`) };
}

test('messages wait in order; empty text is ignored; a full queue refuses and keeps nothing', () => {
  const { q, texts } = queue();
  assert.ok(q.add('one'));
  assert.ok(q.add('  '));
  assert.ok(q.add('two'));
  assert.deepEqual(texts(), ['one', 'two']);
  for (let k = 2; k < MAX_QUEUED; k++) assert.ok(q.add(`m${k}`));
  assert.equal(q.add('overflow'), false);
  assert.equal(q.length, MAX_QUEUED);
  assert.ok(!texts().includes('overflow'));
});

test('reorder, edit (out of the queue, back into the box), remove; an unknown id changes nothing', () => {
  const { q, texts, saves } = queue();
  q.add('a');
  q.add('b');
  q.add('c');
  const [a, b, c] = q.items();
  assert.deepEqual(q.act(c!.id, 'up', true), { kind: 'none' });
  assert.deepEqual(texts(), ['a', 'c', 'b']);
  q.act(a!.id, 'down', true);
  assert.deepEqual(texts(), ['c', 'a', 'b']);
  q.act(a!.id, 'up', false);
  q.act(a!.id, 'up', false);
  assert.deepEqual(texts(), ['a', 'c', 'b'], 'the top stays the top');
  assert.deepEqual(q.act(b!.id, 'edit', true), { kind: 'edit', text: 'b' });
  assert.deepEqual(texts(), ['a', 'c']);
  q.act(a!.id, 'remove', true);
  assert.deepEqual(texts(), ['c']);
  const before = saves.length;
  assert.deepEqual(q.act('nope', 'remove', true), { kind: 'none' });
  assert.equal(saves.length, before, 'nothing saved for an unknown id');
});

test('steer now: while busy it is marked and goes with the next tool results (first); idle it is sent', () => {
  const { q, texts } = queue();
  q.add('first');
  q.add('steer me');
  const [, s] = q.items();
  assert.deepEqual(q.act(s!.id, 'steer', true), { kind: 'none' });
  assert.deepEqual(texts(), ['first', 'steer me*']);
  assert.equal(q.takeSteer(), 'steer me');
  assert.equal(q.takeSteer(), undefined);
  q.add('later');
  const later = q.items().find((i) => i.text === 'later')!;
  assert.deepEqual(q.act(later.id, 'steer', false), { kind: 'send', text: 'later' });
  assert.deepEqual(texts(), ['first']);
});

test('send now is refused while busy (it stays in place) and sends when idle; the next one out is a steer first', () => {
  const { q, texts } = queue();
  q.add('x');
  q.add('y');
  const [x, y] = q.items();
  assert.deepEqual(q.act(y!.id, 'sendNow', true), { kind: 'busy' });
  assert.deepEqual(texts(), ['x', 'y']);
  q.act(y!.id, 'steer', true);
  assert.equal(q.takeNext()!.text, 'y', 'a message meant to steer a turn that ended goes first');
  assert.deepEqual(q.act(x!.id, 'sendNow', false), { kind: 'send', text: 'x' });
  assert.equal(q.takeNext(), undefined);
});

test('a damaged store reads as an empty queue or keeps only its messages', () => {
  assert.deepEqual(queue('garbage').q.items(), []);
  assert.deepEqual(queue([{ id: 'a', text: 'ok' }, { id: 3 }, null, 'x', { id: 'b', text: 'two', steer: 'yes' }]).q.items(), [
    { id: 'a', text: 'ok' },
    { id: 'b', text: 'two' },
  ]);
});
