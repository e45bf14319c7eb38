/**
 * Worktree conversations: a git worktree of a branch, outside the workspace folders, where one
 * conversation works. Everything goes through git's own commands, with the repository's hooks and
 * configured programs neutralised (SAFE_GIT_CONFIG on every call), and git's messages kept for the
 * user when a step fails.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gitEnv, SAFE_GIT_CONFIG } from './safeGit';

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `git -C root args` with the safe configuration; never throws (a missing git is code 127). */
export function gitRun(root: string, args: string[], opts: { signal?: AbortSignal; env?: Record<string, string> } = {}): Promise<GitRun> {
  return new Promise((res) => {
    execFile(
      'git',
      [...SAFE_GIT_CONFIG, '-C', root, ...args],
      {
        maxBuffer: 256 * 1024 * 1024,
        signal: opts.signal,
        env: { ...gitEnv(), GIT_EDITOR: 'true', GIT_MERGE_AUTOEDIT: 'no', ...opts.env },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code as number) : 127) : 0;
        res({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** A failed git step, with git's own words. */
export class GitStepError extends Error {
  constructor(step: string, r: GitRun) {
    super(`${step}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ') || `git exited with ${r.code}`}`);
    this.name = 'GitStepError';
  }
}

async function must(root: string, step: string, args: string[], env?: Record<string, string>): Promise<string> {
  const r = await gitRun(root, args, { env });
  if (r.code !== 0) throw new GitStepError(step, r);
  return r.stdout;
}

export interface WorktreeInfo {
  /** The main working tree (the workspace folder's repository root). */
  repo: string;
  /** The worktree's folder. */
  dir: string;
  /** The branch the worktree has checked out (created for it). */
  branch: string;
  /** The branch it was made from, and that commit (the base of its review). */
  baseBranch: string;
  base: string;
  created: number;
}

/** Where worktrees of `repo` go: beside it, never inside a workspace folder (`<repo>.worktrees/<name>`). */
export function worktreeDir(repo: string, name: string): string {
  return join(dirname(repo), `${basename(repo)}.worktrees`, name);
}

/** The repository root of `folder`, or undefined when it is not in a git repository. */
export async function repoRoot(folder: string): Promise<string | undefined> {
  const r = await gitRun(folder, ['rev-parse', '--show-toplevel']);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** The current branch, and the other local branches. */
export async function branches(repo: string): Promise<{ current: string | undefined; all: string[] }> {
  const cur = await gitRun(repo, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  const all = (await must(repo, 'Listing the branches', ['for-each-ref', '--format=%(refname:short)', 'refs/heads'])).split('\n').filter(Boolean);
  return { current: cur.code === 0 ? cur.stdout.trim() : undefined, all };
}

/** `git worktree add -b <branch> <dir> <base>`. */
export async function createWorktree(repo: string, name: string, baseBranch: string): Promise<WorktreeInfo> {
  const dir = worktreeDir(repo, name);
  const branch = `gemini/${name}`;
  const base = (await must(repo, `Reading ${baseBranch}`, ['rev-parse', '--verify', `${baseBranch}^{commit}`])).trim();
  await must(repo, 'Creating the worktree', ['worktree', 'add', '-b', branch, dir, base]);
  return { repo, dir, branch, baseBranch, base, created: Date.now() };
}

export interface WorktreeChange {
  /** Path relative to the worktree (and to the main tree). */
  path: string;
  kind: 'added' | 'modified' | 'deleted';
}

/** What the worktree changed against its base: committed, staged, unstaged and new files. */
export async function worktreeChanges(w: WorktreeInfo): Promise<WorktreeChange[]> {
  const out = new Map<string, WorktreeChange['kind']>();
  const diff = await must(w.dir, 'Comparing with the base', ['-c', 'core.quotepath=off', 'diff', '--name-status', '--no-renames', '-z', w.base]);
  const parts = diff.split('\0').filter(Boolean);
  for (let k = 0; k + 1 < parts.length; k += 2) out.set(parts[k + 1]!, parts[k]!.startsWith('A') ? 'added' : parts[k]!.startsWith('D') ? 'deleted' : 'modified');
  const untracked = await must(w.dir, 'Listing new files', ['ls-files', '--others', '--exclude-standard', '-z']);
  for (const p of untracked.split('\0').filter(Boolean)) out.set(p, 'added');
  return [...out].map(([path, kind]) => ({ path, kind })).sort((a, b) => a.path.localeCompare(b.path));
}

/** `git show <ref>:<path>` in `root`: a file at a commit (`ref` a commit) or a merge stage (`ref` ":1", ":2", ":3"); undefined when absent. */
export async function gitShow(root: string, ref: string, path: string): Promise<Buffer | undefined> {
  if (!/^(:[123]|[0-9a-f]{7,64})$/.test(ref) || path.startsWith('-')) return undefined;
  return new Promise((res) => {
    execFile('git', [...SAFE_GIT_CONFIG, '-C', root, 'show', `${ref}:${path}`], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 }, (err, stdout) =>
      res(err ? undefined : stdout),
    );
  });
}

const IDENTITY = { GIT_AUTHOR_NAME: 'Gemini', GIT_AUTHOR_EMAIL: 'gemini@localhost', GIT_COMMITTER_NAME: 'Gemini', GIT_COMMITTER_EMAIL: 'gemini@localhost' };

/** Commit what the worktree changed on its branch (hooks off). Returns false when there was nothing. */
export async function commitWorktree(w: WorktreeInfo, message: string): Promise<boolean> {
  await must(w.dir, 'Staging the worktree’s changes', ['add', '-A']);
  const staged = await gitRun(w.dir, ['diff', '--cached', '--quiet']);
  if (staged.code === 0) return false;
  await must(w.dir, 'Committing the worktree’s changes', ['commit', '--no-verify', '--no-gpg-sign', '-m', message], IDENTITY);
  return true;
}

/** Commits on the worktree's branch that its base branch does not have yet, and files it changed but did not commit. */
export async function unmergedWork(w: WorktreeInfo): Promise<{ commits: number; files: number }> {
  const count = await gitRun(w.repo, ['rev-list', '--count', `${w.baseBranch}..${w.branch}`]);
  const files = (await gitRun(w.dir, ['status', '--porcelain', '-z'])).stdout.split('\0').filter(Boolean).length;
  return { commits: count.code === 0 ? Number(count.stdout.trim()) || 0 : 0, files };
}

export interface MergeOutcome {
  /** Files left with conflicts (their markers are in the working tree, the index unmerged). */
  conflicts: string[];
  /** Nothing to bring across. */
  upToDate: boolean;
}

/**
 * Bring the worktree's branch into the main working tree with git's merge machinery, without a
 * commit of its own: the changes wait in the main tree (staged), conflicts for the merge editor.
 */
export async function mergeIntoMain(w: WorktreeInfo): Promise<MergeOutcome> {
  const r = await gitRun(w.repo, ['merge', '--no-ff', '--no-commit', w.branch], { env: IDENTITY });
  const conflicts = (await gitRun(w.repo, ['-c', 'core.quotepath=off', 'diff', '--name-only', '--diff-filter=U', '-z'])).stdout.split('\0').filter(Boolean);
  if (r.code !== 0 && !conflicts.length) throw new GitStepError('Merging the worktree’s branch', r);
  return { conflicts, upToDate: /Already up to date/i.test(r.stdout) };
}

/** Git refused because another git (VS Code's own, a terminal's) holds a lock for a moment. */
const LOCKED = /\.lock\b|cannot lock ref|unable to create .*lock|another git process/i;

/** A step that fails while another git holds a lock is tried again for a few seconds. */
async function mustPatiently(root: string, step: string, args: string[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const r = await gitRun(root, args);
    if (r.code === 0) return;
    if (attempt >= 20 || !LOCKED.test(r.stderr)) throw new GitStepError(step, r);
    await new Promise((res) => setTimeout(res, 150));
  }
}

/**
 * Remove the worktree (`git worktree remove --force`; only its record when its folder is already
 * gone) and its branch (`git branch -D`). Each is checked: a branch left behind is an error.
 */
export async function removeWorktree(w: WorktreeInfo): Promise<void> {
  const listed = (await gitRun(w.repo, ['worktree', 'list', '--porcelain', '-z'])).stdout.split('\0').includes(`worktree ${w.dir}`);
  if (listed && existsSync(w.dir)) await mustPatiently(w.repo, 'Removing the worktree', ['worktree', 'remove', '--force', w.dir]);
  else await mustPatiently(w.repo, 'Forgetting the worktree', ['worktree', 'prune']);
  const branch = await gitRun(w.repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${w.branch}`]);
  if (branch.code === 0) await mustPatiently(w.repo, `Deleting the branch ${w.branch}`, ['branch', '-D', w.branch]);
}
