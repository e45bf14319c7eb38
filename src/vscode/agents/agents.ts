/**
 * Remote agents: launch a managed agent on a code task with a snapshot of the workspace, watch
 * the run in the background, cancel or follow up, and bring the results home as a reviewable
 * diff (conflicts with local edits shown three-way, never overwritten silently).
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConversationStore } from '../../core/conversation/journal';
import { ApiError } from '../../core/client/errors';
import { classify, remoteToLocal, REMOTE_ROOT, type ResultChange } from '../../core/agents/results';
import { FINISHED, RunStore, RunWatcher, toRunStatus, type RunRecord, type RunStatus } from '../../core/agents/runs';
import { buildSnapshot, planSnapshot, SnapshotTooLargeError } from '../../core/agents/snapshot';
import { formatBytes } from '../../core/attachments';
import { readTar } from '../../core/agents/tar';
import type { ApiClientProvider } from '../api';
import type { Command } from '../commands';
import { setting } from '../config';
import type { ApiKeyStore } from '../keys';
import type { Log } from '../log';
import { RunPanel } from './runPanel';
import { gitApi } from '../adapters';

export const DEFAULT_AGENT = 'antigravity-preview-05-2026';

const ICONS: Record<RunStatus, [string, string?]> = {
  preparing: ['loading~spin'],
  uploading: ['cloud-upload'],
  queued: ['clock'],
  in_progress: ['sync~spin'],
  requires_action: ['bell', 'notificationsWarningIcon.foreground'],
  requires_continuation: ['sync~spin'],
  completed: ['pass', 'testing.iconPassed'],
  incomplete: ['warning', 'notificationsWarningIcon.foreground'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash'],
  budget_exceeded: ['warning', 'notificationsWarningIcon.foreground'],
  unknown: ['question'],
};

function elapsed(run: RunRecord): string {
  const end = FINISHED.has(run.status) ? run.updated : Date.now();
  const s = Math.max(0, Math.round((end - run.created) / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

class RunsTree implements vscode.TreeDataProvider<RunRecord> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  constructor(private readonly store: RunStore) {}
  refresh(): void {
    this.changed.fire();
  }
  getTreeItem(r: RunRecord): vscode.TreeItem {
    const item = new vscode.TreeItem(r.task.replace(/\s+/g, ' ').slice(0, 80), vscode.TreeItemCollapsibleState.None);
    item.id = r.id;
    const [icon, color] = ICONS[r.status] ?? ICONS.unknown;
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.description = [r.status.replace(/_/g, ' '), r.agent, elapsed(r), r.tokens !== undefined ? `${r.tokens.toLocaleString()} tokens` : ''].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString(
      `**${r.task}**\n\nAgent: ${r.agent}  \nStatus: ${r.status}${r.error ? `  \nError: ${r.error}` : ''}  \nStarted: ${new Date(r.created).toLocaleString()}${r.environmentId ? `  \nEnvironment: ${r.environmentId}` : ''}${r.applied ? `  \nApplied ${r.applied.files} file(s)${r.applied.branch ? ` on ${r.applied.branch}` : ''}` : ''}`,
    );
    item.contextValue = `run.${FINISHED.has(r.status) ? 'finished' : 'active'}${r.environmentId && r.snapshotPath ? '.reviewable' : ''}`;
    item.command = { command: 'gemini.runs.open', title: 'Open Run', arguments: [r] };
    item.accessibilityInformation = { label: `Remote run ${r.task}, ${r.status.replace(/_/g, ' ')}, ${elapsed(r)}` };
    return item;
  }
  getChildren(): RunRecord[] {
    return this.store.list();
  }
}

export class RemoteAgents implements vscode.Disposable {
  readonly store: RunStore;
  readonly watcher: RunWatcher;
  private readonly tree: RunsTree;
  private readonly panels = new Map<string, RunPanel>();
  private readonly conversations: ConversationStore;
  private readonly dir: string;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly contents = new Map<string, Uint8Array>();
  private tick: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly api: ApiClientProvider,
    private readonly keys: ApiKeyStore,
    private readonly log: Log,
  ) {
    this.dir = join(context.globalStorageUri.fsPath, 'runs');
    this.store = new RunStore(join(this.dir, 'runs.json'));
    this.conversations = new ConversationStore(join(this.dir, 'conversations'));
    this.watcher = new RunWatcher(this.store, () => this.api.get());
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
      vscode.window.registerTreeDataProvider('gemini.runs', this.tree),
      vscode.window.onDidChangeWindowState((s) => {
        if (s.focused) {
          this.watcher.focus();
          this.tree.refresh();
        }
      }),
      vscode.window.registerWebviewPanelSerializer('gemini.run', {
        deserializeWebviewPanel: async (panel, state) => this.restorePanel(panel, state),
      }),
      vscode.workspace.registerTextDocumentContentProvider('gemini-run', {
        provideTextDocumentContent: (uri) => new TextDecoder().decode(this.contents.get(uri.toString()) ?? new Uint8Array()),
      }),
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
    if (!['completed', 'failed', 'cancelled', 'requires_action', 'budget_exceeded', 'incomplete'].includes(s)) return;
    this.store.reload();
    if (this.store.get(run.id)?.notified === s) return; // another window already said it
    this.store.update(run.id, { notified: s });
    const name = `“${run.task.replace(/\s+/g, ' ').slice(0, 60)}”`;
    const open = 'Open';
    const review = 'Review Changes';
    const act = (choice: string | undefined) => {
      if (choice === open) void this.open(run.id);
      if (choice === review) void this.review(run.id);
    };
    if (s === 'completed') void vscode.window.showInformationMessage(`Gemini: the remote agent run ${name} completed.`, open, review).then(act);
    else if (s === 'failed') void vscode.window.showErrorMessage(`Gemini: the remote agent run ${name} failed: ${run.error ?? 'unknown error'}`, open).then(act);
    else if (s === 'cancelled') void vscode.window.showInformationMessage(`Gemini: the remote agent run ${name} was cancelled.`, open).then(act);
    else if (s === 'requires_action') void vscode.window.showWarningMessage(`Gemini: the remote agent run ${name} needs your input.`, open).then(act);
    else void vscode.window.showWarningMessage(`Gemini: the remote agent run ${name} stopped (${s.replace(/_/g, ' ')}).`, open, review).then(act);
  }

  // ---------------------------------------------------------------- launch

  async launch(taskArg?: unknown): Promise<RunRecord | undefined> {
    if (!vscode.workspace.isTrusted) {
      // Restricted Mode: the snapshot would run git in an untrusted folder and upload its files.
      void vscode.window.showWarningMessage('Gemini: remote agent tasks are off in Restricted Mode. Trust this folder first (Workspaces: Manage Workspace Trust) to send it to a remote agent.');
      return undefined;
    }
    if (!(await this.keys.has())) {
      void vscode.window.showWarningMessage('Gemini: set your API key first.', 'Set API Key').then((a) => a && vscode.commands.executeCommand('gemini.setApiKey'));
      return undefined;
    }
    const task =
      typeof taskArg === 'string' && taskArg.trim()
        ? taskArg.trim()
        : (await vscode.window.showInputBox({ title: 'Run Task on Remote Agent (1/4): the task', prompt: 'What should the agent do? It works on a copy of your workspace in a cloud sandbox.', ignoreFocusOut: true }))?.trim();
    if (!task) return undefined;
    // Agent: the configured default and the custom agents from the agents API.
    const defaultAgent = setting('agents.agent', DEFAULT_AGENT);
    const custom = await this.api
      .get()
      .listAgents({ pageSize: 50 })
      .then((l) => (l.agents ?? []).map((a) => ({ id: String(a.id ?? ''), description: a.description as string | undefined })).filter((a) => a.id && a.id !== defaultAgent))
      .catch(() => [] as Array<{ id: string; description?: string }>);
    const agentPick = await vscode.window.showQuickPick(
      [{ label: defaultAgent, description: 'default (setting gemini.agents.agent)' }, ...custom.map((a) => ({ label: a.id, description: a.description ?? 'custom agent' }))],
      { title: 'Run Task on Remote Agent (2/4): agent', placeHolder: 'Which agent runs the task?', ignoreFocusOut: true },
    );
    if (!agentPick) return undefined;
    // What to send.
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const sendPick = await vscode.window.showQuickPick(
      [
        ...folders.map((f) => ({ label: `$(folder) Snapshot of “${f.name}”`, description: 'uncommitted and untracked (not ignored) files included', folder: f as vscode.WorkspaceFolder | undefined })),
        { label: '$(circle-slash) No files', description: 'the agent starts from an empty environment', folder: undefined },
      ],
      { title: 'Run Task on Remote Agent (3/4): what to send', placeHolder: 'Your branch and index are never touched.', ignoreFocusOut: true },
    );
    if (!sendPick) return undefined;
    let includeSecrets = false;
    if (sendPick.folder) {
      const choice = await this.confirmUpload(sendPick.folder);
      if (!choice) return undefined;
      includeSecrets = choice.includeSecrets;
    }
    const opts = await vscode.window.showQuickPick(
      [
        { label: '$(play) Start the run', detail: 'Network access allowed, no token budget.', budget: undefined as number | undefined, network: 'enabled' as const },
        { label: '$(shield) Start without network access', detail: 'The sandbox cannot reach the internet.', budget: undefined, network: 'disabled' as const },
        { label: '$(dashboard) Start with a token budget…', detail: 'Stop the run when it has used a given number of tokens.', budget: -1, network: 'enabled' as const },
      ],
      {
        title: `Run Task on Remote Agent (5/5): start ${agentPick.label}?`,
        placeHolder: 'One run can consume a large number of tokens (often hundreds of thousands, sometimes millions). Pick how to start, or Escape to cancel.',
        ignoreFocusOut: true,
      },
    );
    if (!opts) return undefined;
    let budget = opts.budget;
    if (budget === -1) {
      const v = await vscode.window.showInputBox({ title: 'Token budget for this run', prompt: 'Maximum total tokens (agent_config.max_total_tokens).', value: '500000', validateInput: (x) => (/^\d+$/.test(x.trim()) && Number(x) > 0 ? undefined : 'A positive whole number.') });
      if (!v) return undefined;
      budget = Number(v);
    }
    return this.start(task, agentPick.label, sendPick.folder, budget, opts.network, includeSecrets);
  }

  /**
   * Show what the snapshot will hold before anything leaves the machine: how many files, their
   * size, and the secret files (.env*, keys, credentials) left out unless the user includes them.
   */
  private async confirmUpload(folder: vscode.WorkspaceFolder): Promise<{ includeSecrets: boolean } | undefined> {
    const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Gemini: listing the files to send…' }, () => planSnapshot(folder.uri.fsPath));
    type Item = vscode.QuickPickItem & { act: 'send' | 'secrets' | 'list' };
    for (;;) {
      const items: Item[] = [
        { label: `$(cloud-upload) Send ${plan.files.length} file${plan.files.length === 1 ? '' : 's'} (${formatBytes(plan.bytes)})`, detail: plan.secrets.length ? `Left out (secret files): ${plan.secrets.slice(0, 8).join(', ')}${plan.secrets.length > 8 ? ', …' : ''}` : 'No secret files (.env*, keys, credentials) were found.', act: 'send' },
        ...(plan.secrets.length ? [{ label: `$(key) Send them together with the ${plan.secrets.length} secret file${plan.secrets.length === 1 ? '' : 's'}`, detail: plan.secrets.slice(0, 8).join(', '), act: 'secrets' as const }] : []),
        { label: '$(list-flat) Show the list of files…', detail: 'Opens the list in an editor; then choose here.', act: 'list' },
      ];
      const pick = await vscode.window.showQuickPick(items, { title: `Run Task on Remote Agent (4/5): what is sent from “${folder.name}”`, placeHolder: 'These files go to the agent’s cloud environment.', ignoreFocusOut: true });
      if (!pick) return undefined;
      if (pick.act === 'send') return { includeSecrets: false };
      if (pick.act === 'secrets') return { includeSecrets: true };
      const doc = await vscode.workspace.openTextDocument({ content: [`Files sent from ${folder.name} (${plan.files.length}):`, ...plan.files, '', `Secret files left out (${plan.secrets.length}):`, ...plan.secrets].join('\n') });
      await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false });
    }
  }

  /** Snapshot, environment, upload, then the background interaction (streamed into its panel). */
  async start(task: string, agent: string, folder: vscode.WorkspaceFolder | undefined, budget: number | undefined, network: 'enabled' | 'disabled', includeSecrets = false): Promise<RunRecord | undefined> {
    const id = randomUUID().slice(0, 12);
    const runDir = join(this.dir, id);
    const client = this.api.get();
    const created = Date.now();
    const run = this.store.add({ id, task, agent, created, updated: created, status: 'preparing', root: folder?.uri.fsPath ?? '', budget, network });
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Gemini: preparing the remote run', cancellable: false }, async (progress) => {
        let tar: Uint8Array | undefined;
        if (folder) {
          progress.report({ message: 'taking a snapshot of the workspace…' });
          const maxBytes = Math.max(1, setting('agents.maxSnapshotMB', 50)) * 1024 * 1024;
          const snap = await buildSnapshot(folder.uri.fsPath, { maxBytes, includeSecrets });
          if (snap.secrets.length) this.log.info(`Snapshot left out ${snap.secrets.length} secret file(s): ${snap.secrets.join(', ')}`);
          tar = snap.tar;
          mkdirSync(runDir, { recursive: true });
          writeFileSync(join(runDir, 'snapshot.tar'), tar);
          this.store.update(id, { snapshotPath: join(runDir, 'snapshot.tar'), snapshotFiles: snap.files.length, snapshotBytes: snap.bytes });
          if (snap.skipped.length) this.log.info(`Snapshot skipped ${snap.skipped.length} entr${snap.skipped.length === 1 ? 'y' : 'ies'}: ${snap.skipped.map((s) => `${s.path} (${s.reason})`).join('; ')}`);
        }
        progress.report({ message: 'creating the environment…' });
        this.store.update(id, { status: 'uploading' });
        const env = await client.createEnvironment({ network: network === 'disabled' ? 'disabled' : undefined });
        this.store.update(id, { environmentId: env.id });
        if (tar) {
          progress.report({ message: `uploading ${(tar.length / 1024).toFixed(0)} KB…` });
          await client.uploadFile(env.id, REMOTE_ROOT, tar, { extract: true, overwrite: true, mimeType: 'application/x-tar' });
        }
        this.store.update(id, { status: 'queued' });
      });
    } catch (err) {
      const message = err instanceof SnapshotTooLargeError ? err.message : `Could not start the run: ${(err as Error).message}`;
      this.store.update(id, { status: 'failed', error: message });
      void vscode.window.showErrorMessage(`Gemini: ${message}`);
      return this.store.get(id);
    }
    const panel = this.panelFor(id);
    panel.revealPanel();
    await panel.whenReady();
    void panel.send(`${task}${folder ? `\n\n(Your working copy of “${folder.name}” is in the environment under ${REMOTE_ROOT}/.)` : ''}`);
    return run;
  }

  // ---------------------------------------------------------------- open, cancel, follow up

  private panelFor(id: string, restored?: vscode.WebviewPanel): RunPanel {
    let p = this.panels.get(id);
    if (!p) {
      p = new RunPanel(id, { extensionUri: this.context.extensionUri, store: this.store, watcher: this.watcher, conversations: this.conversations, api: this.api, keys: this.keys, log: this.log, cancel: (r) => this.cancel(r), review: async (r) => void (await this.review(r)) }, () => this.panels.delete(id), restored);
      this.panels.set(id, p);
    }
    return p;
  }

  /** VS Code restores run tabs after a reload: reconnect each to its run (or close it if the run is gone). */
  private restorePanel(panel: vscode.WebviewPanel, state: unknown): void {
    const id = (state as { runId?: unknown } | undefined)?.runId;
    this.store.reload();
    if (typeof id !== 'string' || !this.store.get(id) || this.panels.has(id)) {
      panel.dispose();
      return;
    }
    this.panelFor(id, panel);
  }

  async open(idOrRun?: unknown): Promise<void> {
    const id = typeof idOrRun === 'string' ? idOrRun : (idOrRun as RunRecord | undefined)?.id ?? (await this.pickRun('Open which run?'))?.id;
    if (!id || !this.store.get(id)) return;
    this.panelFor(id).revealPanel();
  }

  private async pickRun(placeHolder: string, filter: (r: RunRecord) => boolean = () => true): Promise<RunRecord | undefined> {
    const runs = this.store.list().filter(filter);
    if (!runs.length) {
      void vscode.window.showInformationMessage('Gemini: there are no remote agent runs yet.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.task.slice(0, 80), description: `${r.status} · ${r.agent}`, run: r })), { placeHolder });
    return pick?.run;
  }

  async cancel(idOrRun?: unknown): Promise<void> {
    const id = typeof idOrRun === 'string' ? idOrRun : (idOrRun as RunRecord | undefined)?.id ?? (await this.pickRun('Cancel which run?', (r) => !FINISHED.has(r.status)))?.id;
    const run = id ? this.store.get(id) : undefined;
    if (!run) return;
    if (FINISHED.has(run.status)) {
      void vscode.window.showInformationMessage(`Gemini: that run already ${run.status}.`);
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
      void vscode.window.showErrorMessage(`Gemini: could not cancel the run: ${(err as Error).message}`);
    }
  }

  async followUp(idOrRun?: unknown): Promise<void> {
    const id = typeof idOrRun === 'string' ? idOrRun : (idOrRun as RunRecord | undefined)?.id ?? (await this.pickRun('Follow up on which run?'))?.id;
    if (!id) return;
    const panel = this.panelFor(id);
    panel.revealPanel();
    await panel.reveal(true);
  }

  async remove(idOrRun?: unknown): Promise<void> {
    const run = (idOrRun as RunRecord | undefined)?.id ? this.store.get((idOrRun as RunRecord).id) : undefined;
    if (!run) return;
    this.panels.get(run.id)?.panel.dispose();
    if (!FINISHED.has(run.status) && run.lastInteractionId) await this.api.get().cancel(run.lastInteractionId).catch(() => undefined);
    if (run.environmentId) await this.api.get().deleteEnvironment(run.environmentId).catch(() => undefined);
    rmSync(join(this.dir, run.id), { recursive: true, force: true });
    this.store.remove(run.id);
  }

  // ---------------------------------------------------------------- results home

  /** Compare the environment with the launch snapshot and the local files. */
  async collectChanges(run: RunRecord): Promise<ResultChange[]> {
    if (!run.environmentId || !run.snapshotPath || !existsSync(run.snapshotPath)) throw new Error('This run has no snapshot to compare with (it was started without files).');
    const client = this.api.get();
    const snapshot = new Map(readTar(new Uint8Array(readFileSync(run.snapshotPath))).filter((e) => e.type === 'file').map((e) => [e.path, e.data!]));
    const remote = (await client.listFiles(run.environmentId, REMOTE_ROOT, { recursive: true })).filter((f) => (f.type ?? 'file') === 'file');
    const changes: ResultChange[] = [];
    const seen = new Set<string>();
    for (const f of remote) {
      const rel = remoteToLocal(f.path ?? '');
      if (!rel) continue;
      seen.add(rel);
      const base = snapshot.get(rel);
      const modified = f.modified ? Date.parse(f.modified) : NaN;
      const maybeChanged = !base || String(base.length) !== String(f.size_bytes ?? '') || !(modified < run.created - 1000);
      if (!maybeChanged) continue;
      const theirs = await client.downloadFile(run.environmentId, f.path!);
      const ours = await this.readLocal(run.root, rel);
      const c = classify(rel, base, theirs, ours);
      if (c) changes.push(c);
    }
    for (const [rel, base] of snapshot) {
      if (seen.has(rel)) continue;
      const c = classify(rel, base, undefined, await this.readLocal(run.root, rel));
      if (c) changes.push(c);
    }
    return changes.sort((a, b) => a.path.localeCompare(b.path));
  }

  private async readLocal(root: string, rel: string): Promise<Uint8Array | undefined> {
    try {
      return await vscode.workspace.fs.readFile(vscode.Uri.file(join(root, rel)));
    } catch {
      return undefined;
    }
  }

  async review(idOrRun?: unknown): Promise<number | undefined> {
    const id = typeof idOrRun === 'string' ? idOrRun : (idOrRun as RunRecord | undefined)?.id ?? (await this.pickRun('Review the changes of which run?', (r) => !!r.environmentId))?.id;
    const run = id ? this.store.get(id) : undefined;
    if (!run) return undefined;
    let changes: ResultChange[];
    try {
      changes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Gemini: fetching the agent’s changes…' }, () => this.collectChanges(run));
    } catch (err) {
      void vscode.window.showErrorMessage(`Gemini: could not fetch the run’s results: ${(err as Error).message}`);
      return undefined;
    }
    if (!changes.length) {
      void vscode.window.showInformationMessage('Gemini: the agent made no changes to the files.');
      return 0;
    }
    // The multi-file diff: snapshot on the left, the agent's version on the right.
    const uri = (side: string, rel: string) => vscode.Uri.from({ scheme: 'gemini-run', path: `/${run.id}/${side}/${rel}` });
    const rows: Array<[vscode.Uri, vscode.Uri | undefined, vscode.Uri | undefined]> = [];
    for (const c of changes) {
      if (c.binary) continue;
      const left = uri('snapshot', c.path);
      const right = uri('agent', c.path);
      this.contents.set(left.toString(), c.base ?? new Uint8Array());
      this.contents.set(right.toString(), c.theirs ?? new Uint8Array());
      rows.push([vscode.Uri.file(join(run.root, c.path)), c.base ? left : undefined, c.theirs ? right : undefined]);
    }
    await vscode.commands.executeCommand('vscode.changes', `Agent run: ${run.task.slice(0, 40)}`, rows).then(undefined, (err) => this.log.warn(`Multi-diff editor unavailable: ${(err as Error).message}`));
    type Item = vscode.QuickPickItem & { change: ResultChange };
    const items: Item[] = changes.map((c) => ({
      label: `${c.conflict ? '$(warning)' : c.kind === 'added' ? '$(diff-added)' : c.kind === 'deleted' ? '$(diff-removed)' : '$(diff-modified)'} ${c.path}`,
      description: c.conflict ? `CONFLICT: changed locally since launch${c.merge ? (c.merge.conflicts ? ` — ${c.merge.conflicts} overlapping change(s), applied with conflict markers` : ' — merges cleanly') : c.binary ? ' — binary, the agent’s version replaces yours' : ''}` : c.kind,
      picked: !c.conflict,
      change: c,
    }));
    const chosen = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: `Apply the agent’s changes (${changes.length} file${changes.length === 1 ? '' : 's'})`,
      placeHolder: 'Pick the files to apply; conflicts with your local edits are not picked by default.',
      ignoreFocusOut: true,
    });
    if (!chosen?.length) return 0;
    const where = await vscode.window.showQuickPick(
      [
        { label: '$(check) Apply to the working tree', branch: false },
        { label: '$(git-branch) Apply on a new git branch', branch: true },
      ],
      { placeHolder: `Apply ${chosen.length} file(s) where?`, ignoreFocusOut: true },
    );
    if (!where) return 0;
    let branch: string | undefined;
    if (where.branch) {
      const repo = (await gitApi())?.repositories.find((r) => run.root.startsWith(r.rootUri.fsPath)) as unknown as { createBranch(name: string, checkout: boolean): Promise<void> } | undefined;
      if (!repo) {
        void vscode.window.showErrorMessage('Gemini: that folder is not a git repository; apply to the working tree instead.');
        return 0;
      }
      branch = `gemini/run-${run.id}`;
      await repo.createBranch(branch, true);
    }
    let merged = 0;
    for (const { change: c } of chosen) {
      const target = vscode.Uri.file(join(run.root, c.path));
      if (c.conflict && c.merge) {
        await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(c.merge.text));
        merged++;
      } else if (c.theirs === undefined) await vscode.workspace.fs.delete(target).then(undefined, () => undefined);
      else await vscode.workspace.fs.writeFile(target, c.theirs);
    }
    this.store.update(run.id, { applied: { files: chosen.length, at: Date.now(), branch } });
    void vscode.window.showInformationMessage(
      `Gemini: applied ${chosen.length} file(s)${branch ? ` on the new branch ${branch}` : ''}${merged ? `; ${merged} conflicting file(s) were merged — look for conflict markers` : ''}.`,
    );
    return chosen.length;
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
    for (const p of this.panels.values()) p.panel.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
