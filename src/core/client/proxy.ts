/**
 * Proxy selection and the undici dispatcher. Importing undici directly bypasses the proxy
 * support VS Code gives the global fetch, so `http.proxy` / `http.proxyStrictSSL` (passed in by
 * the host) and HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured here explicitly.
 *
 * Long streams: undici's default 300 s headers and body timeouts would cut long SSE streams, so
 * both are disabled; the transport's own idle timer detects dead streams instead.
 */
import { Agent, ProxyAgent, type Dispatcher } from 'undici';

export interface ProxySettings {
  /** VS Code's `http.proxy` (empty = not set). */
  proxy?: string;
  /** VS Code's `http.proxyStrictSSL` (default true). */
  strictSSL?: boolean;
  /** Environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, lower-case variants too). */
  env?: Record<string, string | undefined>;
}

function envVar(env: Record<string, string | undefined>, name: string): string | undefined {
  const v = env[name] ?? env[name.toLowerCase()];
  return v && v.trim() ? v.trim() : undefined;
}

/** Whether `NO_PROXY` excludes this URL (host suffixes, `*`, optional ports, leading dots). */
export function isNoProxy(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (let entry of noProxy.split(/[\s,]+/)) {
    entry = entry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry);
    if (m && m[2] && !entry.startsWith('[')) {
      entry = m[1]!;
      entryPort = m[2];
    }
    if (entryPort && entryPort !== port) continue;
    entry = entry.replace(/^\*?\./, '.');
    if (entry.startsWith('.') ? host === entry.slice(1) || host.endsWith(entry) : host === entry || host.endsWith('.' + entry)) return true;
  }
  return false;
}

/** The proxy URL to use for `targetUrl`, or undefined for a direct connection. */
export function resolveProxy(targetUrl: string, settings: ProxySettings): string | undefined {
  const target = new URL(targetUrl);
  const env = settings.env ?? {};
  if (isNoProxy(target, envVar(env, 'NO_PROXY'))) return undefined;
  if (settings.proxy && settings.proxy.trim()) return settings.proxy.trim();
  return target.protocol === 'https:' ? (envVar(env, 'HTTPS_PROXY') ?? envVar(env, 'HTTP_PROXY')) : envVar(env, 'HTTP_PROXY');
}

export interface DispatcherOptions extends ProxySettings {
  /** Kept at 0 (off) in production; tests set it to prove the plumbing. */
  bodyTimeoutMs?: number;
}

export function createDispatcher(targetUrl: string, options: DispatcherOptions = {}): { dispatcher: Dispatcher; proxy: string | undefined } {
  const strict = options.strictSSL !== false;
  const timeouts = { headersTimeout: 0, bodyTimeout: options.bodyTimeoutMs ?? 0 };
  const proxy = resolveProxy(targetUrl, options);
  if (proxy) {
    return {
      proxy,
      dispatcher: new ProxyAgent({
        uri: proxy,
        // Always a CONNECT tunnel, also to a plain-http base URL (undici 8 forwards those in the
        // clear by default): the proxy relays bytes and never sees a request or its key header.
        proxyTunnel: true,
        ...timeouts,
        requestTls: { rejectUnauthorized: strict },
        proxyTls: { rejectUnauthorized: strict },
      }),
    };
  }
  return { proxy: undefined, dispatcher: new Agent({ ...timeouts, connect: { rejectUnauthorized: strict } }) };
}

/** A proxy URL with any credentials removed, for logs. */
export function describeProxy(proxy: string | undefined): string {
  if (!proxy) return 'direct';
  try {
    const u = new URL(proxy);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'configured proxy';
  }
}
