/**
 * Messages written while an answer streams: they wait in order (kept across reloads by the
 * store the caller gives), can be reordered, edited, removed, sent now, or marked to steer the
 * running turn (then they go with its next function results). Pure state: what to show, send
 * or say is the caller's.
 */
import type { QueueAction, QueuedView } from '../../shared/protocol';

/** Messages that can wait at once. */
export const MAX_QUEUED = 20;

export interface QueueStore {
  load(): unknown;
  save(items: QueuedView[]): void;
}

/** What a queue action asks of the caller. */
export type QueueEffect =
  /** Nothing more (the queue changed, or the item was not there). */
  | { kind: 'none' }
  /** Put this text back into the message box. */
  | { kind: 'edit'; text: string }
  /** Send this text now (the chat is idle). */
  | { kind: 'send'; text: string }
  /** The chat is busy: it stays queued (say so). */
  | { kind: 'busy' };

export class MessageQueue {
  constructor(
    private readonly store: QueueStore,
    private readonly newId: () => string,
  ) {}

  /** The queue as stored (entries that are not messages are dropped). */
  items(): QueuedView[] {
    const v = this.store.load();
    return Array.isArray(v)
      ? (v as QueuedView[])
          .filter((q) => q && typeof q === 'object' && typeof q.id === 'string' && typeof q.text === 'string')
          .map((q) => ({ id: q.id, text: q.text, ...(q.steer === true ? { steer: true } : {}) }))
      : [];
  }

  get length(): number {
    return this.items().length;
  }

  /** Queue a message; false when the queue is full (the caller keeps the text). Empty text is ignored. */
  add(text: string): boolean {
    if (!text.trim()) return true;
    const items = this.items();
    if (items.length >= MAX_QUEUED) return false;
    this.store.save([...items, { id: this.newId(), text }]);
    return true;
  }

  act(id: string, action: QueueAction, busy: boolean): QueueEffect {
    const items = this.items();
    const k = items.findIndex((q) => q.id === id);
    if (k < 0) return { kind: 'none' };
    const [item] = items.splice(k, 1) as [QueuedView];
    let effect: QueueEffect = { kind: 'none' };
    switch (action) {
      case 'up':
      case 'down':
        items.splice(Math.max(0, Math.min(items.length, k + (action === 'up' ? -1 : 1))), 0, item);
        break;
      case 'edit':
        effect = { kind: 'edit', text: item.text };
        break;
      case 'remove':
        break;
      case 'steer':
        // Busy: it waits (visible, kept across reloads) until the turn's next tool boundary. Idle: it simply goes.
        if (busy) items.splice(k, 0, { ...item, steer: true });
        else effect = { kind: 'send', text: item.text };
        break;
      case 'sendNow':
        if (busy) {
          items.splice(k, 0, item);
          effect = { kind: 'busy' };
        } else effect = { kind: 'send', text: item.text };
        break;
    }
    this.store.save(items);
    return effect;
  }

  /** The first message marked to steer, out of the queue (for the running turn's next request). */
  takeSteer(): string | undefined {
    const items = this.items();
    const k = items.findIndex((q) => q.steer);
    if (k < 0) return undefined;
    const [item] = items.splice(k, 1);
    this.store.save(items);
    return item!.text;
  }

  /** The next message to send, out of the queue: one meant to steer a turn that ended first goes first. */
  takeNext(): QueuedView | undefined {
    const items = this.items();
    if (!items.length) return undefined;
    const [next] = items.splice(
      Math.max(
        0,
        items.findIndex((q) => q.steer),
      ),
      1,
    );
    this.store.save(items);
    return next;
  }
}
