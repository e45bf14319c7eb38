/**
 * Which window works something: one window sends to a conversation, or streams or polls a remote
 * run, and the others follow what it writes. A lease is a folder per thing holding numbered
 * generations; the highest generation is the current lease. A window takes a free or lapsed lease
 * by creating the next generation with `link()`, which fails when that generation exists: two
 * windows racing for the same lapsed lease can never both win (one creates generation N+1, the
 * other finds it there). A lease lapses unless renewed, so a closed or crashed window hands over
 * by itself; `take` creates the next generation even over a live holder (the user took over),
 * which that holder notices at its next renewal.
 */
import { linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface LeaseBody {
  owner: string;
  until: number;
}

export class Leases {
  /** What this window holds (released when the window closes or reloads). */
  private readonly held = new Set<string>();

  constructor(
    private readonly dir: string,
    readonly owner: string,
    readonly ttlMs = 15_000,
    private readonly now: () => number = Date.now,
  ) {}

  private folder(id: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`invalid lease id ${id}`);
    return join(this.dir, id);
  }

  /** The current generation and its holder (undefined: none). */
  private current(id: string): { gen: number; body: LeaseBody | undefined } | undefined {
    let names: string[];
    try {
      names = readdirSync(this.folder(id));
    } catch {
      return undefined;
    }
    let gen = 0;
    for (const n of names) if (/^\d{1,15}$/.test(n)) gen = Math.max(gen, Number(n));
    if (!gen) return undefined;
    try {
      const b = JSON.parse(readFileSync(join(this.folder(id), String(gen)), 'utf8')) as LeaseBody;
      return { gen, body: typeof b.owner === 'string' && typeof b.until === 'number' ? b : undefined };
    } catch {
      // Being removed as we read: the next one up decides.
      return { gen, body: undefined };
    }
  }

  /** Who holds it now (undefined: nobody, or the lease lapsed). */
  holder(id: string): string | undefined {
    const c = this.current(id);
    return c?.body && c.body.until > this.now() ? c.body.owner : undefined;
  }

  /** Whether this window holds it now. */
  owns(id: string): boolean {
    return this.holder(id) === this.owner;
  }

  /** Take a free or lapsed lease, or renew ours; false when another window holds it. */
  acquire(id: string): boolean {
    const c = this.current(id);
    if (c?.body?.owner === this.owner) {
      this.write(id, c.gen);
      // Taken over in the meantime: the newer generation holds.
      if (this.current(id)?.gen !== c.gen) return false;
      this.held.add(id);
      return true;
    }
    if (c?.body && c.body.until > this.now()) return false;
    return this.claim(id, (c?.gen ?? 0) + 1);
  }

  /** Take it even from a live holder (the user took over); false only when another window took it in the same instant. */
  take(id: string): boolean {
    const c = this.current(id);
    if (c?.body?.owner === this.owner) return this.acquire(id);
    return this.claim(id, (c?.gen ?? 0) + 1);
  }

  /** Create generation `gen` whole (a complete file linked in), or find that another window did. */
  private claim(id: string, gen: number): boolean {
    const dir = this.folder(id);
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.${this.owner}.${process.pid}.tmp`);
    writeFileSync(tmp, this.body());
    try {
      linkSync(tmp, join(dir, String(gen)));
    } catch {
      return false;
    } finally {
      try {
        unlinkSync(tmp);
      } catch {
        /* gone */
      }
    }
    this.held.add(id);
    // Older generations are history now.
    for (const n of readdirSync(dir)) {
      if (/^\d{1,15}$/.test(n) && Number(n) < gen) {
        try {
          unlinkSync(join(dir, n));
        } catch {
          /* another window cleaned it */
        }
      }
    }
    return true;
  }

  private body(): string {
    return JSON.stringify({ owner: this.owner, until: this.now() + this.ttlMs } satisfies LeaseBody);
  }

  /** Renew our own generation (only its holder writes it): a complete file renamed over it. */
  private write(id: string, gen: number): void {
    const dir = this.folder(id);
    const tmp = join(dir, `.${this.owner}.${process.pid}.tmp`);
    writeFileSync(tmp, this.body());
    renameSync(tmp, join(dir, String(gen)));
  }

  /** The window goes away (closed, reloaded): hand everything it holds over at once. */
  releaseAll(): void {
    for (const id of [...this.held]) this.release(id);
  }

  release(id: string): void {
    this.held.delete(id);
    const c = this.current(id);
    if (c?.body?.owner !== this.owner) return;
    try {
      unlinkSync(join(this.folder(id), String(c.gen)));
    } catch {
      /* gone already */
    }
  }

  /** Remove a lease's folder (the thing it guarded is gone). */
  forget(id: string): void {
    this.held.delete(id);
    rmSync(this.folder(id), { recursive: true, force: true });
  }
}
