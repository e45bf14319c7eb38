/** Export a conversation as Markdown (readable) or JSON (complete, re-importable steps). */
import type { Content, Step } from '../protocol/types';
import type { ConversationData } from './journal';

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

function stepMarkdown(s: Step): string {
  const x = s as Record<string, unknown>;
  switch (s.type) {
    case 'model_output':
      return ((x.content as Content[] | undefined) ?? []).map(contentMarkdown).join('\n\n');
    case 'thought': {
      const text = ((x.summary as Content[] | undefined) ?? [])
        .filter((c) => c.type === 'text')
        .map((c) => (c as { text: string }).text)
        .join('');
      return text ? `<details><summary>Thinking</summary>\n\n${text}\n\n</details>` : '';
    }
    case 'function_call':
      return `**Tool call** \`${String(x.name)}\`\n\n${fence(JSON.stringify(x.arguments ?? {}, null, 2), 'json')}`;
    case 'function_result': {
      const r = x.result;
      const text = typeof r === 'string' ? r : Array.isArray(r) ? (r as Content[]).map(contentMarkdown).join('\n') : JSON.stringify(r, null, 2);
      return `**Tool result** \`${String(x.name ?? x.call_id)}\`${x.is_error ? ' (error)' : ''}\n\n${fence(text)}`;
    }
    case 'google_search_call':
      return `*Searched: ${((x.arguments as { queries?: string[] })?.queries ?? []).join(' · ')}*`;
    case 'code_execution_call': {
      const a = (x.arguments ?? {}) as { code?: string; language?: string };
      return `**Code execution**\n\n${fence(a.code ?? '', a.language ?? 'python')}`;
    }
    case 'code_execution_result': {
      const r = x.result;
      return `**Output**\n\n${fence(typeof r === 'string' ? r : JSON.stringify(r, null, 2))}`;
    }
    case 'url_context_call':
      return `*Reading: ${((x.arguments as { urls?: string[] })?.urls ?? []).join(', ')}*`;
    case 'google_search_result':
    case 'url_context_result':
      return '';
    default:
      return `*[${s.type}]*`;
  }
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
