/**
 * The git tools' port over git's command line, for one folder that VS Code's git extension does not
 * know (a worktree conversation's folder). Same answers as the extension-backed port: absolute
 * paths, the same status words.
 */
import { join } from 'node:path';
import type { GitChange, GitPort } from '../ports';
import { gitRun } from './worktrees';

const INDEX: Record<string, string> = { M: 'index modified', A: 'index added', D: 'index deleted', R: 'index renamed', C: 'index copied', T: 'type changed' };
const TREE: Record<string, string> = { M: 'modified', D: 'deleted', T: 'type changed', A: 'intent to add' };

export class CliGit implements GitPort {
  constructor(private readonly root: string) {}

  async available(): Promise<boolean> {
    return (await gitRun(this.root, ['rev-parse', '--is-inside-work-tree'])).code === 0;
  }

  async status(): Promise<Array<{ root: string; branch?: string; changes: GitChange[] }>> {
    const r = await gitRun(this.root, ['-c', 'core.quotepath=off', 'status', '--porcelain=v1', '-z', '--branch', '--untracked-files=all']);
    if (r.code !== 0) return [];
    const entries = r.stdout.split('\0');
    let branch: string | undefined;
    const changes: GitChange[] = [];
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      if (!e) continue;
      if (e.startsWith('## ')) {
        branch = e.slice(3).split('...')[0]!.trim();
        continue;
      }
      const x = e[0]!;
      const y = e[1]!;
      const path = join(this.root, e.slice(3));
      if (x === 'R' || x === 'C') k++; // the rename's source follows
      if (x === '?' && y === '?') {
        changes.push({ path, status: 'untracked', staged: false });
        continue;
      }
      if (INDEX[x]) changes.push({ path, status: INDEX[x], staged: true });
      if (TREE[y]) changes.push({ path, status: TREE[y], staged: false });
    }
    return [{ root: this.root, branch, changes }];
  }

  async diff(options: { absPath?: string; staged?: boolean }): Promise<string> {
    const args = ['diff', '--no-color', '--no-ext-diff', '--no-textconv'];
    if (options.staged) args.push('--cached');
    if (options.absPath) args.push('--', options.absPath);
    const r = await gitRun(this.root, args);
    return r.code === 0 ? r.stdout : '';
  }
}
