/**
 * Turns a scenario reply into the SSE event sequence of the reference (§7), in the SDK form or
 * in a seed variant (§13), and serializes events to SSE bytes.
 */
import type { Json, Reply, Variant } from './scenario';
// The one import from src/: the registry of step kinds, names from the reference and no code.
import { isStepKind, type StepKind } from '../../src/shared/stepKinds';

export interface GeneratedEvent {
  /** The JSON payload (already in the variant's shape). */
  data: Json;
  /** SSE `event:` name. */
  name: string;
  /** Index of the scenario step this event belongs to (for agent ops), or -1. */
  stepIndex: number;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function chunkString(s: string, size: number): string[] {
  const out: string[] = [];
  const cps = Array.from(s); // never split a surrogate pair inside one JSON string
  for (let i = 0; i < cps.length; i += size) out.push(cps.slice(i, i + size).join(''));
  return out.length ? out : [''];
}

export function finalStatus(reply: Reply): string {
  if (reply.status) return reply.status;
  if (reply.errors?.length) return 'failed';
  return (reply.steps ?? []).some((s) => s.type === 'function_call') ? 'requires_action' : 'completed';
}

export function usageFor(reply: Reply, v: Variant): Json {
  const u = reply.usage ?? { total_input_tokens: 12, total_output_tokens: 34, total_thought_tokens: 5, total_cached_tokens: 0, total_tokens: 51 };
  if (v.usage === 'seed') {
    return { prompt_tokens: u.total_input_tokens, completion_tokens: u.total_output_tokens, total_tokens: u.total_tokens };
  }
  return clone(u);
}

function citation(a: Json, v: Variant): Json {
  if (v.citation === 'uri') {
    const { type: _t, url, ...rest } = a;
    return { ...rest, uri: url };
  }
  return a;
}

/** A step as it appears in a JSON response (variant applied). */
export function stepForJson(step: Json, v: Variant): Json {
  const s = clone(step);
  if (s.type === 'model_output' && Array.isArray(s.content)) {
    for (const c of s.content as Json[]) {
      if (Array.isArray(c.annotations)) c.annotations = (c.annotations as Json[]).map((a) => citation(a, v));
    }
  }
  if (s.type === 'user_input' && v.stringUserInput && Array.isArray(s.content)) {
    const texts = (s.content as Json[]).filter((c) => c.type === 'text').map((c) => c.text as string);
    if (texts.length === (s.content as Json[]).length) s.content = texts.join('');
  }
  if (v.stepStatus) s.status = s.type === 'function_call' ? 'waiting' : 'done';
  return s;
}

type Streamed = { start: Json; deltas: Json[] };
type Streamer = (step: Json, v: Variant, reply: Reply, status: Json) => Streamed;

/** Steps the API runs itself: `step.start` carries the id, one delta of the same name the rest (§7). */
const serverCall: Streamer = (step, _v, _r, status) => {
  const { type, id, ...rest } = step;
  return { start: { type, id, ...status }, deltas: [{ type, ...clone(rest) }] };
};
/** Their results: `step.start` carries the call id, one delta the rest. */
const serverResult: Streamer = (step, _v, _r, status) => {
  const { type, call_id, ...rest } = step;
  return { start: { type, call_id, ...status }, deltas: [{ type, ...clone(rest) }] };
};
/** Steps without deltas arrive whole in `step.start`. */
const whole: Streamer = (step, _v, _r, status) => ({ start: { ...clone(step), ...status }, deltas: [] });

/**
 * How each kind of step streams (the registry's kinds, src/shared/stepKinds.ts: a new kind there
 * fails this table until the fake can stream it).
 */
const STREAMERS: Record<StepKind, Streamer> = {
  user_input: whole,
  thought: (step, v, reply, status) => {
    const textChunk = reply.textChunk ?? 8;
    const deltas: Json[] = [];
    for (const c of (step.summary as Json[] | undefined) ?? []) {
      if (c.type === 'text') {
        for (const part of chunkString(c.text as string, textChunk)) {
          deltas.push(v.thoughtDelta === 'thought' ? { type: 'thought', text: part } : { type: 'thought_summary', content: { type: 'text', text: part } });
        }
      } else deltas.push({ type: 'thought_summary', content: clone(c) });
    }
    if (step.signature !== undefined) deltas.push({ type: 'thought_signature', signature: step.signature });
    return { start: { type: 'thought', ...status }, deltas };
  },
  model_output: (step, v, reply, status) => {
    const textChunk = reply.textChunk ?? 8;
    const deltas: Json[] = [];
    for (const c of (step.content as Json[] | undefined) ?? []) {
      if (c.type === 'text') {
        for (const part of chunkString(c.text as string, textChunk)) deltas.push({ type: 'text', text: part });
        if (Array.isArray(c.annotations) && c.annotations.length) {
          deltas.push({ type: 'text_annotation_delta', annotations: (c.annotations as Json[]).map((a) => citation(clone(a), v)) });
        }
      } else deltas.push(clone(c));
    }
    const start: Json = { type: 'model_output', ...status };
    if (step.error) start.error = step.error;
    return { start, deltas };
  },
  function_call: (step, v, reply, status) => {
    const json = JSON.stringify(step.arguments ?? {});
    const deltas = chunkString(json, reply.argsChunk ?? 12).map((part) =>
      v.argsDelta === 'arguments' ? { type: 'arguments', partial_arguments: part } : { type: 'arguments_delta', arguments: part },
    );
    return { start: { type: 'function_call', id: step.id, name: step.name, ...status }, deltas };
  },
  function_result: whole,
  google_search_call: serverCall,
  google_search_result: serverResult,
  url_context_call: serverCall,
  url_context_result: serverResult,
  code_execution_call: serverCall,
  code_execution_result: serverResult,
  google_maps_call: serverCall,
  google_maps_result: serverResult,
  retrieval_call: serverCall,
  retrieval_result: serverResult,
  mcp_server_tool_call: serverCall,
  mcp_server_tool_result: serverResult,
  file_search_call: whole,
  file_search_result: whole,
  processing_call: whole,
  processing_result: whole,
  // §3.4.2's probable stream: the start has the id and empty arguments, the delta the names and signature.
  tool_search_call: (step, _v, _r, status) => {
    const { type, id, ...rest } = step;
    return { start: { type, id, arguments: {}, ...status }, deltas: [{ type, ...clone(rest) }] };
  },
  tool_search_result: serverResult,
};

/** The skeleton sent in `step.start` and the deltas that complete it. */
function streamStep(step: Json, v: Variant, reply: Reply): Streamed {
  const type = step.type as string;
  const status = v.stepStatus ? { status: type === 'function_call' ? 'waiting' : 'done' } : {};
  // A kind the registry does not know (a test of unknown steps) arrives whole.
  return isStepKind(type) ? STREAMERS[type](step, v, reply, status) : whole(step, v, reply, status);
}

/** The full event list of one interaction (before variant framing of the discriminator). */
export function generateEvents(
  reply: Reply,
  interaction: { id: string; model?: string; agent?: string; environment_id?: string },
  inputSteps: Json[],
  v: Variant,
): GeneratedEvent[] {
  const out: GeneratedEvent[] = [];
  const push = (name: string, data: Json, stepIndex = -1) => out.push({ name, data, stepIndex });
  const base: Json = { id: interaction.id };
  if (interaction.model) base.model = interaction.model;
  if (interaction.agent) base.agent = interaction.agent;
  if (v.objectField) base.object = 'interaction';
  if (interaction.environment_id) base.environment_id = interaction.environment_id;

  if (reply.events) {
    for (const e of reply.events) push(String(e.event_type ?? e.type ?? 'message'), clone(e));
    return out;
  }

  push('interaction.created', { event_type: 'interaction.created', interaction: { ...base, status: v.createdStatus ?? 'in_progress' } });
  if (v.lifecycle === 'seed') push('interaction.in_progress', { event_type: 'interaction.in_progress', interaction: { id: interaction.id, status: 'in_progress' } });

  let index = 0;
  if (v.echoInput) {
    for (const s of inputSteps) {
      if (s.type !== 'function_result') continue; // [S3] echoes the submitted function result
      push('step.start', { event_type: 'step.start', index, step: stepForJson(s, v) });
      push('step.stop', { event_type: 'step.stop', index, ...(v.stepStopStatus ? { status: 'done' } : {}) });
      index++;
    }
  }
  (reply.steps ?? []).forEach((step, k) => {
    const { start, deltas } = streamStep(step, v, reply);
    push('step.start', { event_type: 'step.start', index, step: start }, k);
    for (const d of deltas) push('step.delta', { event_type: 'step.delta', index, delta: d }, k);
    const stop: Json = { event_type: 'step.stop', index };
    if (v.stepStopStatus) stop.status = step.type === 'function_call' ? 'waiting' : 'done';
    push('step.stop', stop, k);
    index++;
  });

  const status = finalStatus(reply);
  if (reply.errorEvent) {
    push('error', { event_type: 'error', error: reply.errorEvent });
    return out;
  }
  const final: Json = { ...base, status, usage: usageFor(reply, v) };
  if (reply.continuationToken) final.continuation_token = reply.continuationToken;
  if (reply.errors) final.errors = reply.errors;
  if (v.lifecycle === 'seed' && status === 'requires_action') {
    push('interaction.requires_action', { event_type: 'interaction.requires_action', interaction: { id: interaction.id, status } });
    return out;
  }
  push('interaction.completed', { event_type: 'interaction.completed', interaction: final });
  return out;
}

/** Apply the discriminator variant and event ids. */
export function frameData(ev: GeneratedEvent, eventId: string | undefined, v: Variant): Json {
  const data: Json = { ...ev.data };
  if (eventId !== undefined && v.eventIds !== false && data.event_id === undefined) data.event_id = eventId;
  if (v.discriminator === 'type' && 'event_type' in data) {
    data.type = data.event_type;
    delete data.event_type;
  }
  return data;
}

export function sseBytes(name: string, dataText: string, v: Variant): string {
  const nl = v.lineEnding ?? '\n';
  const lines = dataText
    .split('\n')
    .map((l) => `data: ${l}`)
    .join(nl);
  return `event: ${name}${nl}${lines}${nl}${nl}`;
}
