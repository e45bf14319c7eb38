/**
 * "Undo changes of this turn": before a tool first changes a file in a turn, its previous state
 * is kept (the text, or that it did not exist). Only touched files are kept, so it stays cheap.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentsPort } from '../ports';

export interface Snapshot {
  abs: string;
  display: string;
  existed: boolean;
  text: string;
}

export class UndoRecorder {
  readonly snapshots = new Map<string, Snapshot>();

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

/** Restore every snapshot; returns a summary line. */
export async function restoreSnapshots(snapshots: Snapshot[], docs: DocumentsPort): Promise<{ restored: string[]; failed: string[] }> {
  const restored: string[] = [];
  const failed: string[] = [];
  for (const s of snapshots) {
    try {
      const now = await docs.read(s.abs).catch(() => undefined);
      if (!s.existed) {
        if (now) await docs.delete(s.abs);
      } else if (!now) await docs.create(s.abs, s.text);
      else if (now.text !== s.text) await docs.write(s.abs, s.text, now.version);
      restored.push(s.display);
    } catch (err) {
      failed.push(`${s.display}: ${(err as Error).message}`);
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
        typeof (s as Snapshot).text === 'string',
    );
  }

  delete(turnId: string): void {
    try {
      unlinkSync(this.file(turnId));
    } catch {
      /* already gone */
    }
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
    }
  }
}
