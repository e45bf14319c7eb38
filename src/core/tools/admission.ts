/**
 * The write policy for what a sandboxed command left behind: the same one the file tools use.
 * Ordinary files land at once, as a batch. What another program runs or loads as configuration
 * (execRelevant.ts), secret files, links of either kind, files somebody else changed while the
 * command ran, and mass deletions of tracked files wait for the user with a diff; rejecting
 * discards them. Special files never land. The command's result says what landed and what waited,
 * so the model does not retry in a loop.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { looksLikeText } from '../attachments';
import { safeGit } from '../git/safeGit';
import { unifiedDiff } from './diff';
import { sensitiveReason, within } from './paths';
import type { TxChange } from './transaction';

/** Deleting at least this many files git tracks is shown to the user before it lands. */
export const MASS_DELETE = 25;

export interface Decision {
  ordinary: TxChange[];
  pending: Array<{ change: TxChange; reason: string }>;
  dropped: Array<{ change: TxChange; reason: string }>;
}

export interface DecideOptions {
  /** How many of these files (relative to `root`) git tracks (undefined: not a repository). */
  tracked?: (root: string, rels: string[]) => Promise<number | undefined>;
}

/** How many of `rels` git tracks in `root` (the repository's own programs are never run). */
export async function gitTracked(root: string, rels: string[]): Promise<number | undefined> {
  const out = await safeGit(root, ['ls-files', '-z', '--cached', '--full-name', '--', '.']);
  if (out === undefined) return undefined;
  const prefix = (await safeGit(root, ['rev-parse', '--show-prefix']))?.trim() ?? '';
  const tracked = new Set(
    out
      .split('\0')
      .filter(Boolean)
      .map((p) => (prefix && p.startsWith(prefix) ? p.slice(prefix.length) : p)),
  );
  return rels.filter((r) => tracked.has(r)).length;
}

const folderRel = (c: TxChange) => (c.op === 'mkdir' ? `${c.rel}/` : c.rel);

/** Why one change waits for the user, or undefined when it is ordinary. */
export function changeReason(c: TxChange): string | undefined {
  if (c.op === 'symlink') {
    const to = resolve(dirname(c.abs), c.target ?? '');
    return within(c.root, to) ? `a symbolic link (to ${c.target})` : `a symbolic link pointing outside the workspace (to ${c.target})`;
  }
  if (c.op === 'write' && (c.links ?? 1) > 1) return 'a hard link (it shares its content with another file; it lands as a separate copy)';
  if (c.conflict) return 'somebody else changed this file while the command ran';
  if (c.op === 'delete') {
    const own = sensitiveReason(c.before === 'dir' ? `${c.rel}/` : c.rel);
    if (own) return `deletes ${own}`;
    for (const g of c.gone ?? []) {
      const why = sensitiveReason(g);
      if (why) return `deletes ${g}: ${why}`;
    }
    if ((c.goneCount ?? 0) > (c.gone?.length ?? 0)) return `deletes a folder of ${c.goneCount} files (too many to check one by one)`;
    return undefined;
  }
  return sensitiveReason(folderRel(c));
}

/** A new folder shaped like a bare git repository (HEAD, config and objects or refs): git would use it. */
async function bareRepositories(changes: TxChange[]): Promise<Set<string>> {
  const kids = new Map<string, Set<string>>();
  let k = 0;
  for (const c of changes) {
    if (++k % 5000 === 0) await new Promise((r) => setImmediate(r));
    if (c.op === 'delete') continue;
    const slash = c.rel.lastIndexOf('/');
    const name = c.rel.slice(slash + 1);
    if (name.length > 7 || !/^(head|config|objects|refs)$/i.test(name)) continue;
    const parent = `${c.layer}:${slash < 0 ? '' : c.rel.slice(0, slash)}`;
    if (!kids.has(parent)) kids.set(parent, new Set());
    kids.get(parent)!.add(name.toLowerCase());
  }
  const out = new Set<string>();
  for (const [dir, names] of kids) if (names.has('head') && names.has('config') && (names.has('objects') || names.has('refs'))) out.add(dir);
  return out;
}

export async function decide(changes: TxChange[], o: DecideOptions = {}): Promise<Decision> {
  const d: Decision = { ordinary: [], pending: [], dropped: [] };
  const bare = [...(await bareRepositories(changes))].map((b) => ({ layer: Number(b.slice(0, b.indexOf(':'))), rel: b.slice(b.indexOf(':') + 1) }));
  const inBare = (c: TxChange) => bare.some((b) => c.layer === b.layer && (b.rel === '' || c.rel === b.rel || c.rel.startsWith(`${b.rel}/`)));
  // Mass deletions of tracked files, per folder.
  const massDelete = new Set<number>();
  const tracked = o.tracked ?? gitTracked;
  const deletions = new Map<number, { root: string; rels: string[]; count: number }>();
  for (const c of changes) {
    if (c.op !== 'delete') continue;
    const e = deletions.get(c.layer) ?? { root: c.root, rels: [], count: 0 };
    e.rels.push(...(c.gone ?? []));
    e.count += c.goneCount ?? 0;
    deletions.set(c.layer, e);
  }
  const massCount = new Map<number, number>();
  for (const [layer, e] of deletions) {
    if (e.count < MASS_DELETE) continue;
    const n = await tracked(e.root, e.rels);
    if (n !== undefined && n >= MASS_DELETE) {
      massDelete.add(layer);
      massCount.set(layer, n);
    }
  }
  let k = 0;
  for (const c of changes) {
    // A large change set is classified in slices: the extension host keeps answering meanwhile.
    if (++k % 1000 === 0) await new Promise((r) => setImmediate(r));
    if (c.op === 'special') {
      d.dropped.push({ change: c, reason: 'a special file (FIFO, socket or device): never landed' });
      continue;
    }
    let reason = changeReason(c);
    if (!reason && inBare(c)) reason = 'part of a new git repository (git would read its configuration and hooks)';
    if (!reason && c.op === 'delete' && massDelete.has(c.layer)) reason = `the command deletes ${massCount.get(c.layer)} files git tracks`;
    if (reason) d.pending.push({ change: c, reason });
    else d.ordinary.push(c);
  }
  d.pending.sort((a, b) => a.change.layer - b.change.layer || (a.change.rel < b.change.rel ? -1 : a.change.rel > b.change.rel ? 1 : 0));
  // A folder that waits keeps what is inside it waiting too.
  const waitingDirs = d.pending.filter((p) => p.change.op === 'mkdir').map((p) => p.change);
  if (waitingDirs.length) {
    const stay: TxChange[] = [];
    for (const c of d.ordinary) {
      const dir = waitingDirs.find((w) => w.layer === c.layer && c.rel.startsWith(`${w.rel}/`));
      if (dir) d.pending.push({ change: c, reason: `inside ${dir.rel}/, which waits for you` });
      else stay.push(c);
    }
    d.ordinary = stay;
  }
  return d;
}

const MARK: Record<TxChange['op'], string> = { write: '~', mkdir: '+', symlink: '→', delete: '−', special: '!' };

/** One line per change for the approval card and the model: what, where, why. */
export function changeLine(c: TxChange, reason?: string, multiRoot = false, rootName?: (c: TxChange) => string): string {
  const mark = c.op === 'write' && c.before === 'none' ? '+' : MARK[c.op];
  const where = multiRoot && rootName ? `${rootName(c)}/${c.rel}` : c.rel;
  const extra = c.op === 'delete' && (c.goneCount ?? 0) > 1 ? ` (${c.goneCount} files)` : c.op === 'symlink' ? ` → ${c.target}` : c.op === 'mkdir' ? '/' : '';
  return `${mark} ${where}${extra}${reason ? ` — ${reason}` : ''}`;
}

/** The diff the card shows for waiting changes: text files in full (capped), the rest named. */
export async function changesDiff(changes: TxChange[], maxLines = 1500, signal?: AbortSignal): Promise<string> {
  const parts: string[] = [];
  let lines = 0;
  for (const c of changes) {
    if (lines >= maxLines) {
      parts.push(`… ${changes.length - parts.length} more changes not shown`);
      break;
    }
    let piece: string;
    if (c.op === 'write' && (c.size ?? 0) <= 512 * 1024) {
      const after = await readFile(c.source!).catch(() => undefined);
      const before = c.before === 'file' ? await readFile(c.abs).catch(() => undefined) : Buffer.alloc(0);
      if (after && before && looksLikeText(after) && looksLikeText(before)) {
        piece = await unifiedDiff(before.toString('utf8'), after.toString('utf8'), c.rel, 3, signal);
        if (!piece) piece = `--- a/${c.rel}\n+++ b/${c.rel}\n(only the file's mode changes: ${(c.mode ?? 0).toString(8)})`;
      } else piece = `--- a/${c.rel}\n+++ b/${c.rel}\n(binary or unreadable, ${c.size ?? 0} bytes)`;
    } else if (c.op === 'write') piece = `--- a/${c.rel}\n+++ b/${c.rel}\n(${c.size} bytes: too large to show)`;
    else if (c.op === 'symlink') piece = `+++ b/${c.rel}\n(symbolic link to ${c.target})`;
    else if (c.op === 'delete')
      piece = `--- a/${c.rel}\n(deleted${(c.goneCount ?? 0) > 1 ? `: ${c.goneCount} files, ${(c.gone ?? []).slice(0, 10).join(', ')}${(c.goneCount ?? 0) > 10 ? ', …' : ''}` : ''})`;
    else piece = `+++ b/${c.rel}/\n(new folder)`;
    const cut = piece.split('\n').slice(0, Math.max(5, maxLines - lines));
    lines += cut.length;
    parts.push(cut.join('\n'));
  }
  return parts.join('\n');
}

/** Plain-language counts: "3 new, 2 changed, 1 deleted". */
export function countsOf(changes: TxChange[]): string {
  let added = 0;
  let changed = 0;
  let deleted = 0;
  let folders = 0;
  for (const c of changes) {
    if (c.op === 'delete') deleted += Math.max(1, c.goneCount ?? 1);
    else if (c.op === 'mkdir') folders++;
    else if (c.before === 'none') added++;
    else changed++;
  }
  const parts = [added && `${added} new`, changed && `${changed} changed`, deleted && `${deleted} deleted`, folders && `${folders} new folder${folders > 1 ? 's' : ''}`].filter(
    Boolean,
  );
  return parts.join(', ') || 'nothing';
}
