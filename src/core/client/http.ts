/**
 * HTTP transport on undici: auth header, retries before the first byte (exponential backoff
 * with jitter, honouring Retry-After / retry-after-ms), typed errors, idle-stream timeout and
 * a request log that never sees the key.
 */
import * as zlib from 'node:zlib';
import { getGlobalDispatcher, type Dispatcher } from 'undici';
import { formatBytes } from '../attachments';
import { ApiError, formatDuration, registerSecret } from './errors';
import { l10n } from '../../shared/l10n';
import { errorText } from '../../shared/errorText';

export interface RetryPolicy {
  /** Retries after the first attempt (the SDK default is 4: five attempts in total). */
  maxRetries: number;
  baseDelayMs: number;
  /** Cap for computed backoff delays. */
  maxDelayMs: number;
  /** The longest server-requested wait we sleep through; longer waits are surfaced to the user. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 8000, maxWaitMs: 10_000 };
export const RETRYABLE_STATUSES = (status: number): boolean => status === 408 || status === 409 || status === 429 || status >= 500;

export interface RetryNotice {
  attempt: number;
  delayMs: number;
  reason: string;
  status?: number;
}

export interface RequestLogEntry {
  method: string;
  /** Path and query. Never contains the key (it only travels in a header). */
  path: string;
  status?: number;
  attempt: number;
  ttfbMs?: number;
  durationMs: number;
  bytes?: number;
  events?: number;
  outcome: 'ok' | 'retry' | 'error' | 'aborted' | 'dropped';
  error?: string;
  /** Something worth a line in the log that did not fail the request. */
  warning?: string;
}
export type RequestLogger = (entry: RequestLogEntry) => void;

export interface TransportOptions {
  baseUrl: string;
  apiVersion: string;
  getApiKey(): Promise<string | undefined> | string | undefined;
  dispatcher?: Dispatcher;
  retry?: Partial<RetryPolicy>;
  /** A stream that sends no byte for this long is treated as dropped (keep-alive comments count). */
  idleTimeoutMs?: number;
  /** No response headers this long after the request was sent: a timeout (default 60 s). */
  headersTimeoutMs?: number;
  /** The largest JSON response or SSE event accepted (default 32 MiB: a 20 MB inline image fits). */
  maxEventBytes?: number;
  log?: RequestLogger;
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
  random?(): number;
  now?(): number;
  userAgent?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  onRetry?(notice: RetryNotice): void;
  /** Disable retries (used for the download/upload chunk calls, like the SDK, and for polls). */
  noRetry?: boolean;
  /** Most bytes of a response body accepted (downloads). */
  maxBytes?: number;
}

/** 32 MiB: the base64 of a 20 MB inline image with room to spare. */
export const DEFAULT_MAX_EVENT_BYTES = 32 * 1024 * 1024;
export const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
/** Error bodies are read up to this much (they only carry a message). */
const MAX_ERROR_BODY = 64 * 1024;

export interface RequestSpec extends CallOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** A path below `{base}/{version}`, or an absolute URL (upload sessions). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  rawBody?: Uint8Array;
  headers?: Record<string, string>;
  accept?: string;
  /** What we were trying to do, for error messages ("create an interaction"). */
  what: string;
}

export interface OpenResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: ResponseBody;
  contentType: string;
  started: number;
  path: string;
  attempt: number;
  /** The body is over (read to its end, failed or left): the user's Stop no longer needs to reach it. */
  release?: () => void;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(ApiError.aborted());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(ApiError.aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Parse `retry-after-ms` (ms) or `Retry-After` (seconds or HTTP date). */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
  const h = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const ms = h('retry-after-ms');
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = h('retry-after');
  if (ra === undefined || ra.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.max(0, Number(ra) * 1000);
  const date = Date.parse(ra);
  if (Number.isNaN(date)) return undefined;
  // A date already past (a server clock behind ours) says nothing: the usual backoff decides.
  return date - now > 0 ? date - now : undefined;
}

/**
 * A response body fed by undici's dispatch handler. Every byte that arrived is queued before an
 * error is recorded, so data received just before a connection broke is never lost (a Node
 * stream destroyed with an error drops its buffer, and with it perhaps the interaction id).
 */
export class ResponseBody {
  private queue: Uint8Array[] = [];
  private queued = 0;
  private paused = false;
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  destroyed = false;
  /** Past this many unread bytes the connection is paused (backpressure: memory stays bounded). */
  static readonly HIGH_WATER = 1024 * 1024;
  constructor(
    private readonly abortRequest: (reason: Error) => void,
    private readonly flow: { pause(): void; resume(): void } = { pause: () => undefined, resume: () => undefined },
  ) {}

  /** @internal */ push(chunk: Uint8Array): void {
    if (this.destroyed || this.ended) return; // data after we let go is dropped
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (!this.paused && this.queued > ResponseBody.HIGH_WATER) {
      this.paused = true;
      this.flow.pause();
    }
    this.notify();
  }
  /** @internal */ end(err?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.error = err;
    this.notify();
  }
  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Next chunk, or undefined at the end; throws the transport error after the queued data. */
  async next(): Promise<Uint8Array | undefined> {
    for (;;) {
      if (this.queue.length) {
        const c = this.queue.shift()!;
        this.queued -= c.length;
        if (this.paused && this.queued < ResponseBody.HIGH_WATER / 4) {
          this.paused = false;
          this.flow.resume();
        }
        return c;
      }
      if (this.ended) {
        if (this.error) throw this.error;
        return undefined;
      }
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  async bytes(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (let c = await this.next(); c; c = await this.next()) parts.push(c);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  async dump(): Promise<void> {
    this.destroy();
  }

  destroy(reason: Error = new Error('response body discarded')): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (!this.ended) this.abortRequest(reason);
    this.queue = [];
    this.queued = 0;
    this.end(reason);
  }
}

/**
 * The body as sent, decoded when the server compressed it (gzip, deflate, br) though we asked for
 * it uncompressed. An encoding we cannot read ends the body with an error that names it.
 */
export function decodedBody(raw: ResponseBody, encodingHeader: string | string[] | undefined): ResponseBody {
  const encoding = String(Array.isArray(encodingHeader) ? encodingHeader.join(',') : (encodingHeader ?? ''))
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e && e !== 'identity');
  if (!encoding.length) return raw;
  if (encoding.length > 1 || !['gzip', 'x-gzip', 'deflate', 'br'].includes(encoding[0]!)) {
    const out = new ResponseBody((reason) => raw.destroy(reason));
    raw.destroy(new Error('unreadable encoding'));
    out.end(ApiError.protocol(l10n.t('The API sent its answer compressed as “{0}”, which this extension cannot read.', encoding.join(', '))));
    return out;
  }
  const e = encoding[0]!;
  const z = e === 'br' ? zlib.createBrotliDecompress() : e === 'deflate' ? zlib.createInflate() : zlib.createGunzip();
  let waiting: (() => void) | undefined;
  let paused = false;
  const out = new ResponseBody(
    (reason) => {
      z.destroy();
      raw.destroy(reason);
    },
    {
      pause: () => (paused = true),
      resume: () => {
        paused = false;
        const w = waiting;
        waiting = undefined;
        w?.();
      },
    },
  );
  z.on('data', (c: Buffer) => out.push(c));
  z.on('end', () => out.end());
  z.on('error', (err) => out.end(ApiError.protocol(l10n.t('The API sent a {0}-compressed answer that could not be decoded: {1}', e, err.message))));
  void (async () => {
    try {
      for (let c = await raw.next(); c; c = await raw.next()) {
        if (paused) await new Promise<void>((r) => (waiting = r));
        if (!z.write(c)) await new Promise<void>((r) => z.once('drain', () => r()));
      }
      z.end();
    } catch (err) {
      // The connection failed: what was decoded so far stays, then the error.
      z.destroy();
      out.end(err as Error);
    }
  })();
  return out;
}

interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: ResponseBody;
}

/** One HTTP request through a dispatcher; resolves at the response headers. */
function dispatch(
  dispatcher: Dispatcher,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | Uint8Array; signal?: AbortSignal },
): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise<RawResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let body: ResponseBody | undefined;
    let settled = false;
    const onAbort = () => {
      const err = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
      controller?.abort(err);
      if (!settled) {
        settled = true;
        reject(err);
      }
    };
    if (init.signal?.aborted) return onAbort();
    init.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => init.signal?.removeEventListener('abort', onAbort);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (init.signal?.aborted) c.abort(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }));
      },
      onResponseStart(c, statusCode, headers) {
        if (statusCode < 200) return; // 1xx
        body = new ResponseBody((reason) => c.abort(reason), { pause: () => c.pause(), resume: () => c.resume() });
        settled = true;
        resolve({ statusCode, headers: headers as RawResponse['headers'], body });
      },
      onResponseData(_c, chunk) {
        body?.push(chunk);
      },
      onResponseEnd() {
        cleanup();
        body?.end();
      },
      onResponseError(_c, err) {
        cleanup();
        if (!settled) {
          settled = true;
          reject(err);
        } else body?.end(init.signal?.aborted ? Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }) : err);
      },
    };
    try {
      dispatcher.dispatch({ origin: u.origin, path: u.pathname + u.search, method: init.method as Dispatcher.HttpMethod, headers: init.headers, body: init.body }, handler);
    } catch (err) {
      cleanup();
      reject(err);
    }
  });
}

export class Transport {
  readonly policy: RetryPolicy;
  readonly idleTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly maxEventBytes: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly now: () => number;

  constructor(private readonly opts: TransportOptions) {
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 120_000;
    this.headersTimeoutMs = opts.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
    this.maxEventBytes = opts.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.sleep = opts.sleep ?? abortableSleep;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
  }

  get apiVersion(): string {
    return this.opts.apiVersion;
  }

  get baseUrl(): string {
    return this.opts.baseUrl.replace(/\/+$/, '');
  }

  url(path: string, query?: RequestSpec['query']): string {
    const base = /^https?:\/\//.test(path) ? path : `${this.baseUrl}/${this.opts.apiVersion}/${path.replace(/^\/+/, '')}`;
    const q = query ? Object.entries(query).filter(([, v]) => v !== undefined) : [];
    if (!q.length) return base;
    const sep = base.includes('?') ? '&' : '?';
    return base + sep + q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  }

  log(entry: RequestLogEntry): void {
    try {
      this.opts.log?.(entry);
    } catch {
      /* a logger must never break a request */
    }
  }

  private backoff(attempt: number): number {
    const d = this.policy.baseDelayMs * 2 ** attempt * (1 - this.random() * 0.25);
    return Math.min(d, this.policy.maxDelayMs);
  }

  /**
   * Send a request and return once the status and headers are in. Retries retryable statuses
   * and connection errors (never once a body has been handed to the caller). Throws ApiError.
   */
  async open(spec: RequestSpec): Promise<OpenResponse> {
    const key = await this.opts.getApiKey();
    if (!key) throw ApiError.missingKey();
    registerSecret(key);
    const url = this.url(spec.path, spec.query);
    const logPath = url.startsWith(this.baseUrl) ? url.slice(this.baseUrl.length) : new URL(url).pathname;
    const headers: Record<string, string> = {
      'x-goog-api-key': key.trim(),
      accept: spec.accept ?? 'application/json',
      'accept-encoding': 'identity',
      'user-agent': this.opts.userAgent ?? 'gemini-interactions-vscode',
      ...spec.headers,
    };
    let body: string | Uint8Array | undefined;
    if (spec.rawBody) body = spec.rawBody;
    else if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers['content-type'] = 'application/json';
    }
    const maxRetries = spec.noRetry ? 0 : this.policy.maxRetries;
    // A POST that reached the server may have started something (an interaction): a timeout
    // waiting for its answer is not retried (that could create a second one); GETs are.
    const idempotent = spec.method === 'GET' || spec.method === 'DELETE';
    for (let attempt = 0; ; attempt++) {
      if (spec.signal?.aborted) throw ApiError.aborted();
      const started = this.now();
      let res: RawResponse;
      // Each attempt has its own controller: the user's Stop and the headers timer both end it.
      const attemptCtrl = new AbortController();
      const onUserAbort = () => attemptCtrl.abort();
      spec.signal?.addEventListener('abort', onUserAbort, { once: true });
      let headersTimedOut = false;
      const headersTimer = setTimeout(() => {
        headersTimedOut = true;
        attemptCtrl.abort();
      }, this.headersTimeoutMs);
      try {
        res = await dispatch(this.opts.dispatcher ?? getGlobalDispatcher(), url, { method: spec.method, headers, body, signal: attemptCtrl.signal });
      } catch (err) {
        clearTimeout(headersTimer);
        spec.signal?.removeEventListener('abort', onUserAbort);
        if (spec.signal?.aborted) {
          this.log({ method: spec.method, path: logPath, attempt, durationMs: this.now() - started, outcome: 'aborted' });
          throw ApiError.aborted();
        }
        const apiErr = headersTimedOut
          ? ApiError.timeout(l10n.t('The Gemini API did not answer within {0} while trying to {1}.', formatDuration(this.headersTimeoutMs), spec.what), 'HEADERS_TIMEOUT')
          : ApiError.network(err, url);
        const retry = attempt < maxRetries && apiErr.retryable && (!headersTimedOut || idempotent);
        if (retry) {
          const delayMs = this.backoff(attempt);
          this.log({ method: spec.method, path: logPath, attempt, durationMs: this.now() - started, outcome: 'retry', error: apiErr.message });
          spec.onRetry?.({ attempt: attempt + 1, delayMs, reason: headersTimedOut ? 'no answer in time' : l10n.t('connection failed ({0})', apiErr.code ?? 'network error') });
          await this.sleep(delayMs, spec.signal);
          continue;
        }
        this.log({ method: spec.method, path: logPath, attempt, durationMs: this.now() - started, outcome: 'error', error: apiErr.message });
        throw apiErr;
      }
      clearTimeout(headersTimer);
      const ttfbMs = this.now() - started;
      const contentType = String(res.headers['content-type'] ?? '').toLowerCase();
      // We ask for an uncompressed body; a server that compresses anyway is decoded (or named).
      res = { ...res, body: decodedBody(res.body, res.headers['content-encoding']) };
      // From here on the user's Stop reaches the body through `onUserAbort`, until the body is over
      // (without that, a turn of many requests would hold every one of them until it ends).
      const release = () => spec.signal?.removeEventListener('abort', onUserAbort);
      if (res.statusCode >= 200 && res.statusCode < 300) {
        return { status: res.statusCode, headers: res.headers, body: res.body, contentType, started, path: logPath, attempt, release };
      }
      // Error status: read the (small) body for the message, under the idle timer.
      let parsed: unknown;
      try {
        const text = new TextDecoder().decode(
          await this.readAll(
            { status: res.statusCode, headers: res.headers, body: res.body, contentType, started, path: logPath, attempt, release },
            spec.signal,
            MAX_ERROR_BODY,
            true,
          ),
        );
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      } catch {
        parsed = undefined;
      }
      const retryAfterMs = parseRetryAfter(res.headers, this.now());
      const apiErr = ApiError.fromResponse(res.statusCode, parsed, retryAfterMs, spec.what);
      if (RETRYABLE_STATUSES(res.statusCode) && attempt < maxRetries && apiErr.retryable && apiErr.kind !== 'auth') {
        const delayMs = apiErr.retryAfterMs ?? this.backoff(attempt);
        if (apiErr.retryAfterMs !== undefined && apiErr.retryAfterMs > this.policy.maxWaitMs) {
          // Too long to sleep through silently: surface it with the time.
          this.log({ method: spec.method, path: logPath, status: res.statusCode, attempt, ttfbMs, durationMs: this.now() - started, outcome: 'error', error: apiErr.message });
          throw apiErr;
        }
        this.log({ method: spec.method, path: logPath, status: res.statusCode, attempt, ttfbMs, durationMs: this.now() - started, outcome: 'retry' });
        const reason =
          res.statusCode === 429
            ? l10n.t('rate limited (429), retrying in {0}', formatDuration(delayMs))
            : l10n.t('server error ({0}), retrying in {1}', res.statusCode, formatDuration(delayMs));
        spec.onRetry?.({ attempt: attempt + 1, delayMs, reason, status: res.statusCode });
        await this.sleep(delayMs, spec.signal);
        continue;
      }
      this.log({ method: spec.method, path: logPath, status: res.statusCode, attempt, ttfbMs, durationMs: this.now() - started, outcome: 'error', error: apiErr.message });
      throw apiErr;
    }
  }

  /**
   * A whole body, under the idle timer and a size limit (the socket is closed past it). With
   * `truncate`, the first `max` bytes are kept instead of failing (error bodies).
   */
  private async readAll(res: OpenResponse, signal: AbortSignal | undefined, max: number, truncate = false): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this.chunks(res, signal)) {
      total += chunk.length;
      if (total > max) {
        if (truncate) {
          parts.push(chunk.subarray(0, chunk.length - (total - max)));
          res.body.destroy(new Error('error body too large'));
          break;
        }
        throw new ApiError('protocol', l10n.t('The API sent a response larger than {0}; it was refused to keep memory bounded.', formatBytes(max)), {
          code: 'BODY_TOO_LARGE',
          retryable: false,
        });
      }
      parts.push(chunk);
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** Wait (abortable), with the transport's clock (tests inject a fake). */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return this.sleep(ms, signal);
  }

  /** A whole JSON-sized body of an opened response (idle timer, size limit). */
  body(res: OpenResponse, signal?: AbortSignal): Promise<Uint8Array> {
    return this.readAll(res, signal, this.maxEventBytes);
  }

  /** A JSON request/response. An empty body resolves to `{}`. */
  async json<T>(spec: RequestSpec): Promise<T> {
    const res = await this.open(spec);
    const bytes = await this.readAll(res, spec.signal, spec.maxBytes ?? this.maxEventBytes);
    const text = new TextDecoder().decode(bytes);
    this.log({ method: spec.method, path: res.path, status: res.status, attempt: res.attempt, durationMs: this.now() - res.started, bytes: bytes.length, outcome: 'ok' });
    if (text.trim() === '') return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw ApiError.protocol(l10n.t('The API sent malformed JSON while trying to {0}: {1}', spec.what, errorText(err)));
    }
  }

  /** Raw bytes (environment file download), under the idle timer and a size limit. */
  async bytes(spec: RequestSpec): Promise<Uint8Array> {
    const res = await this.open(spec);
    const buf = await this.readAll(res, spec.signal, spec.maxBytes ?? 512 * 1024 * 1024);
    this.log({ method: spec.method, path: res.path, status: res.status, attempt: res.attempt, durationMs: this.now() - res.started, bytes: buf.length, outcome: 'ok' });
    return buf;
  }

  /**
   * Iterate a response body with an idle timeout: if no byte arrives for `idleTimeoutMs`, the
   * request is aborted and the iteration throws a `timeout` ApiError (the caller may resume).
   */
  async *chunks(res: OpenResponse, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const body = res.body;
    let idle = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        body.destroy(new Error('idle stream timeout'));
      }, this.idleTimeoutMs);
    };
    arm();
    let finished = false;
    try {
      for (;;) {
        let chunk: Uint8Array | undefined;
        try {
          chunk = await body.next();
        } catch (err) {
          if (signal?.aborted) throw ApiError.aborted();
          if (idle) throw ApiError.timeout(l10n.t('The API went silent for {0} in the middle of a response.', formatDuration(this.idleTimeoutMs)), 'IDLE_TIMEOUT');
          throw ApiError.network(err, this.url(res.path));
        }
        if (!chunk) break;
        arm();
        yield chunk;
      }
      finished = true;
    } finally {
      if (timer) clearTimeout(timer);
      // The consumer stopped early: release the connection.
      if (!finished) body.destroy();
      res.release?.();
    }
  }
}
