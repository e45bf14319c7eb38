/**
 * A remote agent run in an editor tab, rendered exactly like the chat (the same webview host,
 * session and journal), streaming live while it runs; follow-ups continue the same run. Its
 * buttons do what the same buttons do in the chat; composer-only controls are declined.
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import type { StepChange } from '../../core/conversation/accumulator';
import { TurnEngine } from '../../core/conversation/engine';
import type { ConversationStore, TurnRecord } from '../../core/conversation/journal';
import { ChatSession } from '../../core/conversation/session';
import { FINISHED, toRunStatus, type RunRecord, type RunStore, type RunWatcher } from '../../core/agents/runs';
import type { Content } from '../../core/protocol/types';
import type { PanelState } from '../../shared/protocol';
import type { ApiClientProvider } from '../api';
import { settingsView } from '../chat/controller';
import { defaultChatSettings } from '../config';
import type { ApiKeyStore } from '../keys';
import type { Log } from '../log';
import { ContentActions } from '../webview/content';
import { decline, WebviewHost, type MessageHandlers } from '../webview/host';
import { SessionPresenter } from '../webview/presenter';
import { l10n } from '../../shared/l10n';

export interface RunPanelDeps {
  extensionUri: vscode.Uri;
  storageDir: string;
  store: RunStore;
  watcher: RunWatcher;
  conversations: ConversationStore;
  api: ApiClientProvider;
  keys: ApiKeyStore;
  log: Log;
  cancel(runId: string): Promise<void>;
  review(runId: string): Promise<void>;
  /** The secret variables for the run's environment (a saved agent's, held in memory for this window). */
  launchEnv?(runId: string): Record<string, string> | undefined;
}

const NOT_IN_RUNS = l10n.t('That is a chat control; a remote run is steered by follow-up messages.');

export class RunPanel implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  readonly host: WebviewHost;
  readonly session: ChatSession;
  private readonly presenter: SessionPresenter;
  private readonly content: ContentActions;
  private readonly subs: vscode.Disposable[] = [];
  private closed = false;

  constructor(
    readonly runId: string,
    private readonly deps: RunPanelDeps,
    onClose: () => void,
    /** A tab VS Code restored after a reload (see the serializer in agents.ts). */
    restored?: vscode.WebviewPanel,
  ) {
    const run = deps.store.get(runId)!;
    this.host = new WebviewHost({
      extensionUri: deps.extensionUri,
      log: deps.log,
      handlers: this.handlers(),
      panelState: () => this.runState(),
      init: () => ({ conversation: this.presenter.initialView(this.session.data), draft: '', attachments: [] }),
      onReady: () => {
        if (this.session.data) this.resumeIfInterrupted();
      },
    });
    this.content = new ContentActions(deps.storageDir, deps.log, (t, k) => this.host.toast(t, k));
    this.presenter = new SessionPresenter(this.host, {
      turnStarted: () => {
        // The conversation exists once its first turn started (sending may first wait, e.g. for a full disk).
        if (this.session.conversationId && deps.store.get(runId)?.conversationId !== this.session.conversationId)
          deps.store.update(runId, { conversationId: this.session.conversationId });
        this.streaming(true);
      },
      turnResumed: () => this.streaming(true),
      turnChanges: (_id, changes) => this.trackStatus(changes),
      turnEnded: (t) => {
        this.streaming(false);
        this.onTurnEnded(t);
      },
    });
    this.panel =
      restored ??
      vscode.window.createWebviewPanel('gemini.run', l10n.t('Agent: {0}', short(run.task)), vscode.ViewColumn.Active, {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview')],
      });
    this.panel.title = l10n.t('Agent: {0}', short(run.task));
    this.panel.iconPath = new vscode.ThemeIcon('cloud');
    this.session = new ChatSession({
      engine: () => new TurnEngine(deps.api.get(), undefined),
      store: deps.conversations,
      view: this.presenter,
      settings: () => ({ ...defaultChatSettings(), mode: 'stateful' }),
      tools: () => ({ declarations: [], runner: undefined }),
      newId: () => randomUUID().replace(/-/g, '').slice(0, 20),
      turnSettings: () => {
        const r = deps.store.get(runId)!;
        const env = deps.launchEnv?.(runId);
        return {
          agent: r.agent,
          agentConfig: r.budget ? { type: 'antigravity', max_total_tokens: String(r.budget) } : undefined,
          // A saved agent's secret variables go with the run's environment, never with the agent: on
          // the snapshot's environment, or (a run without files) with the first turn, whose
          // environment the follow-ups continue.
          environment: env && r.environmentId ? { type: 'remote', environment_id: r.environmentId, env } : env && !r.interactionId ? { type: 'remote', env } : r.environmentId,
          background: true,
          mode: 'stateful',
          tools: [],
          maxSteps: 1000,
        };
      },
    });
    if (run.conversationId) this.session.open(run.conversationId);
    this.host.attach(this.panel.webview);
    this.subs.push(
      this.panel.onDidDispose(() => {
        this.closed = true;
        this.stopFollowing();
        if (this.renew) clearInterval(this.renew);
        // Closing the tab never cancels the run: the stream is dropped, the run goes on, the watcher follows it.
        this.session.suspend();
        deps.watcher.setOpen(runId, false);
        deps.watcher.setStreaming(runId, false);
        this.host.detach();
        this.dispose();
        onClose();
      }),
      this.panel.onDidChangeViewState((e) => deps.watcher.setOpen(runId, e.webviewPanel.visible)),
    );
    deps.watcher.setOpen(runId, true);
  }

  /** Every message the webview can send: run controls, the shared content buttons; chat-only ones declined. */
  private handlers(): MessageHandlers {
    return {
      send: (m) => this.followUp(m.text),
      setPlan: decline(NOT_IN_RUNS),
      planAction: decline(NOT_IN_RUNS),
      setResearch: decline(NOT_IN_RUNS),
      researchAction: decline(NOT_IN_RUNS),
      // A run works on its environment's files: mentions are not completed here.
      mentionQuery: (m) => this.host.post({ type: 'mentionCandidates', seq: m.seq, items: [] }),
      stop: () => this.deps.cancel(this.runId),
      runAction: (m) => (m.action === 'cancel' ? this.deps.cancel(this.runId) : this.deps.review(this.runId)),
      retry: () => this.session.retry(),
      resume: (m) => this.session.resume(m.turnId),
      resendLocal: decline(l10n.t('A remote run continues on the server; there is no local history to resend.')),
      editLast: (m) =>
        this.finished() ? this.session.editLast(m.text) : this.host.toast(l10n.t('The agent is still working; edit the follow-up when this run has finished.'), 'info'),
      setKey: () => vscode.commands.executeCommand('gemini.setApiKey'),
      codeAction: (m) => this.content.codeBlock(m.action, m.code, m.language),
      openLink: (m) => this.content.openLink(m.url),
      image: (m) => this.content.image(this.session, m.action, m.turnId, m.step, m.content),
      draft: () => undefined, // the follow-up draft lives in the tab's webview state
      newChat: decline(NOT_IN_RUNS),
      setModel: decline(NOT_IN_RUNS),
      setThinking: decline(NOT_IN_RUNS),
      setToggle: decline(NOT_IN_RUNS),
      attach: decline(l10n.t('Remote runs work on the environment’s files; attachments are not sent to them.')),
      attachData: decline(l10n.t('Remote runs work on the environment’s files; attachments are not sent to them.')),
      previewAttachment: decline(l10n.t('Remote runs work on the environment’s files; attachments are not sent to them.')),
      removeAttachment: decline(NOT_IN_RUNS),
      attachmentOptions: decline(NOT_IN_RUNS),
      approval: decline(l10n.t('Remote runs have no local tools to approve.')),
      undoTurn: decline(l10n.t('Remote runs change the environment, not your files; use Review Changes.')),
      runRemote: decline(NOT_IN_RUNS),
      showHistory: decline(NOT_IN_RUNS),
      chooseTools: decline(NOT_IN_RUNS),
      queue: decline(NOT_IN_RUNS),
      queueAction: decline(NOT_IN_RUNS),
      openInstruction: decline(NOT_IN_RUNS),
      openSkill: decline(NOT_IN_RUNS),
      setMode: decline(NOT_IN_RUNS),
      setGeneration: decline(NOT_IN_RUNS),
    };
  }

  private finished(): boolean {
    const run = this.deps.store.get(this.runId);
    return !run || FINISHED.has(run.status) || run.status === 'requires_action';
  }

  private async runState(): Promise<PanelState> {
    const run = this.deps.store.get(this.runId);
    return {
      kind: 'run',
      hasKey: await this.deps.keys.has(),
      toolsEnabled: true,
      busy: this.session.busy,
      settings: settingsView(this.session),
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
    };
  }

  /** The run's status changed elsewhere (watcher, another window): refresh the header. */
  refresh(): void {
    void this.host.refreshState();
  }

  private trackStatus(changes: StepChange[]): void {
    for (const c of changes) {
      if (c.kind !== 'status') continue;
      const run = this.deps.store.get(this.runId);
      if (!run) return;
      const status = toRunStatus(c.status);
      const patch: Partial<RunRecord> = {};
      if (c.interactionId && c.interactionId !== run.lastInteractionId) patch.lastInteractionId = c.interactionId;
      if (c.interactionId && !run.interactionId) patch.interactionId = c.interactionId;
      // Final statuses are recorded when the turn ends, together with the error and usage.
      if (status !== 'unknown' && !FINISHED.has(status) && status !== run.status) patch.status = status;
      if (c.usage?.total_tokens !== undefined && c.usage.total_tokens !== run.tokens) patch.tokens = c.usage.total_tokens;
      if (Object.keys(patch).length) this.deps.store.update(this.runId, patch);
    }
  }

  private onTurnEnded(t: TurnRecord): void {
    this.deps.watcher.setStreaming(this.runId, false);
    if (this.closed) return;
    const run = this.deps.store.get(this.runId);
    if (!run) return;
    const patch: Partial<RunRecord> = { conversationId: this.session.conversationId };
    const status = t.state === 'stopped' ? (run.status === 'cancelled' ? 'cancelled' : run.status) : toRunStatus(t.state === 'error' ? 'failed' : t.state);
    if (t.state !== 'stopped' && status !== 'unknown') patch.status = status;
    if (t.error) patch.error = t.error.message;
    if (t.usage?.total_tokens !== undefined) patch.tokens = t.usage.total_tokens;
    const last = t.interactionIds[t.interactionIds.length - 1];
    if (last) patch.lastInteractionId = last;
    this.deps.store.update(this.runId, patch);
  }

  /** Streaming marks the run (no poll meanwhile) and keeps this window's lease fresh. */
  private streaming(on: boolean): void {
    this.deps.watcher.setStreaming(this.runId, on);
    if (this.renew) clearInterval(this.renew);
    this.renew = on ? setInterval(() => this.deps.watcher.owns(this.runId), 5000) : undefined;
  }
  private renew: ReturnType<typeof setInterval> | undefined;
  private follow: ReturnType<typeof setInterval> | undefined;

  /**
   * Continue an interrupted answer (a reload, an outage) from its last event, if this window
   * works the run; otherwise follow what the window that does writes.
   */
  private resumeIfInterrupted(): void {
    const last = this.session.data?.turns[this.session.data.turns.length - 1];
    if (!(last?.state === 'interrupted' && last.resume) || this.session.busy || this.closed) return;
    if (this.deps.watcher.owns(this.runId)) {
      this.stopFollowing();
      void this.session.resume(last.id);
    } else this.startFollowing();
  }

  /** The server answers a poll again: an answer cut by the outage is fetched to its end. */
  reachable(): void {
    this.resumeIfInterrupted();
  }

  /** Another window streams this run: show what it writes to the run's journal. */
  private startFollowing(): void {
    if (this.follow) return;
    let seen = this.session.conversationId ? this.deps.conversations.mtime(this.session.conversationId) : undefined;
    this.follow = setInterval(() => {
      const id = this.session.conversationId ?? this.deps.store.get(this.runId)?.conversationId;
      if (!id || this.session.busy) return;
      const m = this.deps.conversations.mtime(id);
      if (m !== undefined && m !== seen) {
        seen = m;
        this.session.open(id);
      }
      const run = this.deps.store.get(this.runId);
      if (!run || FINISHED.has(run.status)) this.stopFollowing();
      else if (this.deps.watcher.owns(this.runId)) this.resumeIfInterrupted(); // the other window let go
    }, 2000);
  }

  private stopFollowing(): void {
    if (this.follow) clearInterval(this.follow);
    this.follow = undefined;
  }

  private async followUp(text: string): Promise<void> {
    if (!this.finished()) {
      this.host.toast(l10n.t('The agent is still working; send the follow-up when this run has finished.'), 'info');
      this.host.post({ type: 'draft', text });
      return;
    }
    await this.send(text);
  }

  /** Send the task (launch) or a follow-up. */
  async send(text: string): Promise<void> {
    if (!this.deps.watcher.owns(this.runId)) {
      this.host.toast(l10n.t('Another VS Code window is following this run; send the follow-up from there (or close that window).'), 'info');
      this.host.post({ type: 'draft', text });
      return;
    }
    const input: Content[] = [{ type: 'text', text }];
    // The run learns its conversation when the turn starts (see turnStarted).
    await this.session.send(input);
  }

  whenReady(): Promise<void> {
    return this.host.whenReady();
  }

  /** Stop streaming here (the caller cancels on the server). */
  stopStreaming(): void {
    this.session.stop();
  }

  revealPanel(): void {
    this.panel.reveal();
  }

  async reveal(focusInput = true): Promise<void> {
    this.panel.reveal();
    await this.host.whenReady();
    if (focusInput) this.host.post({ type: 'focus' });
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
    this.host.dispose();
  }
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 40 ? `${one.slice(0, 37)}…` : one;
}
