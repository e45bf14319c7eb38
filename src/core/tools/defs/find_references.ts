import { locationTool } from './locations';

export const findReferences = locationTool({
  name: 'find_references',
  noun: 'reference(s)',
  description: 'Find all references to the symbol at a position (file, 1-based line and column), via the language server.',
  find: (ctx, abs, line, column) => ctx.language.references(abs, line, column),
});
