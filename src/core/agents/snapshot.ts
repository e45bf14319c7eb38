/**
 * The workspace snapshot sent to a remote agent: every tracked file as it is on disk
 * (uncommitted changes included) plus untracked files that are not ignored, read with
 * `git ls-files` (read-only: the branch and the index are never touched). Without git, the
 * folder is walked (skipping .git and node_modules). Symlinks that leave the folder are skipped,
 * and a size limit on what is sent gives a clear message naming the largest files.
 *
 * The archive is a gzipped tar written as a pipeline into a file, never held: a worker thread
 * (`packWorker.ts`) reads git's lists as git prints them, reads each file and compresses straight
 * to disk, with a bounded heap. A half-million-file monorepo costs the extension host's thread
 * and heap nothing; the host passes on progress and a cancel.
 */
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { pack, SnapshotTooLargeError } from './archive';

export { SnapshotTooLargeError };

export interface WorkspaceSnapshot {
  root: string;
  /** How many files and links the archive holds. */
  files: number;
  skipped: Array<{ path: string; reason: string }>;
  /** Secret files (.env*, keys, credentials) left out because the user did not include them. */
  secrets: string[];
  /** Configuration files sent with their credential values removed (`.npmrc`, `.yarnrc.yml`, …). */
  redacted: string[];
  /** Size of the files' contents. */
  bytes: number;
  /** The archive as sent (a gzipped tar): where it was written, and its size. */
  archive: string;
  archiveBytes: number;
  usedGit: boolean;
}

/** Progress of a snapshot: files written into the archive, compressed bytes so far. */
export interface SnapshotProgress {
  files: number;
  bytes: number;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What a snapshot would hold (nothing is read but configuration files): counts, the secrets left out, the configuration sent redacted. */
export interface SnapshotPlan {
  files: number;
  /** Size of the files' contents. */
  bytes: number;
  secrets: string[];
  redacted: string[];
  /** The files that would be sent, one a line (written to the `out` given to `planSnapshot`). */
  list: string;
}

/**
 * What a snapshot of `rootIn` would hold, decided as the snapshot decides it (the same lists, the
 * same secret files and redactions), in the packer's thread: each path is only looked at, and the
 * names go into `out`, one a line, never into the extension host's memory.
 */
export async function planSnapshot(rootIn: string, out: string): Promise<SnapshotPlan> {
  const root = await realpath(rootIn);
  const r = await pack({ root, out, maxBytes: Number.MAX_SAFE_INTEGER, includeSecrets: false, plan: true }, () => undefined);
  return { files: r.files, bytes: r.bytes, secrets: r.secrets, redacted: r.redacted, list: out };
}

export interface SnapshotOptions {
  /** Most bytes to send (the compressed archive). */
  maxBytes: number;
  /** Where the archive is written; removed again when the snapshot fails. */
  out: string;
  includeSecrets?: boolean;
  onProgress?: (p: SnapshotProgress) => void;
  signal?: AbortSignal;
}

/**
 * The snapshot, written into `opts.out` as it is listed: git's lists, the reads and the
 * compression run at once in the packer's thread, and the host only passes on its progress.
 */
export async function buildSnapshot(rootIn: string, opts: SnapshotOptions): Promise<WorkspaceSnapshot> {
  const root = await realpath(rootIn);
  if (opts.signal?.aborted) throw new Error('The snapshot was cancelled.');
  try {
    const r = await pack(
      { root, out: opts.out, maxBytes: opts.maxBytes, includeSecrets: !!opts.includeSecrets },
      (p) => opts.onProgress?.({ files: p.files, bytes: p.archiveBytes }),
      opts.signal,
    );
    opts.onProgress?.({ files: r.files, bytes: r.archiveBytes });
    return {
      root,
      files: r.files,
      skipped: r.skipped,
      secrets: r.secrets,
      redacted: r.redacted,
      bytes: r.bytes,
      archive: opts.out,
      archiveBytes: r.archiveBytes,
      usedGit: r.usedGit,
    };
  } catch (err) {
    if (opts.signal?.aborted && !(err instanceof SnapshotTooLargeError)) throw new Error('The snapshot was cancelled.');
    throw err;
  }
}
