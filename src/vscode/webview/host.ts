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
import { THINKING_LEVELS } from '../../shared/vocab';
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
}

export class WebviewHost implements vscode.Disposable {
  private webview: vscode.Webview | undefined;
  private isReady = false;
  private keyMessage: string | undefined;
  private readyWaiters: Array<() => void> = [];
  private readonly subs: vscode.Disposable[] = [];

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
    void this.webview.postMessage(msg);
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
    const thinking = THINKING_LEVELS.map((l) => `<option value="${l}">${esc(l10n.t('Thinking: {0}', l))}</option>`).join('\n        ');
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
<main id="app">
  <h1 class="visually-hidden">${T('Gemini chat')}</h1>
  <div class="topbar">
    <button id="new-chat" class="icon-btn" title="${T('New chat')}" aria-label="${T('New chat')}"><i class="codicon codicon-add" aria-hidden="true"></i></button>
    <button id="history" class="icon-btn" title="${T('Chat history')}" aria-label="${T('Chat history')}"><i class="codicon codicon-history" aria-hidden="true"></i></button>
    <span class="spacer"></span>
  </div>
  <div id="banner" role="status" hidden></div>
  <div id="run-header" role="region" aria-label="${T('Remote agent run')}" hidden></div>
  <div id="key-screen" hidden>
    <h2>${T('Set your Gemini API key')}</h2>
    <p id="key-message"></p>
    <button id="set-key" class="primary-btn">${T('Set API Key')}</button>
  </div>
  <div id="log" role="log" aria-label="${T('Conversation')}" aria-live="polite" tabindex="0">
  </div>
  <div id="empty">${T('Ask Gemini about your code. Attach files with {0}, press Enter to send, Shift+Enter for a new line.').replace('{0}', '<i class="codicon codicon-attach" aria-hidden="true"></i>')}</div>
  <div id="toast" role="alert" hidden></div>
  <form id="composer" aria-label="${T('Message Gemini')}" onsubmit="return false">
    <div id="queue" hidden></div>
    <div id="attachments" hidden></div>
    <div id="edit-hint" hidden>${T('Editing the last message.')} <button type="button" id="cancel-edit" class="text-btn">${T('Cancel')}</button></div>
    <div id="mention-menu" hidden></div>
    <textarea id="input" rows="2" aria-label="${T('Message')}" placeholder="${T('Ask Gemini… (Enter to send, Shift+Enter for a new line)')}"></textarea>
    <div id="mention-chips" class="chips" hidden></div>
    <div class="toolbar">
      <span id="attach-wrap">
        <button type="button" id="attach" class="icon-btn" title="${T('Attach')}" aria-label="${T('Attach')}" aria-haspopup="menu"><i class="codicon codicon-attach" aria-hidden="true"></i></button>
        <span id="attach-menu" role="menu" hidden>
          <button type="button" role="menuitem" data-kind="activeFile">${T('Active file')}</button>
          <button type="button" role="menuitem" data-kind="selection">${T('Selection')}</button>
          <button type="button" role="menuitem" data-kind="workspaceFile">${T('Workspace file…')}</button>
          <button type="button" role="menuitem" data-kind="picker">${T('Image, audio, video or document…')}</button>
          <button type="button" role="menuitem" data-kind="url">${T('From a URL (image, audio, video, document)…')}</button>
        </span>
      </span>
      <select id="model" aria-label="${T('Model')}" title="${T('Model')}"></select>
      <select id="thinking" aria-label="${T('Thinking level')}" title="${T('Thinking level')}">
        ${thinking}
      </select>
      <button type="button" id="toggle-googleSearch" class="icon-btn toggle" title="${T('Google Search')}" aria-label="${T('Google Search')}" aria-pressed="false"><i class="codicon codicon-search" aria-hidden="true"></i></button>
      <button type="button" id="toggle-urlContext" class="icon-btn toggle" title="${T('URL context')}" aria-label="${T('URL context')}" aria-pressed="false"><i class="codicon codicon-link" aria-hidden="true"></i></button>
      <button type="button" id="toggle-codeExecution" class="icon-btn toggle" title="${T('Code execution')}" aria-label="${T('Code execution')}" aria-pressed="false"><i class="codicon codicon-terminal" aria-hidden="true"></i></button>
      <span id="gen-wrap">
        <button type="button" id="model-settings" class="icon-btn" title="${T('Model settings (temperature, max output tokens, stop sequences, seed, function calling)')}" aria-label="${T('Model settings')}" aria-haspopup="dialog" aria-expanded="false"><i class="codicon codicon-settings" aria-hidden="true"></i></button>
        <span id="gen-popover" role="dialog" aria-label="${T('Model settings for this conversation')}" hidden>
          <label>${T('Temperature')} <input id="gen-temperature" type="number" min="0" max="2" step="0.1" placeholder="${T('default')}"></label>
          <label>${T('Max output tokens')} <input id="gen-max" type="number" min="1" step="1" placeholder="${T('default')}"></label>
          <label>${T('Stop sequences')} <input id="gen-stop" type="text" placeholder="${T('comma-separated, up to 5')}"></label>
          <label>${T('Seed')} <input id="gen-seed" type="number" step="1" placeholder="${T('random')}"></label>
          <label>${T('Function calling')} <select id="gen-tool-choice"><option value="default">${T('Default')}</option><option value="auto">${T('Auto')}</option><option value="any">${T('Any (must call)')}</option><option value="none">${T('None')}</option><option value="validated">${T('Validated')}</option></select></label>
          <span id="gen-error" role="alert"></span>
          <span class="gen-actions"><button type="button" id="gen-apply" class="primary-btn">${T('Apply')}</button><button type="button" id="gen-reset" class="secondary-btn">${T('Reset')}</button></span>
        </span>
      </span>
      <button type="button" id="toggle-plan" class="icon-btn toggle" title="${T('Plan first: the next message gets only read-only tools and is asked for a plan, which you start or revise')}" aria-label="${T('Plan first')}" aria-pressed="false"><i class="codicon codicon-checklist" aria-hidden="true"></i></button>
      <button type="button" id="toggle-research" class="icon-btn toggle" title="${T('Deep Research: the next message goes to the Deep Research agent, which runs in the background, shows its progress and writes a cited report')}" aria-label="${T('Deep Research')}" aria-pressed="false"><i class="codicon codicon-telescope" aria-hidden="true"></i></button>
      <button type="button" id="toggle-stateless" class="icon-btn toggle" title="${T('Stateless: nothing is kept on the server (store: false); the conversation so far is sent with each message')}" aria-label="${T('Stateless conversation')}" aria-pressed="false"><i class="codicon codicon-lock" aria-hidden="true"></i></button>
      <span class="spacer"></span>
      <button type="button" id="tools" class="icon-btn" title="${T('Choose tools (MCP servers, extensions, remote MCP servers)')}" aria-label="${T('Choose tools')}"><i class="codicon codicon-tools" aria-hidden="true"></i><span id="tools-count" hidden></span></button>
      <button type="button" id="run-remote" class="icon-btn" title="${T('Run remotely on an agent')}" aria-label="${T('Run remotely')}"><i class="codicon codicon-cloud-upload" aria-hidden="true"></i></button>
      <button type="button" id="send-background" class="icon-btn" title="${T('Send in the background (Alt+Enter): the answer runs on the server and fills in here when it is done, even after you close the window')}" aria-label="${T('Send in the background')}"><i class="codicon codicon-cloud" aria-hidden="true"></i></button>
      <button type="button" id="stop" hidden aria-label="${T('Stop')}">${T('Stop')}</button>
      <button type="button" id="send" aria-label="${T('Send')}">${T('Send')}</button>
    </div>
  </form>
</main>
<script type="application/json" id="gemini-l10n" nonce="${nonce}">${JSON.stringify(l10nBundle()).replace(/</g, '\\u003c')}</script>
<script nonce="${nonce}" src="${uri('chat.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
  }
}
