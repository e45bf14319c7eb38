/**
 * Remote agents: launch a managed agent on a code task with a snapshot of the workspace, watch
 * the run in the background, cancel or follow up, and bring the results home as a reviewable
 * diff (conflicts with local edits shown three-way, never overwritten silently).
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { collectChanges } from '../../core/agents/collect';
import { launchPrompt, prepareRun } from '../../core/agents/launch';
import type { ResultChange } from '../../core/agents/results';
import { Leases } from '../../core/lease';
import { FINISHED, RunStore, RunWatcher, toRunStatus, type RunRecord } from '../../core/agents/runs';
import { buildSnapshot } from '../../core/agents/snapshot';
import { ApiError } from '../../core/client/errors';
import { ConversationStore } from '../../core/conversation/journal';
import type { ApiClientProvider } from '../api';
import type { Command } from '../commands';
import { setting } from '../config';
import type { ApiKeyStore } from '../keys';
import type { Log } from '../log';
import { reviewAndApply, RunContents } from './review';
import { RunPanel } from './runPanel';
import { askLaunch, registerSnapshotLists } from './launchDialog';
import { RunsTree } from './runsTree';
import { l10n } from '../../shared/l10n';
import { errorText } from '../../shared/errorText';

export class RemoteAgents implements vscode.Disposable {
  readonly store: RunStore;
  readonly watcher: RunWatcher;
  private readonly leases: Leases;
  private readonly tree: RunsTree;
  private treeView: vscode.TreeView<RunRecord> | undefined;
  private readonly panels = new Map<string, RunPanel>();
  private readonly conversations: ConversationStore;
  private readonly dir: string;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly contents = new RunContents();
  private tick: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly api: ApiClientProvider,
    private readonly keys: ApiKeyStore,
    private readonly log: Log,
    secretEnv: (agent: string) => Promise<Record<string, string>> = () => Promise.resolve({}),
  ) {
    this.secretEnv = secretEnv;
    this.dir = join(context.globalStorageUri.fsPath, 'runs');
    this.store = new RunStore(join(this.dir, 'runs.json'));
    this.conversations = new ConversationStore(join(this.dir, 'conversations'));
    // One window works each run (streams or polls it); the others follow what it writes.
    this.leases = new Leases(join(this.dir, 'leases'), randomUUID(), 90_000);
    this.watcher = new RunWatcher(
      this.store,
      () => this.api.get(),
      undefined,
      this.leases,
      Math.random,
      (id) => this.panels.get(id)?.reachable(),
    );
    this.tree = new RunsTree(this.store);
    const unsubscribe = this.store.onDidChange((run, previous) => {
      this.tree.refresh();
      if (run) {
        this.panels.get(run.id)?.refresh();
        if (previous !== run.status) this.notify(run);
      }
    });
    this.disposables.push(
      { dispose: unsubscribe },
      (this.treeView = vscode.window.createTreeView('gemini.runs', { treeDataProvider: this.tree })),
      vscode.window.onDidChangeWindowState((s) => {
        if (s.focused) {
          this.watcher.focus();
          this.tree.refresh();
        }
      }),
      vscode.window.registerWebviewPanelSerializer('gemini.run', {
        deserializeWebviewPanel: async (panel, state) => this.restorePanel(panel, state),
      }),
      vscode.workspace.registerTextDocumentContentProvider('gemini-run', this.contents),
      registerSnapshotLists(),
    );
    // Resume watching after a reload; keep elapsed times fresh while runs are active.
    this.watcher.resumeAll();
    this.tick = setInterval(() => {
      if (this.store.list().some((r) => !FINISHED.has(r.status))) this.tree.refresh();
    }, 5000);
  }

  // ---------------------------------------------------------------- notifications

  private notify(run: RunRecord): void {
    const s = run.status;
    if (!['completed', 'failed', 'cancelled', 'requires_action', 'budget_exceeded', 'incomplete', 'idle'].includes(s)) return;
    this.store.reload();
    if (this.store.get(run.id)?.notified === s) return; // another window already said it
    this.store.update(run.id, { notified: s });
    const name = `“${run.task.replace(/\s+/g, ' ').slice(0, 60)}”`;
    const open = l10n.t('Open');
    const review = l10n.t('Review Changes');
    const act = (choice: string | undefined) => {
      if (choice === open) void this.open(run.id);
      if (choice === review) void this.review(run.id);
    };
    if (s === 'completed') void vscode.window.showInformationMessage(`Gemini: the remote agent run ${name} completed.`, open, review).then(act);
    else if (s === 'idle')
      void vscode.window.showInformationMessage(`Gemini: the remote agent run ${name} finished its turn and waits for your follow-up.`, open, review).then(act);
    else if (s === 'failed') void vscode.window.showErrorMessage(`Gemini: the remote agent run ${name} failed: ${run.error ?? 'unknown error'}`, open).then(act);
    else if (s === 'cancelled') void vscode.window.showInformationMessage(`Gemini: the remote agent run ${name} was cancelled.`, open).then(act);
    else if (s === 'requires_action') void vscode.window.showWarningMessage(`Gemini: the remote agent run ${name} needs your input.`, open).then(act);
    else void vscode.window.showWarningMessage(`Gemini: the remote agent run ${name} stopped (${s.replace(/_/g, ' ')}).`, open, review).then(act);
  }

  // ---------------------------------------------------------------- launch

  /** Where a saved agent's secret values come from (the Custom Agents view; none when unset). */
  /** The secret environment variables of a saved custom agent (kept in SecretStorage). */
  private readonly secretEnv: (agent: string) => Promise<Record<string, string>>;
  /** Secret variables of runs started in this window, sent in their `environment.env` (memory only). */
  private readonly launchEnv = new Map<string, Record<string, string>>();

  /** `folders`: what may be sent (a worktree conversation sends its worktree); the workspace folders by default. */
  async launch(taskArg?: unknown, agent?: string, folders?: vscode.WorkspaceFolder[]): Promise<RunRecord | undefined> {
    const choice = await askLaunch(taskArg, this.keys, this.api, { agent, folders });
    if (!choice) return undefined;
    return this.start(choice.task, choice.agent, choice.folder, choice.budget, choice.network, choice.includeSecrets);
  }

  /** Snapshot, environment, upload, then the background interaction (streamed into its panel). */
  async start(
    task: string,
    agent: string,
    folder: vscode.WorkspaceFolder | undefined,
    budget: number | undefined,
    network: 'enabled' | 'disabled',
    includeSecrets = false,
  ): Promise<RunRecord | undefined> {
    const id = randomUUID().slice(0, 12);
    const client = this.api.get();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: l10n.t('Gemini: preparing the remote run'), cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return prepareRun(
          {
            id,
            task,
            agent,
            root: folder?.uri.fsPath,
            budget,
            network,
            includeSecrets,
            maxSnapshotBytes: setting('maxSnapshotMB') * 1024 * 1024,
            now: Date.now(),
            signal: abort.signal,
          },
          {
            client,
            store: this.store,
            snapshot: (root, o) => buildSnapshot(root, o),
            snapshotFile: (runId) => {
              const dir = join(this.dir, runId);
              mkdirSync(dir, { recursive: true });
              return join(dir, 'snapshot.tar.gz');
            },
            progress: (message) => progress.report({ message }),
            log: (m) => this.log.info(m),
          },
        );
      },
    );
    if (!result.ok) {
      void vscode.window.showErrorMessage(l10n.t('Gemini: {0}', result.message));
      return result.run;
    }
    const secrets = await this.secretEnv(agent).catch(() => ({}));
    if (Object.keys(secrets).length) this.launchEnv.set(id, secrets);
    const panel = this.panelFor(id);
    panel.revealPanel();
    // The runs view starts collapsed (the chat takes the sidebar); it opens once it has a run.
    const row = this.store.get(id);
    if (row) void Promise.resolve(this.treeView?.reveal(row, { select: false, focus: false })).catch(() => undefined);
    await panel.whenReady();
    void panel.send(launchPrompt(task, folder?.name));
    return result.run;
  }

  // ---------------------------------------------------------------- open, cancel, follow up

  private panelFor(id: string, restored?: vscode.WebviewPanel): RunPanel {
    let p = this.panels.get(id);
    if (!p) {
      // A run reopened after a reload: its agent's secret values are read again for its follow-ups.
      const agent = this.store.get(id)?.agent;
      if (agent && !this.launchEnv.has(id))
        void this.secretEnv(agent)
          .then((env) => Object.keys(env).length && !this.launchEnv.has(id) && this.launchEnv.set(id, env))
          .catch(() => undefined);
      p = new RunPanel(
        id,
        {
          extensionUri: this.context.extensionUri,
          storageDir: this.context.globalStorageUri.fsPath,
          store: this.store,
          watcher: this.watcher,
          conversations: this.conversations,
          api: this.api,
          keys: this.keys,
          log: this.log,
          cancel: (r) => this.cancel(r),
          launchEnv: (runId) => this.launchEnv.get(runId),
          review: async (r) => void (await this.review(r)),
        },
        () => this.panels.delete(id),
        restored,
      );
      this.panels.set(id, p);
    }
    return p;
  }

  /** VS Code restores run tabs after a reload: reconnect each to its run (or close it if the run is gone). */
  private restorePanel(panel: vscode.WebviewPanel, state: unknown): void {
    const id = (state as { runId?: unknown } | undefined)?.runId;
    this.store.reload();
    if (typeof id !== 'string' || !this.store.get(id) || this.panels.has(id)) {
      this.log.info(
        `A run tab was not restored: ${typeof id !== 'string' ? 'it kept no run id' : this.panels.has(id) ? 'the run is open in another tab' : `run ${id} is no longer listed`}.`,
      );
      panel.dispose();
      return;
    }
    this.panelFor(id, panel);
  }

  async open(idOrRun?: unknown): Promise<void> {
    const id = typeof idOrRun === 'string' ? idOrRun : ((idOrRun as RunRecord | undefined)?.id ?? (await this.pickRun('Open which run?'))?.id);
    if (!id || !this.store.get(id)) return;
    this.panelFor(id).revealPanel();
  }

  private async pickRun(placeHolder: string, filter: (r: RunRecord) => boolean = () => true): Promise<RunRecord | undefined> {
    const runs = this.store.list().filter(filter);
    if (!runs.length) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: there are no remote agent runs yet.'));
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.task.slice(0, 80), description: l10n.t('{0} · {1}', r.status, r.agent), run: r })),
      // A run's notification or its tab taking the focus must not close the pick under the user.
      { placeHolder, ignoreFocusOut: true },
    );
    return pick?.run;
  }

  async cancel(idOrRun?: unknown): Promise<void> {
    const id = typeof idOrRun === 'string' ? idOrRun : ((idOrRun as RunRecord | undefined)?.id ?? (await this.pickRun('Cancel which run?', (r) => !FINISHED.has(r.status)))?.id);
    const run = id ? this.store.get(id) : undefined;
    if (!run) return;
    if (FINISHED.has(run.status)) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: that run already {0}.', run.status));
      return;
    }
    const target = run.lastInteractionId ?? run.interactionId;
    if (!target) {
      this.store.update(run.id, { status: 'cancelled' });
      return;
    }
    try {
      const inter = await this.api.get().cancel(target);
      this.panels.get(run.id)?.stopStreaming();
      this.store.update(run.id, { status: toRunStatus(inter.status) === 'unknown' ? 'cancelled' : toRunStatus(inter.status) });
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'bad_request') {
        // Already finished on the server: take its word for the status.
        await this.watcher.poll(run.id);
        return;
      }
      void vscode.window.showErrorMessage(l10n.t('Gemini: could not cancel the run: {0}', errorText(err)));
    }
  }

  async followUp(idOrRun?: unknown): Promise<void> {
    const id = typeof idOrRun === 'string' ? idOrRun : ((idOrRun as RunRecord | undefined)?.id ?? (await this.pickRun('Follow up on which run?'))?.id);
    if (!id) return;
    const panel = this.panelFor(id);
    panel.revealPanel();
    await panel.reveal(true);
  }

  async remove(idOrRun?: unknown): Promise<void> {
    const run = (idOrRun as RunRecord | undefined)?.id ? this.store.get((idOrRun as RunRecord).id) : undefined;
    if (!run) return;
    this.panels.get(run.id)?.panel.dispose();
    if (!FINISHED.has(run.status) && run.lastInteractionId)
      await this.api
        .get()
        .cancel(run.lastInteractionId)
        .catch(() => undefined);
    if (run.environmentId)
      await this.api
        .get()
        .deleteEnvironment(run.environmentId)
        .catch(() => undefined);
    rmSync(join(this.dir, run.id), { recursive: true, force: true });
    this.store.remove(run.id);
  }

  // ---------------------------------------------------------------- results home

  /** Compare the environment with the launch snapshot and the local files. */
  collectChanges(run: RunRecord): Promise<ResultChange[]> {
    return collectChanges(run, {
      client: this.api.get(),
      readSnapshot: (path) => (existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined),
      readLocal: (root, rel) =>
        Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.file(join(root, rel)))).then(
          (b) => b,
          () => undefined,
        ),
    });
  }

  async review(idOrRun?: unknown): Promise<number | undefined> {
    const id =
      typeof idOrRun === 'string' ? idOrRun : ((idOrRun as RunRecord | undefined)?.id ?? (await this.pickRun('Review the changes of which run?', (r) => !!r.environmentId))?.id);
    const run = id ? this.store.get(id) : undefined;
    if (!run) return undefined;
    let changes: ResultChange[];
    try {
      const t0 = performance.now();
      changes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: l10n.t('Gemini: fetching the agent’s changes…') }, () =>
        this.collectChanges(run),
      );
      this.log.info(
        `Collected ${changes.length} change(s) of run ${run.id} in ${Math.round(performance.now() - t0)} ms (${changes.filter((c) => c.merge?.conflicts).length} with conflicts).`,
      );
    } catch (err) {
      void vscode.window.showErrorMessage(l10n.t('Gemini: could not fetch the run’s results: {0}', errorText(err)));
      return undefined;
    }
    if (!changes.length) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: the agent made no changes to the files.'));
      return 0;
    }
    const { applied, branch } = await reviewAndApply(run, changes, this.contents, this.log);
    if (applied) this.store.update(run.id, { applied: { files: applied, at: Date.now(), branch } });
    return applied;
  }

  commands(): Command[] {
    return [
      { id: 'gemini.runRemoteTask', execute: (task) => this.launch(task) },
      { id: 'gemini.runs.open', execute: (r) => this.open(r) },
      { id: 'gemini.runs.cancel', execute: (r) => this.cancel(r) },
      { id: 'gemini.runs.review', execute: (r) => this.review(r) },
      { id: 'gemini.runs.followUp', execute: (r) => this.followUp(r) },
      { id: 'gemini.runs.delete', execute: (r) => this.remove(r) },
      { id: 'gemini.runs.refresh', execute: () => this.watcher.focus() },
    ];
  }

  dispose(): void {
    if (this.tick) clearInterval(this.tick);
    this.watcher.dispose();
    // A reload or a closed window hands its runs over at once (a crash: when the lease lapses).
    this.leases.releaseAll();
    for (const p of this.panels.values()) p.panel.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
