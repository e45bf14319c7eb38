/**
 * Code review with structured output: the JSON schema sent as `response_format`, strict
 * validation of what comes back (invalid or truncated JSON is an error, never partial
 * findings), and the prompts for reviewing a file or the uncommitted changes.
 */
import type { TextResponseFormat } from './protocol/types';
import { validateArgs, type JsonSchema } from './tools/types';
import { errorText } from '../shared/errorText';

export type FindingSeverity = 'error' | 'warning' | 'info';

export interface ReviewFinding {
  file: string;
  start_line: number;
  end_line: number;
  severity: FindingSeverity;
  message: string;
  /** Replacement text for lines start_line..end_line (whole lines). */
  suggested_replacement?: string;
}

export const FINDING_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    file: { type: 'string', description: 'Workspace-relative path of the file.' },
    start_line: { type: 'integer', minimum: 1, description: 'First line of the problem (1-based).' },
    end_line: { type: 'integer', minimum: 1, description: 'Last line of the problem (inclusive).' },
    severity: { type: 'string', enum: ['error', 'warning', 'info'] },
    message: { type: 'string', description: 'What is wrong and why, in one or two sentences.' },
    suggested_replacement: { type: 'string', description: 'Optional: the full replacement text for lines start_line..end_line.' },
  },
  required: ['file', 'start_line', 'end_line', 'severity', 'message'],
};

export const REVIEW_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    summary: { type: 'string', description: 'One sentence overall.' },
    findings: { type: 'array', items: FINDING_SCHEMA },
  },
  required: ['findings'],
};

export const REVIEW_RESPONSE_FORMAT: TextResponseFormat = {
  type: 'text',
  mime_type: 'application/json',
  schema: REVIEW_SCHEMA as unknown as Record<string, unknown>,
};

export class ReviewFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewFormatError';
  }
}

/** Parse and validate the model's JSON. Throws ReviewFormatError; never returns partial results. */
export function parseReview(text: string): { summary?: string; findings: ReviewFinding[] } {
  const trimmed = text
    .trim()
    .replace(/^```(?:json)?\s*\n?/, '')
    .replace(/\n?```\s*$/, '');
  if (!trimmed) throw new ReviewFormatError('The review came back empty.');
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (err) {
    const truncated = !/[}\]]\s*$/.test(trimmed);
    throw new ReviewFormatError(`The review was not valid JSON${truncated ? ' (it looks truncated)' : ''}: ${errorText(err)}.`);
  }
  const problem = validateArgs(REVIEW_SCHEMA, json, 'review');
  if (problem) throw new ReviewFormatError(`The review did not match the expected format: ${problem}`);
  const r = json as { summary?: string; findings: ReviewFinding[] };
  r.findings.forEach((f, k) => {
    if (f.end_line < f.start_line) throw new ReviewFormatError(`Finding ${k + 1} ends (line ${f.end_line}) before it starts (line ${f.start_line}).`);
  });
  return r;
}

export function reviewFilePrompt(path: string, languageId: string, text: string): string {
  const numbered = text
    .split('\n')
    .map((l, k) => `${k + 1}: ${l}`)
    .join('\n');
  return [
    `Review the file ${path} (${languageId}). Report real problems only: bugs, security issues, error handling, performance traps, misleading names. Skip style nits.`,
    'For each finding give the exact 1-based line range in this file, a severity and a short message; when you are confident, add suggested_replacement with the complete new text of exactly those lines.',
    'Answer with JSON that matches the schema. An empty findings list is a fine answer.',
    '',
    `${path} (numbered lines):`,
    numbered,
  ].join('\n');
}

/**
 * The files a unified git diff touches (new paths; deletions excluded), relative to the repository root.
 * Git quotes unusual names ("b/with space" stays unquoted, but non-ASCII becomes "\"b/...\""); both forms are read.
 */
export function filesInDiff(diff: string): string[] {
  const out = new Set<string>();
  let header = false; // between "diff --git" and the first hunk: a "+++ " line there is a header, not content
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) header = true;
    else if (line.startsWith('@@')) header = false;
    if (!header || !line.startsWith('+++ ')) continue;
    let p = line.slice(4).replace(/\t.*$/, '');
    if (p.startsWith('"') && p.endsWith('"')) {
      try {
        p = JSON.parse(p) as string;
      } catch {
        continue;
      }
    }
    if (p === '/dev/null' || !p.startsWith('b/')) continue;
    out.add(p.slice(2));
  }
  return [...out];
}

export function reviewChangesPrompt(diff: string): string {
  return [
    'Review these uncommitted changes (a unified diff). Report real problems the changes introduce: bugs, security issues, missing error handling, broken edge cases. Skip style nits.',
    'Use the file paths from the diff and line numbers of the NEW version of each file. When you are confident, add suggested_replacement with the complete new text of exactly those lines.',
    'Answer with JSON that matches the schema. An empty findings list is a fine answer.',
    '',
    diff,
  ].join('\n');
}

export function explainPrompt(o: { path: string; languageId: string; startLine: number; endLine: number; selection: string; before: string; after: string }): string {
  const fence = o.selection.includes('```') ? '~~~~' : '```';
  const ctx = (label: string, t: string) => (t.trim() ? `\n${label}:\n${fence}${o.languageId}\n${t}\n${fence}` : '');
  return (
    `Explain this code from \`${o.path}\` (lines ${o.startLine}–${o.endLine}, ${o.languageId}): what it does, how, and anything surprising or risky.\n` +
    `${fence}${o.languageId}\n${o.selection}\n${fence}` +
    ctx('Code just before it (context)', o.before) +
    ctx('Code just after it (context)', o.after)
  );
}

export function fixPrompt(o: {
  path: string;
  languageId: string;
  line: number;
  column: number;
  severity: string;
  message: string;
  source?: string;
  excerpt: string;
  excerptStart: number;
  toolsAvailable: boolean;
}): string {
  const fence = o.excerpt.includes('```') ? '~~~~' : '```';
  return (
    `Fix this ${o.severity} in \`${o.path}\` at line ${o.line}, column ${o.column}${o.source ? ` (${o.source})` : ''}:\n> ${o.message}\n\n` +
    `The code around it (lines ${o.excerptStart}–${o.excerptStart + o.excerpt.split('\n').length - 1}):\n${fence}${o.languageId}\n${o.excerpt}\n${fence}\n\n` +
    (o.toolsAvailable
      ? `Read more of the file if you need to, then make the smallest correct change with the edit_file tool (the user reviews the diff). Then say in one sentence what you changed.`
      : `Answer with JSON: {"explanation": "...", "edits": [{"search": "<exact existing text>", "replace": "<new text>"}]}. Each search must occur exactly once in the file.`)
  );
}

export const FIX_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    explanation: { type: 'string' },
    edits: { type: 'array', items: { type: 'object', properties: { search: { type: 'string' }, replace: { type: 'string' } }, required: ['search', 'replace'] } },
  },
  required: ['explanation', 'edits'],
};

export function commitMessagePrompt(diff: string, recent: string[]): string {
  return [
    'Write a git commit message for these staged changes. First line: imperative mood, at most 72 characters, no trailing period.',
    'Then, if the change is not trivial, a blank line and a short body (wrapped at 72) saying what changed and why.',
    'Reply with the commit message only: no quotes, no code fences, no preamble.',
    recent.length ? `Recent commit subjects in this repository, for style:\n${recent.map((r) => `- ${r}`).join('\n')}` : '',
    '',
    diff.length > 120_000 ? diff.slice(0, 120_000) + '\n[diff truncated]' : diff,
  ]
    .filter((l, k) => l !== '' || k > 2)
    .join('\n');
}
