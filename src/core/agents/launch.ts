/**
 * Preparing a remote agent run: the workspace snapshot, the environment, the upload. Plain
 * TypeScript behind small ports, so the whole sequence (and how it fails) is unit-tested; the
 * VS Code side only asks the questions and shows progress.
 */
import { open } from 'node:fs/promises';
import type { InteractionsClient, UploadSource } from '../client/client';
import { REMOTE_ROOT } from './results';
import type { RunRecord, RunStore } from './runs';
import { SnapshotTooLargeError, type SnapshotOptions, type WorkspaceSnapshot } from './snapshot';
import { errorText } from '../../shared/errorText';

export interface LaunchPorts {
  client: Pick<InteractionsClient, 'createEnvironment' | 'uploadFile'>;
  store: RunStore;
  /** Build the snapshot of a folder. */
  snapshot(root: string, opts: SnapshotOptions): Promise<WorkspaceSnapshot>;
  /** Where the launch snapshot is written and kept (the base of the later review); its folder exists. */
  snapshotFile(runId: string): string;
  progress(message: string): void;
  log(message: string): void;
}

export interface LaunchRequest {
  id: string;
  task: string;
  agent: string;
  /** Workspace folder to send, or none (the agent starts from an empty environment). */
  root?: string;
  budget?: number;
  network: 'enabled' | 'disabled';
  maxSnapshotBytes: number;
  includeSecrets: boolean;
  now: number;
  /** Cancels the snapshot and the upload (the user closed the progress). */
  signal?: AbortSignal;
}

export type LaunchResult = { ok: true; run: RunRecord } | { ok: false; run: RunRecord; message: string };

/** Snapshot → environment → upload. The run record tracks each stage; a failure leaves it `failed` with the reason. */
export async function prepareRun(req: LaunchRequest, p: LaunchPorts): Promise<LaunchResult> {
  const run = p.store.add({
    id: req.id,
    task: req.task,
    agent: req.agent,
    created: req.now,
    updated: req.now,
    status: 'preparing',
    root: req.root ?? '',
    budget: req.budget,
    network: req.network,
  });
  try {
    let archive: Exclude<UploadSource, Uint8Array> | undefined;
    if (req.root) {
      p.progress('taking a snapshot of the workspace…');
      const n = (x: number) => x.toLocaleString('en-US');
      const out = p.snapshotFile(req.id);
      const snap = await p.snapshot(req.root, {
        maxBytes: req.maxSnapshotBytes,
        out,
        includeSecrets: req.includeSecrets,
        signal: req.signal,
        onProgress: (g) => p.progress(`packing ${n(g.files)} files (${(g.bytes / 1024 / 1024).toFixed(1)} MB compressed)…`),
      });
      archive = fileSource(out, snap.archiveBytes);
      p.store.update(req.id, { snapshotPath: out, snapshotFiles: snap.files, snapshotBytes: snap.bytes });
      if (snap.skipped.length)
        p.log(`Snapshot skipped ${snap.skipped.length} entr${snap.skipped.length === 1 ? 'y' : 'ies'}: ${snap.skipped.map((s) => `${s.path} (${s.reason})`).join('; ')}`);
      if (snap.secrets.length) p.log(`Snapshot left out ${snap.secrets.length} secret file(s): ${snap.secrets.join(', ')}`);
      if (snap.redacted.length) p.log(`Snapshot sent ${snap.redacted.length} configuration file(s) with their credential values removed: ${snap.redacted.join(', ')}`);
    }
    p.progress('creating the environment…');
    p.store.update(req.id, { status: 'uploading' });
    const env = await p.client.createEnvironment({ network: req.network === 'disabled' ? 'disabled' : undefined });
    p.store.update(req.id, { environmentId: env.id });
    if (archive) {
      p.progress(`uploading ${(archive.size / 1024).toFixed(0)} KB (gzipped)…`);
      await p.client.uploadFile(env.id, REMOTE_ROOT, archive, { extract: true, overwrite: true, mimeType: 'application/gzip', signal: req.signal });
    }
    return { ok: true, run: p.store.update(req.id, { status: 'queued' }) ?? run };
  } catch (err) {
    const message = err instanceof SnapshotTooLargeError ? err.message : `Could not start the run: ${errorText(err)}`;
    return { ok: false, run: p.store.update(req.id, { status: 'failed', error: message }) ?? run, message };
  }
}

/** A file read a chunk at a time, as an upload sends it (the archive is never held whole). */
function fileSource(path: string, size: number): Exclude<UploadSource, Uint8Array> {
  return {
    size,
    read: async (offset, length) => {
      const fh = await open(path, 'r');
      try {
        const buf = Buffer.alloc(length);
        const { bytesRead } = await fh.read(buf, 0, length, offset);
        if (bytesRead !== length) throw new Error(`The snapshot ${path} changed while it was being uploaded.`);
        return buf;
      } finally {
        await fh.close();
      }
    },
  };
}

/** The first message of a run: the task, and where the workspace copy is. */
export function launchPrompt(task: string, folderName: string | undefined): string {
  return `${task}${folderName ? `\n\n(Your working copy of “${folderName}” is in the environment under ${REMOTE_ROOT}/.)` : ''}`;
}
