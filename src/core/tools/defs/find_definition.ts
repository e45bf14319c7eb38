import { locationTool } from './locations';

export const findDefinition = locationTool({
  name: 'find_definition',
  noun: 'definition(s)',
  description: 'Go to definition: where the symbol at a position (file, 1-based line and column) is defined, via the language server.',
  find: (ctx, abs, line, column) => ctx.language.definition(abs, line, column),
});
