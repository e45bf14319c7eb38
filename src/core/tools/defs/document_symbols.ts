import type { SymbolInfo } from '../../ports';
import { ToolError, type ToolDefinition } from '../types';

interface Args {
  path: string;
}

function render(list: SymbolInfo[], depth: number, out: string[]): void {
  for (const s of list) {
    out.push(`${'  '.repeat(depth)}${s.kind} ${s.name} (line ${s.line}${s.endLine && s.endLine !== s.line ? `-${s.endLine}` : ''})`);
    if (s.children?.length) render(s.children, depth + 1, out);
  }
}

export const documentSymbols: ToolDefinition<Args> = {
  name: 'document_symbols',
  kind: 'read',
  description: 'Outline of a file from its language server: classes, functions, methods, variables with their line ranges. Cheaper than reading a large file.',
  parameters: { type: 'object', properties: { path: { type: 'string', description: 'The file.' } }, required: ['path'] },
  async run(args, ctx) {
    const p = await ctx.paths.resolve(args.path);
    if (!p.exists) throw new ToolError(`${p.display} does not exist.`);
    const syms = await ctx.language.documentSymbols(p.abs);
    if (!syms.length) return { text: `No symbols found in ${p.display} (no language support for this file type, or it is empty).` };
    const out: string[] = [];
    render(syms, 0, out);
    return { text: `${p.display}:\n${out.join('\n')}`, summary: `${out.length} symbols in ${p.display}` };
  },
};
