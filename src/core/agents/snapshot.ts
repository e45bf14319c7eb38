/**
 * The workspace snapshot sent to a remote agent: every tracked file as it is on disk
 * (uncommitted changes included) plus untracked files that are not ignored, read with
 * `git ls-files` (read-only: the branch and the index are never touched). Without git, the
 * folder is walked (skipping .git and node_modules). Symlinks that leave the folder are skipped,
 * and a size limit on what is sent gives a clear message naming the largest files.
 *
 * The archive is a gzipped tar whose headers node-tar encodes (pax headers for long or non-ASCII
 * names), with contents read a bounded number at once ahead of the writer and compressed by
 * Node's zlib stream (in the libuv thread pool): the extension host's thread only lists, stats and
 * moves buffers, so a 27k-file workspace never stalls the editor.
 */
import { createHash } from 'node:crypto';
import { open, readdir, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { createGzip } from 'node:zlib';
import * as tar from 'tar';
import { join, relative, resolve, sep } from 'node:path';
import { formatBytes } from '../attachments';
import { secretReason } from '../tools/paths';
import { isRedactableConfig, redactConfig } from './credentialConfig';
import { safeGit } from '../git/safeGit';

export interface SnapshotFile {
  path: string;
  size: number;
  mode: number;
  mtimeMs: number;
  symlink?: string;
}

export interface WorkspaceSnapshot {
  root: string;
  files: SnapshotFile[];
  skipped: Array<{ path: string; reason: string }>;
  /** Secret files (.env*, keys, credentials) left out because the user did not include them. */
  secrets: string[];
  /** Configuration files sent with their credential values removed (`.npmrc`, `.yarnrc.yml`, …). */
  redacted: string[];
  /** Size of the files' contents. */
  bytes: number;
  /** The archive as sent: a gzipped tar. */
  tar: Uint8Array;
  usedGit: boolean;
}

/** Progress of a snapshot: files listed and written into the archive, compressed bytes so far. */
export interface SnapshotProgress {
  phase: 'listing' | 'packing';
  files: number;
  total: number;
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

const git = safeGit;

async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (e.name === '.git' || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else out.push(relative(root, p).split(sep).join('/'));
    }
  }
  return out.sort();
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

/**
 * List the files to send: git's view when the folder is a repository (in git's order, tracked
 * files first, each duplicate once), else a walk. Read in slices, so that half a million paths
 * never hold the extension host's thread for long.
 */
export async function listSnapshotFiles(root: string): Promise<{ paths: string[]; usedGit: boolean }> {
  const inside = await git(root, ['rev-parse', '--is-inside-work-tree']);
  if (inside?.trim() === 'true') {
    const out = await git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--full-name', '.']);
    const prefix = (await git(root, ['rev-parse', '--show-prefix']))?.trim() ?? '';
    if (out !== undefined) {
      const seen = new Set<string>();
      const paths: string[] = [];
      const pause = cooperative();
      for (let at = 0; at < out.length;) {
        let end = out.indexOf('\0', at);
        if (end < 0) end = out.length;
        let p = out.slice(at, end);
        at = end + 1;
        if (!p) continue;
        if (prefix && p.startsWith(prefix)) p = p.slice(prefix.length);
        if (!seen.has(p)) {
          seen.add(p);
          paths.push(p);
        }
        const wait = pause();
        if (wait) await wait;
      }
      return { paths, usedGit: true };
    }
  }
  return { paths: await walk(root), usedGit: false };
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
  const redactions = await redactAll(root, configs);
  return { files, secrets, redacted: [...redactions.keys()], bytes };
}

/** Configuration files larger than this are not credentials files with some settings: left out whole if they hold one. */
const MAX_REDACTED_BYTES = 1024 * 1024;

/**
 * The configuration files among `rels` that hold a credential, each as it is sent: its text with
 * the values removed. A file too large to read as configuration, or unreadable, maps to `undefined`
 * (left out).
 */
async function redactAll(root: string, rels: string[]): Promise<Map<string, Buffer | undefined>> {
  const out = new Map<string, Buffer | undefined>();
  for (const rel of rels) {
    let fh: FileHandle | undefined;
    try {
      fh = await open(join(root, rel), 'r');
      const st = await fh.stat();
      if (st.size > MAX_REDACTED_BYTES) {
        if (secretReason(rel)) out.set(rel, undefined);
        continue;
      }
      const r = redactConfig(rel, (await fh.readFile()).toString('utf8'));
      if (r.removed) out.set(rel, Buffer.from(r.text, 'utf8'));
    } catch {
      if (secretReason(rel)) out.set(rel, undefined);
    } finally {
      await fh?.close();
    }
  }
  return out;
}

export interface SnapshotOptions {
  /** Most bytes to send (the compressed archive). */
  maxBytes: number;
  includeSecrets?: boolean;
  onProgress?: (p: SnapshotProgress) => void;
  signal?: AbortSignal;
}

export async function buildSnapshot(rootIn: string, opts: SnapshotOptions): Promise<WorkspaceSnapshot> {
  const root = await realpath(rootIn);
  const { paths, usedGit } = await listSnapshotFiles(root);
  const secrets: string[] = [];
  const files: SnapshotFile[] = [];
  const skipped: Array<{ path: string; reason: string }> = [];
  const candidates: string[] = [];
  const pause = cooperative();
  for (const rel of paths) {
    if (!opts.includeSecrets && secretReason(rel) && !isRedactableConfig(rel)) secrets.push(rel);
    else candidates.push(rel);
    const wait = pause();
    if (wait) await wait;
  }
  opts.onProgress?.({ phase: 'listing', files: 0, total: candidates.length, bytes: 0 });
  const stats = await statAll(root, candidates, opts.signal);
  opts.onProgress?.({ phase: 'listing', files: candidates.length, total: candidates.length, bytes: 0 });
  type Entry = { skip?: { path: string; reason: string }; file?: SnapshotFile } | undefined;
  const entries: Entry[] = [];
  const configs: string[] = [];
  for (let k = 0; k < candidates.length; k++) {
    // Never one long stretch on the host's thread.
    const wait = pause();
    if (wait) await wait;
    opts.signal?.throwIfAborted();
    const rel = candidates[k]!;
    const st = stats(k);
    if (!st) continue; // deleted in the working tree: the agent sees it deleted too
    if (st.kind === 'symlink') {
      const abs = join(root, rel);
      const target = await readlink(abs);
      const resolvedTarget = await realpath(abs).catch(() => resolve(join(abs, '..'), target));
      const inside = resolvedTarget === root || resolvedTarget.startsWith(root + sep);
      entries.push(
        inside
          ? { file: { path: rel, size: 0, mode: st.mode, mtimeMs: st.mtimeMs, symlink: target } }
          : { skip: { path: rel, reason: 'symbolic link to a place outside the workspace' } },
      );
    } else if (st.kind !== 'file') entries.push({ skip: { path: rel, reason: st.kind === 'directory' ? 'a nested repository or folder entry' : 'not a regular file' } });
    else {
      entries.push({ file: { path: rel, size: st.size, mode: st.mode, mtimeMs: st.mtimeMs } });
      if (isRedactableConfig(rel)) configs.push(rel);
    }
  }
  // Configuration that may hold a credential goes with the values removed (the user's choice to
  // include secret files sends it as it is).
  const redactions = opts.includeSecrets ? new Map<string, Buffer | undefined>() : await redactAll(root, configs);
  const redacted: string[] = [];
  let bytes = 0;
  for (const e of entries) {
    const wait = pause();
    if (wait) await wait;
    if (!e) continue;
    if (e.skip) skipped.push(e.skip);
    else if (e.file) {
      if (redactions.has(e.file.path)) {
        const content = redactions.get(e.file.path);
        if (!content) {
          secrets.push(e.file.path);
          continue;
        }
        e.file.size = content.length;
        redacted.push(e.file.path);
      }
      files.push(e.file);
      bytes += e.file.size;
    }
  }
  const largest = () =>
    files
      .filter((f) => !f.symlink)
      .sort((a, b) => b.size - a.size)
      .slice(0, 3)
      .map((f) => ({ path: f.path, size: f.size }));
  const archive = await packFiles(root, files, opts, redactions).catch((err: unknown) => {
    if (err instanceof TooLarge) throw new SnapshotTooLargeError(err.bytes, opts.maxBytes, largest(), bytes);
    throw err;
  });
  return { root, files, skipped, secrets, redacted, bytes, tar: archive, usedGit };
}

class TooLarge extends Error {
  constructor(readonly bytes: number) {
    super('too large');
  }
}

/** The reader thread's batches (about 1 MB or 256 files each), and how many it may be ahead of the writer. */
const READER_BATCH_BYTES = 1024 * 1024;
const READER_AHEAD_BATCHES = 8;
/** Files larger than this are streamed into the archive rather than read whole. */
const STREAM_ABOVE = 4 * 1024 * 1024;
const BLOCK = 512;

/** node-tar's header (and pax header, for long or non-ASCII names) for one entry, portable: no owner, no device. */
function entryHeader(f: SnapshotFile, size: number): Buffer[] {
  // As `tar --portable` (node-tar's modeFix): permission bits only, owner-readable and -writable, never group/other-writable.
  const mode = ((f.mode & 0o7777) | 0o600) & ~0o022;
  const data = {
    path: f.path,
    mode,
    size,
    mtime: new Date(Math.floor(f.mtimeMs / 1000) * 1000),
    type: f.symlink !== undefined ? ('SymbolicLink' as const) : ('File' as const),
    linkpath: f.symlink,
  };
  const h = new tar.Header(data);
  const out: Buffer[] = [];
  if (h.encode()) out.push(new tar.Pax({ path: f.path, linkpath: f.symlink, size, mtime: data.mtime }).encode());
  out.push(h.block!);
  return out;
}

/**
 * A gzipped tar of `files` (relative to `root`), in list order, written as a stream: contents
 * read a bounded number at once ahead of the writer, headers encoded by node-tar, compression in
 * zlib's thread pool, and backpressure from the compressor. Stops once the compressed archive is
 * larger than `maxBytes`.
 */
async function packFiles(root: string, files: SnapshotFile[], opts: SnapshotOptions, replaced: ReadonlyMap<string, Buffer | undefined>): Promise<Uint8Array> {
  const gzip = createGzip({ level: 6 });
  const chunks: Buffer[] = [];
  let sent = 0;
  let failed: Error | undefined;
  const finished = new Promise<void>((resolveEnd, rejectEnd) => {
    gzip.on('data', (c: Buffer) => {
      sent += c.length;
      chunks.push(c);
      if (sent > opts.maxBytes && !failed) {
        failed = new TooLarge(sent);
        gzip.destroy();
        rejectEnd(failed);
      }
    });
    gzip.on('error', (e: Error) => rejectEnd(failed ?? e));
    gzip.on('end', () => resolveEnd());
  });
  finished.catch(() => undefined);
  // Buffers go to the compressor in batches of about 1 MB (one write and one drain per batch, not per file).
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (failed) throw failed;
    if (!batchBytes) return;
    const b = batch.length === 1 ? batch[0]! : Buffer.concat(batch, batchBytes);
    batch = [];
    batchBytes = 0;
    if (!gzip.write(b))
      await new Promise<void>((r) => {
        const done = () => {
          gzip.off('drain', done);
          gzip.off('close', done);
          r();
        };
        gzip.on('drain', done);
        gzip.on('close', done);
      });
    if (failed) throw failed;
  };
  const write = async (b: Buffer) => {
    if (failed) throw failed;
    batch.push(b);
    batchBytes += b.length;
    if (batchBytes >= 1024 * 1024) await flush();
  };
  const padding = (size: number) => (size % BLOCK ? Buffer.alloc(BLOCK - (size % BLOCK)) : undefined);
  const reader = new FileReader(root, await joinNul(files, (f) => (f.symlink === undefined && f.size <= STREAM_ABOVE && !replaced.has(f.path) ? f.path : '')));
  const abort = () => {
    failed ??= new Error('The snapshot was cancelled.');
    reader.stop();
    gzip.destroy();
  };
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    // Contents that are already read resolve as microtasks: without a pause the loop would keep the thread.
    const pause = cooperative();
    for (let k = 0; k < files.length; k++) {
      const wait = pause();
      if (wait) await wait;
      const f = files[k]!;
      const content = replaced.get(f.path);
      if (f.symlink !== undefined) {
        for (const b of entryHeader(f, 0)) await write(b);
      } else if (content) {
        for (const b of entryHeader(f, content.length)) await write(b);
        await write(content);
        const pad = padding(content.length);
        if (pad) await write(pad);
      } else if (f.size <= STREAM_ABOVE) {
        const data = await reader.get(k);
        // Gone since it was listed: the agent sees it deleted.
        if (data) {
          for (const b of entryHeader(f, data.length)) await write(b);
          await write(data);
          const pad = padding(data.length);
          if (pad) await write(pad);
        }
      } else {
        await streamLarge(join(root, f.path), f, write, padding);
      }
      if ((k + 1) % 200 === 0 || k + 1 === files.length) opts.onProgress?.({ phase: 'packing', files: k + 1, total: files.length, bytes: sent });
    }
    await write(Buffer.alloc(BLOCK * 2));
    await flush();
    gzip.end();
    await finished;
  } catch (err) {
    gzip.destroy();
    throw failed ?? err;
  } finally {
    reader.stop();
    opts.signal?.removeEventListener('abort', abort);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads the files' contents in a worker thread with plain blocking reads (a thread-pool round
 * trip per open, read and close costs more than the read itself on small files), in list order,
 * handed over in batches without copying; at most a few batches ahead of the writer.
 */
const READER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { root, joined, shared } = workerData;
const paths = joined.split('\\0');
const flags = new Int32Array(shared);
let batch = [], bytes = 0, sent = 0, from = 0;
const post = () => {
  while (sent - Atomics.load(flags, 0) >= ${READER_AHEAD_BATCHES} && !Atomics.load(flags, 1)) Atomics.wait(flags, 0, Atomics.load(flags, 0), 1000);
  const transfer = batch.filter((b) => b && b.byteLength).map((b) => b.buffer);
  parentPort.postMessage({ from, items: batch }, transfer);
  sent++; from += batch.length; batch = []; bytes = 0;
};
for (let k = 0; k < paths.length && !Atomics.load(flags, 1); k++) {
  let data = null;
  if (paths[k] !== '') {
    try { const b = readFileSync(join(root, paths[k])); data = new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); } catch { data = null; }
  }
  batch.push(data);
  bytes += data ? data.byteLength : 0;
  if (bytes >= ${READER_BATCH_BYTES} || batch.length >= 256) post();
}
if (batch.length && !Atomics.load(flags, 1)) post();
`;

class FileReader {
  private readonly worker: Worker;
  private readonly flags = new Int32Array(new SharedArrayBuffer(8));
  private readonly got = new Map<number, Buffer | undefined>();
  private readonly waiting = new Map<number, (b: Buffer | undefined) => void>();
  private error: Error | undefined;

  /** `joined`: the paths joined with NUL (one copy to the thread, not one per path); an empty entry is a file not to read. */
  constructor(root: string, joined: string) {
    this.worker = new Worker(READER_SOURCE, { eval: true, workerData: { root, joined, shared: this.flags.buffer } });
    this.worker.on('message', (m: { from: number; items: Array<Uint8Array | null> }) => {
      m.items.forEach((d, j) => this.deliver(m.from + j, d ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : undefined));
      // One more batch may come.
      Atomics.add(this.flags, 0, 1);
      Atomics.notify(this.flags, 0);
    });
    this.worker.on('error', (e: Error) => {
      this.error = e;
      for (const [, w] of this.waiting) w(undefined);
      this.waiting.clear();
    });
  }

  private deliver(k: number, data: Buffer | undefined): void {
    const w = this.waiting.get(k);
    if (w) {
      this.waiting.delete(k);
      w(data);
    } else this.got.set(k, data);
  }

  /** The contents of file `k` (undefined: it could not be read, e.g. deleted since it was listed). */
  async get(k: number): Promise<Buffer | undefined> {
    if (this.got.has(k)) {
      const d = this.got.get(k);
      this.got.delete(k);
      return d;
    }
    if (this.error) throw this.error;
    const d = await new Promise<Buffer | undefined>((r) => this.waiting.set(k, r));
    if (this.error) throw this.error;
    return d;
  }

  stop(): void {
    Atomics.store(this.flags, 1, 1);
    Atomics.notify(this.flags, 0);
    void this.worker.terminate();
  }
}

/** A large file streamed into the archive with the size it had when listed (cut or zero-padded if it changed since). */
async function streamLarge(abs: string, f: SnapshotFile, write: (b: Buffer) => Promise<void>, padding: (n: number) => Buffer | undefined): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(abs, 'r');
  } catch {
    return; // gone since it was listed
  }
  try {
    for (const b of entryHeader(f, f.size)) await write(b);
    let done = 0;
    const buf = Buffer.alloc(1024 * 1024);
    while (done < f.size) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, f.size - done), done);
      if (bytesRead === 0) {
        await write(Buffer.alloc(f.size - done));
        break;
      }
      await write(Buffer.from(buf.subarray(0, bytesRead)));
      done += bytesRead;
    }
    const pad = padding(f.size);
    if (pad) await write(pad);
  } finally {
    await handle.close();
  }
}
