/** Values made ahead of a send (src/core/prepared.ts): kept while fresh, shared while on their way, made again after a change. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prepared } from '../../src/core/prepared';

function setup(maxAgeMs = 1000) {
  let gen = 0;
  let now = 0;
  let made = 0;
  const p = new Prepared<string>(
    () => gen,
    maxAgeMs,
    () => now,
  );
  const make =
    (v = 'value') =>
    () => {
      made++;
      return `${v}${made}`;
    };
  return { p, make, made: () => made, bump: () => void gen++, tick: (ms: number) => void (now += ms) };
}

test('a value made ahead is what the send gets, without making it again', async () => {
  const s = setup();
  s.p.prepare('k', s.make());
  assert.equal(s.made(), 1);
  s.p.prepare('k', s.make());
  assert.equal(s.made(), 1, 'a second prepare while fresh makes nothing');
  assert.equal(await s.p.get('k', s.make()), 'value1');
  assert.equal(s.made(), 1);
});

test('another key, a new generation or age makes it again', async () => {
  const s = setup(1000);
  s.p.prepare('k', s.make());
  assert.equal(await s.p.get('other', s.make()), 'value2');
  s.bump();
  assert.equal(await s.p.get('k', s.make()), 'value3', 'made again after a change was reported');
  assert.equal(await s.p.get('k', s.make()), 'value3');
  s.tick(1001);
  assert.equal(await s.p.get('k', s.make()), 'value4', 'made again once older than the limit');
});

test('a send while the value is on its way waits for that one; a change meanwhile makes the next send make it again', async () => {
  let gen = 0;
  let made = 0;
  let release!: (v: string) => void;
  const p = new Prepared<string>(() => gen, 1000);
  p.prepare('k', () => {
    made++;
    return new Promise<string>((r) => (release = r));
  });
  const waiting = p.get('k', () => {
    made++;
    return 'not this';
  });
  release('ahead');
  assert.equal(await waiting, 'ahead');
  assert.equal(made, 1);
  gen++;
  assert.equal(await p.get('k', () => 'fresh'), 'fresh');
});

test('a failed making is not kept; a making that answers nothing is not kept either', async () => {
  const s = setup();
  s.p.prepare('k', () => {
    throw new Error('disk gone');
  });
  // The failure ahead is nobody's: the send makes it again and sees its own outcome.
  await new Promise((r) => setImmediate(r));
  await assert.rejects(
    s.p.get('k', () => Promise.reject(new Error('still gone'))),
    /still gone/,
  );
  assert.equal(await s.p.get('k', s.make()), 'value1', 'made again after the failure');
  assert.equal(await s.p.get('k', s.make()), 'value1', 'and kept');
  s.p.prepare('other', () => undefined);
  await new Promise((r) => setImmediate(r));
  assert.equal(await s.p.get('other', s.make()), 'value2', 'nothing answered: made by the send');
});
