import { ToolError, type ToolDefinition } from '../types';
import { positionParams, renderLocations } from './locations';

interface Args {
  path: string;
  line: number;
  column: number;
}

export const findDefinition: ToolDefinition<Args> = {
  name: 'find_definition',
  kind: 'read',
  description: 'Go to definition: where the symbol at a position (file, 1-based line and column) is defined, via the language server.',
  parameters: { type: 'object', properties: positionParams, required: ['path', 'line', 'column'] },
  async run(args, ctx) {
    const p = await ctx.paths.resolve(args.path);
    if (!p.exists) throw new ToolError(`${p.display} does not exist.`);
    const locs = await ctx.language.definition(p.abs, args.line, args.column);
    if (!locs.length) return { text: `No definition found at ${p.display}:${args.line}:${args.column}.` };
    return { text: await renderLocations(locs, ctx), summary: `${locs.length} definition(s)` };
  },
};
