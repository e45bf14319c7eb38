/**
 * Small values that must outlive any reload (which conversation a surface shows, the draft, the
 * queue): each written whole to its own file at once, through a temporary file renamed over it.
 * The workbench's own storage is saved every so often in a browser, so a reload of the page soon
 * after a change loses it; these files do not. Nothing here throws: a value that cannot be read
 * is unknown, one that cannot be written is left to the caller's other store.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DurableValues {
  constructor(private readonly dir: string) {}

  /** The folder was made (a write that fails makes it again). */
  private made = false;

  private file(key: string): string {
    return join(this.dir, `${encodeURIComponent(key)}.json`);
  }

  /** The value last written for `key` (`{ value: undefined }`: cleared), or undefined when there is none to read. */
  read(key: string): { value: unknown } | undefined {
    try {
      const parsed = JSON.parse(readFileSync(this.file(key), 'utf8')) as { v?: unknown };
      return parsed && typeof parsed === 'object' ? { value: parsed.v } : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Write `value` for `key` (undefined clears it). False when it could not be written: then no
   * older value is left to be read either (the caller's other store answers).
   */
  write(key: string, value: unknown): boolean {
    const target = this.file(key);
    try {
      if (!this.made) mkdirSync(this.dir, { recursive: true });
      this.made = true;
      const tmp = `${target}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(value === undefined ? {} : { v: value }));
      renameSync(tmp, target);
      return true;
    } catch {
      this.made = false;
      for (const stale of [`${target}.${process.pid}.tmp`, target]) {
        try {
          rmSync(stale, { force: true });
        } catch {
          /* left for the next write to replace */
        }
      }
      return false;
    }
  }
}
