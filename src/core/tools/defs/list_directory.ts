import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError, type ToolDefinition } from '../types';
import { errorText } from '../../../shared/errorText';

interface Args {
  path?: string;
}

export const listDirectory: ToolDefinition<Args> = {
  name: 'list_directory',
  kind: 'read',
  description:
    'List the entries of a workspace directory (files with their size, sub-directories ending in "/"). ' +
    'Use "." or omit the path for the workspace root. In a multi-root workspace the root lists the folders.',
  parameters: {
    type: 'object',
    properties: { path: { type: 'string', description: 'Directory relative to the workspace root. Default ".".' } },
  },
  async run(args, ctx) {
    if ((args.path === undefined || args.path === '.' || args.path === '') && ctx.paths.multiRoot) {
      const roots = await ctx.paths.rootPaths();
      return { text: `Workspace folders:\n${roots.map((r) => `${r.name}/`).join('\n')}` };
    }
    const p = await ctx.paths.resolve(args.path || '.');
    let names: string[];
    try {
      names = await readdir(p.abs);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT') throw new ToolError(`${p.display} does not exist.`);
      if (code === 'ENOTDIR') throw new ToolError(`${p.display} is a file, not a directory. Use read_file.`);
      throw new ToolError(`${p.display} cannot be listed: ${errorText(err)}`);
    }
    names = names.filter((n) => n !== '.git').sort((a, b) => a.localeCompare(b));
    const lines: string[] = [];
    for (const n of names.slice(0, 1000)) {
      const st = await stat(join(p.abs, n)).catch(() => undefined);
      if (!st) lines.push(`${n} (unreadable)`);
      else lines.push(st.isDirectory() ? `${n}/` : `${n} (${st.size} bytes)`);
    }
    const more = names.length > 1000 ? `\n[${names.length - 1000} more entries not shown]` : '';
    return {
      text: `${p.display === '' ? '.' : p.display}/ (${names.length} entries)\n${lines.join('\n')}${more}`,
      summary: `Listed ${p.display || '.'} (${names.length} entries)`,
    };
  },
};
