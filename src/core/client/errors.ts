/**
 * Typed errors with messages a user can act on. No message ever contains the API key:
 * every text that comes from the server passes through `redactSecrets`.
 */
import { l10n } from '../../shared/l10n';

export type ApiErrorKind =
  | 'auth' // 401, or 400 API_KEY_INVALID, or no key
  | 'permission' // 403
  | 'not_found' // 404
  | 'rate_limited' // 429 (and retries exhausted, or a wait longer than the cap)
  | 'quota' // 429 RESOURCE_EXHAUSTED with a used-up quota: not retried
  | 'proxy' // the proxy refused (407 authentication, or another status on CONNECT)
  | 'tls' // a certificate could not be verified: not retried
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
  fieldViolations?: FieldViolation[];
}

/** One field the server refused (a `google.rpc.BadRequest` field violation): its path in the request body, and why. */
export interface FieldViolation {
  field: string;
  description: string;
}

const secrets = new Set<string>();

/** Register a secret (the API key) so that it is scrubbed from every error and log text. */
export function registerSecret(secret: string | undefined): void {
  if (!secret) return;
  // A key pasted with spaces or a newline around it is sent and echoed trimmed: scrub every form.
  for (const form of [secret, secret.trim(), secret.replace(/\s+/g, '')]) if (form.length >= 4) secrets.add(form);
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
  /** The fields a 400 refused, when the server said which (`google.rpc.BadRequest`). */
  readonly fieldViolations: FieldViolation[];

  constructor(kind: ApiErrorKind, message: string, init: ApiErrorInit = {}) {
    super(redactSecrets(message));
    this.name = 'ApiError';
    this.kind = kind;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.code = init.code;
    this.retryable = init.retryable ?? (kind === 'rate_limited' || kind === 'server' || kind === 'network' || kind === 'timeout');
    this.fieldViolations = (init.fieldViolations ?? []).map((v) => ({ field: v.field, description: redactSecrets(v.description) }));
    if (init.cause !== undefined) (this as { cause?: unknown }).cause = init.cause;
  }

  static protocol(message: string): ApiError {
    return new ApiError('protocol', message, { retryable: true });
  }

  /** Only for the user's own Stop (everything else that ends a request has its own kind). */
  static aborted(): ApiError {
    return new ApiError('aborted', 'Stopped.', { retryable: true });
  }

  static timeout(message: string, code: string): ApiError {
    return new ApiError('timeout', message, { code, retryable: true });
  }

  static missingKey(): ApiError {
    return new ApiError('auth', l10n.t('No Gemini API key is set. Run “Gemini: Set API Key” to add one.'), { retryable: false, code: 'NO_KEY' });
  }

  /** Build an error from an HTTP error response (status + parsed body). */
  static fromResponse(status: number, body: unknown, retryAfterMs: number | undefined, what: string): ApiError {
    // The Google error envelope, also when it comes inside a JSON array (`[{"error": {…}}]`).
    const outer = Array.isArray(body) ? body.find((b) => b && typeof b === 'object' && 'error' in b) : body;
    const env = (outer && typeof outer === 'object' ? (outer as { error?: unknown }).error : undefined) as { message?: unknown; status?: unknown; details?: unknown } | undefined;
    const serverMsg = typeof env?.message === 'string' ? env.message : typeof body === 'string' ? body.slice(0, 300) : '';
    const statusText = typeof env?.status === 'string' ? env.status : undefined;
    const reasons = Array.isArray(env?.details) ? (env!.details as Array<{ reason?: unknown }>).map((d) => d?.reason).filter((r): r is string => typeof r === 'string') : [];
    const detail = serverMsg ? l10n.t(' The server said: “{0}”', serverMsg.trim()) : '';
    const init = { status, code: statusText, retryAfterMs };
    if (status === 401 || reasons.includes('API_KEY_INVALID') || /api key not valid/i.test(serverMsg) || statusText === 'UNAUTHENTICATED') {
      return new ApiError('auth', l10n.t('The Gemini API rejected the API key ({0}). Run “Gemini: Set API Key” to enter a valid key.{1}', status, detail), {
        ...init,
        retryable: false,
      });
    }
    if (status === 403 && keyUnusable(reasons, serverMsg)) {
      return new ApiError(
        'auth',
        l10n.t('The Gemini API no longer accepts this API key (403: it is suspended, expired, blocked or deleted). Run “Gemini: Set API Key” to enter another key.{0}', detail),
        { ...init, retryable: false },
      );
    }
    if (status === 403) {
      return new ApiError('permission', l10n.t("The API key is not allowed to {0} (403). Check that the key's project has the Gemini API enabled.{1}", what, detail), {
        ...init,
        retryable: false,
      });
    }
    if (status === 404) {
      return new ApiError('not_found', l10n.t('Not found (404) while trying to {0}.{1}', what, detail), { ...init, retryable: false });
    }
    if (status === 429) {
      const details = Array.isArray(env?.details) ? (env!.details as Array<Record<string, unknown>>) : [];
      const retryInfo = details.find((d) => typeof d?.['@type'] === 'string' && (d['@type'] as string).endsWith('google.rpc.RetryInfo'));
      const delay = typeof retryInfo?.retryDelay === 'string' ? parseDelay(retryInfo.retryDelay) : undefined;
      const wait = retryAfterMs ?? delay;
      const quotaFailure = details.find((d) => typeof d?.['@type'] === 'string' && (d['@type'] as string).endsWith('google.rpc.QuotaFailure'));
      const violations = JSON.stringify(quotaFailure?.violations ?? '');
      const daily = /per ?day|perday|daily|per_day/i.test(violations) || /per ?day|perday|daily/i.test(serverMsg);
      // A quota named only in the message ("You exceeded your current quota", "Quota exceeded for
      // quota metric … per day") is a quota too, not a rate limit to retry.
      const quotaWords = /quota/i.test(serverMsg) && /(exceeded your current quota|billing|plan|free[ -]tier|exhausted|quota exceeded|exceeded (the )?quota)/i.test(serverMsg);
      const planWords = /(exceeded your current quota|billing|plan|free[ -]tier)/i.test(serverMsg);
      if ((quotaFailure && (daily || wait === undefined)) || (quotaWords && (daily || planWords || wait === undefined))) {
        const reset = wait !== undefined ? l10n.t(' It resets in {0}.', formatWait(wait)) : daily ? l10n.t(' Daily quotas reset at midnight Pacific time.') : '';
        return new ApiError(
          'quota',
          l10n.t(
            'Your Gemini API quota is used up (429 {0}).{1} Check your plan and billing in Google AI Studio; retrying now will not help.{2}',
            statusText ?? 'RESOURCE_EXHAUSTED',
            reset,
            detail,
          ),
          { ...init, retryAfterMs: wait, retryable: false },
        );
      }
      const waitText = wait !== undefined ? l10n.t(' Try again in {0}.', formatWait(wait)) : l10n.t(' Wait a moment and try again.');
      return new ApiError('rate_limited', l10n.t('Rate limited by the Gemini API (429).{0}{1}', waitText, detail), { ...init, retryAfterMs: wait });
    }
    if (status >= 500) {
      return new ApiError('server', l10n.t('The Gemini API had a server error ({0}) while trying to {1}. Try again.{2}', status, what, detail), init);
    }
    const badRequest = (Array.isArray(env?.details) ? (env!.details as Array<Record<string, unknown>>) : []).find(
      (d) => typeof d?.['@type'] === 'string' && (d['@type'] as string).endsWith('google.rpc.BadRequest'),
    );
    // Proto JSON names it fieldViolations; some servers write the proto field name.
    const list = badRequest?.fieldViolations ?? badRequest?.field_violations;
    const fieldViolations = (Array.isArray(list) ? (list as Array<Record<string, unknown>>) : [])
      .filter((v) => typeof v?.field === 'string')
      .map((v) => ({ field: String(v.field).slice(0, 300), description: typeof v.description === 'string' ? v.description.slice(0, 500) : '' }))
      .slice(0, 50);
    return new ApiError('bad_request', l10n.t('The Gemini API refused to {0} ({1}).{2}', what, status, detail), { ...init, retryable: false, fieldViolations });
  }

  /** A transport failure, classified: proxy, TLS, DNS, refused, reset (never "Stopped"). */
  static network(err: unknown, url: string): ApiError {
    const code = (err as { code?: string })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
    const causeCode = (err as { cause?: { code?: string } })?.cause?.code;
    const msg = err instanceof Error ? err.message : String(err);
    const origin = safeOrigin(url);
    const proxy = /Proxy response \((\d{3})\)/.exec(msg);
    if (proxy) {
      const st = Number(proxy[1]);
      if (st === 407) {
        return new ApiError(
          'proxy',
          l10n.t(
            'The proxy requires authentication (407 Proxy Authentication Required). Put the credentials in “http.proxy” (http://user:password@host:port) or in HTTPS_PROXY, then retry.',
          ),
          { status: 407, code: 'PROXY_AUTH', retryable: false, cause: err },
        );
      }
      return new ApiError('proxy', l10n.t('The proxy refused the connection to {0} ({1}). Check “http.proxy” and the proxy itself.', origin, st), {
        status: st,
        code: 'PROXY_REFUSED',
        retryable: st >= 500,
        cause: err,
      });
    }
    const tlsCode = [code, causeCode].find((c) => c !== undefined && TLS_CODES.test(c));
    if (tlsCode) {
      return new ApiError(
        'tls',
        l10n.t(
          'The TLS certificate of {0} could not be verified ({1}). If a proxy or security tool inspects your traffic, add its root certificate to your system or to NODE_EXTRA_CA_CERTS, and check the date and time. (“http.proxyStrictSSL” is honoured; the extension never turns checking off.)',
          origin,
          tlsCode,
        ),
        { code: tlsCode, retryable: false, cause: err },
      );
    }
    const dns = [code, causeCode].find((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN');
    if (dns) {
      return new ApiError(
        'network',
        l10n.t('Could not resolve {0} ({1}): the DNS lookup failed. Check your network connection, VPN and proxy settings (http.proxy).', hostOf(origin), dns),
        {
          code: dns,
          cause: err,
        },
      );
    }
    if (code === 'ECONNREFUSED' || causeCode === 'ECONNREFUSED') {
      return new ApiError('network', l10n.t('The connection to {0} was refused (ECONNREFUSED). Check “gemini.apiBaseUrl” and your proxy settings (http.proxy).', origin), {
        code: 'ECONNREFUSED',
        cause: err,
      });
    }
    if (code === 'UND_ERR_CONNECT_TIMEOUT' || causeCode === 'UND_ERR_CONNECT_TIMEOUT') {
      return ApiError.timeout(
        l10n.t('Could not connect to {0} in time (connect timeout). Check your network connection and proxy settings (http.proxy).', origin),
        'CONNECT_TIMEOUT',
      );
    }
    return new ApiError('network', `Could not reach ${origin}${code ? ` (${code})` : ''}: ${msg}. Check your network connection and proxy settings (http.proxy).`, {
      code,
      cause: err,
    });
  }
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).hostname;
  } catch {
    return origin;
  }
}

/** A 403 that says the key itself is unusable (suspended, expired, blocked, deleted): the user needs another key. */
function keyUnusable(reasons: string[], message: string): boolean {
  if (
    reasons.some((r) =>
      /^(API_KEY_(INVALID|EXPIRED|SERVICE_BLOCKED|HTTP_REFERRER_BLOCKED|IP_ADDRESS_BLOCKED|ANDROID_APP_BLOCKED|IOS_APP_BLOCKED)|CONSUMER_SUSPENDED|CONSUMER_INVALID|PROJECT_DENIED|KEY_DELETED)$/.test(
        r,
      ),
    )
  )
    return true;
  return /(api key|consumer|project).{0,80}(suspended|expired|has been deleted|was deleted|blocked|revoked|disabled)|(suspended|expired|revoked).{0,40}(api key|key)/i.test(
    message,
  );
}

/**
 * An error the interaction reported in its stream (an `error` event, or the interaction's own
 * `errors`), read for what it is: authentication failures lead to the key screen like a 401 does,
 * quotas and rate limits say so; anything else is the interaction failing.
 */
export function inBandError(errors: Array<{ code?: string; message?: string; status?: string }>, fallback: string): ApiError {
  const first = errors[0];
  const message =
    errors
      .map((e) => e.message)
      .filter(Boolean)
      .join('; ') || fallback;
  const code = String(first?.status ?? first?.code ?? '');
  const all = errors.map((e) => `${e.code ?? ''} ${e.status ?? ''}`).join(' ');
  if (/\b(401|16|UNAUTHENTICATED|API_KEY_INVALID)\b/.test(all) || /api key not valid/i.test(message)) {
    return new ApiError(
      'auth',
      l10n.t(
        'The Gemini API rejected the API key ({0}). Run “Gemini: Set API Key” to enter a valid key.{1}',
        code || 'UNAUTHENTICATED',
        l10n.t(' The server said: “{0}”', message),
      ),
      {
        code: code || 'UNAUTHENTICATED',
        retryable: false,
      },
    );
  }
  if (/\b(403|7|PERMISSION_DENIED)\b/.test(all) && keyUnusable([], message)) {
    return new ApiError(
      'auth',
      l10n.t(
        'The Gemini API no longer accepts this API key (403: it is suspended, expired, blocked or deleted). Run “Gemini: Set API Key” to enter another key.{0}',
        l10n.t(' The server said: “{0}”', message),
      ),
      {
        code: code || 'PERMISSION_DENIED',
        retryable: false,
      },
    );
  }
  return new ApiError('interaction_failed', message, { code: first?.code, retryable: true });
}

/** A wait as words, and the clock time it ends at when that is more than a few minutes away ("2 h 0 min, at 14:32"). */
export function formatWait(ms: number, now = Date.now()): string {
  const words = formatDuration(ms);
  if (ms < 5 * 60_000) return words;
  const at = new Date(now + ms);
  const clock = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const sameDay = new Date(now).toDateString() === at.toDateString();
  return l10n.t('{0}, at {1}', words, sameDay ? clock : `${at.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${clock}`);
}

/** Node/undici error codes of certificate failures. */
const TLS_CODES =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_REVOKED|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH|ERR_SSL_.*|EPROTO)$/;

/** A google.rpc.RetryInfo delay ("36s", "1.5s"). */
function parseDelay(d: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(d.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return l10n.t('the Gemini API');
  }
}

export function formatDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  const r = s % 60;
  if (m < 60) return r ? l10n.t('{0} min {1} s', m, r) : `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}
