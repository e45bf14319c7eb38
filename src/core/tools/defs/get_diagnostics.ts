import type { ToolDefinition } from '../types';

interface Args {
  path?: string;
  severity?: 'error' | 'warning' | 'all';
}

export const getDiagnostics: ToolDefinition<Args> = {
  name: 'get_diagnostics',
  kind: 'read',
  description:
    'Get the problems (compiler errors, lint warnings) VS Code currently reports, for one file or the whole workspace. ' +
    'Use after editing to check that the code still compiles.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'A file; omit for the whole workspace.' },
      severity: { type: 'string', enum: ['error', 'warning', 'all'], description: 'Minimum severity (default "warning").' },
    },
  },
  async run(args, ctx) {
    const p = args.path ? await ctx.paths.resolve(args.path) : undefined;
    const all = await ctx.language.diagnostics(p?.abs);
    const min = args.severity ?? 'warning';
    const keep = all.filter((d) => (min === 'all' ? true : min === 'error' ? d.severity === 'error' : d.severity === 'error' || d.severity === 'warning'));
    if (!keep.length) return { text: `No ${min === 'all' ? '' : min + ' '}problems${p ? ` in ${p.display}` : ' in the workspace'}.`, summary: 'No problems' };
    const lines = await Promise.all(
      keep
        .slice(0, 300)
        .map(
          async (d) => `${await ctx.paths.displayOf(d.path)}:${d.line}:${d.column}: ${d.severity}: ${d.message}${d.source ? ` [${d.source}${d.code ? ` ${d.code}` : ''}]` : ''}`,
        ),
    );
    return { text: `${keep.length} problem(s):\n${lines.join('\n')}${keep.length > 300 ? '\n[more not shown]' : ''}`, summary: `${keep.length} problems` };
  },
};
