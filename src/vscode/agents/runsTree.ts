/** The Remote Agent Runs view: one row per run with its status, agent, elapsed time and tokens. */
import * as vscode from 'vscode';
import { FINISHED, type RunRecord, type RunStatus, type RunStore } from '../../core/agents/runs';
import { l10n } from '../../shared/l10n';

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
  idle: ['comment-discussion', 'testing.iconPassed'],
  unknown: ['question'],
};

function elapsed(run: RunRecord): string {
  const end = FINISHED.has(run.status) ? run.updated : Date.now();
  const s = Math.max(0, Math.round((end - run.created) / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? l10n.t('{0}m {1}s', Math.floor(s / 60), s % 60) : l10n.t('{0}h {1}m', Math.floor(s / 3600), Math.floor((s % 3600) / 60));
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
    item.description = [r.status.replace(/_/g, ' '), r.agent, elapsed(r), r.tokens !== undefined ? l10n.t('{0} tokens', r.tokens.toLocaleString()) : '']
      .filter(Boolean)
      .join(' · ');
    item.tooltip = new vscode.MarkdownString(
      [
        `**${r.task}**\n`,
        l10n.t('Agent: {0}', r.agent),
        l10n.t('Status: {0}', r.status),
        r.error ? l10n.t('Error: {0}', r.error) : '',
        l10n.t('Started: {0}', new Date(r.created).toLocaleString()),
        r.environmentId ? l10n.t('Environment: {0}', r.environmentId) : '',
        r.applied ? (r.applied.branch ? l10n.t('Applied {0} file(s) on {1}', r.applied.files, r.applied.branch) : l10n.t('Applied {0} file(s)', r.applied.files)) : '',
      ]
        .filter(Boolean)
        .join('  \n'),
    );
    item.contextValue = `run.${FINISHED.has(r.status) ? 'finished' : 'active'}${r.environmentId && r.snapshotPath ? '.reviewable' : ''}`;
    item.command = { command: 'gemini.runs.open', title: l10n.t('Open Run'), arguments: [r] };
    item.accessibilityInformation = { label: l10n.t('Remote run {0}, {1}, {2}', r.task, r.status.replace(/_/g, ' '), elapsed(r)) };
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
