/**
 * The unified diff shown for a proposed edit before it is applied: jsdiff's Myers diff, so the
 * hunks are minimal at every size (ten small edits in a 10k-line file show as ten small hunks).
 * jsdiff runs on the extension host's thread with a time budget; a text changed so much that
 * Myers' cost (which grows with the square of the change) exceeds it is diffed by
 * `git diff --no-index` (git's xdiff engine) in its own process instead. Only when git cannot run
 * is the changed span shown as replaced, and the hunk says so.
 */
import { structuredPatch } from 'diff';
import { gitOverTexts } from '../gitTexts';

/** Most time the diff may take on the extension host's thread. */
const DIFF_BUDGET_MS = 20;

/** Unified diff of two texts with `context` lines around each change. */
export async function unifiedDiff(oldText: string, newText: string, name: string, context = 3, signal?: AbortSignal): Promise<string> {
  if (oldText === newText) return '';
  const head = [`--- a/${name}`, `+++ b/${name}`];
  const patch = structuredPatch(name, name, oldText, newText, undefined, undefined, { context, timeout: DIFF_BUDGET_MS });
  if (patch) {
    for (const h of patch.hunks) head.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines);
    return head.join('\n');
  }
  const hunks = await gitDiffHunks(oldText, newText, context, signal);
  return [...head, ...(hunks ?? rewriteHunk(oldText, newText, context))].join('\n');
}

/** The hunks of `git diff --no-index` between the two texts; undefined when git cannot run. */
export async function gitDiffHunks(oldText: string, newText: string, context: number, signal?: AbortSignal): Promise<string[] | undefined> {
  // Exit status 1 means "the files differ".
  const r = await gitOverTexts(
    [oldText, newText],
    ([a, b]) => ['-c', 'core.quotepath=off', 'diff', '--no-index', '--no-color', '--no-ext-diff', '--no-textconv', '--text', `-U${context}`, '--', a!, b!],
    (code) => code === 0 || code === 1,
    signal,
  );
  if (!r) return undefined;
  const lines = r.stdout.split('\n');
  const first = lines.findIndex((l) => l.startsWith('@@ '));
  if (first < 0) return undefined;
  const hunks = lines.slice(first);
  if (hunks[hunks.length - 1] === '') hunks.pop();
  // git marks a last line without a newline the same way jsdiff does ("\\ No newline at end of file").
  return hunks.map((l) => (l.startsWith('@@ ') ? l.replace(/^(@@ [^@]+ @@).*$/, '$1') : l));
}

/** The changed span (common first and last lines trimmed) as one removed-and-added hunk. */
function rewriteHunk(oldText: string, newText: string, context: number): string[] {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const from = Math.max(0, pre - context);
  const before = a.slice(from, pre);
  const after = a.slice(a.length - suf, Math.min(a.length, a.length - suf + context));
  const removed = a.slice(pre, a.length - suf);
  const added = b.slice(pre, b.length - suf);
  return [
    `@@ -${from + 1},${before.length + removed.length + after.length} +${from + 1},${before.length + added.length + after.length} @@ (rewritten: shown as replaced)`,
    ...before.map((l) => ` ${l}`),
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
    ...after.map((l) => ` ${l}`),
  ];
}
