/**
 * Typed errors with messages a user can act on. No message ever contains the API key:
 * every text that comes from the server passes through `redactSecrets`.
 */

export type ApiErrorKind =
  | 'auth' // 401, or 400 API_KEY_INVALID, or no key
  | 'permission' // 403
  | 'not_found' // 404
  | 'rate_limited' // 429 (and retries exhausted, or a wait longer than the cap)
  | 'bad_request' // other 4xx
  | 'server' // 5xx
  | 'network' // connection refused/reset, DNS, TLS, proxy, dropped stream that cannot be resumed
  | 'timeout' // idle stream timeout that could not be resumed
  | 'protocol' // malformed stream / unexpected content type
  | 'aborted' // the caller stopped
  | 'interaction_failed'; // the interaction itself ended in failure (error event, status failed)

export interface ApiErrorInit {
  status?: number;
  retryAfterMs?: number;
  code?: string;
  detail?: string;
  retryable?: boolean;
  cause?: unknown;
}

const secrets = new Set<string>();

/** Register a secret (the API key) so that it is scrubbed from every error and log text. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4) secrets.add(secret);
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join('[redacted]');
  }
  // Keys in URLs (?key=...) never come from us, but scrub them if a server echoes one.
  return out.replace(/([?&]key=)[^&\s"']+/gi, '$1[redacted]');
}

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | undefined;
  /** For rate limits: how long the server asked us to wait. */
  readonly retryAfterMs: number | undefined;
  readonly code: string | undefined;
  /** Whether trying the same thing again may succeed (the UI offers Retry either way). */
  readonly retryable: boolean;

  constructor(kind: ApiErrorKind, message: string, init: ApiErrorInit = {}) {
    super(redactSecrets(message));
    this.name = 'ApiError';
    this.kind = kind;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.code = init.code;
    this.retryable = init.retryable ?? (kind === 'rate_limited' || kind === 'server' || kind === 'network' || kind === 'timeout');
    if (init.cause !== undefined) (this as { cause?: unknown }).cause = init.cause;
  }

  static protocol(message: string): ApiError {
    return new ApiError('protocol', message, { retryable: true });
  }

  static aborted(): ApiError {
    return new ApiError('aborted', 'Stopped.', { retryable: true });
  }

  static missingKey(): ApiError {
    return new ApiError('auth', 'No Gemini API key is set. Run “Gemini: Set API Key” to add one.', { retryable: false, code: 'NO_KEY' });
  }

  /** Build an error from an HTTP error response (status + parsed body). */
  static fromResponse(status: number, body: unknown, retryAfterMs: number | undefined, what: string): ApiError {
    const env = (body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined) as { message?: unknown; status?: unknown; details?: unknown } | undefined;
    const serverMsg = typeof env?.message === 'string' ? env.message : typeof body === 'string' ? body.slice(0, 300) : '';
    const statusText = typeof env?.status === 'string' ? env.status : undefined;
    const reasons = Array.isArray(env?.details) ? (env!.details as Array<{ reason?: unknown }>).map((d) => d?.reason).filter((r): r is string => typeof r === 'string') : [];
    const detail = serverMsg ? ` The server said: “${serverMsg.trim()}”` : '';
    const init = { status, code: statusText, retryAfterMs };
    if (status === 401 || reasons.includes('API_KEY_INVALID') || /api key not valid/i.test(serverMsg)) {
      return new ApiError('auth', `The Gemini API rejected the API key (${status}). Run “Gemini: Set API Key” to enter a valid key.${detail}`, { ...init, retryable: false });
    }
    if (status === 403) {
      return new ApiError('permission', `The API key is not allowed to ${what} (403). Check that the key's project has the Gemini API enabled.${detail}`, {
        ...init,
        retryable: false,
      });
    }
    if (status === 404) {
      return new ApiError('not_found', `Not found (404) while trying to ${what}.${detail}`, { ...init, retryable: false });
    }
    if (status === 429) {
      const wait = retryAfterMs !== undefined ? ` Try again in ${formatDuration(retryAfterMs)}.` : ' Wait a moment and try again.';
      return new ApiError('rate_limited', `Rate limited by the Gemini API (429).${wait}${detail}`, init);
    }
    if (status >= 500) {
      return new ApiError('server', `The Gemini API had a server error (${status}) while trying to ${what}. Try again.${detail}`, init);
    }
    return new ApiError('bad_request', `The Gemini API refused to ${what} (${status}).${detail}`, { ...init, retryable: false });
  }

  static network(err: unknown, url: string): ApiError {
    const code = (err as { code?: string })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
    const msg = err instanceof Error ? err.message : String(err);
    const origin = safeOrigin(url);
    return new ApiError('network', `Could not reach ${origin}${code ? ` (${code})` : ''}: ${msg}. Check your network connection and proxy settings (http.proxy).`, {
      code,
      cause: err,
    });
  }
}

export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the Gemini API';
  }
}

export function formatDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  const r = s % 60;
  if (m < 60) return r ? `${m} min ${r} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

export function isAbortError(err: unknown): boolean {
  if (err instanceof ApiError) return err.kind === 'aborted';
  const name = (err as { name?: string })?.name;
  return name === 'AbortError' || (err as { code?: string })?.code === 'UND_ERR_ABORTED';
}
