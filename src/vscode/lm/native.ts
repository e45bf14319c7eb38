/**
 * Gemini in VS Code's own AI surfaces: the model picker / LM API (a language model provider) and
 * `@gemini` in the Chat view. Registered only while VS Code's own AI features are on (the user's
 * "chat.disableAIFeatures"): registering them in a workbench whose chat is off offers nothing,
 * and VS Code may answer with its chat setup.
 */
import * as vscode from 'vscode';
import { GeminiChatProvider, LM_VENDOR } from './provider';
import { GeminiParticipant } from './participant';

export class NativeChat implements vscode.Disposable {
  private registered: vscode.Disposable | undefined;
  private readonly watch: vscode.Disposable;

  constructor(private readonly make: () => { provider: GeminiChatProvider; participant: GeminiParticipant }) {
    this.sync();
    this.watch = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('chat.disableAIFeatures')) this.sync();
    });
  }

  private sync(): void {
    const off = vscode.workspace.getConfiguration('chat').get<boolean>('disableAIFeatures', false);
    if (off) {
      this.registered?.dispose();
      this.registered = undefined;
    } else if (!this.registered) {
      const { provider, participant } = this.make();
      this.registered = vscode.Disposable.from(provider, participant, vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, provider));
    }
  }

  dispose(): void {
    this.watch.dispose();
    this.registered?.dispose();
  }
}
