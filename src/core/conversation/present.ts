/**
 * Turns core conversation data into the webview's view model: accumulator changes into UI
 * changes (citation byte offsets mapped to string indices), turn records into turn views.
 */
import type { CitationView, ConversationView, ErrorView, TurnView, UiChange, UsageView, WireContent, WireStep } from '../../shared/protocol';
import type { Annotation, Content, Step, TextContent, Usage } from '../protocol/types';
import { byteOffsetsToIndices } from '../protocol/utf8';
import type { StepChange } from './accumulator';
import type { ConversationData, TurnRecord } from './journal';
import { l10n } from '../../shared/l10n';

export function citationsFor(text: string, annotations: Annotation[] | undefined): CitationView[] {
  const cites = (annotations ?? []).filter((a): a is Extract<Annotation, { type: 'url_citation' }> => a.type === 'url_citation' && typeof a.url === 'string');
  if (!cites.length) return [];
  const offsets: number[] = [];
  for (const c of cites) offsets.push(c.start_index ?? 0, c.end_index ?? c.start_index ?? 0);
  const idx = byteOffsetsToIndices(text, offsets);
  return cites.map((c, k) => ({ url: c.url!, title: c.title, start: idx[2 * k]!, end: idx[2 * k + 1]! }));
}

export function usageView(u: Usage | undefined): UsageView | undefined {
  if (!u) return undefined;
  return { input: u.total_input_tokens, cached: u.total_cached_tokens, thought: u.total_thought_tokens, output: u.total_output_tokens, total: u.total_tokens };
}

/** Strip annotations from a step sent to the webview (citations travel as mapped `cites`). */
function wireStep(step: Step): WireStep {
  if (step.type !== 'model_output') return step as WireStep;
  const content = (step as { content?: Content[] }).content;
  if (!content?.some((c) => c.type === 'text' && c.annotations)) return step as WireStep;
  return { ...step, content: content.map((c) => (c.type === 'text' && c.annotations ? { type: 'text', text: c.text } : c)) } as WireStep;
}

/**
 * Map accumulator changes to UI changes. `steps` is the accumulator's current state (for
 * citation mapping). Adjacent text appends to the same content are merged.
 */
export function presentChanges(changes: StepChange[], steps: Step[]): UiChange[] {
  const out: UiChange[] = [];
  for (const c of changes) {
    switch (c.kind) {
      case 'step.add':
        out.push({ k: 'add', s: c.step, step: wireStep(c.value) });
        break;
      case 'text.append': {
        const prev = out[out.length - 1];
        if (prev && prev.k === 'text' && prev.s === c.step && prev.c === c.content) prev.t += c.text;
        else out.push({ k: 'text', s: c.step, c: c.content, t: c.text });
        break;
      }
      case 'content.add':
        out.push({ k: 'content', s: c.step, c: c.content, content: (c.value.type === 'text' ? { type: 'text', text: c.value.text } : c.value) as WireContent });
        if (c.value.type === 'text' && c.value.annotations?.length) {
          out.push({ k: 'cite', s: c.step, c: c.content, cites: citationsFor(c.value.text, c.value.annotations) });
        }
        break;
      case 'annotations.add': {
        const step = steps[c.step] as { content?: Content[] } | undefined;
        const text = (step?.content?.[c.content] as TextContent | undefined)?.text ?? '';
        const cites = citationsFor(text, c.annotations);
        if (cites.length) out.push({ k: 'cite', s: c.step, c: c.content, cites });
        break;
      }
      case 'thought.append': {
        const prev = out[out.length - 1];
        if (prev && prev.k === 'thought' && prev.s === c.step) prev.t += c.text;
        else out.push({ k: 'thought', s: c.step, t: c.text });
        break;
      }
      case 'args.append':
        out.push({ k: 'args', s: c.step, t: c.text });
        break;
      case 'step.update':
        out.push({ k: 'update', s: c.step, step: wireStep(c.value) });
        break;
      case 'step.done':
        // The webview already holds streamed text: do not resend a long answer.
        out.push(c.value.type === 'model_output' ? { k: 'done', s: c.step } : { k: 'done', s: c.step, step: wireStep(c.value) });
        break;
      case 'restart':
        out.push({ k: 'restart', from: c.fromStep });
        break;
      default:
        break;
    }
  }
  return out;
}

export function errorView(t: TurnRecord): ErrorView | undefined {
  return t.error ? { kind: t.error.kind, message: t.error.message, retryAfterMs: t.error.retryAfterMs, code: t.error.code } : undefined;
}

export function turnView(t: TurnRecord): TurnView {
  const cites: Record<string, CitationView[]> = {};
  t.steps.forEach((s, k) => {
    if (s.type !== 'model_output') return;
    ((s as { content?: Content[] }).content ?? []).forEach((c, j) => {
      if (c.type === 'text' && c.annotations?.length) {
        const list = citationsFor(c.text, c.annotations);
        if (list.length) cites[`${k}:${j}`] = list;
      }
    });
  });
  return {
    id: t.id,
    input: t.input as WireContent[],
    steps: t.steps.map(wireStep),
    cites,
    state: t.state,
    error: errorView(t),
    usage: usageView(t.usage),
    notices: [...t.notices],
    model: t.model,
    undo: t.undo,
    instructions: t.instructions,
    skills: t.skills,
    ...(t.plan ? { plan: true } : {}),
    ...(t.background ? { background: true } : {}),
    ...(t.research ? { research: t.research } : {}),
    // A pending approval is shown again when the view is rebuilt while the turn runs (the panel
    // was hidden and shown, the webview reloaded): it must not vanish and leave the turn waiting.
    tools: t.tools?.map(({ approval, ...rest }) => (approval && rest.status === 'waiting' && t.state === 'streaming' ? { ...rest, approval } : rest)),
  };
}

export function conversationView(data: ConversationData | undefined): ConversationView {
  if (!data) return { id: undefined, title: l10n.t('New chat'), mode: 'stateful', turns: [] };
  return { id: data.meta.id, title: data.meta.title, mode: data.meta.mode, turns: data.turns.map(turnView) };
}
