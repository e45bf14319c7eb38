/**
 * The chat webview view: a strict-CSP webview whose only channel to the host is the typed
 * protocol in src/shared. It renders the active ChatSession; the session journals everything.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { Step } from '../../core/protocol/types';
import type { StepChange } from '../../core/conversation/accumulator';
import type { ConversationData, TurnRecord } from '../../core/conversation/journal';
import { conversationView, errorView, presentChanges, turnView, usageView } from '../../core/conversation/present';
import type { ChatSession, SessionView } from '../../core/conversation/session';
import { OPENABLE_SCHEMES, parseWebviewMessage, type AttachmentView, type HostMessage, type PanelState, type ToolActivity, type UiChange, type WebviewMessage } from '../../shared/protocol';
import { chatSettings, models, update } from '../config';
import { revealHidden } from '../../shared/hidden';

export interface ChatViewDeps {
  /* Callbacks may be filled in after construction (a subclass needs `this`). */
  extensionUri: vscode.Uri;
  panelState(): Promise<PanelState>;
  /** Handle a validated message that is not purely about rendering. */
  onMessage(msg: WebviewMessage): void | Promise<void>;
  draft(): string;
  /** Attachments waiting in the composer (a recreated webview shows what the host will send). */
  attachments?(): AttachmentView[];
  /** The webview (re)connected and has the conversation. */
  onReady?(): void;
  /** The view is being created (load what it shows, lazily). */
  onResolve?(): void;
  log?: { warn(msg: string): void };
}

/**
 * The chat UI in a webview (the sidebar view, or an editor tab for remote agent runs): HTML with
 * a strict CSP, validated messages both ways, and the SessionView that streams turns into it.
 */
export class ChatWebview implements SessionView, vscode.Disposable {
  protected webview: vscode.Webview | undefined;
  protected ready = false;
  private readonly pending = new Map<string, UiChange[]>();
  private flushScheduled = false;
  private keyMessage: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  session: ChatSession | undefined;
  /** Resolves when the webview has sent `ready` (tests and commands wait on it). */
  private readyWaiters: Array<() => void> = [];

  constructor(protected readonly deps: ChatViewDeps) {}

  /** Host the chat UI in a webview (a view or a panel). */
  protected attach(webview: vscode.Webview): void {
    this.deps.onResolve?.();
    this.webview = webview;
    this.ready = false;
    const root = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview');
    webview.options = { enableScripts: true, localResourceRoots: [root], enableCommandUris: false };
    webview.html = this.html(webview, root);
    this.disposables.push(webview.onDidReceiveMessage((raw) => this.receive(raw)));
  }

  protected detach(): void {
    this.webview = undefined;
    this.ready = false;
  }

  private html(webview: vscode.Webview, root: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const uri = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, f)).toString();
    const csp = [
      `default-src 'none'`,
      `img-src ${webview.cspSource} data:`,
      `font-src ${webview.cspSource}`,
      `style-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
      `frame-src 'none'`,
      `connect-src 'none'`,
      `form-action 'none'`,
      `base-uri 'none'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uri('codicon.css')}">
<link rel="stylesheet" href="${uri('chat.css')}">
<title>Gemini</title>
</head>
<body>
<div id="app">
  <div class="topbar">
    <button id="new-chat" class="icon-btn" title="New chat" aria-label="New chat"><i class="codicon codicon-add" aria-hidden="true"></i></button>
    <button id="history" class="icon-btn" title="Chat history" aria-label="Chat history"><i class="codicon codicon-history" aria-hidden="true"></i></button>
    <span class="spacer"></span>
  </div>
  <div id="banner" role="status" hidden></div>
  <div id="run-header" role="region" aria-label="Remote agent run" hidden></div>
  <div id="key-screen" hidden>
    <h2>Set your Gemini API key</h2>
    <p id="key-message"></p>
    <button id="set-key" class="primary-btn">Set API Key</button>
  </div>
  <div id="log" role="log" aria-label="Conversation" aria-live="polite" tabindex="0">
  </div>
  <div id="empty">Ask Gemini about your code. Attach files with <i class="codicon codicon-attach"></i>, press Enter to send, Shift+Enter for a new line.</div>
  <div id="toast" role="alert" hidden></div>
  <form id="composer" onsubmit="return false">
    <div id="attachments" hidden></div>
    <div id="edit-hint" hidden>Editing the last message. <button type="button" id="cancel-edit" class="text-btn">Cancel</button></div>
    <textarea id="input" rows="2" aria-label="Message" placeholder="Ask Gemini… (Enter to send, Shift+Enter for a new line)"></textarea>
    <div class="toolbar">
      <span id="attach-wrap">
        <button type="button" id="attach" class="icon-btn" title="Attach" aria-label="Attach" aria-haspopup="menu"><i class="codicon codicon-attach" aria-hidden="true"></i></button>
        <span id="attach-menu" role="menu" hidden>
          <button type="button" role="menuitem" data-kind="activeFile">Active file</button>
          <button type="button" role="menuitem" data-kind="selection">Selection</button>
          <button type="button" role="menuitem" data-kind="workspaceFile">Workspace file…</button>
          <button type="button" role="menuitem" data-kind="picker">Image or document…</button>
        </span>
      </span>
      <select id="model" aria-label="Model" title="Model"></select>
      <select id="thinking" aria-label="Thinking level" title="Thinking level">
        <option value="default">Thinking: default</option>
        <option value="minimal">Thinking: minimal</option>
        <option value="low">Thinking: low</option>
        <option value="medium">Thinking: medium</option>
        <option value="high">Thinking: high</option>
      </select>
      <button type="button" id="toggle-googleSearch" class="icon-btn toggle" title="Google Search" aria-label="Google Search" aria-pressed="false"><i class="codicon codicon-search" aria-hidden="true"></i></button>
      <button type="button" id="toggle-urlContext" class="icon-btn toggle" title="URL context" aria-label="URL context" aria-pressed="false"><i class="codicon codicon-link" aria-hidden="true"></i></button>
      <button type="button" id="toggle-codeExecution" class="icon-btn toggle" title="Code execution" aria-label="Code execution" aria-pressed="false"><i class="codicon codicon-terminal" aria-hidden="true"></i></button>
      <span class="spacer"></span>
      <button type="button" id="run-remote" class="icon-btn" title="Run remotely on an agent" aria-label="Run remotely"><i class="codicon codicon-cloud-upload" aria-hidden="true"></i></button>
      <button type="button" id="stop" hidden aria-label="Stop">Stop</button>
      <button type="button" id="send" aria-label="Send">Send</button>
    </div>
  </form>
</div>
<script nonce="${nonce}" src="${uri('chat.js')}"></script>
</body>
</html>`;
  }

  private async receive(raw: unknown): Promise<void> {
    const msg = parseWebviewMessage(raw);
    if (!msg) {
      // Invalid or forged: no effect, and a line in the log (the type only, never the content).
      const type = raw && typeof raw === 'object' && typeof (raw as { type?: unknown }).type === 'string' ? (raw as { type: string }).type.slice(0, 40) : typeof raw;
      this.deps.log?.warn(`Ignored an invalid message from the chat webview (type ${JSON.stringify(type)}).`);
      return;
    }
    if (msg.type === 'ready') {
      await this.sendInit();
      return;
    }
    switch (msg.type) {
      case 'setModel':
        return this.writeSetting('model', msg.model);
      case 'setThinking':
        return this.writeSetting('thinkingLevel', msg.level);
      case 'setToggle':
        return this.writeSetting({ googleSearch: 'tools.googleSearch', urlContext: 'tools.urlContext', codeExecution: 'tools.codeExecution' }[msg.name], msg.value);
      case 'openLink':
        return this.openLink(msg.url);
    }
    // A message sent right after a picker change (pick a model, press Enter) must see it.
    await this.settingsWritten;
    switch (msg.type) {
      // The same in the chat view and in a run tab.
      case 'retry':
        await this.session?.retry();
        return;
      case 'resume':
        await this.session?.resume(msg.turnId);
        return;
      case 'setKey':
        await vscode.commands.executeCommand('gemini.setApiKey');
        return;
      default:
        await this.deps.onMessage(msg);
    }
  }

  /** Composer setting changes, written one after another in the order they were made. */
  private settingsWritten: Promise<void> = Promise.resolve();

  private writeSetting(key: string, value: unknown): Promise<void> {
    const written = this.settingsWritten
      .then(() => update(key, value))
      .catch((err: unknown) => {
        void vscode.window.showErrorMessage(`Gemini: could not save the setting “gemini.${key}”: ${err instanceof Error ? err.message : String(err)}`);
      })
      .then(() => this.refreshState());
    // One failure must not hold up the messages queued behind it.
    this.settingsWritten = written.catch(() => undefined);
    return written;
  }

  /** A link clicked in model output: opened only after the user confirms, showing where it really goes. */
  private async openLink(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      void vscode.window.showWarningMessage('Gemini: that link is not a valid URL, so it was not opened.');
      return;
    }
    if (!(OPENABLE_SCHEMES as readonly string[]).includes(parsed.protocol)) {
      void vscode.window.showWarningMessage(`Gemini: links with the “${parsed.protocol}” scheme are not opened.`);
      return;
    }
    const where = parsed.protocol === 'mailto:' ? `an e-mail to ${parsed.pathname}` : parsed.host;
    const choice = await vscode.window.showInformationMessage(`Open ${where}?`, { modal: true, detail: `The answer links to:\n${revealHidden(parsed.href, { spaces: true })}` }, 'Open Link');
    if (choice !== 'Open Link') return;
    await vscode.env.openExternal(vscode.Uri.parse(parsed.href, true));
  }

  private async sendInit(): Promise<void> {
    this.ready = true;
    const state = await this.state();
    this.post({ type: 'init', state, conversation: conversationView(this.session?.data), draft: this.deps.draft(), attachments: this.deps.attachments?.() ?? [] });
    for (const w of this.readyWaiters.splice(0)) w();
    this.deps.onReady?.();
  }

  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  private async state(): Promise<PanelState> {
    const s = await this.deps.panelState();
    // The API rejected the key: back to the key screen until the key changes.
    if (this.keyMessage) {
      s.hasKey = false;
      s.keyMessage = this.keyMessage;
    }
    return s;
  }

  /** The stored key changed: forget an earlier rejection. */
  keyChanged(): void {
    this.keyMessage = undefined;
    void this.refreshState();
  }

  async refreshState(): Promise<void> {
    if (!this.ready) return;
    this.post({ type: 'state', state: await this.state() });
  }

  post(msg: HostMessage): void {
    if (!this.webview || !this.ready) return;
    void this.webview.postMessage(msg);
  }

  /** Show the UI (and wait until the webview is ready). */
  async reveal(focusInput = true): Promise<void> {
    await this.whenReady();
    if (focusInput) this.post({ type: 'focus' });
  }

  // ---------------------------------------------------------------- SessionView

  conversationLoaded(data: ConversationData): void {
    this.post({ type: 'conversation', conversation: conversationView(data) });
  }

  showConversation(data: ConversationData | undefined): void {
    this.post({ type: 'conversation', conversation: conversationView(data) });
  }

  turnStarted(turn: TurnRecord): void {
    this.flush();
    this.post({ type: 'turnStart', turn: turnView(turn) });
  }

  turnChanges(turnId: string, changes: StepChange[], steps: Step[]): void {
    const ui = presentChanges(changes, steps);
    if (!ui.length) return;
    const list = this.pending.get(turnId);
    if (list) list.push(...ui);
    else this.pending.set(turnId, ui);
    // One post per network read: setImmediate runs after the events of the current chunk.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const [turnId, changes] of this.pending) this.post({ type: 'turnChanges', turnId, changes: mergeText(changes) });
    this.pending.clear();
  }

  turnEnded(turn: TurnRecord): void {
    this.flush();
    this.post({ type: 'turnEnd', turnId: turn.id, state: turn.state, error: errorView(turn), usage: usageView(turn.usage), undo: turn.undo });
  }

  notice(turnId: string, text: string, kind: 'retry' | 'resume' | 'info'): void {
    this.flush();
    this.post({ type: 'notice', turnId, text, kind });
  }

  tool(turnId: string, activity: ToolActivity): void {
    this.flush();
    this.post({ type: 'tool', turnId, activity });
  }

  toolOutput(turnId: string, callId: string, text: string): void {
    this.post({ type: 'toolOutput', turnId, callId, text });
  }

  busy(): void {
    void this.refreshState();
  }

  authRequired(message: string): void {
    this.keyMessage = message;
    void this.refreshState();
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

/** The sidebar chat view. */
export class ChatView extends ChatWebview implements vscode.WebviewViewProvider {
  static readonly viewType = 'gemini.chat';
  private view: vscode.WebviewView | undefined;

  get visible(): boolean {
    return this.view?.visible === true;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.attach(view.webview);
    view.onDidDispose(() => {
      this.view = undefined;
      this.detach();
    });
  }

  override async reveal(focusInput = true): Promise<void> {
    await vscode.commands.executeCommand('gemini.chat.focus');
    await super.reveal(focusInput);
  }
}

function mergeText(changes: UiChange[]): UiChange[] {
  const out: UiChange[] = [];
  for (const c of changes) {
    const prev = out[out.length - 1];
    if (c.k === 'text' && prev && prev.k === 'text' && prev.s === c.s && prev.c === c.c) prev.t += c.t;
    else if (c.k === 'thought' && prev && prev.k === 'thought' && prev.s === c.s) prev.t += c.t;
    else out.push(c.k === 'text' || c.k === 'thought' ? { ...c } : c);
  }
  return out;
}

export function currentSettingsView() {
  const s = chatSettings();
  return { models: models(), model: s.model, thinkingLevel: s.thinkingLevel, googleSearch: s.googleSearch, urlContext: s.urlContext, codeExecution: s.codeExecution, mode: s.mode };
}
