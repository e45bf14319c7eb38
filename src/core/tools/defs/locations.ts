import type { LocationInfo } from '../../ports';
import { ToolError, type ToolContext, type ToolDefinition } from '../types';

export async function renderLocations(locs: LocationInfo[], ctx: ToolContext): Promise<string> {
  const lines = await Promise.all(locs.slice(0, 200).map(async (l) => `${await ctx.paths.displayOf(l.path)}:${l.line}:${l.column}${l.preview ? `: ${l.preview.trim()}` : ''}`));
  return lines.join('\n') + (locs.length > 200 ? `\n[${locs.length - 200} more]` : '');
}

interface PositionArgs {
  path: string;
  line: number;
  column: number;
}

/** A language-server lookup at a position (go to definition, find references). */
export function locationTool(o: {
  name: string;
  description: string;
  find(ctx: ToolContext, abs: string, line: number, column: number): Promise<LocationInfo[]>;
  /** Plural noun for the result, e.g. "definition(s)". */
  noun: string;
}): ToolDefinition<PositionArgs> {
  return {
    name: o.name,
    kind: 'read',
    description: o.description,
    parameters: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'The file containing the symbol.' },
        line: { type: 'integer', minimum: 1, description: '1-based line of the symbol.' },
        column: { type: 'integer', minimum: 1, description: '1-based column of (any character of) the symbol.' },
      },
      required: ['path', 'line', 'column'],
    },
    async run(args, ctx) {
      const p = await ctx.paths.resolve(args.path);
      if (!p.exists) throw new ToolError(`${p.display} does not exist.`);
      const locs = await o.find(ctx, p.abs, args.line, args.column);
      if (!locs.length) return { text: `No ${o.noun.replace('(s)', 's')} found at ${p.display}:${args.line}:${args.column}.` };
      return { text: `${locs.length} ${o.noun}:\n${await renderLocations(locs, ctx)}`, summary: `${locs.length} ${o.noun}` };
    },
  };
}
