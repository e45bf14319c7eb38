/**
 * Reviewing a run's results: the multi-file diff (launch snapshot ↔ the agent's version), a pick
 * of the files to apply (conflicts with local edits not picked by default), where to apply them
 * (the working tree or a new git branch), and the writes.
 */
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { ResultChange } from '../../core/agents/results';
import type { RunRecord } from '../../core/agents/runs';
import { gitApi } from '../adapters';
import type { Log } from '../log';
import { l10n } from '../../shared/l10n';
import { errorText } from '../../shared/errorText';

/** Contents shown by the `gemini-run:` diff documents. */
export class RunContents implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, Uint8Array>();
  set(uri: vscode.Uri, bytes: Uint8Array): void {
    this.contents.set(uri.toString(), bytes);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return new TextDecoder().decode(this.contents.get(uri.toString()) ?? new Uint8Array());
  }
}

/** Show the changes, let the user pick, apply. Returns how many files were applied. */
export async function reviewAndApply(run: RunRecord, changes: ResultChange[], contents: RunContents, log: Log): Promise<{ applied: number; branch?: string }> {
  const uri = (side: string, rel: string) => vscode.Uri.from({ scheme: 'gemini-run', path: `/${run.id}/${side}/${rel}` });
  const rows: Array<[vscode.Uri, vscode.Uri | undefined, vscode.Uri | undefined]> = [];
  for (const c of changes) {
    if (c.binary) continue;
    const left = uri('snapshot', c.path);
    const right = uri('agent', c.path);
    contents.set(left, c.base ?? new Uint8Array());
    contents.set(right, c.theirs ?? new Uint8Array());
    rows.push([vscode.Uri.file(join(run.root, c.path)), c.base ? left : undefined, c.theirs ? right : undefined]);
  }
  // The multi-file diff opens first and the pick after it: an editor that opens after the pick
  // takes the keyboard from it (Enter would go to the read-only diff). A diff that takes longer
  // than a few seconds to load does not hold the pick back.
  const opened = vscode.commands
    .executeCommand('vscode.changes', l10n.t('Agent run: {0}', run.task.slice(0, 40)), rows)
    .then(undefined, (err) => log.warn(`Multi-diff editor unavailable: ${errorText(err)}`));
  await Promise.race([opened, new Promise((r) => setTimeout(r, 4000))]);
  type Item = vscode.QuickPickItem & { change: ResultChange };
  const items: Item[] = changes.map((c) => ({
    label: `${c.conflict ? '$(warning)' : c.kind === 'added' ? '$(diff-added)' : c.kind === 'deleted' ? '$(diff-removed)' : '$(diff-modified)'} ${c.path}`,
    description: c.conflict
      ? c.merge
        ? c.merge.conflicts
          ? l10n.t('CONFLICT: changed locally since launch — {0} overlapping change(s), applied with conflict markers', c.merge.conflicts)
          : l10n.t('CONFLICT: changed locally since launch — merges cleanly')
        : c.binary
          ? l10n.t('CONFLICT: changed locally since launch — binary, the agent’s version replaces yours')
          : l10n.t('CONFLICT: changed locally since launch')
      : c.kind === 'added'
        ? l10n.t('added')
        : c.kind === 'deleted'
          ? l10n.t('deleted')
          : l10n.t('modified'),
    picked: !c.conflict,
    change: c,
  }));
  const chosen = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: l10n.t('Apply the agent’s changes ({0} file(s))', changes.length),
    placeHolder: l10n.t('Pick the files to apply; conflicts with your local edits are not picked by default.'),
    ignoreFocusOut: true,
  });
  if (!chosen?.length) return { applied: 0 };
  const where = await vscode.window.showQuickPick(
    [
      { label: l10n.t('$(check) Apply to the working tree'), branch: false },
      { label: l10n.t('$(git-branch) Apply on a new git branch'), branch: true },
    ],
    { placeHolder: l10n.t('Apply {0} file(s) where?', chosen.length), ignoreFocusOut: true },
  );
  if (!where) return { applied: 0 };
  let branch: string | undefined;
  if (where.branch) {
    const repo = (await gitApi())?.repositories.find((r) => run.root.startsWith(r.rootUri.fsPath)) as unknown as
      { createBranch(name: string, checkout: boolean): Promise<void> } | undefined;
    if (!repo) {
      void vscode.window.showErrorMessage(l10n.t('Gemini: that folder is not a git repository; apply to the working tree instead.'));
      return { applied: 0 };
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
  void vscode.window.showInformationMessage(
    [
      branch ? l10n.t('Gemini: applied {0} file(s) on the new branch {1}.', chosen.length, branch) : l10n.t('Gemini: applied {0} file(s).', chosen.length),
      merged ? l10n.t('{0} conflicting file(s) were merged — look for conflict markers.', merged) : '',
    ]
      .filter(Boolean)
      .join(' '),
  );
  return { applied: chosen.length, branch };
}
