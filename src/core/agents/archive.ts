/**
 * The host's end of the snapshot's packer (`packWorker.ts`, which lists, reads and compresses in
 * a worker thread and writes the archive straight into its file): start it, pass on its progress,
 * stop it when the user cancels. The host holds nothing of a monorepo's size.
 */
import { rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import source from './packWorker?worker-source';
import type { PackDone, PackInit, PackResult, PackSummary } from './packWorker';
import { formatBytes } from '../attachments';

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

/** Runs the packer to the end; on failure or cancel, what it wrote is removed. */
export async function pack(init: Omit<PackInit, 'stop'>, onProgress: (p: PackSummary) => void, signal?: AbortSignal): Promise<PackDone> {
  const stop = new SharedArrayBuffer(4);
  // Its heap is bounded (it holds a few batches of paths at once): garbage is collected early,
  // not after hundreds of MB.
  const worker = new Worker(source, {
    eval: true,
    workerData: { ...init, stop } satisfies PackInit,
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
  });
  const cancel = () => {
    Atomics.store(new Int32Array(stop), 0, 1);
    worker.postMessage({ stop: true });
    // A read stuck on a slow file system is not waited for long.
    setTimeout(() => void worker.terminate(), 2000).unref();
  };
  signal?.addEventListener('abort', cancel, { once: true });
  if (signal?.aborted) cancel();
  try {
    const result = await new Promise<PackDone>((resolve, reject) => {
      let settled = false;
      worker.on('message', (m: PackResult) => {
        if ('progress' in m) return onProgress(m.progress);
        settled = true;
        if ('done' in m) resolve(m.done);
        else reject(m.tooLarge !== undefined ? new SnapshotTooLargeError(m.tooLarge, init.maxBytes, m.largest ?? [], m.bytes) : new Error(m.failed));
      });
      worker.once('error', (e: Error) => reject(e));
      worker.once('exit', () => {
        if (!settled) reject(new Error(signal?.aborted ? 'The snapshot was cancelled.' : 'The snapshot stopped unexpectedly.'));
      });
    });
    return result;
  } catch (err) {
    await rm(init.out, { force: true });
    throw err;
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}
