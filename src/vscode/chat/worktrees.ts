/**
 * Worktree conversations: "New Chat in a Worktree…" makes a git worktree of a branch beside the
 * repository (never inside a workspace folder) and opens a conversation in a tab that works there:
 * its tools, mentions, instruction files and commands see the worktree as their workspace, and the
 * main working tree is untouched. From the conversation: open the worktree in a new window, review
 * its changes against its base (multi-diff), merge them into the main working tree (git's merge;
 * conflicts open the merge editor), continue it on a remote agent (a snapshot of the worktree),
 * or discard it. Worktrees left behind are listed for cleanup; nothing is deleted without a
 * confirmation that names the unmerged work.
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  branches,
  gitShow,
  commitWorktree,
  createWorktree,
  mergeIntoMain,
  removeWorktree,
  repoRoot,
  unmergedWork,
  worktreeChanges,
  type WorktreeInfo,
} from '../../core/git/worktrees';
import { errorText } from '../../shared/errorText';
import { l10n } from '../../shared/l10n';
import type { Log } from '../log';
import type { ChatTabs } from './chatTabs';
import type { ChatController } from './controller';

const RECORDS_KEY = 'gemini.worktrees';

/** A worktree of this workspace, and the conversation (tab, then conversation id) that works in it. */
interface WorktreeRecord extends WorktreeInfo {
  tab?: string;
  conversationId?: string;
}

/** Files as git has them: at a worktree's base commit (the review's left side), or a merge's stages (the merge editor's inputs). Only in a repository of a worktree of ours. */
class GitContents implements vscode.TextDocumentContentProvider {
  constructor(private readonly known: (repo: string) => boolean) {}
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = new URLSearchParams(uri.query);
    const repo = q.get('repo') ?? '';
    const bytes = this.known(repo) ? await gitShow(repo, q.get('ref') ?? '', q.get('path') ?? '') : undefined;
    return bytes ? new TextDecoder().decode(bytes) : '';
  }
}

function gitUri(repo: string, ref: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: Worktrees.scheme, path: `/${path}`, query: new URLSearchParams({ repo, ref, path }).toString() });
}

export class Worktrees implements vscode.Disposable {
  static readonly scheme = 'gemini-worktree-base';
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly tabs: ChatTabs,
    private readonly log: Log,
    /** Continue on a remote agent with these folders offered for the snapshot. */
    private readonly launchRemote: (folders: vscode.WorkspaceFolder[]) => Promise<unknown>,
  ) {
    tabs.worktreeOf = (tab, conversationId) => this.records().find((r) => (tab && r.tab === tab) || (conversationId && r.conversationId === conversationId));
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(Worktrees.scheme, new GitContents((repo) => this.records().some((r) => r.repo === repo))),
      // The conversation a worktree tab holds is remembered with the worktree (History opens it there again).
      tabs.onDidChange(() => this.remember()),
    );
  }

  private records(): WorktreeRecord[] {
    const list = this.context.workspaceState.get<WorktreeRecord[]>(RECORDS_KEY);
    return Array.isArray(list) ? list.filter((r) => r && typeof r.dir === 'string' && typeof r.repo === 'string' && typeof r.branch === 'string') : [];
  }

  private async save(list: WorktreeRecord[]): Promise<void> {
    await this.context.workspaceState.update(RECORDS_KEY, list.length ? list : undefined);
  }

  private remember(): void {
    const list = this.records();
    let changed = false;
    for (const c of this.tabs.all()) {
      if (!c.worktree || !c.tab) continue;
      const r = list.find((x) => x.dir === c.worktree!.dir);
      if (!r) continue;
      const id = c.session.conversationId;
      if (r.tab !== c.tab || (id && r.conversationId !== id)) {
        r.tab = c.tab;
        if (id) r.conversationId = id;
        changed = true;
      }
    }
    if (changed) void this.save(list);
  }

  /** "New Chat in a Worktree…": a branch to start from, the worktree, and a conversation in a tab that works there. */
  async newChat(): Promise<void> {
    const folder = (vscode.workspace.workspaceFolders ?? []).find((f) => f.uri.scheme === 'file');
    if (!folder || !vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(l10n.t('Gemini: a worktree needs a trusted workspace folder in a git repository.'));
      return;
    }
    const repo = await repoRoot(folder.uri.fsPath);
    if (!repo) {
      void vscode.window.showWarningMessage(l10n.t('Gemini: “{0}” is not in a git repository, so there is no worktree to make.', folder.name));
      return;
    }
    let list: { current: string | undefined; all: string[] };
    try {
      list = await branches(repo);
    } catch (err) {
      void vscode.window.showErrorMessage(l10n.t('Gemini: {0}', errorText(err)));
      return;
    }
    const items = [...(list.current ? [list.current] : []), ...list.all.filter((b) => b !== list.current)].map((b) => ({
      label: `$(git-branch) ${b}`,
      description: b === list.current ? l10n.t('current branch') : undefined,
      branch: b,
    }));
    if (!items.length) {
      void vscode.window.showWarningMessage(l10n.t('Gemini: the repository has no branch with a commit yet; commit once, then make a worktree.'));
      return;
    }
    const pick = await vscode.window.showQuickPick(items, {
      title: l10n.t('New Chat in a Worktree'),
      placeHolder: l10n.t('The branch to start from (the worktree gets a new branch of its own)'),
      ignoreFocusOut: true,
    });
    if (!pick) return;
    let info: WorktreeInfo;
    try {
      info = await createWorktree(repo, randomUUID().slice(0, 8), pick.branch);
    } catch (err) {
      void vscode.window.showErrorMessage(l10n.t('Gemini: the worktree could not be made. {0}', errorText(err)));
      return;
    }
    this.log.info(`Worktree ${info.dir} made on branch ${info.branch} from ${info.baseBranch} (${info.base.slice(0, 10)}).`);
    await this.save([...this.records(), info]);
    await this.tabs.open(undefined, info);
  }

  /** The worktree conversation the user means: the active chat tab's, or one picked. */
  private async target(): Promise<{ w: WorktreeRecord; chat: ChatController | undefined } | undefined> {
    const records = this.records();
    const visible = this.tabs.all().find((c) => c.worktree && c.view.visible);
    const w = visible?.worktree ? records.find((r) => r.dir === visible.worktree!.dir) : undefined;
    if (w) return { w, chat: visible };
    if (!records.length) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: there is no worktree conversation. Start one with “Gemini: New Chat in a Worktree…”.'));
      return undefined;
    }
    const pick =
      records.length === 1
        ? { r: records[0]! }
        : await vscode.window.showQuickPick(
            records.map((r) => ({ label: `$(git-branch) ${r.branch}`, description: r.dir, r })),
            { title: l10n.t('Which worktree?'), ignoreFocusOut: true },
          );
    if (!pick) return undefined;
    return { w: pick.r, chat: this.tabs.all().find((c) => c.worktree?.dir === pick.r.dir) };
  }

  /** The conversation's worktree actions, in one pick. */
  async actions(): Promise<void> {
    const t = await this.target();
    if (!t) return;
    const acts = [
      {
        label: l10n.t('$(diff-multiple) Review Changes'),
        detail: l10n.t('What the worktree changed against {0}, in the multi-file diff', t.w.baseBranch),
        act: () => this.review(t.w),
      },
      {
        label: l10n.t('$(git-merge) Merge into the Main Working Tree'),
        detail: l10n.t('With git’s merge; conflicts open in the merge editor'),
        act: () => this.merge(t.w, t.chat),
      },
      { label: l10n.t('$(empty-window) Open in a New Window'), detail: t.w.dir, act: () => this.openWindow(t.w) },
      {
        label: l10n.t('$(cloud-upload) Continue on a Remote Agent'),
        detail: l10n.t('A snapshot of the worktree, as Run Task on Remote Agent sends one'),
        act: () => this.remote(t.w),
      },
      { label: l10n.t('$(trash) Discard the Worktree'), detail: l10n.t('After a confirmation that names what is not merged'), act: () => this.discard(t.w) },
    ];
    const pick = await vscode.window.showQuickPick(acts, { title: l10n.t('Worktree {0}', t.w.branch), matchOnDetail: true, ignoreFocusOut: true });
    if (pick) await pick.act();
  }

  async openWindow(w: WorktreeInfo): Promise<void> {
    await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(w.dir), { forceNewWindow: true });
  }

  /** The worktree's changes against its base commit, in VS Code's multi-file diff. Returns how many files. */
  async review(w: WorktreeInfo): Promise<number> {
    let changes;
    try {
      changes = await worktreeChanges(w);
    } catch (err) {
      void vscode.window.showErrorMessage(l10n.t('Gemini: {0}', errorText(err)));
      return 0;
    }
    if (!changes.length) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: the worktree has no changes against {0}.', w.baseBranch));
      return 0;
    }
    const base = (path: string) => gitUri(w.repo, w.base, path);
    const rows = changes.map((c) => {
      const file = vscode.Uri.file(join(w.dir, c.path));
      return [file, c.kind === 'added' ? undefined : base(c.path), c.kind === 'deleted' ? undefined : file] as [vscode.Uri, vscode.Uri | undefined, vscode.Uri | undefined];
    });
    await vscode.commands.executeCommand('vscode.changes', l10n.t('Worktree {0} against {1}', w.branch, w.baseBranch), rows);
    return changes.length;
  }

  /** Commit the worktree's changes on its branch, then git merge it into the main working tree (no commit: the user commits). */
  async merge(w: WorktreeInfo, chat: ChatController | undefined): Promise<void> {
    const title = chat?.session.data?.meta.title ?? w.branch;
    try {
      await commitWorktree(w, `Gemini: ${title}`);
      const out = await mergeIntoMain(w);
      if (out.upToDate) {
        void vscode.window.showInformationMessage(l10n.t('Gemini: the main working tree already has everything from {0}.', w.branch));
        return;
      }
      if (!out.conflicts.length) {
        this.log.info(`Merged ${w.branch} into ${w.repo} (not committed).`);
        void vscode.window.showInformationMessage(l10n.t('Gemini: the changes of {0} are merged into the main working tree. Review and commit them in Source Control.', w.branch));
        return;
      }
      this.log.info(`Merging ${w.branch} into ${w.repo}: ${out.conflicts.length} conflict(s).`);
      void vscode.window.showWarningMessage(l10n.t('Gemini: merging {0} left {1} conflict(s). Resolve them in the merge editor, then commit.', w.branch, out.conflicts.length));
      await this.openMergeEditor(w.repo, out.conflicts[0]!);
    } catch (err) {
      void vscode.window.showErrorMessage(l10n.t('Gemini: the merge did not happen. {0}', errorText(err)));
    }
  }

  /** VS Code's merge editor on a conflicted file: the base and both sides as git's merge stages, the file as the result. */
  private async openMergeEditor(repo: string, path: string): Promise<void> {
    const output = vscode.Uri.file(join(repo, path));
    try {
      await vscode.commands.executeCommand('_open.mergeEditor', {
        base: gitUri(repo, ':1', path),
        input1: { uri: gitUri(repo, ':2', path), title: l10n.t('Current'), description: l10n.t('the main working tree') },
        input2: { uri: gitUri(repo, ':3', path), title: l10n.t('Incoming'), description: l10n.t('the worktree') },
        output,
      });
    } catch (err) {
      this.log.warn(`The merge editor could not open ${path}: ${errorText(err)}; opening the file.`);
      await vscode.window.showTextDocument(output);
    }
  }

  async remote(w: WorktreeInfo): Promise<void> {
    await this.launchRemote([{ uri: vscode.Uri.file(w.dir), name: l10n.t('worktree {0}', w.branch), index: 0 }]);
  }

  /** Remove the worktree and its branch, after a confirmation that names what is not merged. Returns whether it went. */
  async discard(w: WorktreeInfo): Promise<boolean> {
    const work = existsSync(w.dir) ? await unmergedWork(w) : { commits: 0, files: 0 };
    const lost =
      work.commits || work.files
        ? l10n.t('Not merged: {0} commit(s) on {1} and {2} changed file(s) in the worktree. They are lost.', work.commits, w.branch, work.files)
        : l10n.t('Everything in it is merged or unchanged.');
    const yes = l10n.t('Discard');
    const ok = await vscode.window.showWarningMessage(l10n.t('Discard the worktree {0} ({1})?', w.branch, w.dir), { modal: true, detail: lost }, yes);
    if (ok !== yes) return false;
    try {
      await removeWorktree(w);
    } catch (err) {
      void vscode.window.showErrorMessage(l10n.t('Gemini: {0}', errorText(err)));
      return false;
    }
    this.log.info(`Worktree ${w.dir} and branch ${w.branch} removed.`);
    await this.save(this.records().filter((r) => r.dir !== w.dir));
    // Its conversation stays in History; its tab closes (it has no folder to work in any more).
    for (const c of this.tabs.all()) if (c.worktree?.dir === w.dir) this.tabs.close(c);
    return true;
  }

  /** Worktrees left behind: pick the ones to discard (each confirmed). */
  async cleanup(): Promise<void> {
    const records = this.records();
    if (!records.length) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: there are no worktrees to clean up.'));
      return;
    }
    const items = await Promise.all(
      records.map(async (r) => {
        const open = this.tabs.all().some((c) => c.worktree?.dir === r.dir);
        const work = existsSync(r.dir) ? await unmergedWork(r).catch(() => ({ commits: 0, files: 0 })) : undefined;
        return {
          label: `$(git-branch) ${r.branch}`,
          description: work ? l10n.t('{0} unmerged commit(s), {1} changed file(s)', work.commits, work.files) : l10n.t('its folder is gone'),
          detail: `${r.dir}${open ? ` · ${l10n.t('open in a tab')}` : ''}`,
          r,
        };
      }),
    );
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: l10n.t('Clean Up Worktrees'),
      placeHolder: l10n.t('The worktrees to discard'),
      ignoreFocusOut: true,
    });
    for (const p of picked ?? []) await this.discard(p.r);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
