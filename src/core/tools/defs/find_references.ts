import { ToolError, type ToolDefinition } from '../types';
import { positionParams, renderLocations } from './locations';

interface Args {
  path: string;
  line: number;
  column: number;
}

export const findReferences: ToolDefinition<Args> = {
  name: 'find_references',
  kind: 'read',
  description: 'Find all references to the symbol at a position (file, 1-based line and column), via the language server.',
  parameters: { type: 'object', properties: positionParams, required: ['path', 'line', 'column'] },
  async run(args, ctx) {
    const p = await ctx.paths.resolve(args.path);
    if (!p.exists) throw new ToolError(`${p.display} does not exist.`);
    const locs = await ctx.language.references(p.abs, args.line, args.column);
    if (!locs.length) return { text: `No references found at ${p.display}:${args.line}:${args.column}.` };
    return { text: `${locs.length} reference(s):\n${await renderLocations(locs, ctx)}`, summary: `${locs.length} references` };
  },
};
