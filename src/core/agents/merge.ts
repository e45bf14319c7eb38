/**
 * Three-way merge of a remote agent's result with local edits, off the extension host's thread:
 * `git merge-file --diff3` (git's xdiff engine, in its own process) when git is available, which
 * it is wherever a snapshot can be taken; otherwise line hunks from jsdiff's Myers diff (linear
 * memory), merged region by region. Either way the result has diff3-style conflict markers.
 */
import { diffArrays } from 'diff';
import { gitOverTexts } from '../gitTexts';

export interface MergeLabels {
  ours: string;
  base: string;
  theirs: string;
}
export const MERGE_LABELS: MergeLabels = { ours: 'local (your edits since launch)', base: 'snapshot (at launch)', theirs: 'remote agent' };

export interface MergeResult {
  text: string;
  conflicts: number;
}

/** Merge with `git merge-file`; undefined when git cannot run here. */
export async function gitMergeFile(base: string, ours: string, theirs: string, labels: MergeLabels = MERGE_LABELS, signal?: AbortSignal): Promise<MergeResult | undefined> {
  // --diff3 on the command line wins over any merge.conflictStyle; the exit status is the number
  // of conflicts (capped at 127); above that, git failed.
  const r = await gitOverTexts(
    [ours, base, theirs],
    ([o, b, t]) => ['merge-file', '-p', '--diff3', '-L', labels.ours, '-L', labels.base, '-L', labels.theirs, o!, b!, t!],
    (code) => code >= 0 && code <= 127,
    signal,
  );
  return r && { text: r.stdout, conflicts: r.code };
}

interface Hunk {
  /** Replaced range of base lines [start, end). */
  start: number;
  end: number;
  lines: string[];
}

/** Line hunks turning `a` into `b`: Myers' diff (jsdiff), asynchronous beyond small edit distances. */
async function diffHunks(a: string[], b: string[]): Promise<Hunk[]> {
  // Each side's first, bounded attempt runs in its own turn of the event loop (never two back to back).
  await new Promise<void>((r) => setImmediate(r));
  type Change = { value: string[]; added: boolean; removed: boolean };
  const whole: Change[] = [
    { value: a, removed: true, added: false },
    { value: b, added: true, removed: false },
  ];
  // Close inputs (the usual case) at once; far apart ones in small steps between other work (never one long stall).
  const changes: Change[] =
    diffArrays(a, b, { maxEditLength: 256, timeout: 15 }) ??
    (await new Promise<Change[]>((resolve) => diffArrays(a, b, { callback: (c: Change[] | undefined) => resolve(c ?? whole) })));
  const hunks: Hunk[] = [];
  let pos = 0;
  let cur: Hunk | undefined;
  for (const c of changes) {
    if (!c.added && !c.removed) {
      if (cur) hunks.push(cur);
      cur = undefined;
      pos += c.value.length;
      continue;
    }
    cur ??= { start: pos, end: pos, lines: [] };
    if (c.removed) {
      pos += c.value.length;
      cur.end = pos;
    } else for (const l of c.value) cur.lines.push(l);
  }
  if (cur) hunks.push(cur);
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

/** The fallback merge (no git): overlapping different changes of the two sides become conflicts. */
export async function diffMerge(base: string, ours: string, theirs: string, labels: MergeLabels = MERGE_LABELS): Promise<MergeResult> {
  const b = base.split('\n');
  const [ho, ht] = await Promise.all([diffHunks(b, ours.split('\n')), diffHunks(b, theirs.split('\n'))]);
  const tagged = [...ho.map((h) => ({ ...h, side: 'o' as const })), ...ht.map((h) => ({ ...h, side: 't' as const }))].sort((x, y) => x.start - y.start || x.end - y.end);
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
  const push = (lines: string[]) => {
    for (const l of lines) out.push(l);
  };
  for (const r of regions) {
    push(b.slice(pos, r.start));
    const render = (hs: Hunk[]) => {
      const lines: string[] = [];
      let p = r.start;
      for (const h of hs) {
        push2(lines, b.slice(p, h.start), h.lines);
        p = h.end;
      }
      push2(lines, b.slice(p, r.end), []);
      return lines;
    };
    const ro = render(r.o);
    const rt = render(r.t);
    if (!r.t.length) push(ro);
    else if (!r.o.length) push(rt);
    else if (ro.join('\n') === rt.join('\n')) push(ro);
    else {
      conflicts++;
      out.push(`<<<<<<< ${labels.ours}`);
      push(ro);
      out.push(`||||||| ${labels.base}`);
      push(b.slice(r.start, r.end));
      out.push('=======');
      push(rt);
      out.push(`>>>>>>> ${labels.theirs}`);
    }
    pos = r.end;
  }
  push(b.slice(pos));
  return { text: out.join('\n'), conflicts };
}

function push2(into: string[], a: string[], b: string[]): void {
  for (const l of a) into.push(l);
  for (const l of b) into.push(l);
}

/**
 * Merge `ours` and `theirs`, both derived from `base`: git's engine, else the Myers fallback.
 * git counts edits on adjacent lines as a conflict; each conflict it reports is merged again,
 * alone (a few lines), so edits that touch without overlapping merge cleanly either way.
 */
export async function merge3(base: string, ours: string, theirs: string, opts: { labels?: MergeLabels; git?: boolean; signal?: AbortSignal } = {}): Promise<MergeResult> {
  const labels = opts.labels ?? MERGE_LABELS;
  if (opts.git !== false) {
    const r = await gitMergeFile(base, ours, theirs, labels, opts.signal).catch(() => undefined);
    if (r) return r.conflicts ? refineConflicts(r.text, labels) : r;
  }
  return diffMerge(base, ours, theirs, labels);
}

async function refineConflicts(text: string, labels: MergeLabels): Promise<MergeResult> {
  const lines = text.split('\n');
  const out: string[] = [];
  let conflicts = 0;
  const open = `<<<<<<< ${labels.ours}`;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l !== open) {
      out.push(l);
      continue;
    }
    const mid = lines.indexOf(`||||||| ${labels.base}`, i + 1);
    const sep = mid < 0 ? -1 : lines.indexOf('=======', mid + 1);
    const close = sep < 0 ? -1 : lines.indexOf(`>>>>>>> ${labels.theirs}`, sep + 1);
    if (close < 0) {
      out.push(l);
      continue;
    }
    const r = await diffMerge(lines.slice(mid + 1, sep).join('\n'), lines.slice(i + 1, mid).join('\n'), lines.slice(sep + 1, close).join('\n'), labels);
    if (r.conflicts === 0) for (const x of r.text.split('\n')) out.push(x);
    else {
      conflicts++;
      for (let k = i; k <= close; k++) out.push(lines[k]!);
    }
    i = close;
  }
  return { text: out.join('\n'), conflicts };
}
