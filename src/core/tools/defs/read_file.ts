import { secretReason } from '../paths';
import { ToolError, type ToolDefinition } from '../types';
import { errorText } from '../../../shared/errorText';

interface Args {
  path: string;
  start_line?: number;
  end_line?: number;
}

export const readFile: ToolDefinition<Args> = {
  name: 'read_file',
  kind: 'read',
  description:
    'Read a text file from the workspace, as the user currently sees it (unsaved editor changes included). ' +
    'Returns the lines prefixed with their 1-based line numbers. Large files are truncated and the result says which lines were shown; ' +
    'call again with start_line/end_line to read further. Use this before editing a file so your edit matches its exact text.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'Path relative to the workspace root (in a multi-root workspace: "<folder name>/<path>").' },
      start_line: { type: 'integer', minimum: 1, description: 'First line to read (1-based). Default 1.' },
      end_line: { type: 'integer', minimum: 1, description: 'Last line to read (inclusive). Default: as many as fit.' },
    },
    required: ['path'],
  },
  async run(args, ctx) {
    const p = await ctx.paths.resolve(args.path);
    const gate = await ctx.approvals.read(ctx.callId, p.display, secretReason(p.rel), ctx.signal);
    if (!gate.run) throw new ToolError(gate.reason);
    if (gate.reason) ctx.note(gate.reason);
    let doc;
    try {
      doc = await ctx.docs.read(p.abs);
    } catch (err) {
      throw new ToolError(`${p.display} cannot be read: ${errorText(err)}`);
    }
    if (!doc) throw new ToolError(`${p.display} does not exist. Use list_directory or find_files to see what exists.`);
    if (doc.binary) throw new ToolError(`${p.display} is a binary file; read_file only returns text.`);
    const lines = doc.text.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    const total = lines.length;
    const start = Math.max(1, args.start_line ?? 1);
    if (start > Math.max(1, total)) throw new ToolError(`${p.display} has ${total} lines; start_line ${start} is past the end.`);
    let end = Math.min(total, args.end_line ?? total);
    if (end < start) throw new ToolError(`end_line (${end}) is before start_line (${start}).`);
    end = Math.min(end, start + ctx.settings.maxReadLines - 1);
    const out: string[] = [];
    let bytes = 0;
    let k = start;
    for (; k <= end; k++) {
      const line = `${k}: ${lines[k - 1]}`;
      bytes += line.length + 1;
      if (bytes > ctx.settings.maxReadBytes && out.length) break;
      out.push(line);
    }
    const shownEnd = k - 1;
    const header = `${p.display} (${total} lines${doc.dirty ? ', unsaved changes in the editor' : ''})`;
    const more = shownEnd < total ? `\n[Truncated: showed lines ${start}-${shownEnd} of ${total}. Call read_file with start_line ${shownEnd + 1} to continue.]` : '';
    return { text: `${header}\n${out.join('\n')}${more}`, summary: `Read ${p.display}, lines ${start}-${shownEnd} of ${total}` };
  },
};
