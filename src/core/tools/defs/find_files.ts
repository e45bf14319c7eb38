import type { ToolDefinition } from '../types';

interface Args {
  pattern: string;
  max_results?: number;
}

export const findFiles: ToolDefinition<Args> = {
  name: 'find_files',
  kind: 'read',
  description:
    'Find files in the workspace by glob pattern (e.g. "**/*.ts", "src/**/test_*.py", "**/package.json"). ' +
    "Respects .gitignore and the user's files.exclude setting. Returns workspace-relative paths.",
  parameters: {
    type: 'object',
    properties: {
      pattern: { type: 'string', description: 'A glob pattern relative to the workspace root.' },
      max_results: { type: 'integer', minimum: 1, maximum: 2000, description: 'Maximum paths to return (default 200).' },
    },
    required: ['pattern'],
  },
  async run(args, ctx) {
    const roots = await ctx.paths.rootPaths();
    const max = args.max_results ?? 200;
    const { files, truncated } = await ctx.search.files(
      roots.map((r) => r.real),
      args.pattern,
      max,
      ctx.signal,
    );
    const shown = await Promise.all(files.map((f) => ctx.paths.displayOf(f)));
    if (!shown.length) return { text: `No files match “${args.pattern}”.`, summary: `No files match ${args.pattern}` };
    return {
      text: `${shown.length}${truncated ? '+' : ''} file(s) match “${args.pattern}”:\n${shown.join('\n')}${truncated ? `\n[More matches exist; showing the first ${max}. Narrow the pattern.]` : ''}`,
      summary: `${shown.length}${truncated ? '+' : ''} files match ${args.pattern}`,
    };
  },
};
