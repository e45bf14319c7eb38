/**
 * A long conversation keeps its older turns on disk only. A finished turn older than the newest
 * `WARM_TURNS` keeps its record in memory (state, usage, interaction ids, notices: what the
 * chain, the sessions view and the status need); its input, steps and tool activity are read
 * back from the journal whenever something asks for them (the page is built again, the
 * conversation is exported, a research question is looked up). The journal is append-only and a
 * finished turn's records do not change, so what is read back is what was there.
 *
 * One read of the journal serves a burst of such questions (a page build asks for every turn).
 */
import type { ConversationData, TurnRecord } from './journal';

/** Finished turns kept whole in memory, the newest. */
export const WARM_TURNS = 8;
/** How long one read of the journal answers for the turns paged out of it. */
const READ_KEPT_MS = 2000;

const FIELDS = ['input', 'steps', 'tools'] as const;
type Field = (typeof FIELDS)[number];
const EMPTY: { [F in Field]: () => TurnRecord[F] } = { input: () => [], steps: () => [], tools: () => undefined };

export class TurnPager {
  /** Each paged turn, and the conversation whose journal holds it. */
  private readonly paged = new WeakMap<TurnRecord, string>();
  private read: { id: string; turns: Map<string, TurnRecord>; timer: ReturnType<typeof setTimeout> } | undefined;
  /** One getter and setter per field, shared by every paged turn (`this` is the turn). */
  private readonly accessors: PropertyDescriptorMap;

  /** `load`: the conversation as its journal holds it now. */
  constructor(private readonly load: (id: string) => ConversationData | undefined) {
    const stored = (t: TurnRecord) => this.stored(t);
    this.accessors = Object.fromEntries(
      FIELDS.map((f) => [
        f,
        {
          configurable: true,
          enumerable: true,
          get(this: TurnRecord) {
            const kept = stored(this);
            return kept ? kept[f] : EMPTY[f]();
          },
          // Written again (by nobody today): it is memory's again.
          set(this: TurnRecord, v: unknown) {
            Object.defineProperty(this, f, { value: v, writable: true, configurable: true, enumerable: true });
          },
        },
      ]),
    );
  }

  /** Page out the finished turns older than the newest `WARM_TURNS` (each once). */
  page(data: ConversationData): void {
    for (let k = 0; k < data.turns.length - WARM_TURNS; k++) {
      const t = data.turns[k]!;
      if (this.paged.has(t) || t.state === 'streaming' || t.state === 'interrupted') continue;
      this.paged.set(t, data.meta.id);
      Object.defineProperties(t, this.accessors);
    }
  }

  private stored(turn: TurnRecord): TurnRecord | undefined {
    const id = this.paged.get(turn);
    if (id === undefined) return undefined;
    if (this.read?.id !== id) {
      if (this.read) clearTimeout(this.read.timer);
      const data = this.load(id);
      const timer = setTimeout(() => (this.read = undefined), READ_KEPT_MS);
      (timer as { unref?: () => void }).unref?.();
      this.read = { id, turns: new Map(data?.turns.map((t) => [t.id, t])), timer };
    }
    return this.read.turns.get(turn.id);
  }
}
