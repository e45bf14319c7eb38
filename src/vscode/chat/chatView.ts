/** Where a conversation is shown: the sidebar chat view, or a chat editor tab. Each holds one webview host. */
import * as vscode from 'vscode';
import { WebviewHost, type WebviewHostDeps } from '../webview/host';

/** What a conversation needs from the place it is shown in. */
export interface ChatSurface extends vscode.Disposable {
  readonly host: WebviewHost;
  /** On screen now. */
  readonly visible: boolean;
  /** It came on screen or went off it. */
  readonly onDidChangeVisibility: vscode.Event<void>;
  /** Show it (and wait until its webview is ready); optionally focus the composer. */
  reveal(focusInput?: boolean): Promise<void>;
}

/** The sidebar chat view: a WebviewViewProvider that holds the chat's webview host. */
export class ChatView implements vscode.WebviewViewProvider, ChatSurface {
  static readonly viewType = 'gemini.chat';
  readonly host: WebviewHost;
  private view: vscode.WebviewView | undefined;
  private readonly visibility = new vscode.EventEmitter<void>();
  readonly onDidChangeVisibility = this.visibility.event;

  constructor(deps: WebviewHostDeps) {
    // Off screen, a view keeps no webview content (no retainContextWhenHidden): nothing is sent until it shows.
    this.host = new WebviewHost({ ...deps, hidden: () => !!this.view && !this.view.visible });
  }

  get visible(): boolean {
    return this.view?.visible === true;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.host.attach(view.webview);
    view.onDidChangeVisibility(() => {
      if (view.visible) this.host.shown();
      this.visibility.fire();
    });
    view.onDidDispose(() => {
      this.view = undefined;
      this.host.detach();
      this.visibility.fire();
    });
    this.visibility.fire();
  }

  async reveal(focusInput = true): Promise<void> {
    await vscode.commands.executeCommand('gemini.chat.focus');
    await this.host.whenReady();
    if (focusInput) this.host.post({ type: 'focus' });
  }

  dispose(): void {
    this.visibility.dispose();
    this.host.dispose();
  }
}

/** A conversation in an editor tab (a webview panel), beside the sidebar's. */
export class ChatTab implements ChatSurface {
  static readonly viewType = 'gemini.chatTab';
  readonly host: WebviewHost;
  private panel: vscode.WebviewPanel | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  private readonly visibility = new vscode.EventEmitter<void>();
  readonly onDidChangeVisibility = this.visibility.event;
  /** The user closed the tab (not fired when the window closes or reloads). */
  readonly onDidClose = this.closed.event;

  constructor(deps: WebviewHostDeps) {
    // A tab behind another keeps no webview content: nothing is sent until it shows.
    this.host = new WebviewHost({ ...deps, hidden: () => !!this.panel && !this.panel.visible });
  }

  get visible(): boolean {
    return this.panel?.visible === true;
  }

  /** Host the conversation in this panel (a new tab, or one VS Code restored after a reload). */
  attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.host.attach(panel.webview);
    this.subs.push(
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.host.shown();
        this.visibility.fire();
      }),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.host.detach();
        this.closed.fire();
      }),
    );
  }

  /** Close the tab (as the user would). */
  close(): void {
    this.panel?.dispose();
  }

  set title(t: string) {
    if (this.panel && this.panel.title !== t) this.panel.title = t;
  }

  async reveal(focusInput = true): Promise<void> {
    this.panel?.reveal(undefined, false);
    await this.host.whenReady();
    if (focusInput) this.host.post({ type: 'focus' });
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
    this.closed.dispose();
    this.visibility.dispose();
    this.host.dispose();
  }
}
