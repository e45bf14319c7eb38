import { VersionConflictError } from '../../ports';
import { unifiedDiff } from '../diff';
import { sensitiveReason } from '../paths';
import { ToolError, type ToolDefinition } from '../types';
import { errorText } from '../../../shared/errorText';

interface Args {
  path: string;
  edits: Array<{ search: string; replace: string }>;
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function occurrences(text: string, search: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(search); i >= 0; i = text.indexOf(search, i + 1)) {
    out.push(i);
    if (out.length > 20) break;
  }
  return out;
}

/** The line of `text` that looks most like the first meaningful line of `search`. */
function closestLine(text: string, search: string): string | undefined {
  const squash = (l: string) => l.replace(/\s+/g, '');
  const needle = search
    .split('\n')
    .map(squash)
    .find((l) => l.length > 0);
  if (!needle) return undefined;
  const lines = text.split('\n');
  let best: { score: number; k: number } | undefined;
  const grams = (s: string) => new Set(Array.from({ length: Math.max(0, s.length - 2) }, (_, i) => s.slice(i, i + 3)));
  const ng = grams(needle);
  lines.forEach((l, k) => {
    const t = squash(l);
    if (!t) return;
    const lg = grams(t);
    let common = 0;
    for (const g of ng) if (lg.has(g)) common++;
    const score = common / Math.max(1, Math.max(ng.size, lg.size));
    if (!best || score > best.score) best = { score, k };
  });
  return best && best.score > 0.3 ? `${best.k + 1}: ${lines[best.k]}` : undefined;
}

/** Apply search/replace blocks; every search must match exactly once. Throws ToolError. */
export function applyEdits(original: string, edits: Args['edits'], display: string): string {
  const crlf = original.includes('\r\n');
  let text = original;
  edits.forEach((e, k) => {
    const label = edits.length > 1 ? `Edit ${k + 1} of ${edits.length}` : 'The edit';
    if (e.search === '') throw new ToolError(`${label}: "search" is empty. To add to a file, search for the lines around the insertion point; to make a new file use create_file.`);
    let search = e.search;
    let replace = e.replace;
    if (crlf && !search.includes('\r')) {
      search = search.replace(/\n/g, '\r\n');
      replace = replace.replace(/\r?\n/g, '\r\n');
    }
    const at = occurrences(text, search);
    if (at.length === 0) {
      const hint = closestLine(text, e.search);
      throw new ToolError(
        `${label}: the search text was not found in ${display}.${hint ? ` The most similar line is ${hint}` : ''} ` +
          'Read the file again and copy the exact text, including indentation and whitespace. No edit was applied.',
      );
    }
    if (at.length > 1) {
      throw new ToolError(
        `${label}: the search text occurs ${at.length > 20 ? 'more than 20' : at.length} times in ${display} (lines ${at
          .slice(0, 8)
          .map((i) => lineOf(text, i))
          .join(', ')}). ` + 'Include more surrounding lines so it matches exactly once. No edit was applied.',
      );
    }
    text = text.slice(0, at[0]) + replace + text.slice(at[0]! + search.length);
  });
  return text;
}

export const editFile: ToolDefinition<Args> = {
  name: 'edit_file',
  kind: 'write',
  description:
    'Edit an existing file with exact search-and-replace blocks. Each "search" must be copied exactly from the current file ' +
    '(read it first; whitespace and indentation matter) and must occur exactly once; include a few surrounding lines to make it unique. ' +
    'All blocks are applied together or not at all. The user sees a diff and may reject it. Prefer several small blocks over rewriting a whole file.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The file to edit.' },
      edits: {
        type: 'array',
        description: 'Replacements, applied in order.',
        items: {
          type: 'object',
          properties: {
            search: { type: 'string', description: 'Exact existing text (unique in the file).' },
            replace: { type: 'string', description: 'The new text.' },
          },
          required: ['search', 'replace'],
        },
      },
    },
    required: ['path', 'edits'],
  },
  async run(args, ctx) {
    if (!args.edits.length) throw new ToolError('"edits" is empty: nothing to do.');
    const p = await ctx.paths.resolve(args.path);
    const doc = await ctx.docs.read(p.abs).catch((err: Error) => {
      throw new ToolError(`${p.display} cannot be read: ${err.message}`);
    });
    if (!doc) throw new ToolError(`${p.display} does not exist. Use create_file for new files.`);
    if (doc.binary) throw new ToolError(`${p.display} is a binary file and cannot be edited as text.`);
    const next = applyEdits(doc.text, args.edits, p.display);
    if (next === doc.text) throw new ToolError('The replacement text is identical to the search text: the edit changes nothing.');
    const diff = await unifiedDiff(doc.text, next, p.display, 3, ctx.signal);
    const gate = await ctx.approvals.write(ctx.callId, { title: `Edit ${p.display}?`, display: p.display, diff, sensitive: sensitiveReason(p.rel) }, ctx.signal);
    if (!gate.run) throw new ToolError(gate.reason);
    if (gate.reason) ctx.note(gate.reason);
    await ctx.undo.before(p.abs, p.display, ctx.docs);
    await ctx.paths.recheck(args.path, p);
    let saved: boolean;
    try {
      ({ saved } = await ctx.docs.write(p.abs, next, doc.version));
    } catch (err) {
      if (err instanceof VersionConflictError) throw new ToolError(err.message);
      throw new ToolError(`Writing ${p.display} failed: ${errorText(err)}`);
    }
    const changed = diff.split('\n').filter((l) => /^[+-][^+-]/.test(l) || l === '+' || l === '-').length;
    return {
      text: `Applied ${args.edits.length} edit(s) to ${p.display} (${changed} line(s) changed). ${saved ? 'The file was saved.' : 'The editor had unsaved changes, so the edit was applied in the editor but not saved.'}\n${diff}`,
      summary: `Edited ${p.display}${saved ? '' : ' (not saved: the editor had unsaved changes)'}`,
    };
  },
};
