/** The "Gemini" log channel. Request lines carry method, path, status, timings and event counts; never the key. */
import * as vscode from 'vscode';
import { redactSecrets } from '../core/client/errors';
import type { RequestLogEntry } from '../core/client/http';

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('Gemini', { log: true });
  }

  info(msg: string): void {
    this.channel.info(redactSecrets(msg));
  }
  warn(msg: string): void {
    this.channel.warn(redactSecrets(msg));
  }
  error(msg: string): void {
    this.channel.error(redactSecrets(msg));
  }

  request = (e: RequestLogEntry): void => {
    const parts = [`${e.method} ${e.path}`];
    if (e.status !== undefined) parts.push(`→ ${e.status}`);
    parts.push(e.outcome);
    if (e.attempt) parts.push(`attempt ${e.attempt + 1}`);
    if (e.ttfbMs !== undefined) parts.push(`ttfb ${Math.round(e.ttfbMs)} ms`);
    parts.push(`${Math.round(e.durationMs)} ms`);
    if (e.events !== undefined) parts.push(`${e.events} events`);
    if (e.bytes !== undefined) parts.push(`${e.bytes} bytes`);
    if (e.error) parts.push(`: ${e.error}`);
    if (e.warning) parts.push(`(${e.warning})`);
    const line = redactSecrets(parts.join(' '));
    if (e.outcome === 'error' || e.warning) this.channel.warn(line);
    else this.channel.info(line);
  };

  dispose(): void {
    this.channel.dispose();
  }
}
