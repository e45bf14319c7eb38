import { sensitiveReason } from '../paths';
import { ToolError, type ToolDefinition } from '../types';

interface Args {
  path: string;
}

export const deleteFile: ToolDefinition<Args> = {
  name: 'delete_file',
  kind: 'write',
  description: 'Delete a file from the workspace (to the trash when possible). The user is asked first.',
  parameters: { type: 'object', properties: { path: { type: 'string', description: 'The file to delete.' } }, required: ['path'] },
  async run(args, ctx) {
    const p = await ctx.paths.resolve(args.path);
    const existing = await ctx.docs.read(p.abs).catch((err: Error) => {
      throw new ToolError(`${p.display} cannot be deleted: ${err.message}`);
    });
    if (!existing) throw new ToolError(`${p.display} does not exist.`);
    const gate = await ctx.approvals.write(
      ctx.callId,
      {
        title: `Delete ${p.display}?`,
        display: p.display,
        diff: existing.binary ? undefined : `--- a/${p.display}\n+++ /dev/null\n@@ file deleted (${existing.text.split('\n').length} lines) @@`,
        sensitive: sensitiveReason(p.rel),
      },
      ctx.signal,
    );
    if (!gate.run) throw new ToolError(gate.reason);
    if (gate.reason) ctx.note(gate.reason);
    await ctx.undo.before(p.abs, p.display, ctx.docs);
    await ctx.paths.recheck(args.path, p);
    await ctx.docs.delete(p.abs);
    return { text: `Deleted ${p.display}.`, summary: `Deleted ${p.display}` };
  },
};
