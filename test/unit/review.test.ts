/** Structured review output: strict parsing, and the files a diff touches. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReviewFormatError, filesInDiff, parseReview } from '../../src/core/review';

const FINDING = { file: 'src/a.ts', start_line: 2, end_line: 3, severity: 'warning', message: 'm' };

test('a valid review parses, with or without a json fence', () => {
  const json = JSON.stringify({ summary: 's', findings: [FINDING] });
  assert.deepEqual(parseReview(json), { summary: 's', findings: [FINDING] });
  assert.deepEqual(parseReview('```json\n' + json + '\n```'), { summary: 's', findings: [FINDING] });
});

test('empty, truncated, wrongly shaped and backwards reviews are errors, never partial findings', () => {
  assert.throws(
    () => parseReview('  '),
    (e: Error) => e instanceof ReviewFormatError && /empty/.test(e.message),
  );
  assert.throws(
    () => parseReview('{"findings": [{"file": "a"'),
    (e: Error) => e instanceof ReviewFormatError && /truncated/.test(e.message),
  );
  assert.throws(
    () => parseReview('{"findings": "none"}'),
    (e: Error) => e instanceof ReviewFormatError && /expected format/.test(e.message),
  );
  assert.throws(() => parseReview(JSON.stringify({ findings: [{ ...FINDING, severity: 'fatal' }] })), ReviewFormatError);
  assert.throws(() => parseReview(JSON.stringify({ findings: [{ ...FINDING, start_line: 5, end_line: 4 }] })), /ends \(line 4\) before it starts/);
});

test('filesInDiff reads the new paths, skips deletions and unquotes unusual names', () => {
  const diff = [
    'diff --git a/src/math.ts b/src/math.ts',
    'index 1..2 100644',
    '--- a/src/math.ts',
    '+++ b/src/math.ts',
    '@@ -1 +1 @@',
    '-a',
    '+b',
    'diff --git a/gone.txt b/gone.txt',
    'deleted file mode 100644',
    '--- a/gone.txt',
    '+++ /dev/null',
    'diff --git a/new file.md b/new file.md',
    'new file mode 100644',
    '--- /dev/null',
    '+++ b/new file.md\t',
    'diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"',
    '--- "a/d\\"q.txt"',
    '+++ "b/d\\"q.txt"',
    // An added line "++ b/other.ts" inside a hunk looks like a header but is content.
    '@@ -1 +1 @@',
    '+++ b/other.ts',
  ].join('\n');
  assert.deepEqual(filesInDiff(diff), ['src/math.ts', 'new file.md', 'd"q.txt']);
  assert.deepEqual(filesInDiff(''), []);
});
