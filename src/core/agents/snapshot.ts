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
import { Worker } from 'node:worker_threads';
import { pack, PackTooLarge } from './archive';
import { listPaths, readConfig, redaction } from './snapshotList';
import { formatBytes } from '../attachments';
import { secretReason } from '../tools/paths';
import { isRedactableConfig } from './credentialConfig';

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

export class SnapshotTooLargeError extends Error {
  constructor(
    /** Compressed bytes written when the limit was passed (what would be sent is at least this). */
    readonly bytes: number,
    readonly limit: number,
    largest: Array<{ path: string; size: number }>,
    /** Size of all the files' contents. */
    readonly contentBytes?: number,
  ) {
    super(
      `The workspace snapshot is more than ${formatBytes(limit)} to send, compressed (the limit, setting “gemini.agents.maxSnapshotMB”${contentBytes !== undefined ? `; the files hold ${formatBytes(contentBytes)}` : ''}). ` +
        `Largest files: ${largest.map((f) => `${f.path} (${formatBytes(f.size)})`).join(', ')}. Add large generated files to .gitignore, or raise the limit.`,
    );
    this.name = 'SnapshotTooLargeError';
  }
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A pause for the event loop once the current stretch of work has run for `sliceMs`: long loops
 * over a monorepo's paths call it every iteration (it reads the clock every 256 calls).
 */
function cooperative(sliceMs = 8): () => Promise<void> | undefined {
  let since = performance.now();
  let n = 0;
  return () => {
    if (++n % 256 !== 0 || performance.now() - since < sliceMs) return undefined;
    return new Promise<void>((r) =>
      setImmediate(() => {
        since = performance.now();
        r();
      }),
    );
  };
}

/** `items` mapped and joined with NUL (what a worker splits again), a slice at a time. */
async function joinNul<T>(items: readonly T[], map: (item: T) => string): Promise<string> {
  const parts: string[] = [];
  const pause = cooperative();
  let part: string[] = [];
  for (const it of items) {
    part.push(map(it));
    if (part.length >= 8192) {
      parts.push(part.join('\0'));
      part = [];
    }
    const wait = pause();
    if (wait) await wait;
  }
  parts.push(part.join('\0'));
  return parts.join('\0');
}

/** Every path to send, in order (the plan's list: one path at a time, read in slices). */
export async function listSnapshotFiles(root: string): Promise<{ paths: string[]; usedGit: boolean }> {
  const listing = await listPaths(root);
  const paths: string[] = [];
  const pause = cooperative();
  for await (const batch of listing.batches) {
    for (const p of batch) paths.push(p);
    const wait = pause();
    if (wait) await wait;
  }
  return { paths, usedGit: listing.usedGit };
}

interface Stat {
  kind: 'file' | 'symlink' | 'directory' | 'other';
  size: number;
  mode: number;
  mtimeMs: number;
}

const KINDS: Stat['kind'][] = ['file', 'symlink', 'directory', 'other'];

/**
 * `lstat` of each path (undefined entries are skipped) in a worker thread with blocking calls: one
 * thread hop for all, not four per file. The paths go as one string and the results come back as
 * typed arrays read on demand: half a million paths cost the host's thread no long copy.
 */
const STAT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { lstatSync } = require('node:fs');
const { join } = require('node:path');
const { root, joined } = workerData;
const paths = joined.split('\\0');
const nums = new Float64Array(paths.length * 3);
const kinds = new Uint8Array(paths.length);
for (let k = 0; k < paths.length; k++) {
  kinds[k] = 255;
  if (paths[k] === '') continue;
  const st = lstatSync(join(root, paths[k]), { throwIfNoEntry: false });
  if (!st) continue;
  kinds[k] = st.isFile() ? 0 : st.isSymbolicLink() ? 1 : st.isDirectory() ? 2 : 3;
  nums[k * 3] = st.size; nums[k * 3 + 1] = st.mode; nums[k * 3 + 2] = st.mtimeMs;
}
parentPort.postMessage({ nums, kinds }, [nums.buffer, kinds.buffer]);
`;

type Stats = (k: number) => Stat | undefined;

async function statAll(root: string, paths: Array<string | undefined>, signal?: AbortSignal): Promise<Stats> {
  // (A path never holds NUL; an empty entry is one to skip.)
  const joined = await joinNul(paths, (p) => p ?? '');
  return new Promise((resolveStats, reject) => {
    const worker = new Worker(STAT_SOURCE, { eval: true, workerData: { root, joined } });
    const stop = () => {
      void worker.terminate();
      reject(new Error('The snapshot was cancelled.'));
    };
    signal?.addEventListener('abort', stop, { once: true });
    worker.once('error', (e: Error) => {
      signal?.removeEventListener('abort', stop);
      reject(e);
    });
    worker.once('message', (m: { nums: Float64Array; kinds: Uint8Array }) => {
      signal?.removeEventListener('abort', stop);
      void worker.terminate();
      resolveStats((k) => {
        const kind = m.kinds[k];
        return kind === undefined || kind === 255 ? undefined : { kind: KINDS[kind]!, size: m.nums[k * 3]!, mode: m.nums[k * 3 + 1]!, mtimeMs: m.nums[k * 3 + 2]! };
      });
    });
  });
}

/** What a snapshot would hold (no file is read): the files, their total size, the secrets left out. */
export async function planSnapshot(rootIn: string): Promise<{ files: string[]; secrets: string[]; redacted: string[]; bytes: number }> {
  const root = await realpath(rootIn);
  const { paths } = await listSnapshotFiles(root);
  const files: string[] = [];
  const secrets: string[] = [];
  let bytes = 0;
  const pause = cooperative();
  const left = new Uint8Array(paths.length);
  for (let k = 0; k < paths.length; k++) {
    const rel = paths[k]!;
    if (secretReason(rel) && !isRedactableConfig(rel)) left[k] = 1;
    const wait = pause();
    if (wait) await wait;
  }
  const stats = await statAll(
    root,
    paths.map((rel, k) => (left[k] ? undefined : rel)),
  );
  const configs: string[] = [];
  for (let k = 0; k < paths.length; k++) {
    const rel = paths[k]!;
    if (left[k]) {
      secrets.push(rel);
      continue;
    }
    const st = stats(k);
    if (!st) continue;
    files.push(rel);
    if (st.kind === 'file') bytes += st.size;
    if (st.kind === 'file' && isRedactableConfig(rel)) configs.push(rel);
    const wait = pause();
    if (wait) await wait;
  }
  const redacted: string[] = [];
  const leftOut = new Set<string>();
  for (const [rel, r] of await redactAll(root, configs)) {
    if (r === 'leave-out') leftOut.add(rel);
    else redacted.push(rel);
  }
  for (const rel of leftOut) secrets.push(rel);
  return { files: leftOut.size ? files.filter((f) => !leftOut.has(f)) : files, secrets, redacted, bytes };
}

/** The configuration files among `rels` that would not go as they are (the plan's list). */
async function redactAll(root: string, rels: string[]): Promise<Map<string, Buffer | 'leave-out'>> {
  const out = new Map<string, Buffer | 'leave-out'>();
  for (const rel of rels) {
    const r = redaction(rel, (await readConfig(root, rel))?.data);
    if (r !== 'as-is') out.set(rel, r);
  }
  return out;
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
    if (err instanceof PackTooLarge) throw new SnapshotTooLargeError(err.bytes, opts.maxBytes, err.largest, err.contentBytes);
    if (opts.signal?.aborted) throw new Error('The snapshot was cancelled.');
    throw err;
  }
}
