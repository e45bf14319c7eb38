/** Mentions: what counts as one in a message, how each is written back, and how its context is sent. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mentionText, parseMentions } from '../../src/shared/mentions';
import { fuzzy, keepTail, mentionBlock, mentionGlob, problemsText } from '../../src/core/mentions';

test('parseMentions: keywords, #file (quoted or not), @symbol; each once; not inside words or e-mail addresses', () => {
  const got = parseMentions('Fix #problems in #file:src/app.ts and #file:"docs/a b.md", see @parseHeader. Also #changes, #selection; #terminal! again #problems');
  assert.deepEqual(
    got.map((m) => [m.kind, m.value]),
    [
      ['problems', undefined],
      ['file', 'src/app.ts'],
      ['file', 'docs/a b.md'],
      ['symbol', 'parseHeader'],
      ['changes', undefined],
      ['selection', undefined],
      ['terminal', undefined],
    ],
  );
  assert.deepEqual(parseMentions('mail me at ada@example.com or see issue#12 and #problemsx, #file: alone'), []);
  assert.deepEqual(
    parseMentions('#file:README.md.').map((m) => m.value),
    ['README.md'],
  );
});

test('mentionText writes a mention back so it parses to the same thing', () => {
  for (const [kind, value] of [
    ['file', 'src/a.ts'],
    ['file', 'a folder/with space.md'],
    ['symbol', 'Parser.read'],
    ['problems', undefined],
  ] as const) {
    const [m] = parseMentions(`see ${mentionText(kind, value)} now`);
    assert.deepEqual([m?.kind, m?.value], [kind, value]);
  }
});

test('mentionBlock fences the content so no backtick run in it closes the fence', () => {
  const b = mentionBlock('#changes: the uncommitted diff', 'a ```` b', 'diff');
  assert.match(b, /^#changes: the uncommitted diff\n`````diff\na ```` b\n`````$/);
});

test('problemsText: errors first, one line each, capped with a count', () => {
  const lines = problemsText(
    [
      { path: 'b.ts', line: 3, column: 1, severity: 'warning', message: 'unused' },
      { path: 'a.ts', line: 9, column: 5, severity: 'error', message: 'Type "string"\n  is not number', source: 'ts' },
      { path: 'a.ts', line: 1, column: 1, severity: 'hint', message: 'h' },
    ],
    2,
  );
  assert.equal(lines, 'a.ts:9:5 error: Type "string" is not number (ts)\nb.ts:3:1 warning: unused\n… and 1 more');
});

test('keepTail keeps the end of long output and says how much was left out', () => {
  assert.equal(keepTail('short', 10), 'short');
  assert.equal(keepTail('0123456789abcdef', 6), '[… 10 earlier characters not sent]\nabcdef');
});

test('fuzzy: the file name first, then contiguous matches, short paths', () => {
  const paths = ['src/parser/header.ts', 'docs/headers-and-more.md', 'src/app.ts', 'test/parser.test.ts', 'src/h/e/a/d.ts'];
  assert.deepEqual(fuzzy(paths, 'header').slice(0, 2), ['src/parser/header.ts', 'docs/headers-and-more.md']);
  assert.deepEqual(fuzzy(paths, 'parser'), ['test/parser.test.ts', 'src/parser/header.ts']);
  assert.deepEqual(fuzzy(paths, 'zzz'), []);
});

test('mentionGlob: the query’s characters in order in a file name, any case, glob characters left out', () => {
  assert.equal(mentionGlob('pars'), '**/*[pP]*[aA]*[rR]*[sS]*');
  assert.equal(mentionGlob('src/Ab1'), '**/*[aA]*[bB]*1*', 'the last segment of a path query');
  assert.equal(mentionGlob('a{b},[c]!*?'), '**/*[aA]*[bB]*[cC]*');
  assert.equal(mentionGlob('  '), undefined);
  assert.equal(mentionGlob('src/'), undefined, 'a folder typed so far: the listing');
  assert.equal(mentionGlob('x'.repeat(40))!.split('*[xX]').length - 1, 24, 'bounded');
});
