/**
 * Bringing a run's results home: list the environment's files, download those that may have
 * changed since the launch snapshot, and classify each against the snapshot and the local file
 * (added, modified, deleted, or a conflict with local edits). Reads only; applying is the caller's.
 */
import type { InteractionsClient } from '../client/client';
import { classify, REMOTE_ROOT, remoteToLocal, type ResultChange } from './results';
import type { RunRecord } from './runs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar';

/**
 * The launch snapshot's regular files, path → contents: read as a stream by node-tar (gunzipped
 * on the way, in slices between other work), never decompressed or copied whole on the thread.
 * Older runs kept a plain tar; it is read the same way.
 */
export function snapshotFiles(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  return new Promise((resolve, reject) => {
    const files = new Map<string, Uint8Array>();
    const parser = new tar.Parser({
      onReadEntry: (entry) => {
        if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => files.set(entry.path.replace(/\/$/, ''), chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      },
    });
    parser.on('error', reject);
    parser.on('end', () => resolve(files));
    const source = Readable.from(chunksOf(bytes, 64 * 1024));
    source.on('error', reject);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      // Node's zlib stream inflates in the thread pool (node-tar's own gunzip would run here, all at once).
      const gunzip = createGunzip({ chunkSize: 64 * 1024 });
      gunzip.on('error', reject);
      source.pipe(gunzip).pipe(parser);
    } else source.pipe(parser);
  });
}

function* chunksOf(bytes: Uint8Array, size: number): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield Buffer.from(bytes.buffer, bytes.byteOffset + i, Math.min(size, bytes.length - i));
}

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
  const kept = run.snapshotPath ? p.readSnapshot(run.snapshotPath) : undefined;
  if (!run.environmentId || !kept) throw new NoSnapshotError();
  const snapshot = await snapshotFiles(kept);
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
    const c = await classify(rel, base, theirs, await p.readLocal(run.root, rel));
    if (c) changes.push(c);
  }
  for (const [rel, base] of snapshot) {
    if (seen.has(rel)) continue;
    const c = await classify(rel, base, undefined, await p.readLocal(run.root, rel));
    if (c) changes.push(c);
  }
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}
