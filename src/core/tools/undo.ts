/**
 * "Undo changes of this turn": before a tool first changes a file in a turn, its previous state
 * is kept (the text, or that it did not exist). Only touched files are kept, so it stays cheap.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { cp, lstat, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocumentsPort } from '../ports';
import type { UndoSink } from './transaction';
import { errorText } from '../../shared/errorText';

export interface Snapshot {
  abs: string;
  display: string;
  existed: boolean;
  text: string;
  /** What was there before, moved aside byte for byte (a command's change set: any file, folder or link). */
  backup?: string;
}

export class UndoRecorder implements UndoSink {
  readonly snapshots = new Map<string, Snapshot>();
  private backups = 0;

  /** `backupDir`: where what a command's change set replaces is moved aside (kept with the turn's snapshots). */
  constructor(private readonly backupDir?: string) {}

  /**
   * Before a command's change lands at `abs`: the first time in this turn, move what is there
   * aside (or note that nothing was). Returns whether it was moved (the caller then finds nothing there).
   */
  async preserve(abs: string, display: string): Promise<boolean> {
    if (this.snapshots.has(abs)) return false;
    const st = await lstat(abs).catch(() => undefined);
    if (!st) {
      this.snapshots.set(abs, { abs, display, existed: false, text: '' });
      return false;
    }
    if (!this.backupDir) return false;
    await mkdir(this.backupDir, { recursive: true });
    const backup = join(this.backupDir, String(++this.backups));
    try {
      await rename(abs, backup);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await cp(abs, backup, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
      await rm(abs, { recursive: true, force: true });
    }
    this.snapshots.set(abs, { abs, display, existed: true, text: '', backup });
    return true;
  }

  /** Record the state before the first change of `abs` in this turn. */
  async before(abs: string, display: string, docs: DocumentsPort): Promise<void> {
    if (this.snapshots.has(abs)) return;
    const doc = await docs.read(abs).catch(() => undefined);
    this.snapshots.set(abs, { abs, display, existed: doc !== undefined, text: doc?.text ?? '' });
  }

  get files(): number {
    return this.snapshots.size;
  }

  toJSON(): Snapshot[] {
    return [...this.snapshots.values()];
  }
}

/** Restore every snapshot, the newest first (a folder restored before what was made inside it later); returns what was restored. */
export async function restoreSnapshots(snapshots: Snapshot[], docs: DocumentsPort): Promise<{ restored: string[]; failed: string[] }> {
  const restored: string[] = [];
  const failed: string[] = [];
  for (const s of [...snapshots].reverse()) {
    try {
      if (s.backup) {
        if (!existsSync(s.backup)) throw new Error('its saved copy is gone');
        await rm(s.abs, { recursive: true, force: true });
        try {
          await rename(s.backup, s.abs);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
          await cp(s.backup, s.abs, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
        }
        restored.push(s.display);
        continue;
      }
      const st = await lstat(s.abs).catch(() => undefined);
      if (!s.existed && st && !st.isFile()) {
        // A folder or link a command made: removed as it is (never followed).
        await rm(s.abs, { recursive: true, force: true });
        restored.push(s.display);
        continue;
      }
      const now = await docs.read(s.abs).catch(() => undefined);
      if (!s.existed) {
        if (now) await docs.delete(s.abs);
      } else if (!now) await docs.create(s.abs, s.text);
      else if (now.text !== s.text) await docs.write(s.abs, s.text, now.version);
      restored.push(s.display);
    } catch (err) {
      failed.push(`${s.display}: ${errorText(err)}`);
    }
  }
  return { restored, failed };
}

/**
 * Snapshots kept on disk (one JSON file per turn) so "Undo changes of this turn" still works
 * after a window reload. Only the newest `keep` turns are kept.
 */
export class UndoStore {
  constructor(
    private readonly dir: string,
    private readonly keep = 50,
  ) {}

  private file(turnId: string): string {
    if (!/^[\w.-]+$/.test(turnId)) throw new Error(`Not a turn id: ${turnId}`);
    return join(this.dir, `${turnId}.json`);
  }

  /** Where a turn's change-set backups are kept. */
  blobs(turnId: string): string {
    return `${this.file(turnId).slice(0, -'.json'.length)}.blobs`;
  }

  save(turnId: string, snapshots: Snapshot[]): void {
    mkdirSync(this.dir, { recursive: true });
    const target = this.file(turnId);
    const tmp = `${target}.tmp`;
    writeFileSync(tmp, JSON.stringify({ v: 1, turnId, saved: Date.now(), snapshots }));
    renameSync(tmp, target);
    this.prune();
  }

  load(turnId: string): Snapshot[] | undefined {
    const f = this.file(turnId);
    if (!existsSync(f)) return undefined;
    const data = JSON.parse(readFileSync(f, 'utf8')) as { snapshots?: unknown };
    if (!Array.isArray(data.snapshots)) throw new Error('The saved snapshots are damaged.');
    return data.snapshots.filter(
      (s): s is Snapshot =>
        !!s &&
        typeof s === 'object' &&
        typeof (s as Snapshot).abs === 'string' &&
        typeof (s as Snapshot).display === 'string' &&
        typeof (s as Snapshot).existed === 'boolean' &&
        typeof (s as Snapshot).text === 'string' &&
        ((s as Snapshot).backup === undefined || (typeof (s as Snapshot).backup === 'string' && (s as Snapshot).backup!.startsWith(`${this.dir}/`))),
    );
  }

  delete(turnId: string): void {
    try {
      unlinkSync(this.file(turnId));
    } catch {
      /* already gone */
    }
    rmSync(this.blobs(turnId), { recursive: true, force: true });
  }

  private prune(): void {
    const files = readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ f, t: statSync(join(this.dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const old of files.slice(this.keep)) {
      try {
        unlinkSync(join(this.dir, old.f));
      } catch {
        /* raced with another window */
      }
      rmSync(join(this.dir, `${old.f.slice(0, -'.json'.length)}.blobs`), { recursive: true, force: true });
    }
  }
}
