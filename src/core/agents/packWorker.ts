/**
 * The whole workspace snapshot, built in a worker thread (bundled on its own and started from its
 * source: see `archive.ts`), so that a monorepo costs the extension host's thread and heap
 * nothing: git's lists are read as git prints them; secret files are left out and configuration
 * that may hold a credential is sent without its values; each path is opened without following a
 * link, its kind, size, mode and time taken from the open file, its header written and its
 * contents read straight into the archive's next buffer (no copy), which goes through gzip (zlib,
 * in the thread pool) into the archive file.
 *
 * In `plan` mode the same listing and the same decisions, each path only looked at (`lstat`),
 * and the names that would be sent written one a line instead of an archive.
 *
 * Messages out: `{ progress }` now and then, then `{ done }` or `{ failed }`. In: `{ stop: true }`.
 */
import * as fs from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createGzip } from 'node:zlib';
import { errorText } from '../../shared/errorText';
import { secretReason } from '../tools/paths';
import { isRedactableConfig } from './credentialConfig';
import { listPaths, readConfig, redaction, type PathListing } from './snapshotList';
import { entryHeaderBytes, writeEntryHeader } from './tar';

export interface PackInit {
  root: string;
  /** The archive (a gzipped tar); in `plan` mode, the list of the files that would be sent, one a line. */
  out: string;
  /** Only say what would be sent (the launch dialog's preview): nothing is read but configuration. */
  plan?: boolean;
  maxBytes: number;
  includeSecrets: boolean;
  /** `[0]` set to 1 asks the packer to stop at the next file. */
  stop: SharedArrayBuffer;
}

export interface PackSummary {
  files: number;
  /** The files' content bytes, and the compressed size so far. */
  bytes: number;
  archiveBytes: number;
}

export interface PackDone extends PackSummary {
  skipped: Array<{ path: string; reason: string }>;
  secrets: string[];
  redacted: string[];
  usedGit: boolean;
}

export type PackResult = { progress: PackSummary } | { done: PackDone } | { failed: string; tooLarge?: number; largest?: Array<{ path: string; size: number }>; bytes?: number };

const BUFFER = 1024 * 1024;
const BLOCK = 512;
/** Bytes written to the compressor and not yet compressed, at most. */
const PENDING = 4 * BUFFER;

function run(): void {
  const init = workerData as PackInit;
  const port = parentPort!;
  const stopFlag = new Int32Array(init.stop);
  const C = fs.constants;
  const OPEN = C.O_RDONLY | (C.O_NOFOLLOW ?? 0) | (C.O_NONBLOCK ?? 0);
  const fd = fs.openSync(init.out, 'w', 0o600);
  const gzip = createGzip({ level: 6, chunkSize: 64 * 1024 });
  let archiveBytes = 0;
  let failure: { failed: string; tooLarge?: number } | undefined;
  gzip.on('data', (c: Buffer) => {
    if (failure) return;
    archiveBytes += c.length;
    if (archiveBytes > init.maxBytes) {
      failure = { failed: 'too large', tooLarge: archiveBytes };
      return;
    }
    try {
      fs.writeSync(fd, c);
    } catch (e) {
      failure = { failed: `Could not write the snapshot: ${errorText(e)}` };
    }
  });
  gzip.on('error', (e: Error) => (failure ??= { failed: e.message }));
  const gzipEnded = new Promise<void>((r) => gzip.once('end', r));

  // Buffers go back to a pool once the compressor has taken them in: the packer allocates a few, not one per megabyte.
  const pool: Buffer[] = [];
  const fresh = () => pool.pop() ?? Buffer.allocUnsafe(BUFFER);
  let buf = fresh();
  let pos = 0;
  const flush = async () => {
    if (!pos) return;
    const full = buf;
    const used = pos === buf.length ? buf : buf.subarray(0, pos);
    buf = fresh();
    pos = 0;
    if (init.plan) {
      fs.writeSync(fd, used);
      if (full.length === BUFFER) pool.push(full);
      return;
    }
    // A few buffers may wait for the compressor (in the thread pool) while the next is read.
    gzip.write(used, () => {
      if (full.length === BUFFER) pool.push(full);
    });
    if (gzip.writableLength > PENDING) await new Promise<void>((r) => gzip.once('drain', r));
  };
  /** Room for `n` more bytes in the current buffer (a fresh one when it is full). */
  const room = async (n: number) => {
    if (pos + n > buf.length) await flush();
    if (n > buf.length) buf = Buffer.allocUnsafe(n);
  };
  const zeros = async (n: number) => {
    for (let left = n; left > 0;) {
      await room(Math.min(left, BUFFER));
      const k = Math.min(left, buf.length - pos);
      buf.fill(0, pos, pos + k);
      pos += k;
      left -= k;
    }
  };
  const put = async (bytes: Uint8Array) => {
    await room(bytes.length);
    buf.set(bytes, pos);
    pos += bytes.length;
  };
  const header = async (h: Parameters<typeof writeEntryHeader>[2]) => {
    await room(entryHeaderBytes(h));
    pos += writeEntryHeader(buf, pos, h);
  };
  const pad = (size: number) => (size % BLOCK ? BLOCK - (size % BLOCK) : 0);
  /** As `tar --portable`: permission bits only, owner-readable and -writable, never group/other-writable. */
  const portable = (mode: number) => ((mode & 0o7777) | 0o600) & ~0o022;

  const done: PackDone = { files: 0, bytes: 0, archiveBytes: 0, skipped: [], secrets: [], redacted: [], usedGit: false };
  const largest: Array<{ path: string; size: number }> = [];
  let lastProgress = 0;
  /** A name in the plan's list (a line break in a name is shown escaped: the list is for reading). */
  const line = (rel: string) => put(Buffer.from(`${rel.replace(/\n/g, '\\n')}\n`));
  const written = (path: string, size: number) => {
    done.files++;
    done.bytes += size;
    if (largest.length < 3 || size > largest[2]!.size) {
      largest.push({ path, size });
      largest.sort((a, b) => b.size - a.size);
      if (largest.length > 3) largest.pop();
    }
    const now = Date.now();
    if (now - lastProgress > 250) {
      lastProgress = now;
      port.postMessage({ progress: { files: done.files, bytes: done.bytes, archiveBytes } } satisfies PackResult);
    }
  };
  const skip = (path: string, reason: string): void => {
    done.skipped.push({ path, reason });
  };
  const link = async (rel: string, abs: string): Promise<void> => {
    const st = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (!st) return; // gone since it was listed
    if (!st.isSymbolicLink()) return skip(rel, 'not a regular file');
    const target = fs.readlinkSync(abs);
    let to: string;
    try {
      to = fs.realpathSync(abs);
    } catch {
      to = resolve(dirname(abs), target);
    }
    if (to !== init.root && !to.startsWith(init.root + sep)) return skip(rel, 'symbolic link to a place outside the workspace');
    if (init.plan) {
      await line(rel);
      return written(rel, 0);
    }
    await header({ path: rel, type: 'symlink', size: 0, mode: portable(st.mode), mtime: Math.floor(st.mtimeMs / 1000), linkTarget: target });
    written(rel, 0);
  };

  /** What the plan says of a path: looked at, never read. */
  const look = async (rel: string): Promise<void> => {
    const abs = join(init.root, rel);
    const st = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isSymbolicLink()) return link(rel, abs);
    if (st.isDirectory()) return skip(rel, 'a nested repository or folder entry');
    if (!st.isFile()) return skip(rel, 'not a regular file');
    await line(rel);
    written(rel, st.size);
  };

  const file = async (rel: string): Promise<void> => {
    if (init.plan) return look(rel);
    const abs = join(init.root, rel);
    let f: number;
    try {
      f = fs.openSync(abs, OPEN);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'EMLINK') return link(rel, abs);
      if (code === 'ENOENT' || code === 'ENOTDIR') return; // deleted in the working tree: the agent sees it deleted too
      if (code === 'ENXIO' || code === 'EOPNOTSUPP') return skip(rel, 'not a regular file');
      return skip(rel, `could not be read (${code ?? errorText(e)})`);
    }
    try {
      const st = fs.fstatSync(f);
      if (st.isDirectory()) return skip(rel, 'a nested repository or folder entry');
      if (!st.isFile()) return skip(rel, 'not a regular file');
      await header({ path: rel, type: 'file', size: st.size, mode: portable(st.mode), mtime: Math.floor(st.mtimeMs / 1000) });
      // The size it had when opened: cut, or zero-filled if it shrinks while it is read.
      let done = 0;
      while (done < st.size) {
        await room(Math.min(st.size - done, BUFFER));
        const want = Math.min(st.size - done, buf.length - pos);
        const n = fs.readSync(f, buf, pos, want, done);
        if (n === 0) {
          await zeros(st.size - done);
          break;
        }
        pos += n;
        done += n;
      }
      await zeros(pad(st.size));
      written(rel, st.size);
    } finally {
      fs.closeSync(f);
    }
  };

  let over = false;
  let listing: PathListing | undefined;
  const stopped = () => Atomics.load(stopFlag, 0) === 1;
  const finish = (r: PackResult) => {
    if (over) return;
    over = true;
    listing?.stop();
    gzip.destroy();
    fs.closeSync(fd);
    port.postMessage(r);
    port.close();
  };
  const fail = (f: { failed: string; tooLarge?: number }) => finish({ ...f, largest, bytes: done.bytes });
  port.on('message', (m: { stop: true }) => {
    if (m.stop) {
      Atomics.store(stopFlag, 0, 1);
      // Waiting for git: its lists end now.
      listing?.stop();
    }
  });
  const cancelled = 'The snapshot was cancelled.';
  void (async () => {
    listing = await listPaths(init.root);
    done.usedGit = listing.usedGit;
    for await (const batch of listing.batches) {
      for (const rel of batch) {
        if (failure || stopped()) break;
        if (!init.includeSecrets && isRedactableConfig(rel)) {
          // Configuration that may hold a credential goes with the values removed (the user's
          // choice to include secret files sends it as it is). What was checked is what is sent:
          // the file is read once, so a change after the check cannot slip a value through.
          const c = await readConfig(init.root, rel);
          const r = c ? redaction(rel, c.data) : 'as-is';
          if (r === 'leave-out') {
            done.secrets.push(rel);
            continue;
          }
          const data = r === 'as-is' ? c?.data : r;
          if (c && data) {
            if (r !== 'as-is') done.redacted.push(rel);
            if (init.plan) await line(rel);
            else {
              await header({ path: rel, type: 'file', size: data.length, mode: portable(c.mode), mtime: Math.floor(c.mtimeMs / 1000) });
              await put(data);
              await zeros(pad(data.length));
            }
            written(rel, data.length);
            continue;
          }
          // Too large to be configuration (and no secret by its name), a link or gone: as any other path.
        } else if (!init.includeSecrets && secretReason(rel)) {
          done.secrets.push(rel);
          continue;
        }
        await file(rel);
      }
      if (failure || stopped()) break;
    }
    if (stopped()) return fail({ failed: cancelled });
    if (failure) return fail(failure);
    if (init.plan) {
      await flush();
      return finish({ done });
    }
    await zeros(BLOCK * 2);
    await flush();
    gzip.end();
    await gzipEnded;
    if (failure) return fail(failure);
    done.archiveBytes = archiveBytes;
    finish({ done });
  })().catch((e: unknown) => fail({ failed: stopped() ? cancelled : errorText(e) }));
}

run();
