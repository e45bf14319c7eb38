import { ToolError, type ToolDefinition } from '../types';
import { errorText } from '../../../shared/errorText';

interface Args {
  query: string;
  regex?: boolean;
  case_sensitive?: boolean;
  include?: string;
  max_results?: number;
}

export const searchText: ToolDefinition<Args> = {
  name: 'search_text',
  kind: 'read',
  description:
    'Search the text of the workspace files (ripgrep; respects .gitignore and files.exclude). ' +
    'Literal by default; set regex to true for a regular expression (Rust regex syntax). ' +
    'Returns "path:line: text" for each match, capped, with the total count.',
  parameters: {
    type: 'object',
    properties: {
      query: { type: 'string', description: 'Text or regular expression to find.' },
      regex: { type: 'boolean', description: 'Treat query as a regular expression. Default false.' },
      case_sensitive: { type: 'boolean', description: 'Default false (smart: case-insensitive).' },
      include: { type: 'string', description: 'Only files matching this glob, e.g. "**/*.ts".' },
      max_results: { type: 'integer', minimum: 1, maximum: 1000, description: 'Maximum matches to return (default 100).' },
    },
    required: ['query'],
  },
  async run(args, ctx) {
    if (!args.query) throw new ToolError('"query" must not be empty.');
    if (args.regex) {
      try {
        new RegExp(args.query);
      } catch (err) {
        throw new ToolError(`The regular expression is invalid: ${errorText(err)}`);
      }
    }
    const roots = await ctx.paths.rootPaths();
    const max = args.max_results ?? 100;
    const r = await ctx.search.text(
      roots.map((x) => x.real),
      args.query,
      { regex: !!args.regex, caseSensitive: !!args.case_sensitive, glob: args.include, maxResults: max },
      ctx.signal,
    );
    if (!r.total) return { text: `No matches for “${args.query}”.`, summary: `No matches for ${args.query}` };
    const lines = await Promise.all(r.matches.map(async (m) => `${await ctx.paths.displayOf(m.path)}:${m.line}: ${m.text.length > 300 ? m.text.slice(0, 300) + '…' : m.text}`));
    const more = r.truncated ? `\n[${r.total} matches in total; showing ${r.matches.length}. Narrow the query or use include.]` : '';
    return { text: `${r.total} match(es) for “${args.query}”:\n${lines.join('\n')}${more}`, summary: `${r.total} matches for ${args.query}` };
  },
};
