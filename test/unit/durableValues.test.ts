/** Values that outlive a reload of the page (src/core/durableValues.ts): written whole at once, read back, cleared; a broken file or folder is no value, never an error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableValues } from '../../src/core/durableValues';

test('a value written is read back at once, by another reader of the folder too; cleared, it reads as cleared', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'durable-')), 'state');
  const a = new DurableValues(dir);
  assert.equal(a.read('gemini.draft'), undefined, 'nothing written yet');
  assert.ok(a.write('gemini.draft:tab/1', 'half a question'));
  assert.deepEqual(new DurableValues(dir).read('gemini.draft:tab/1'), { value: 'half a question' });
  assert.ok(a.write('gemini.queue', [{ id: 'q1', text: 'next' }]));
  assert.deepEqual(a.read('gemini.queue'), { value: [{ id: 'q1', text: 'next' }] });
  assert.ok(a.write('gemini.draft:tab/1', undefined));
  assert.deepEqual(a.read('gemini.draft:tab/1'), { value: undefined }, 'cleared is known, not unknown');
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file left',
  );
});

test('a damaged file reads as unknown; a failed write leaves no older value; a folder that cannot be made refuses the write without throwing', () => {
  const root = mkdtempSync(join(tmpdir(), 'durable-'));
  const dir = join(root, 'state');
  const v = new DurableValues(dir);
  assert.ok(v.write('k', 1));
  writeFileSync(join(dir, 'k.json'), '{"v": 1');
  assert.equal(v.read('k'), undefined);
  // A write that fails leaves no older value behind to be read in place of the newer one.
  assert.ok(v.write('old', 'before'));
  mkdirSync(join(dir, `old.json.${process.pid}.tmp`));
  assert.equal(v.write('old', 'after'), false);
  assert.equal(v.read('old'), undefined);
  writeFileSync(join(root, 'file'), '');
  const blocked = new DurableValues(join(root, 'file', 'state'));
  assert.equal(blocked.write('k', 1), false);
  assert.equal(blocked.read('k'), undefined);
});
