/**
 * SSE framing (eventsource-parser) + JSON + tolerant decoding, fed with raw bytes.
 * UTF-8 characters and SSE fields split across network chunks are reassembled here. Memory is
 * bounded: an event larger than `maxEventBytes` ends the stream with a clear error (the caller
 * closes the socket), whatever the server sends.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';
import { DecodeError, decodeEvent } from '../protocol/decode';
import type { InteractionEvent } from '../protocol/types';
import { ApiError } from './errors';
import { l10n } from '../../shared/l10n';
import { errorText } from '../../shared/errorText';

export class SseEventDecoder {
  private readonly parser: EventSourceParser;
  private readonly text = new TextDecoder('utf-8');
  private pending: InteractionEvent[] = [];
  /** Set when the stream held malformed data; the events before it are still delivered. */
  failure: ApiError | undefined;
  /** `data: [DONE]` was seen: the stream is over even if bytes follow. */
  done = false;
  /** The last event id seen (JSON `event_id`, else the SSE `id:` field). */
  lastEventId: string | undefined;
  eventCount = 0;
  /** Events whose data is not an interaction event (keep-alives under another SSE name): passed over. */
  skipped = 0;
  /** The last chunk ended in a CR that was passed on as a line end: a LF starting the next one is its other half. */
  private pendingCr = false;
  /** Bytes fed since the last complete event (what the parser holds, give or take one chunk). */
  private sinceEvent = 0;
  private sawEvent = false;

  constructor(private readonly maxEventBytes = 32 * 1024 * 1024) {
    this.parser = createParser({
      // A keep-alive comment also ends what came before it.
      onComment: () => {
        this.sawEvent = true;
      },
      onEvent: (msg) => {
        this.sawEvent = true;
        if (this.done || this.failure) return;
        const data = msg.data;
        if (data === '[DONE]') {
          this.done = true;
          return;
        }
        if (data === '') return;
        let json: unknown;
        try {
          json = JSON.parse(data);
        } catch (err) {
          this.failure = ApiError.protocol(
            l10n.t('The API sent malformed JSON in a "{0}" event', msg.event ?? 'message') +
              (this.lastEventId ? l10n.t(' (after event {0})', this.lastEventId) : '') +
              l10n.t(': {0}', errorText(err)),
          );
          return;
        }
        // As the SDK does: dispatch on the data's type, whatever the SSE event name says. Data
        // that is no interaction event (`event: keepalive` with `data: {}`) is passed over.
        if (
          !json ||
          typeof json !== 'object' ||
          Array.isArray(json) ||
          (typeof (json as { event_type?: unknown }).event_type !== 'string' && typeof (json as { type?: unknown }).type !== 'string')
        ) {
          this.skipped++;
          return;
        }
        let ev: InteractionEvent;
        try {
          ev = decodeEvent(json);
        } catch (err) {
          const reason = err instanceof DecodeError ? err.message : String(err);
          this.failure = ApiError.protocol(l10n.t('The API sent an unreadable "{0}" event: {1}', msg.event ?? 'message', reason));
          return;
        }
        if (ev.event_id === undefined && msg.id) ev.event_id = msg.id;
        if (ev.event_id !== undefined) this.lastEventId = ev.event_id;
        this.eventCount++;
        this.pending.push(ev);
      },
    });
  }

  /** Feed raw bytes; returns the complete events they finished. Check `failure` after consuming them. */
  push(chunk: Uint8Array): InteractionEvent[] {
    if (this.failure) return [];
    this.sinceEvent += chunk.length;
    this.sawEvent = false;
    this.parser.feed(this.lineEnds(this.text.decode(chunk, { stream: true })));
    if (this.sawEvent) this.sinceEvent = 0;
    if (this.sinceEvent > this.maxEventBytes && !this.failure) {
      this.failure = new ApiError(
        'protocol',
        `The API sent an event larger than ${Math.round(this.maxEventBytes / 1024 / 1024)} MB${this.lastEventId ? ` (after event ${this.lastEventId})` : ''}; the stream was closed to keep memory bounded (setting “gemini.request.maxEventMB”).`,
        { code: 'EVENT_TOO_LARGE', retryable: false },
      );
    }
    return this.take();
  }

  /**
   * Every line ending as LF, at once: a chunk that ends in a CR is not held back waiting to learn
   * whether a LF follows (a server that ends lines with a lone CR would otherwise show each event
   * one chunk late); a LF that then starts the next chunk is the second half of that CRLF.
   */
  private lineEnds(text: string): string {
    if (!text) return text;
    let t = text;
    if (this.pendingCr && t.startsWith('\n')) t = t.slice(1);
    this.pendingCr = t.endsWith('\r');
    return t.includes('\r') ? t.replace(/\r\n?/g, '\n') : t;
  }

  /** Bytes of an event that never completed (reported in the log at the end of a body). */
  get unterminatedBytes(): number {
    return this.sinceEvent;
  }

  /** End of input: flush the UTF-8 decoder (an unterminated final event is discarded, per the SSE spec). */
  end(): InteractionEvent[] {
    // A final bare CR may be the first half of a CRLF: one more line feed settles it. An
    // unterminated event (no blank line after it) is still discarded.
    this.sawEvent = false;
    this.parser.feed(this.lineEnds(this.text.decode()) + '\n');
    if (this.sawEvent) this.sinceEvent = 0;
    return this.take();
  }

  private take(): InteractionEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}
