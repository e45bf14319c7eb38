/**
 * A remote agent run in an editor tab, rendered exactly like the chat (same webview, same
 * session and journal), streaming live while it runs; follow-ups continue the same run.
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import type { StepChange } from '../../core/conversation/accumulator';
import { TurnEngine } from '../../core/conversation/engine';
import type { ConversationStore, TurnRecord } from '../../core/conversation/journal';
import { ChatSession, type SessionView } from '../../core/conversation/session';
import { FINISHED, toRunStatus, type RunRecord, type RunStore, type RunWatcher } from '../../core/agents/runs';
import type { Content } from '../../core/protocol/types';
import type { PanelState, WebviewMessage } from '../../shared/protocol';
import type { ApiClientProvider } from '../api';
import { ChatWebview, currentSettingsView } from '../chat/chatView';
import { chatSettings } from '../config';
import type { ApiKeyStore } from '../keys';

export interface RunPanelDeps {
  extensionUri: vscode.Uri;
  store: RunStore;
  watcher: RunWatcher;
  conversations: ConversationStore;
  api: ApiClientProvider;
  keys: ApiKeyStore;
  log: { warn(msg: string): void };
  cancel(runId: string): Promise<void>;
  review(runId: string): Promise<void>;
}

export class RunPanel extends ChatWebview {
  readonly panel: vscode.WebviewPanel;
  declare session: ChatSession;
  private readonly subs: vscode.Disposable[] = [];
  private closed = false;

  constructor(
    readonly runId: string,
    private readonly runDeps: RunPanelDeps,
    onClose: () => void,
    /** A tab VS Code restored after a reload (see the serializer in agents.ts). */
    restored?: vscode.WebviewPanel,
  ) {
    const run = runDeps.store.get(runId)!;
    // The webview's callbacks need `this`, which exists only after super(): fill them in below.
    const hooks: ConstructorParameters<typeof ChatWebview>[0] = { extensionUri: runDeps.extensionUri, log: runDeps.log, panelState: async () => { throw new Error('not ready'); }, onMessage: () => undefined, draft: () => '' };
    super(hooks);
    hooks.panelState = () => this.runState();
    hooks.onMessage = (m) => this.onRunMessage(m);
    hooks.onReady = () => {
      if (this.session.data) this.resumeIfInterrupted();
    };
    this.panel = restored ?? vscode.window.createWebviewPanel('gemini.run', `Agent: ${short(run.task)}`, vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(runDeps.extensionUri, 'dist', 'webview')] });
    this.panel.title = `Agent: ${short(run.task)}`;
    this.panel.iconPath = new vscode.ThemeIcon('cloud');
    const view = this as ChatWebview;
    // Everything the session shows also updates the shared run status.
    const sessionView: SessionView = {
      conversationLoaded: (d) => view.conversationLoaded(d),
      turnStarted: (t) => {
        view.turnStarted(t);
        runDeps.watcher.setStreaming(runId, true);
      },
      turnChanges: (id, changes, steps) => {
        view.turnChanges(id, changes, steps);
        this.trackStatus(changes);
      },
      turnEnded: (t) => {
        view.turnEnded(t);
        this.onTurnEnded(t);
      },
      notice: (id, text, kind) => view.notice(id, text, kind),
      busy: () => view.busy(),
      authRequired: (m) => view.authRequired(m),
    };
    this.session = new ChatSession({
      engine: () => new TurnEngine(runDeps.api.get(), undefined),
      store: runDeps.conversations,
      view: sessionView,
      settings: () => ({ ...chatSettings(), mode: 'stateful' }),
      tools: () => ({ declarations: [], runner: undefined }),
      newId: () => randomUUID().replace(/-/g, '').slice(0, 20),
      turnSettings: () => {
        const r = runDeps.store.get(runId)!;
        return {
          agent: r.agent,
          agentConfig: r.budget ? { type: 'antigravity', max_total_tokens: String(r.budget) } : undefined,
          environment: r.environmentId,
          background: true,
          mode: 'stateful',
          tools: [],
          maxSteps: 1000,
        };
      },
    });
    if (run.conversationId) this.session.open(run.conversationId);
    this.attach(this.panel.webview);
    this.subs.push(
      this.panel.onDidDispose(() => {
        this.closed = true;
        this.session.suspend();
        runDeps.watcher.setOpen(runId, false);
        runDeps.watcher.setStreaming(runId, false);
        this.detach();
        this.dispose();
        onClose();
      }),
      this.panel.onDidChangeViewState((e) => runDeps.watcher.setOpen(runId, e.webviewPanel.visible)),
    );
    runDeps.watcher.setOpen(runId, true);
  }

  private runState(): Promise<PanelState> {
    const run = this.runDeps.store.get(this.runId);
    return this.runDeps.keys.has().then((hasKey) => ({
      kind: 'run',
      hasKey,
      toolsEnabled: true,
      busy: this.session.busy,
      settings: currentSettingsView(),
      run: run
        ? {
            id: run.id,
            agent: run.agent,
            status: run.status,
            environmentId: run.environmentId,
            tokens: run.tokens,
            error: run.error,
            canCancel: !FINISHED.has(run.status) && !!run.lastInteractionId,
            canReview: !!run.environmentId && !!run.snapshotPath && FINISHED.has(run.status),
          }
        : undefined,
    }));
  }

  /** The run's status changed elsewhere (watcher, another window): refresh the header. */
  refresh(): void {
    void this.refreshState();
  }

  private trackStatus(changes: StepChange[]): void {
    for (const c of changes) {
      if (c.kind !== 'status') continue;
      const run = this.runDeps.store.get(this.runId);
      if (!run) return;
      const status = toRunStatus(c.status);
      const patch: Partial<RunRecord> = {};
      if (c.interactionId && c.interactionId !== run.lastInteractionId) patch.lastInteractionId = c.interactionId;
      if (c.interactionId && !run.interactionId) patch.interactionId = c.interactionId;
      // Final statuses are recorded when the turn ends, together with the error and usage.
      if (status !== 'unknown' && !FINISHED.has(status) && status !== run.status) patch.status = status;
      if (c.usage?.total_tokens !== undefined && c.usage.total_tokens !== run.tokens) patch.tokens = c.usage.total_tokens;
      if (Object.keys(patch).length) this.runDeps.store.update(this.runId, patch);
    }
  }

  private onTurnEnded(t: TurnRecord): void {
    this.runDeps.watcher.setStreaming(this.runId, false);
    if (this.closed) return;
    const run = this.runDeps.store.get(this.runId);
    if (!run) return;
    const patch: Partial<RunRecord> = { conversationId: this.session.conversationId };
    const status = t.state === 'stopped' ? (run.status === 'cancelled' ? 'cancelled' : run.status) : toRunStatus(t.state === 'error' ? 'failed' : t.state);
    if (t.state !== 'stopped' && status !== 'unknown') patch.status = status;
    if (t.error) patch.error = t.error.message;
    if (t.usage?.total_tokens !== undefined) patch.tokens = t.usage.total_tokens;
    const last = t.interactionIds[t.interactionIds.length - 1];
    if (last) patch.lastInteractionId = last;
    this.runDeps.store.update(this.runId, patch);
  }

  private resumeIfInterrupted(): void {
    const last = this.session.data?.turns[this.session.data.turns.length - 1];
    if (last?.state === 'interrupted' && last.resume && !this.session.busy) void this.session.resume(last.id);
  }

  /** Send the task (launch) or a follow-up. */
  async send(text: string): Promise<void> {
    const input: Content[] = [{ type: 'text', text }];
    const done = this.session.send(input);
    // The conversation exists as soon as the turn starts.
    this.runDeps.store.update(this.runId, { conversationId: this.session.conversationId });
    await done;
  }

  private async onRunMessage(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'send': {
        const run = this.runDeps.store.get(this.runId);
        if (run && !FINISHED.has(run.status) && run.status !== 'requires_action') {
          this.post({ type: 'toast', text: 'The agent is still working; send the follow-up when this run has finished.', kind: 'info' });
          this.post({ type: 'draft', text: m.text });
          return;
        }
        await this.send(m.text);
        return;
      }
      case 'stop':
      case 'runAction':
        if (m.type === 'stop' || m.action === 'cancel') await this.runDeps.cancel(this.runId);
        else await this.runDeps.review(this.runId);
        return;
      default:
        return;
    }
  }

  /** Stop streaming here (the caller cancels on the server). */
  stopStreaming(): void {
    this.session.stop();
  }

  revealPanel(): void {
    this.panel.reveal();
  }

  override async reveal(focusInput = true): Promise<void> {
    this.panel.reveal();
    await super.reveal(focusInput);
  }

  override dispose(): void {
    this.subs.forEach((d) => d.dispose());
    super.dispose();
  }
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 40 ? `${one.slice(0, 37)}…` : one;
}
