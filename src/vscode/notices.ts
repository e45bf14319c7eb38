/**
 * A notification that goes away when it no longer applies (VS Code cannot close a message shown
 * with showInformationMessage; a progress notification closes when its promise settles). It
 * stays until `applies()` turns false (checked each second), the user closes it, or an hour.
 */
import * as vscode from 'vscode';

export function transientNotice(text: string, applies: () => boolean): void {
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: text, cancellable: true }, (_progress, token) => {
    return new Promise<void>((resolve) => {
      const until = Date.now() + 3_600_000;
      const timer = setInterval(() => {
        if (!applies() || Date.now() > until) done();
      }, 1000);
      const sub = token.onCancellationRequested(() => done());
      function done(): void {
        clearInterval(timer);
        sub.dispose();
        resolve();
      }
    });
  });
}
