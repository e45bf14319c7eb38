/**
 * "Undo changes of this turn": before a tool first changes a file in a turn, its previous state
 * is kept (the text, or that it did not exist). Only touched files are kept, so it stays cheap.
 */
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
