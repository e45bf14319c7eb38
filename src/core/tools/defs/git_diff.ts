import { ToolError, type ToolDefinition } from '../types';

interface Args {
  path?: string;
  staged?: boolean;
}

export const gitDiff: ToolDefinition<Args> = {
  name: 'git_diff',
  kind: 'read',
  description: 'The uncommitted changes as a unified diff: unstaged by default, or staged ones; for one file or all.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'Limit to one file.' },
      staged: { type: 'boolean', description: 'Show staged (index) changes instead of the working tree. Default false.' },
    },
  },
  async run(args, ctx) {
    if (!(await ctx.git.available())) throw new ToolError('Git is not available in this workspace.');
    const p = args.path ? await ctx.paths.resolve(args.path) : undefined;
    const diff = await ctx.git.diff({ absPath: p?.abs, staged: args.staged });
    if (!diff.trim()) return { text: `No ${args.staged ? 'staged' : 'unstaged'} changes${p ? ` in ${p.display}` : ''}.` };
    const max = 60_000;
    return {
      text: diff.length > max ? `${diff.slice(0, max)}\n[Diff truncated at ${max} characters; ask for one path at a time.]` : diff,
      summary: `${diff.split('\n').length} diff lines`,
    };
  },
};
