/**
 * The approval diff shown before an edit (numbers, not pass/fail): the product's `unifiedDiff`
 * next to jsdiff's `structuredPatch` called directly with no time budget, on a generated
 * 10k-line file with 10 scattered edits, the same with 1,000 scattered edits, and with every other
 * line changed (where Myers' cost grows with the square of the change and the product hands the
 * diff to git in its own process). Each row: wall time, peak memory, longest event-loop stall,
 * and the number of changed lines shown (minimal = the count jsdiff gives).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { structuredPatch } from 'diff';
import { unifiedDiff } from '../../src/core/tools/diff';
import { measureHere, runCases, type Sample } from './host-work';

const DIR = join(tmpdir(), 'gemini-bench-diff');
const VARIANTS = {
  '10 edits': (l: string, i: number) => (i % 1000 === 400 ? `${l} // edited` : l),
  '1,000 edits': (l: string, i: number) => (i % 10 === 3 ? `${l} // edited` : l),
  'every other line': (l: string, i: number) => (i % 2 ? `${l} // edited` : l),
};

function fixture(): void {
  const base = Array.from({ length: 10_000 }, (_, i) => `  const value${i} = compute(${i % 17}, "item-${i}") + offset; // line ${i}`);
  writeFileSync(join(DIR, 'base'), base.join('\n') + '\n');
  for (const [name, f] of Object.entries(VARIANTS)) writeFileSync(join(DIR, name), base.map(f).join('\n') + '\n');
}

const changed = (lines: string[]) => lines.filter((l) => (l.startsWith('-') || l.startsWith('+')) && !l.startsWith('---') && !l.startsWith('+++')).length;

const cases: Record<string, () => Promise<Sample>> = {};
for (const name of Object.keys(VARIANTS)) {
  const load = () => [readFileSync(join(DIR, 'base'), 'utf8'), readFileSync(join(DIR, name), 'utf8')] as const;
  cases[`10k lines, ${name}: product unifiedDiff`] = () => {
    const [a, b] = load();
    return measureHere(async () => `${changed((await unifiedDiff(a, b, 'f.ts')).split('\n'))} lines shown changed`);
  };
  cases[`10k lines, ${name}: baseline jsdiff structuredPatch`] = () => {
    const [a, b] = load();
    return measureHere(async () => {
      const p = structuredPatch('f.ts', 'f.ts', a, b, undefined, undefined, { context: 3 });
      return `${changed(p.hunks.flatMap((h) => h.lines))} lines shown changed`;
    });
  };
}

void runCases('Approval diff of an edit (10k-line file)', cases, async () => {
  mkdirSync(DIR, { recursive: true });
  fixture();
});
