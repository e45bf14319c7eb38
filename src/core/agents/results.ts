/**
 * Bringing a remote agent's work home: compare the environment's files with the launch
 * snapshot, classify each change, detect local edits made since launch (conflicts), and merge
 * three ways (snapshot, local, agent) with diff3-style markers when both sides changed the same
 * lines. Nothing here writes: applying is the caller's, per file, after the user chose.
 */
import { looksLikeText } from '../attachments';
import { sha256 } from './snapshot';

export type ChangeKind = 'added' | 'modified' | 'deleted';

export interface ResultChange {
  path: string;
  kind: ChangeKind;
  /** Content at launch (undefined: the file did not exist). */
  base?: Uint8Array;
  /** Content the agent left (undefined: deleted). */
  theirs?: Uint8Array;
  /** Local content now (undefined: missing locally). */
  ours?: Uint8Array;
  /** The local file changed since launch, differently from what the agent did. */
  conflict: boolean;
  binary: boolean;
  /** For text conflicts: the three-way merge (clean when `conflicts` is 0). */
  merge?: { text: string; conflicts: number };
}

const eq = (a?: Uint8Array, b?: Uint8Array) => (a === undefined || b === undefined ? a === b : a.length === b.length && sha256(a) === sha256(b));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

export function classify(path: string, base: Uint8Array | undefined, theirs: Uint8Array | undefined, ours: Uint8Array | undefined): ResultChange | undefined {
  if (eq(base, theirs)) return undefined; // the agent did not change it
  const kind: ChangeKind = base === undefined ? 'added' : theirs === undefined ? 'deleted' : 'modified';
  const binary = [base, theirs, ours].some((b) => b !== undefined && !looksLikeText(b));
  const localChanged = !eq(ours, base);
  const conflict = localChanged && !eq(ours, theirs);
  const change: ResultChange = { path, kind, base, theirs, ours, conflict, binary };
  if (conflict && !binary) change.merge = merge3(text(base ?? new Uint8Array()), text(ours ?? new Uint8Array()), text(theirs ?? new Uint8Array()));
  return change;
}

// ------------------------------------------------------------------ three-way merge (line based)

interface Hunk {
  /** Replaced range of base lines [start, end). */
  start: number;
  end: number;
  lines: string[];
}

function diffHunks(a: string[], b: string[]): Hunk[] {
  const n = a.length;
  const m = b.length;
  // LCS table (bounded inputs: files the agent touched).
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const hunks: Hunk[] = [];
  let i = 0;
  let j = 0;
  let cur: Hunk | undefined;
  const flush = () => {
    if (cur) hunks.push(cur);
    cur = undefined;
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (j < m && (i >= n || dp[i]![j + 1]! >= dp[i + 1]![j]!)) {
      cur ??= { start: i, end: i, lines: [] };
      cur.lines.push(b[j++]!);
    } else {
      cur ??= { start: i, end: i, lines: [] };
      i++;
      cur.end = i;
    }
  }
  flush();
  return hunks;
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  const ea = a.start === a.end;
  const eb = b.start === b.end;
  if (ea && eb) return a.start === b.start;
  if (ea) return b.start <= a.start && a.start <= b.end;
  if (eb) return a.start <= b.start && b.start <= a.end;
  return a.start < b.end && b.start < a.end;
}

/** Merge `ours` and `theirs`, both derived from `base`. Overlapping different changes become conflicts. */
export function merge3(
  base: string,
  ours: string,
  theirs: string,
  labels = { ours: 'local (your edits since launch)', base: 'snapshot (at launch)', theirs: 'remote agent' },
): { text: string; conflicts: number } {
  const b = base.split('\n');
  const tagged = [
    ...diffHunks(b, ours.split('\n')).map((h) => ({ ...h, side: 'o' as const })),
    ...diffHunks(b, theirs.split('\n')).map((h) => ({ ...h, side: 't' as const })),
  ].sort((x, y) => x.start - y.start || x.end - y.end);
  // Group hunks that touch the same base lines into regions.
  const regions: Array<{ start: number; end: number; o: Hunk[]; t: Hunk[] }> = [];
  for (const h of tagged) {
    const last = regions[regions.length - 1];
    if (last && overlaps(last, h)) {
      last.start = Math.min(last.start, h.start);
      last.end = Math.max(last.end, h.end);
      last[h.side].push(h);
    } else regions.push({ start: h.start, end: h.end, o: h.side === 'o' ? [h] : [], t: h.side === 't' ? [h] : [] });
  }
  const out: string[] = [];
  let conflicts = 0;
  let pos = 0;
  for (const r of regions) {
    out.push(...b.slice(pos, r.start));
    const render = (hs: Hunk[]) => {
      const lines: string[] = [];
      let p = r.start;
      for (const h of hs) {
        lines.push(...b.slice(p, h.start), ...h.lines);
        p = h.end;
      }
      lines.push(...b.slice(p, r.end));
      return lines;
    };
    const ro = render(r.o);
    const rt = render(r.t);
    if (!r.t.length) out.push(...ro);
    else if (!r.o.length) out.push(...rt);
    else if (ro.join('\n') === rt.join('\n')) out.push(...ro);
    else {
      conflicts++;
      out.push(`<<<<<<< ${labels.ours}`, ...ro, `||||||| ${labels.base}`, ...b.slice(r.start, r.end), '=======', ...rt, `>>>>>>> ${labels.theirs}`);
    }
    pos = r.end;
  }
  out.push(...b.slice(pos));
  return { text: out.join('\n'), conflicts };
}

/** The environment path of a workspace-relative path (snapshots are extracted into `workspace/`). */
export const REMOTE_ROOT = 'workspace';

export function remoteToLocal(remotePath: string): string | undefined {
  const p = remotePath.replace(/^\/+/, '');
  if (p === REMOTE_ROOT || !p.startsWith(`${REMOTE_ROOT}/`)) return undefined;
  const rel = p.slice(REMOTE_ROOT.length + 1);
  // Never let a remote path climb out of the workspace when written locally.
  if (rel.split('/').some((seg) => seg === '..' || seg === '') || rel.startsWith('.git/')) return undefined;
  return rel;
}
