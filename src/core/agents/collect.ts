/**
 * Bringing a run's results home: list the environment's files, download those that may have
 * changed since the launch snapshot, and classify each against the snapshot and the local file
 * (added, modified, deleted, or a conflict with local edits). Reads only; applying is the caller's.
 */
import type { InteractionsClient } from '../client/client';
import { classify, REMOTE_ROOT, remoteToLocal, type ResultChange } from './results';
import type { RunRecord } from './runs';
import { readTar } from './tar';

export interface CollectPorts {
  client: Pick<InteractionsClient, 'listFiles' | 'downloadFile'>;
  /** The launch snapshot (tar bytes). */
  readSnapshot(path: string): Uint8Array | undefined;
  /** The local file now (undefined: missing). */
  readLocal(root: string, rel: string): Promise<Uint8Array | undefined>;
}

export class NoSnapshotError extends Error {
  constructor() {
    super('This run has no snapshot to compare with (it was started without files).');
    this.name = 'NoSnapshotError';
  }
}

export async function collectChanges(run: RunRecord, p: CollectPorts): Promise<ResultChange[]> {
  const tar = run.snapshotPath ? p.readSnapshot(run.snapshotPath) : undefined;
  if (!run.environmentId || !tar) throw new NoSnapshotError();
  const snapshot = new Map(
    readTar(tar)
      .filter((e) => e.type === 'file')
      .map((e) => [e.path, e.data!]),
  );
  const remote = (await p.client.listFiles(run.environmentId, REMOTE_ROOT, { recursive: true })).filter((f) => (f.type ?? 'file') === 'file');
  const changes: ResultChange[] = [];
  const seen = new Set<string>();
  for (const f of remote) {
    const rel = remoteToLocal(f.path ?? '');
    if (!rel) continue;
    seen.add(rel);
    const base = snapshot.get(rel);
    const modified = f.modified ? Date.parse(f.modified) : NaN;
    const maybeChanged = !base || String(base.length) !== String(f.size_bytes ?? '') || !(modified < run.created - 1000);
    if (!maybeChanged) continue;
    const theirs = await p.client.downloadFile(run.environmentId, f.path!);
    const c = classify(rel, base, theirs, await p.readLocal(run.root, rel));
    if (c) changes.push(c);
  }
  for (const [rel, base] of snapshot) {
    if (seen.has(rel)) continue;
    const c = classify(rel, base, undefined, await p.readLocal(run.root, rel));
    if (c) changes.push(c);
  }
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}
