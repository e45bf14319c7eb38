import type { ToolDefinition } from '../types';

export const getOpenEditors: ToolDefinition<Record<string, never>> = {
  name: 'get_open_editors',
  kind: 'read',
  description:
    "List the files open in the editor (the active one first) and the user's current selection with its text. " +
    'Use it to learn what "this file" or "the selected code" refers to.',
  parameters: { type: 'object', properties: {} },
  async run(_args, ctx) {
    const eds = await ctx.language.openEditors();
    if (!eds.length) return { text: 'No editors are open.' };
    const lines: string[] = [];
    for (const e of eds) {
      lines.push(`${e.active ? '* ' : '  '}${await ctx.paths.displayOf(e.path)} (${e.languageId}${e.dirty ? ', unsaved changes' : ''})`);
      if (e.selection && e.selection.text) {
        const s = e.selection;
        lines.push(
          `    selection lines ${s.startLine}:${s.startColumn}-${s.endLine}:${s.endColumn}:\n${s.text
            .split('\n')
            .map((l) => '    | ' + l)
            .join('\n')}`,
        );
      }
    }
    return { text: lines.join('\n'), summary: `${eds.length} open editors` };
  },
};
