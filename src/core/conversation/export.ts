/** Export a conversation as Markdown (readable) or JSON (complete, re-importable steps). */
import type { Content, Step } from '../protocol/types';
import type { ConversationData } from './journal';
import { isStepKind, type StepKind } from '../../shared/stepKinds';

function contentMarkdown(c: Content): string {
  switch (c.type) {
    case 'text':
      return c.text;
    case 'image':
      return `*[image${c.mime_type ? ` ${c.mime_type}` : ''}${c.uri ? `: ${c.uri}` : c.data ? `, ${Math.round((c.data.length * 3) / 4)} bytes` : ''}]*`;
    default:
      return `*[${c.type}${c.mime_type ? ` ${c.mime_type}` : ''}]*`;
  }
}

function fence(text: string, lang = ''): string {
  const f = text.includes('```') ? '~~~~' : '```';
  return `${f}${lang}\n${text}\n${f}`;
}

type X = Record<string, unknown>;
const args = (x: X) => (x.arguments ?? {}) as Record<string, unknown>;
const list = (v: unknown) => (Array.isArray(v) ? (v as unknown[]).map(String) : []);
const nothing = () => '';

/** How each kind of step reads in Markdown (every kind of the registry; the compiler names a new one). */
const STEP_MARKDOWN: Record<StepKind, (x: X) => string> = {
  user_input: nothing,
  model_output: (x) => ((x.content as Content[] | undefined) ?? []).map(contentMarkdown).join('\n\n'),
  thought: (x) => {
    const text = ((x.summary as Content[] | undefined) ?? [])
      .filter((c) => c.type === 'text')
      .map((c) => (c as { text: string }).text)
      .join('');
    return text ? `<details><summary>Thinking</summary>\n\n${text}\n\n</details>` : '';
  },
  function_call: (x) => `**Tool call** \`${String(x.name)}\`\n\n${fence(JSON.stringify(x.arguments ?? {}, null, 2), 'json')}`,
  function_result: (x) => {
    const r = x.result;
    const text = typeof r === 'string' ? r : Array.isArray(r) ? (r as Content[]).map(contentMarkdown).join('\n') : JSON.stringify(r, null, 2);
    return `**Tool result** \`${String(x.name ?? x.call_id)}\`${x.is_error ? ' (error)' : ''}\n\n${fence(text)}`;
  },
  google_search_call: (x) => `*Searched: ${list(args(x).queries).join(' · ')}*`,
  google_search_result: nothing,
  code_execution_call: (x) => {
    const a = args(x) as { code?: string; language?: string };
    return `**Code execution**\n\n${fence(a.code ?? '', a.language ?? 'python')}`;
  },
  code_execution_result: (x) => {
    const r = x.result;
    return `**Output**\n\n${fence(typeof r === 'string' ? r : JSON.stringify(r, null, 2))}`;
  },
  url_context_call: (x) => `*Reading: ${list(args(x).urls).join(', ')}*`,
  url_context_result: nothing,
  google_maps_call: (x) => `*Searched Google Maps: ${list(args(x).queries).join(' · ')}*`,
  google_maps_result: nothing,
  mcp_server_tool_call: (x) =>
    `**Remote MCP call** \`${String(x.server_name ?? '')}${x.server_name ? ' · ' : ''}${String(x.name ?? '')}\`\n\n${fence(JSON.stringify(x.arguments ?? {}, null, 2), 'json')}`,
  mcp_server_tool_result: (x) => {
    const r = x.result;
    const text = typeof r === 'string' ? r : Array.isArray(r) ? (r as Content[]).map(contentMarkdown).join('\n') : JSON.stringify(r, null, 2);
    return `**Remote MCP result**\n\n${fence(text)}`;
  },
  file_search_call: () => '*Searched the file stores*',
  file_search_result: nothing,
  retrieval_call: (x) => `*Retrieval: ${list(args(x).queries).join(' · ')}*`,
  retrieval_result: nothing,
  processing_call: () => '*Processing media*',
  processing_result: nothing,
  tool_search_call: (x) => `*Looking for tools: ${list(args(x).function_names).join(', ')}*`,
  tool_search_result: (x) => {
    const names = (Array.isArray(x.result) ? (x.result as X[]) : []).map((f) => String(f.name ?? '?'));
    return names.length ? `*Tools loaded: ${names.join(', ')}*` : '';
  },
};

function stepMarkdown(s: Step): string {
  return isStepKind(s.type) ? STEP_MARKDOWN[s.type](s as X) : `*[${s.type}]*`;
}

function citations(s: Step): string[] {
  if (s.type !== 'model_output') return [];
  const out: string[] = [];
  for (const c of (s as { content?: Content[] }).content ?? []) {
    if (c.type !== 'text') continue;
    for (const a of c.annotations ?? []) if (a.type === 'url_citation' && a.url) out.push(`- [${a.title ?? a.url}](${a.url})`);
  }
  return out;
}

export function exportMarkdown(data: ConversationData): string {
  const lines: string[] = [`# ${data.meta.title}`, '', `*Exported from Gemini Interactions · ${new Date(data.meta.created).toISOString()} · ${data.meta.model}*`, ''];
  for (const t of data.turns) {
    lines.push('## You', '', t.input.map(contentMarkdown).join('\n\n'), '', `## Gemini (${t.model})`, '');
    const cites: string[] = [];
    for (const s of t.steps) {
      const md = stepMarkdown(s);
      if (md) lines.push(md, '');
      cites.push(...citations(s));
    }
    if (cites.length) lines.push('**Sources**', '', ...[...new Set(cites)], '');
    if (t.error) lines.push(`> **Error:** ${t.error.message}`, '');
    else if (t.state !== 'completed') lines.push(`> *${t.state}*`, '');
  }
  return lines.join('\n');
}

export function exportJson(data: ConversationData): string {
  return JSON.stringify(
    {
      id: data.meta.id,
      title: data.meta.title,
      created: new Date(data.meta.created).toISOString(),
      mode: data.meta.mode,
      model: data.meta.model,
      turns: data.turns.map((t) => ({
        id: t.id,
        created: new Date(t.created).toISOString(),
        model: t.model,
        state: t.state,
        input: t.input,
        steps: t.steps,
        usage: t.usage,
        error: t.error,
        interaction_ids: t.interactionIds,
      })),
    },
    null,
    2,
  );
}
