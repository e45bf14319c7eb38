/**
 * Builds the Interactions client from settings. It is rebuilt only when the endpoint, its
 * timeouts or the proxy/TLS settings change (a composer pick or any other setting keeps the
 * connections).
 */
import * as vscode from 'vscode';
import { InteractionsClient } from '../core/client/client';
import { ApiError } from '../core/client/errors';
import { createDispatcher, describeProxy } from '../core/client/proxy';
import { CLIENT_SETTINGS, PROXY_SETTING_KEYS } from '../core/settings';
import { affects, apiSettings, proxySettings } from './config';
import type { ApiKeyStore } from './keys';
import type { Log } from './log';

export class ApiClientProvider implements vscode.Disposable {
  private cached: { key: string; client: InteractionsClient; close(): void } | undefined;
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: Log,
    private readonly version: string,
  ) {
    this.sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, CLIENT_SETTINGS) || PROXY_SETTING_KEYS.some((k) => e.affectsConfiguration(k))) this.reset();
    });
  }

  get(): InteractionsClient {
    const api = apiSettings();
    const proxy = proxySettings();
    const fingerprint = JSON.stringify([api, proxy]);
    if (this.cached?.key === fingerprint) return this.cached.client;
    this.reset();
    const { dispatcher, proxy: used } = createDispatcher(api.baseUrl, { ...proxy, env: process.env });
    this.log.info(`API endpoint ${new URL(api.baseUrl).origin}/${api.apiVersion} (connection: ${describeProxy(used)})`);
    const client = new InteractionsClient({
      baseUrl: api.baseUrl,
      apiVersion: api.apiVersion,
      getApiKey: () => this.keys.get(),
      dispatcher,
      idleTimeoutMs: api.idleTimeoutMs,
      headersTimeoutMs: api.headersTimeoutMs,
      maxEventBytes: api.maxEventBytes,
      retry: { maxWaitMs: api.maxRetryWaitMs },
      log: this.log.request,
      userAgent: `gemini-interactions-vscode/${this.version} vscode/${vscode.version}`,
    });
    this.cached = { key: fingerprint, client, close: () => void dispatcher.close().catch(() => undefined) };
    return client;
  }

  /** Check a key with a cheap call before storing it. */
  async validateKey(key: string): Promise<{ ok: true } | { ok: false; reason: string; network: boolean }> {
    const api = apiSettings();
    const { dispatcher } = createDispatcher(api.baseUrl, { ...proxySettings(), env: process.env });
    const probe = new InteractionsClient({ baseUrl: api.baseUrl, apiVersion: api.apiVersion, getApiKey: () => key, dispatcher, retry: { maxRetries: 1 }, log: this.log.request });
    try {
      await probe.listAgents({ pageSize: 1 });
      return { ok: true };
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.kind === 'not_found') return { ok: true }; // key accepted; the listing itself is unavailable
        if (err.kind === 'auth' || err.kind === 'permission') return { ok: false, reason: err.message, network: false };
        return { ok: false, reason: err.message, network: err.kind === 'network' || err.kind === 'server' || err.kind === 'timeout' };
      }
      return { ok: false, reason: String(err), network: true };
    } finally {
      void dispatcher.close().catch(() => undefined);
    }
  }

  private reset(): void {
    this.cached?.close();
    this.cached = undefined;
  }

  dispose(): void {
    this.reset();
    this.sub.dispose();
  }
}
