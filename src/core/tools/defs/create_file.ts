import { unifiedDiff } from '../diff';
import { sensitiveReason } from '../paths';
import { ToolError, type ToolDefinition } from '../types';
import { errorText } from '../../../shared/errorText';

interface Args {
  path: string;
  content: string;
  overwrite?: boolean;
}

export const createFile: ToolDefinition<Args> = {
  name: 'create_file',
  kind: 'write',
  description:
    'Create a new file with the given content (parent folders are created). Fails if the file exists unless overwrite is true; ' +
    'to change part of an existing file use edit_file instead. The user sees the content and may reject it.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The new file, relative to the workspace root.' },
      content: { type: 'string', description: 'The full content.' },
      overwrite: { type: 'boolean', description: 'Replace an existing file. Default false.' },
    },
    required: ['path', 'content'],
  },
  async run(args, ctx) {
    const p = await ctx.paths.resolve(args.path);
    const existing = await ctx.docs.read(p.abs).catch(() => undefined);
    if (existing && !args.overwrite) throw new ToolError(`${p.display} already exists. Use edit_file to change it, or set overwrite to true to replace it.`);
    const diff = await unifiedDiff(existing?.text ?? '', args.content, p.display, 3, ctx.signal);
    const gate = await ctx.approvals.write(
      ctx.callId,
      { title: existing ? `Replace ${p.display}?` : `Create ${p.display}?`, display: p.display, diff, sensitive: sensitiveReason(p.rel) },
      ctx.signal,
    );
    if (!gate.run) throw new ToolError(gate.reason);
    if (gate.reason) ctx.note(gate.reason);
    await ctx.undo.before(p.abs, p.display, ctx.docs);
    await ctx.paths.recheck(args.path, p);
    try {
      if (existing) await ctx.docs.write(p.abs, args.content, existing.version);
      else await ctx.docs.create(p.abs, args.content);
    } catch (err) {
      throw new ToolError(`Creating ${p.display} failed: ${errorText(err)}`);
    }
    return { text: `${existing ? 'Replaced' : 'Created'} ${p.display} (${args.content.split('\n').length} lines).`, summary: `${existing ? 'Replaced' : 'Created'} ${p.display}` };
  },
};
