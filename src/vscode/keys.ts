/**
 * The API key: in SecretStorage only (or GEMINI_API_KEY from the environment when the user opts
 * in). It leaves this module only as the value of the `x-goog-api-key` header.
 */
import * as vscode from 'vscode';
import { registerSecret } from '../core/client/errors';
import { setting } from './config';

const SECRET_KEY = 'gemini.apiKey';

export class ApiKeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly sub: vscode.Disposable;
  /**
   * The stored key as last read (null: none stored), so a message does not wait for a
   * SecretStorage round trip (in a browser workbench it crosses to the page and back). Held in
   * this process only, like the header built from it; forgotten when the secret changes.
   */
  private stored: Promise<string | undefined> | undefined;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.sub = secrets.onDidChange((e) => {
      if (e.key !== SECRET_KEY) return;
      this.stored = undefined;
      this.changed.fire();
    });
  }

  /** The stored key's promise once it has settled: whether one is stored, known without waiting. */
  private storedNow: { has: boolean; of: Promise<string | undefined> } | undefined;

  async get(): Promise<string | undefined> {
    const read = (this.stored ??= Promise.resolve(this.secrets.get(SECRET_KEY)).catch((err: unknown) => {
      this.stored = undefined;
      throw err;
    }));
    const stored = await read;
    if (this.stored === read) this.storedNow = { has: !!stored, of: read };
    if (stored) {
      registerSecret(stored);
      return stored;
    }
    return this.environmentKey();
  }

  private environmentKey(): string | undefined {
    if (!setting('useEnvironmentKey')) return undefined;
    const env = process.env.GEMINI_API_KEY?.trim();
    if (!env) return undefined;
    registerSecret(env);
    return env;
  }

  async has(): Promise<boolean> {
    return this.hasNow() ?? (await this.get()) !== undefined;
  }

  /** Whether there is a key, when that is known without a round trip (undefined: ask `has`). */
  hasNow(): boolean | undefined {
    const now = this.storedNow;
    if (!now || now.of !== this.stored) return undefined;
    return now.has || this.environmentKey() !== undefined;
  }

  async set(key: string): Promise<void> {
    registerSecret(key);
    this.stored = undefined;
    await this.secrets.store(SECRET_KEY, key);
    this.stored = undefined;
    this.changed.fire();
  }

  async clear(): Promise<void> {
    this.stored = undefined;
    await this.secrets.delete(SECRET_KEY);
    this.stored = undefined;
    this.changed.fire();
  }

  /** Notify listeners (e.g. after the environment-key setting changed). */
  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
