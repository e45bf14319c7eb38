import type { LocationInfo } from '../../ports';
import type { ToolContext } from '../types';

export async function renderLocations(locs: LocationInfo[], ctx: ToolContext): Promise<string> {
  const lines = await Promise.all(locs.slice(0, 200).map(async (l) => `${await ctx.paths.displayOf(l.path)}:${l.line}:${l.column}${l.preview ? `: ${l.preview.trim()}` : ''}`));
  return lines.join('\n') + (locs.length > 200 ? `\n[${locs.length - 200} more]` : '');
}

export const positionParams = {
  path: { type: 'string' as const, description: 'The file containing the symbol.' },
  line: { type: 'integer' as const, minimum: 1, description: '1-based line of the symbol.' },
  column: { type: 'integer' as const, minimum: 1, description: '1-based column of (any character of) the symbol.' },
};
