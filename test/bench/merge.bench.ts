/**
 * Three-way merge of a remote agent's result with local edits (numbers, not pass/fail): the
 * product's merge (`git merge-file` in its own process, conflicts refined) and its no-git
 * fallback (jsdiff's Myers diff), next to the `git merge-file` command alone, on generated files
 * of 8k, 20k and 80k lines with scattered edits on both sides, some of them conflicting.
 * Each row: wall time, the process's peak memory, the longest event-loop stall.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffMerge, merge3 } from '../../src/core/agents/merge';
import { measureCommand, measureHere, runCases, type Sample } from './host-work';

const DIR = join(tmpdir(), 'gemini-bench-merge');
const SIZES = [8_000, 20_000, 80_000];

/** Code-like lines; each side edits every 97th / 101st line, and both edit every 1000th line differently (conflicts). */
function fixture(n: number): void {
  const base = Array.from({ length: n }, (_, i) => `  const value${i} = compute(${i % 17}, "item-${i}") + offset; // line ${i}`);
  const ours = base.map((l, i) => (i % 97 === 5 || i % 1000 === 500 ? `${l} // local edit` : l));
  const theirs = base.map((l, i) => (i % 101 === 7 || i % 1000 === 500 ? `${l} // remote edit` : l));
  theirs.splice(Math.floor(n / 3), 0, '  // a block the agent added', '  runMore();');
  for (const [name, lines] of [
    ['base', base],
    ['ours', ours],
    ['theirs', theirs],
  ] as const)
    writeFileSync(join(DIR, `${n}.${name}`), lines.join('\n') + '\n');
}

const read = (n: number) => ['base', 'ours', 'theirs'].map((k) => readFileSync(join(DIR, `${n}.${k}`), 'utf8')) as [string, string, string];

const cases: Record<string, () => Promise<Sample>> = {};
for (const n of SIZES) {
  cases[`${n / 1000}k lines: product merge3 (git merge-file + refine)`] = () => {
    const [b, o, t] = read(n);
    return measureHere(async () => {
      const r = await merge3(b, o, t);
      return `${r.conflicts} conflicts`;
    });
  };
  cases[`${n / 1000}k lines: product fallback without git (jsdiff Myers)`] = () => {
    const [b, o, t] = read(n);
    return measureHere(async () => {
      const r = await diffMerge(b, o, t);
      return `${r.conflicts} conflicts`;
    });
  };
  cases[`${n / 1000}k lines: baseline git merge-file -p --diff3`] = () =>
    measureCommand('git', ['merge-file', '-p', '--diff3', join(DIR, `${n}.ours`), join(DIR, `${n}.base`), join(DIR, `${n}.theirs`)]);
}

void runCases('Three-way merge (remote results review)', cases, async () => {
  mkdirSync(DIR, { recursive: true });
  for (const n of SIZES) fixture(n);
});
