import { ToolError, type ToolDefinition } from '../types';

interface Args {
  query: string;
}

export const workspaceSymbols: ToolDefinition<Args> = {
  name: 'workspace_symbols',
  kind: 'read',
  description: 'Find classes, functions and other symbols by name across the workspace (language servers). Returns kind, name, file and line.',
  parameters: { type: 'object', properties: { query: { type: 'string', description: 'Symbol name or part of it.' } }, required: ['query'] },
  async run(args, ctx) {
    if (!args.query.trim()) throw new ToolError('"query" must not be empty.');
    const syms = await ctx.language.workspaceSymbols(args.query);
    if (!syms.length) return { text: `No symbols match “${args.query}”.` };
    const lines = await Promise.all(
      syms.slice(0, 200).map(async (s) => `${s.kind} ${s.name}${s.container ? ` (in ${s.container})` : ''} — ${await ctx.paths.displayOf(s.path)}:${s.line}`),
    );
    return { text: lines.join('\n'), summary: `${syms.length} symbols match ${args.query}` };
  },
};
