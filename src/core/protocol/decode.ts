/**
 * Tolerant decoding: every shape in section 13 of the reference decodes to one normal form.
 *
 *  - `event_type` or `type` as the event discriminator;
 *  - `interaction.in_progress` / `interaction.requires_action` / other `interaction.<status>`
 *    lifecycle events become `interaction.status_update`;
 *  - `arguments` + `partial_arguments` deltas become `arguments_delta`;
 *  - `thought` + `text` and `thought_summary` + `text` deltas become `thought_summary` + `content`;
 *  - `uri` citations (with or without `type`) become `url_citation` with `url`;
 *  - string `user_input.content` becomes `[{type:'text', text}]`;
 *  - per-step `status` and `step.stop.status` are dropped;
 *  - `prompt_tokens` / `completion_tokens` become `total_input_tokens` / `total_output_tokens`;
 *  - legacy `outputs` becomes a `model_output` step.
 * Unknown types and values are kept verbatim.
 */
import type { Annotation, Content, InteractionEvent, Interaction, PartialInteraction, Step, StepDeltaData, Usage } from './types';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

const LIFECYCLE_KNOWN = new Set(['interaction.created', 'interaction.completed', 'interaction.status_update']);

/** Decode one SSE `data:` payload (already JSON-parsed) into a normal-form event. */
export function decodeEvent(raw: unknown): InteractionEvent {
  if (!isObj(raw)) throw new DecodeError('event payload is not a JSON object');
  let eventType = raw.event_type;
  if (typeof eventType !== 'string') eventType = raw.type;
  if (typeof eventType !== 'string') throw new DecodeError('event has neither "event_type" nor "type"');

  // Hot path: a text delta in the SDK form needs no rewriting.
  if (eventType === 'step.delta') {
    const delta = raw.delta;
    if (!isObj(delta)) throw new DecodeError('step.delta without a "delta" object');
    if (typeof raw.index !== 'number') throw new DecodeError('step.delta without a numeric "index"');
    const normalized = decodeDelta(delta);
    if (raw.event_type === eventType && normalized === delta) return raw as unknown as InteractionEvent;
    return { ...withoutType(raw), event_type: 'step.delta', delta: normalized } as InteractionEvent;
  }

  switch (eventType) {
    case 'step.start': {
      if (typeof raw.index !== 'number') throw new DecodeError('step.start without a numeric "index"');
      if (!isObj(raw.step)) throw new DecodeError('step.start without a "step" object');
      return { ...withoutType(raw), event_type: 'step.start', step: decodeStep(raw.step) } as InteractionEvent;
    }
    case 'step.stop': {
      if (typeof raw.index !== 'number') throw new DecodeError('step.stop without a numeric "index"');
      const out: Obj = { ...withoutType(raw), event_type: 'step.stop' };
      delete out.status;
      if (isObj(out.usage)) out.usage = decodeUsage(out.usage);
      if (isObj(out.step_usage)) out.step_usage = decodeUsage(out.step_usage);
      return out as unknown as InteractionEvent;
    }
    case 'interaction.created':
    case 'interaction.completed': {
      if (!isObj(raw.interaction)) throw new DecodeError(`${eventType} without an "interaction" object`);
      return { ...withoutType(raw), event_type: eventType, interaction: decodePartialInteraction(raw.interaction) } as InteractionEvent;
    }
    case 'interaction.status_update': {
      const out: Obj = { ...withoutType(raw), event_type: eventType };
      // Tolerate the status nested in an interaction object.
      if (isObj(raw.interaction)) {
        out.interaction_id ??= raw.interaction.id;
        out.status ??= raw.interaction.status;
        out.continuation_token ??= raw.interaction.continuation_token;
        out.usage ??= raw.interaction.usage;
        delete out.interaction;
      }
      if (typeof out.status !== 'string') throw new DecodeError('interaction.status_update without a "status"');
      if (isObj(out.usage)) out.usage = decodeUsage(out.usage);
      return out as unknown as InteractionEvent;
    }
    case 'error': {
      const out: Obj = { ...withoutType(raw), event_type: 'error' };
      if (isObj(out.error)) {
        const e = out.error;
        out.error = { ...e, code: e.code === undefined ? undefined : String(e.code) };
      }
      return out as unknown as InteractionEvent;
    }
    default:
      break;
  }

  // Seed lifecycle variants: interaction.in_progress, interaction.requires_action, ...
  if (eventType.startsWith('interaction.') && !LIFECYCLE_KNOWN.has(eventType)) {
    const inter = isObj(raw.interaction) ? raw.interaction : {};
    // `interaction.cancelled` (3.6.1, typed for live connections) and its one-l spelling are terminal: cancelled.
    const named = typeof inter.status === 'string' ? inter.status : eventType.slice('interaction.'.length);
    const status = named === 'canceled' ? 'cancelled' : named;
    const id = typeof inter.id === 'string' ? inter.id : typeof raw.interaction_id === 'string' ? raw.interaction_id : '';
    const out: Obj = { event_type: 'interaction.status_update', interaction_id: id, status };
    if (typeof raw.event_id === 'string') out.event_id = raw.event_id;
    if (typeof inter.continuation_token === 'string') out.continuation_token = inter.continuation_token;
    if (isObj(inter.usage)) out.usage = decodeUsage(inter.usage);
    return out as unknown as InteractionEvent;
  }

  return { ...withoutType(raw), event_type: eventType } as InteractionEvent;
}

/** Events carry no `type` field in the normal form ([S3] uses it as the discriminator). */
function withoutType(raw: Obj): Obj {
  if (!('type' in raw)) return raw;
  const { type: _type, ...rest } = raw;
  return rest;
}

/** Normalize a delta. Returns the same object when it is already in normal form. */
export function decodeDelta(delta: Obj): StepDeltaData {
  const type = delta.type;
  switch (type) {
    case 'text':
      return delta as unknown as StepDeltaData;
    case 'arguments_delta':
      if (typeof delta.arguments === 'string' || delta.arguments === undefined) return delta as unknown as StepDeltaData;
      return { type: 'arguments_delta', arguments: JSON.stringify(delta.arguments) };
    case 'arguments': {
      const frag = delta.partial_arguments ?? delta.arguments;
      return { type: 'arguments_delta', arguments: typeof frag === 'string' ? frag : frag === undefined ? '' : JSON.stringify(frag) };
    }
    case 'thought':
    case 'thought_summary': {
      if (isObj(delta.content)) {
        const c = decodeContent(delta.content);
        return (c as unknown) === delta.content && type === 'thought_summary' ? (delta as unknown as StepDeltaData) : { type: 'thought_summary', content: c as never };
      }
      if (typeof delta.text === 'string') return { type: 'thought_summary', content: { type: 'text', text: delta.text } };
      if (typeof delta.signature === 'string') return { type: 'thought_signature', signature: delta.signature };
      return { type: 'thought_summary' };
    }
    case 'text_annotation_delta':
    case 'annotations': {
      const anns = Array.isArray(delta.annotations) ? delta.annotations.map(decodeAnnotation) : [];
      return { type: 'text_annotation_delta', annotations: anns };
    }
    default:
      return delta as unknown as StepDeltaData;
  }
}

export function decodeAnnotation(raw: unknown): Annotation {
  if (!isObj(raw)) return { type: 'url_citation' };
  if (raw.type === undefined || raw.type === 'url_citation' || raw.type === 'citation') {
    const out: Obj = { ...raw, type: 'url_citation' };
    if (out.url === undefined && typeof raw.uri === 'string') out.url = raw.uri;
    delete out.uri;
    return out as unknown as Annotation;
  }
  return raw as unknown as Annotation;
}

export function decodeContent(raw: unknown): Content {
  if (typeof raw === 'string') return { type: 'text', text: raw };
  if (!isObj(raw)) return { type: 'text', text: '' };
  if (raw.type === 'text') {
    if (Array.isArray(raw.annotations)) {
      return { ...raw, text: typeof raw.text === 'string' ? raw.text : '', annotations: raw.annotations.map(decodeAnnotation) } as Content;
    }
    if (typeof raw.text !== 'string') return { ...raw, text: '' } as Content;
  }
  return raw as unknown as Content;
}

function decodeContentList(raw: unknown): Content[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return [{ type: 'text', text: raw }];
  if (Array.isArray(raw)) return raw.map(decodeContent);
  if (isObj(raw)) return [decodeContent(raw)];
  return undefined;
}

/** Normalize a step (seed variants, string content, per-step status). Unknown types pass through. */
export function decodeStep(raw: Obj): Step {
  const out: Obj = { ...raw };
  delete out.status;
  switch (raw.type) {
    case 'user_input':
    case 'model_output': {
      const content = decodeContentList(raw.content);
      if (content) out.content = content;
      else delete out.content;
      break;
    }
    case 'thought':
      if (Array.isArray(raw.summary)) out.summary = raw.summary.map(decodeContent);
      else if (typeof raw.summary === 'string') out.summary = [{ type: 'text', text: raw.summary }];
      else if (typeof raw.text === 'string') {
        out.summary = [{ type: 'text', text: raw.text }];
        delete out.text;
      }
      break;
    case 'function_call':
      if (typeof raw.arguments === 'string') {
        try {
          out.arguments = JSON.parse(raw.arguments);
        } catch {
          out.arguments = {};
          out.__raw_arguments = raw.arguments;
        }
      } else if (!isObj(raw.arguments)) out.arguments = {};
      break;
    case 'google_search_call':
      if (!isObj(raw.arguments)) {
        // [S3] shape: content: [{type:'text', text:'query'}]
        const texts = (decodeContentList(raw.content) ?? []).filter((c) => c.type === 'text').map((c) => (c as { text: string }).text);
        out.arguments = texts.length ? { queries: texts } : {};
      }
      break;
    case 'google_search_result':
      if (!Array.isArray(raw.result)) {
        if (typeof raw.search_suggestions === 'string') out.result = [{ search_suggestions: raw.search_suggestions }];
        else out.result = [];
      }
      if (raw.content !== undefined) out.content = decodeContentList(raw.content);
      break;
    case 'url_context_call':
    case 'code_execution_call':
    case 'retrieval_call':
    case 'tool_search_call':
      if (!isObj(raw.arguments)) out.arguments = {};
      break;
    case 'tool_search_result':
      if (raw.result !== undefined && !Array.isArray(raw.result)) out.result = [];
      break;
    case 'url_context_result':
      if (!Array.isArray(raw.result)) out.result = [];
      break;
    case 'function_result':
    case 'mcp_server_tool_result':
    case 'code_execution_result':
      if (raw.result === undefined) out.result = raw.type === 'code_execution_result' ? '' : [];
      break;
    default:
      break;
  }
  return out as unknown as Step;
}

export function decodeUsage(raw: Obj): Usage {
  if (raw.prompt_tokens === undefined && raw.completion_tokens === undefined) return raw as Usage;
  const out: Obj = { ...raw };
  if (out.total_input_tokens === undefined && typeof raw.prompt_tokens === 'number') out.total_input_tokens = raw.prompt_tokens;
  if (out.total_output_tokens === undefined && typeof raw.completion_tokens === 'number') out.total_output_tokens = raw.completion_tokens;
  delete out.prompt_tokens;
  delete out.completion_tokens;
  return out as Usage;
}

export function decodePartialInteraction(raw: Obj): PartialInteraction {
  const out: Obj = { ...raw };
  if (typeof out.id !== 'string') out.id = typeof raw.name === 'string' ? raw.name : '';
  if (typeof out.status !== 'string') out.status = 'in_progress';
  if (Array.isArray(raw.steps)) out.steps = raw.steps.filter(isObj).map(decodeStep);
  if (isObj(raw.usage)) out.usage = decodeUsage(raw.usage);
  return out as unknown as PartialInteraction;
}

/** Decode a full Interaction resource (create without stream, get, cancel). */
export function decodeInteraction(raw: unknown): Interaction {
  if (!isObj(raw)) throw new DecodeError('interaction is not a JSON object');
  const out = decodePartialInteraction(raw) as unknown as Obj;
  if (!Array.isArray(out.steps)) {
    // Legacy `outputs: Content[]` (Lyria models) becomes one model_output step.
    out.steps = Array.isArray(raw.outputs) ? [{ type: 'model_output', content: raw.outputs.map(decodeContent) }] : [];
  }
  return out as unknown as Interaction;
}

/** Normalize an `input` as recorded or echoed (string, Content, Content[], Step[]). */
export function decodeInput(raw: unknown): Step[] {
  if (typeof raw === 'string') return [{ type: 'user_input', content: [{ type: 'text', text: raw }] }];
  const items = Array.isArray(raw) ? raw : isObj(raw) ? [raw] : [];
  const steps: Step[] = [];
  let loose: Content[] = [];
  for (const item of items) {
    if (!isObj(item)) continue;
    const t = item.type;
    if (t === 'text' || t === 'image' || t === 'audio' || t === 'video' || t === 'document') loose.push(decodeContent(item));
    else {
      if (loose.length) steps.push({ type: 'user_input', content: loose });
      loose = [];
      steps.push(decodeStep(item));
    }
  }
  if (loose.length) steps.push({ type: 'user_input', content: loose });
  return steps;
}
