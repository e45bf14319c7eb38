/**
 * Scenario language of the fake Interactions API. A test declares the replies it wants: the
 * final steps (which the fake turns into the event stream the reference describes), or raw
 * events, the seed variant of section 13 to speak, and the faults to inject.
 *
 * Written from docs/protocol.md; imports nothing from src/.
 */

export type Json = Record<string, unknown>;

/**
 * Section 13 variants. Defaults are the SDK form ([T]); `SEED_S3` selects every seed form at once.
 */
export interface Variant {
  /** #4: discriminator key in `data` (`event_type`, or `type` as in [S3] REST samples). */
  discriminator?: 'event_type' | 'type';
  /** #5: `seed` adds `interaction.in_progress` and ends `requires_action` with `interaction.requires_action`. */
  lifecycle?: 'sdk' | 'seed';
  /** #6: the status in `interaction.created` ([S3]: `created`). */
  createdStatus?: string;
  /** #7: thought text deltas as `thought_summary{content}` or [S3] `thought{text}`. */
  thoughtDelta?: 'thought_summary' | 'thought';
  /** #8: function arguments as `arguments_delta{arguments}` or [S3] `arguments{partial_arguments}`. */
  argsDelta?: 'arguments_delta' | 'arguments';
  /** #9: `step.stop` carries `status: done|waiting`. */
  stepStopStatus?: boolean;
  /** #10: steps carry a per-step `status`. */
  stepStatus?: boolean;
  /** #11: citations as `url_citation{url}` or [S3] `{uri}` without `type`. */
  citation?: 'url' | 'uri';
  /** #12: usage as `total_*` or [S3] `prompt_tokens`/`completion_tokens`. */
  usage?: 'sdk' | 'seed';
  /** #17/#19: echo the request's input steps in the response, `user_input.content` as a plain string. */
  echoInput?: boolean;
  stringUserInput?: boolean;
  /** [DONE] sentinel at the end of the stream. */
  done?: boolean;
  /** `event_id` on every event (default true); [S0] samples have none. */
  eventIds?: boolean;
  /** #24: `object: "interaction"`. */
  objectField?: boolean;
  /** Line endings of the SSE framing. */
  lineEnding?: '\n' | '\r\n' | '\r';
}

export const SDK_VARIANT: Variant = {};
export const SEED_S3: Variant = {
  discriminator: 'type',
  lifecycle: 'seed',
  createdStatus: 'created',
  thoughtDelta: 'thought',
  argsDelta: 'arguments',
  stepStopStatus: true,
  stepStatus: true,
  citation: 'uri',
  usage: 'seed',
  echoInput: true,
  stringUserInput: true,
};
export const SEED_S0: Variant = { eventIds: false, objectField: true, done: false };

/** Faults applied to the bytes of one HTTP response. */
export interface Faults {
  /** Write the stream in chunks of these sizes (cycled), or one byte at a time. */
  chunks?: number[] | 'bytes';
  /** Split points (byte offsets) at which to break writes, e.g. inside a UTF-8 character. */
  splitAt?: number[];
  /** Close the connection after this many bytes of the stream body. */
  dropAfterBytes?: number;
  /** Close the connection after this many events. */
  dropAfterEvents?: number;
  /** Send nothing for `ms` after `afterEvents` events (then continue). */
  stall?: { afterEvents: number; ms: number };
  /** Replace the data of event number N (0-based) with broken JSON. */
  malformedAt?: number;
  /** Answer with this content type instead of text/event-stream. */
  contentType?: string;
  /** Answer a streaming create with the finished Interaction as JSON. */
  jsonBody?: boolean;
  /** Insert `: keep-alive` comments between events. */
  keepAlive?: boolean;
  /** (resumeFaults only) Refuse the stream-get with this HTTP status, as a server that lost the stream would. */
  refuse?: number;
}

export interface HttpFailure {
  status: number;
  /** `Retry-After` in seconds (or an HTTP date string). */
  retryAfter?: number | string;
  retryAfterMs?: number;
  body?: unknown;
  contentType?: string;
  /** Answer this many requests with the failure before moving on (default 1). */
  times?: number;
}

/** A file operation the simulated agent performs in its environment folder. */
export type AgentFileOp = { write: string; content: string; afterMs?: number } | { delete: string; afterMs?: number };

export interface Reply {
  /** Final-form steps; the fake streams them as step.start / step.delta / step.stop. */
  steps?: Json[];
  /** Raw events (objects) sent instead of generated ones; `event_type` / ids are filled in. */
  events?: Json[];
  /** Final status (default: requires_action when a function_call is present, else completed). */
  status?: string;
  usage?: Json;
  continuationToken?: string;
  /** End with an `error` event instead of `interaction.completed`. */
  errorEvent?: { code?: string; message?: string };
  /** The final interaction's errors[] (with status failed). */
  errors?: Array<{ code?: string; message?: string }>;
  variant?: Variant;
  /** Faults on the create response. */
  faults?: Faults;
  /** Faults on stream-get (resume) responses. */
  resumeFaults?: Faults;
  /** The events after the first wait for this (the fake's `researchPlanHold`). */
  hold?: Promise<void>;
  /** Delay between events (ms). */
  delayMs?: number;
  /** Text delta size in characters (default 8). */
  textChunk?: number;
  /** Argument fragment size in characters (default 12). */
  argsChunk?: number;
  /** An HTTP failure instead of a reply. */
  http?: HttpFailure;
  /** Only take this reply when the request body contains this text (else it stays queued). */
  whenInputIncludes?: string;
  /** Simulated agent work in the environment folder. */
  agent?: { ops?: AgentFileOp[]; durationMs?: number };
  /** Tool Retrieval with client execution: answer the search as reading (b), a `tool_search_call` (default: reading (a), a call to the search function). */
  toolSearch?: 'b';
}

export interface Scenario {
  name?: string;
  replies: Reply[];
  /** Default variant of every reply. */
  variant?: Variant;
  /** What to answer when the queue is empty: an echo reply (default) or a 500. */
  whenEmpty?: 'echo' | 'error';
}

// ------------------------------------------------------------------ helpers for tests

export const text = (t: string, extra: Json = {}): Json => ({ type: 'model_output', content: [{ type: 'text', text: t }], ...extra });
export const thought = (summary: string, signature = 'sig-' + Math.random().toString(36).slice(2, 10)): Json => ({
  type: 'thought',
  signature,
  summary: [{ type: 'text', text: summary }],
});
/** A remote MCP server's tool call and its result, as the API runs them itself (§6). */
export const mcpCall = (server: string, name: string, args: Json, id = 'mcp_' + Math.random().toString(36).slice(2, 8)): Json => ({
  type: 'mcp_server_tool_call',
  id,
  name,
  server_name: server,
  arguments: args,
});
export const mcpResult = (callId: string, result: Json[] | Json | string, extra: Json = {}): Json => ({ type: 'mcp_server_tool_result', call_id: callId, result, ...extra });
export const functionCall = (name: string, args: Json, id = 'fc_' + Math.random().toString(36).slice(2, 8)): Json => ({
  type: 'function_call',
  id,
  name,
  arguments: args,
});
