/** The sidebar chat view: a WebviewViewProvider that holds the chat's webview host. */
import * as vscode from 'vscode';
import { WebviewHost, type WebviewHostDeps } from '../webview/host';

export class ChatView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'gemini.chat';
  readonly host: WebviewHost;
  private view: vscode.WebviewView | undefined;

  constructor(deps: WebviewHostDeps) {
    this.host = new WebviewHost(deps);
  }

  get visible(): boolean {
    return this.view?.visible === true;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.host.attach(view.webview);
    view.onDidDispose(() => {
      this.view = undefined;
      this.host.detach();
    });
  }

  /** Show the view (and wait until its webview is ready); optionally focus the composer. */
  async reveal(focusInput = true): Promise<void> {
    await vscode.commands.executeCommand('gemini.chat.focus');
    await this.host.whenReady();
    if (focusInput) this.host.post({ type: 'focus' });
  }

  dispose(): void {
    this.host.dispose();
  }
}
