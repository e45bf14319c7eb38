/**
 * Host messages, validated (`parseHostMessage`), coalesced per animation frame, and dispatched
 * through a typed table: every kind of `HostMessage` must have a handler (the mirror of the
 * host's `MessageHandlers`), so a new kind fails the build until the page handles it.
 */
import { parseHostMessage, type HostMessage } from '../shared/protocol';
import type { TurnRenderer } from './turn/renderer';

type Of<K extends HostMessage['type']> = Extract<HostMessage, { type: K }>;
/** Turns touched in this frame (flushed once at its end). */
export type Touched = Set<TurnRenderer>;
export type HostHandlers = { [K in HostMessage['type']]: (msg: Of<K>, touched: Touched) => void };

export class FrameDispatcher {
  private readonly queue: HostMessage[] = [];
  private scheduled = false;
  /** Turns with rendering work left over from a burst (rendered over the next frames). */
  private readonly pending = new Set<TurnRenderer>();

  constructor(private readonly handlers: HostHandlers) {}

  /** A message event's data: checked, then handled in the next frame with the others that arrive. */
  receive(data: unknown): void {
    const msg = parseHostMessage(data);
    if (!msg) {
      console.warn('[gemini] ignored an invalid message from the host');
      return;
    }
    this.queue.push(msg);
    this.schedule();
  }

  /** A turn has rendering work left: flush it again in the next frame. */
  more(t: TurnRenderer): void {
    this.pending.add(t);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => this.process());
  }

  private process(): void {
    this.scheduled = false;
    const touched: Touched = new Set(this.pending);
    this.pending.clear();
    for (const msg of this.queue.splice(0)) this.dispatch(msg, touched);
    for (const t of touched) t.flush();
    // Following the end (unless the user scrolled away) happens in the size observer, after this frame's layout.
    if (this.pending.size) this.schedule();
  }

  private dispatch<K extends HostMessage['type']>(msg: Of<K>, touched: Touched): void {
    (this.handlers[msg.type] as (m: Of<K>, t: Touched) => void)(msg, touched);
  }
}
