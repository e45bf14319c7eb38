/**
 * The unified diff shown for a proposed edit before it is applied: jsdiff's Myers diff, so the
 * hunks are minimal at every size (ten small edits in a 10k-line file show as ten small hunks).
 * jsdiff runs on the extension host's thread with a time budget; a text changed so much that
 * Myers' cost (which grows with the square of the change) exceeds it is diffed by
 * `git diff --no-index` (git's xdiff engine) in its own process instead. Only when git cannot run
 * is the changed span shown as replaced, and the hunk says so.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { structuredPatch } from 'diff';

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
  const dir = await mkdtemp(join(tmpdir(), 'gemini-diff-'));
  try {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    await Promise.all([writeFile(a, oldText), writeFile(b, newText)]);
    const out = await new Promise<string | undefined>((resolve) => {
      execFile(
        'git',
        ['-c', 'core.quotepath=off', 'diff', '--no-index', '--no-color', '--no-ext-diff', '--no-textconv', '--text', `-U${context}`, '--', a, b],
        {
          cwd: dir,
          maxBuffer: 1024 * 1024 * 1024,
          signal,
          env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: process.platform === 'win32' ? 'NUL' : '/dev/null', GIT_TERMINAL_PROMPT: '0' },
          windowsHide: true,
        },
        (err, stdout) => {
          // Exit status 1 means "the files differ"; anything else is a failure.
          const code: unknown = err ? (err as { code?: unknown }).code : 0;
          resolve(code === 1 || code === 0 ? stdout : undefined);
        },
      );
    });
    if (out === undefined) return undefined;
    const lines = out.split('\n');
    const first = lines.findIndex((l) => l.startsWith('@@ '));
    if (first < 0) return undefined;
    const hunks = lines.slice(first);
    if (hunks[hunks.length - 1] === '') hunks.pop();
    // git marks a last line without a newline the same way jsdiff does ("\ No newline at end of file").
    return hunks.map((l) => (l.startsWith('@@ ') ? l.replace(/^(@@ [^@]+ @@).*$/, '$1') : l));
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
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
