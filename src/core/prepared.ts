/**
 * Values a turn is sent with that do not depend on the turn (the tools on offer, the skills, the
 * project's instruction files), made ahead while the user writes so that Enter sends at once.
 *
 * A value holds while it is fresh: made in the current generation of its inputs (whoever watches
 * them bumps the generation: a setting, the tools VS Code offers, a secret, a watched file) and
 * not older than `maxAgeMs`, so a change nothing reported is picked up soon anyway. A value being
 * made is shared: a send that comes while it is on its way waits for it instead of making another.
 * A making that fails is not kept.
 */
/** A prepared value is made again after this long even when nothing reported a change. */
export const PREPARED_MAX_AGE_MS = 30_000;

export class Prepared<V> {
  private readonly entries = new Map<string, { gen: number; at: number; value: Promise<V | undefined> }>();

  constructor(
    private readonly generation: () => number,
    private readonly maxAgeMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * The value for `key`: the prepared one while it is fresh, else made now (and kept). `make`
   * may answer undefined: nothing to keep (the caller makes it its own way).
   */
  get(key: string, make: () => Promise<V | undefined> | V | undefined): Promise<V | undefined> {
    const e = this.fresh(key);
    if (e) return e.value;
    return this.start(key, make);
  }

  /** Make the value for `key` ahead, unless a fresh one is there or on its way. */
  prepare(key: string, make: () => Promise<V | undefined> | V | undefined): void {
    if (!this.fresh(key)) void this.start(key, make);
  }

  private fresh(key: string): { value: Promise<V | undefined> } | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.gen === this.generation() && this.now() - e.at <= this.maxAgeMs) return e;
    this.entries.delete(key);
    return undefined;
  }

  private start(key: string, make: () => Promise<V | undefined> | V | undefined): Promise<V | undefined> {
    const entry: { gen: number; at: number; value: Promise<V | undefined> } = { gen: this.generation(), at: this.now(), value: Promise.resolve(undefined) };
    // In the map before the making starts (it may fail at once).
    this.entries.set(key, entry);
    // Only the newest entries are worth keeping (a key per conversation root and mode).
    if (this.entries.size > 16) this.entries.delete(this.entries.keys().next().value!);
    const forget = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    entry.value = (async (): Promise<V | undefined> => {
      try {
        const v: V | undefined = await make();
        if (v === undefined) forget();
        return v;
      } catch (err) {
        forget();
        throw err;
      }
    })();
    // A failed making ahead is nobody's error (the send makes it again and reports what fails).
    entry.value.catch(() => undefined);
    return entry.value;
  }
}
