import { ToolError, type ToolDefinition } from '../types';

export const gitStatus: ToolDefinition<Record<string, never>> = {
  name: 'git_status',
  kind: 'read',
  description: 'The git status of the workspace repositories: branch, staged and unstaged changes, untracked files.',
  parameters: { type: 'object', properties: {} },
  async run(_args, ctx) {
    if (!(await ctx.git.available())) throw new ToolError('Git is not available in this workspace (no repository, or the built-in Git extension is disabled).');
    const repos = await ctx.git.status();
    if (!repos.length) return { text: 'No git repository in the workspace.' };
    const out: string[] = [];
    for (const r of repos) {
      out.push(
        `Repository ${(await ctx.paths.displayOf(r.root)) || '.'}${r.branch ? ` on branch ${r.branch}` : ''}: ${r.changes.length ? `${r.changes.length} change(s)` : 'clean'}`,
      );
      for (const c of r.changes) out.push(`  ${c.staged ? 'staged  ' : 'unstaged'} ${c.status.padEnd(10)} ${await ctx.paths.displayOf(c.path)}`);
    }
    return { text: out.join('\n'), summary: out[0] };
  },
};
