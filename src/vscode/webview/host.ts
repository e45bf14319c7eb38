/**
 * The one webview host: the chat view and every run tab hold one (composition, not inheritance).
 * It owns the HTML with its strict CSP, the `ready` handshake, validation of every message both
 * ways, and the router. The router is typed over every webview→host message kind: a surface must
 * handle each kind or decline it explicitly (`decline(why)`), so a new message cannot fall
 * through silently. Messages are dispatched in the order they arrive; a handler that awaits (a
 * whole turn) never holds up the next message (Stop, an approval).
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { parseWebviewMessage, type AttachmentView, type ConversationView, type HostMessage, type PanelState, type WebviewMessage } from '../../shared/protocol';
import { chatBody } from '../../shared/chatPage';
import { l10n, l10nBundle } from '../../shared/l10n';
import { escapeHtml as esc } from '../../shared/html';

type Of<K extends WebviewMessage['type']> = Extract<WebviewMessage, { type: K }>;

/** A message kind this surface does not offer (said to the user, logged). */
export class Declined {
  constructor(readonly why: string) {}
}
export const decline = (why: string): Declined => new Declined(why);

/** Every webview→host message kind except the handshake, each handled or declined. */
export type MessageHandlers = { [K in Exclude<WebviewMessage['type'], 'ready'>]: ((msg: Of<K>) => unknown) | Declined };

export interface HostLog {
  warn(msg: string): void;
  error(msg: string): void;
}

export interface WebviewHostDeps {
  extensionUri: vscode.Uri;
  log: HostLog;
  handlers: MessageHandlers;
  panelState(): Promise<PanelState>;
  /** What a (re)connected webview shows. */
  init(): { conversation: ConversationView; draft: string; attachments: AttachmentView[] };
  /** The webview (re)connected and has the conversation. */
  onReady?(): void;
  /** The webview is being created (load what it shows, lazily). */
  onAttach?(): void;
  /**
   * The surface is off screen and keeps no webview content meanwhile (no retainContextWhenHidden):
   * messages are not sent (nothing would render them); when it shows again, the webview gets the
   * whole state at once (`shown()`).
   */
  hidden?(): boolean;
}

export class WebviewHost implements vscode.Disposable {
  private webview: vscode.Webview | undefined;
  private isReady = false;
  private keyMessage: string | undefined;
  private readyWaiters: Array<() => void> = [];
  private readonly subs: vscode.Disposable[] = [];
  /** Messages were held back while the surface was off screen. */
  private stale = false;

  constructor(private readonly deps: WebviewHostDeps) {}

  get ready(): boolean {
    return this.isReady;
  }

  /** Host the UI in a webview (a view or a panel). */
  attach(webview: vscode.Webview): void {
    this.deps.onAttach?.();
    this.webview = webview;
    this.isReady = false;
    const root = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview');
    webview.options = { enableScripts: true, localResourceRoots: [root], enableCommandUris: false };
    webview.html = this.html(webview, root);
    this.subs.push(webview.onDidReceiveMessage((raw) => this.receive(raw)));
  }

  detach(): void {
    this.webview = undefined;
    this.isReady = false;
  }

  whenReady(): Promise<void> {
    if (this.isReady) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  post(msg: HostMessage): void {
    if (!this.webview || !this.isReady) return;
    if (this.deps.hidden?.()) {
      this.stale = true;
      return;
    }
    void this.webview.postMessage(msg);
  }

  /** The surface is on screen again: what was held back arrives as one fresh state. */
  shown(): void {
    if (!this.stale || !this.isReady || this.deps.hidden?.()) return;
    this.stale = false;
    void this.state().then((state) => this.post({ type: 'init', state, ...this.deps.init() }));
  }

  toast(text: string, kind: 'info' | 'error' = 'info'): void {
    this.post({ type: 'toast', text, kind });
  }

  async refreshState(): Promise<void> {
    if (!this.isReady) return;
    this.post({ type: 'state', state: await this.state() });
  }

  /** The API rejected the key (or none is set): the key screen until the key changes. */
  authRequired(message: string): void {
    this.keyMessage = message;
    void this.refreshState();
  }

  /** The stored key changed: forget an earlier rejection. */
  keyChanged(): void {
    this.keyMessage = undefined;
    void this.refreshState();
  }

  private async state(): Promise<PanelState> {
    const s = await this.deps.panelState();
    if (this.keyMessage) {
      s.hasKey = false;
      s.keyMessage = this.keyMessage;
    }
    return s;
  }

  private async sendInit(): Promise<void> {
    this.isReady = true;
    const state = await this.state();
    const init = this.deps.init();
    this.post({ type: 'init', state, ...init });
    for (const w of this.readyWaiters.splice(0)) w();
    this.deps.onReady?.();
  }

  private receive(raw: unknown): void {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      // Invalid or forged: no effect, and a line in the log (the type only, never the content).
      const type = raw && typeof raw === 'object' && typeof (raw as { type?: unknown }).type === 'string' ? (raw as { type: string }).type.slice(0, 40) : typeof raw;
      this.deps.log.warn(`Ignored an invalid message from the chat webview (type ${JSON.stringify(type)}).`);
      return;
    }
    if (msg.type === 'ready') {
      void this.sendInit();
      return;
    }
    const handler = this.deps.handlers[msg.type] as ((m: WebviewMessage) => unknown) | Declined;
    if (handler instanceof Declined) {
      this.deps.log.warn(`Declined a “${msg.type}” message: ${handler.why}`);
      this.toast(handler.why, 'info');
      return;
    }
    try {
      const r = handler(msg);
      if (r instanceof Promise) r.catch((err: unknown) => this.failed(msg.type, err));
    } catch (err) {
      this.failed(msg.type, err);
    }
  }

  private failed(type: string, err: unknown): void {
    const text = err instanceof Error ? err.message : String(err);
    this.deps.log.error(`Handling “${type}” from the webview failed: ${text}`);
    this.toast(l10n.t('That did not work: {0}', text), 'error');
  }

  private html(webview: vscode.Webview, root: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    // Styles of the search-suggestions widget (a script-less srcdoc frame, which inherits this CSP) carry this nonce.
    const styleNonce = randomBytes(16).toString('base64');
    const uri = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, f)).toString();
    const csp = [
      `default-src 'none'`,
      `img-src ${webview.cspSource} data:`,
      // Audio and video in the conversation play from blob: URLs made of their bytes (nothing remote).
      `media-src blob:`,
      `font-src ${webview.cspSource}`,
      `style-src ${webview.cspSource} 'nonce-${styleNonce}'`,
      `script-src 'nonce-${nonce}'`,
      `frame-src 'none'`,
      // The page fetches one of our own files, the highlighting worker's script, and starts it from a blob: URL.
      `connect-src ${webview.cspSource}`,
      `worker-src blob:`,
      `form-action 'none'`,
      `base-uri 'none'`,
    ].join('; ');
    const T = (text: string) => esc(l10n.t(text));
    const thinking = (l: string) => esc(l10n.t('Thinking: {0}', l));
    return `<!DOCTYPE html>
<html lang="${esc(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="gemini-style-nonce" content="${styleNonce}">
<meta name="gemini-highlighter" content="${uri('highlight.js')}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uri('codicon.css')}">
<link rel="stylesheet" href="${uri('chat.css')}">
<title>${T('Gemini')}</title>
</head>
<body>
${chatBody(T, thinking)}
<script type="application/json" id="gemini-l10n" nonce="${nonce}">${JSON.stringify(l10nBundle()).replace(/</g, '\\u003c')}</script>
<script nonce="${nonce}" src="${uri('chat.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
  }
}
