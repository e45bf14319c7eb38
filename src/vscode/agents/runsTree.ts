/** The Remote Agent Runs view: one row per run with its status, agent, elapsed time and tokens. */
import * as vscode from 'vscode';
import { FINISHED, type RunRecord, type RunStatus, type RunStore } from '../../core/agents/runs';

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

export class RunsTree implements vscode.TreeDataProvider<RunRecord> {
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
  /** Runs are top-level rows (needed by TreeView.reveal). */
  getParent(): undefined {
    return undefined;
  }
}
