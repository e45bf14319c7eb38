/**
 * Which window works a remote run: one window streams or polls it (and writes its journal), the
 * others follow the results it writes. A lease is a small file per run created exclusively
 * (`wx`), so two windows racing for it cannot both win; it expires unless renewed, so a closed
 * or crashed window hands the run over by itself.
 */
import { mkdirSync, openSync, closeSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

interface LeaseFile {
  owner: string;
  until: number;
}

export class RunLeases {
  /** Runs this window holds (released when the window closes or reloads). */
  private readonly held = new Set<string>();

  constructor(
    private readonly dir: string,
    readonly owner: string,
    readonly ttlMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  private file(runId: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(runId)) throw new Error(`invalid run id ${runId}`);
    return join(this.dir, `${runId}.lease`);
  }

  private read(runId: string): LeaseFile | undefined {
    try {
      const l = JSON.parse(readFileSync(this.file(runId), 'utf8')) as LeaseFile;
      return typeof l.owner === 'string' && typeof l.until === 'number' ? l : undefined;
    } catch {
      return undefined;
    }
  }

  /** Who holds the run now (undefined: nobody, or the lease expired). */
  holder(runId: string): string | undefined {
    const l = this.read(runId);
    return l && l.until > this.now() ? l.owner : undefined;
  }

  /** Take (or renew) the run's lease; false when another window holds it. */
  acquire(runId: string): boolean {
    mkdirSync(this.dir, { recursive: true });
    const path = this.file(runId);
    const current = this.read(runId);
    const body = JSON.stringify({ owner: this.owner, until: this.now() + this.ttlMs } satisfies LeaseFile);
    if (current && current.owner === this.owner) {
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, body);
      renameSync(tmp, path);
      this.held.add(runId);
      return true;
    }
    if (current && current.until > this.now()) return false;
    // Free or expired: remove the stale file, then create exclusively (only one window wins).
    if (current) {
      try {
        unlinkSync(path);
      } catch {
        /* another window took it first */
      }
    }
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, body);
      } finally {
        closeSync(fd);
      }
      this.held.add(runId);
      return true;
    } catch {
      return this.read(runId)?.owner === this.owner;
    }
  }

  /** The window goes away (closed, reloaded): hand every run it holds over at once. */
  releaseAll(): void {
    for (const id of [...this.held]) this.release(id);
  }

  release(runId: string): void {
    this.held.delete(runId);
    if (this.read(runId)?.owner !== this.owner) return;
    try {
      unlinkSync(this.file(runId));
    } catch {
      /* gone already */
    }
  }
}
