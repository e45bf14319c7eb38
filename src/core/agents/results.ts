/**
 * Bringing a remote agent's work home: compare the environment's files with the launch
 * snapshot, classify each change, detect local edits made since launch (conflicts), and merge
 * three ways (snapshot, local, agent; see merge.ts) with diff3-style markers when both sides
 * changed the same lines. Nothing here writes: applying is the caller's, per file, after the user chose.
 */
import { looksLikeText } from '../attachments';
import { merge3 } from './merge';
import { sha256 } from './snapshot';

export { merge3 };

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

export async function classify(
  path: string,
  base: Uint8Array | undefined,
  theirs: Uint8Array | undefined,
  ours: Uint8Array | undefined,
  opts: { git?: boolean; signal?: AbortSignal } = {},
): Promise<ResultChange | undefined> {
  if (eq(base, theirs)) return undefined; // the agent did not change it
  const kind: ChangeKind = base === undefined ? 'added' : theirs === undefined ? 'deleted' : 'modified';
  const binary = [base, theirs, ours].some((b) => b !== undefined && !looksLikeText(b));
  const localChanged = !eq(ours, base);
  const conflict = localChanged && !eq(ours, theirs);
  const change: ResultChange = { path, kind, base, theirs, ours, conflict, binary };
  if (conflict && !binary) change.merge = await merge3(text(base ?? new Uint8Array()), text(ours ?? new Uint8Array()), text(theirs ?? new Uint8Array()), opts);
  return change;
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
