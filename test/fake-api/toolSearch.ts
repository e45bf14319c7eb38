/**
 * Tool Retrieval in the fake (§3.4.2 of the protocol reference). A function declared with
 * `defer_loading` is not in the model's context until a tool search loads it:
 * - `execution: "server"` (or no execution): before the model calls a deferred function, the
 *   interaction shows a `tool_search_call` (its `function_names`) and a `tool_search_result` with
 *   the definition, as the reference's probable stream shows;
 * - `execution: "client"`, reading (a): the model first calls the search function by its name and
 *   stops at `requires_action`; the client's `function_result` lists the definitions as `function`
 *   items; the queued answer goes on once the needed one came back;
 * - reading (b), on request (`toolSearch: "b"` on the reply): a `tool_search_call` that waits for
 *   a `tool_search_result` step in the next input.
 * Usage counts what the declarations cost: a loaded definition in full, a deferred one by its
 * short description.
 */
import type { Json, Reply } from './scenario';

export interface ToolSearchState {
  /** Functions loaded in this chain of interactions. */
  loaded: Set<string>;
  /** Client execution: the answer that waits for the search's result. */
  waiting?: { reply: Reply; needs: string[] };
}

function tools(body: Json): Json[] {
  return Array.isArray(body.tools) ? (body.tools as Json[]).filter((t) => t && typeof t === 'object') : [];
}

export function deferredFunctions(body: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const t of tools(body)) if (t.type === 'function' && t.defer_loading === true && typeof t.name === 'string') out.set(t.name, t);
  return out;
}

function searchTool(body: Json): Json | undefined {
  return tools(body).find((t) => t.type === 'tool_search');
}

/** What is wrong with the request's Tool Retrieval declarations (a 400), or undefined. */
export function toolSearchProblem(body: Json): string | undefined {
  const search = searchTool(body);
  const deferred = deferredFunctions(body);
  for (const [k, t] of tools(body).entries()) {
    if (t.defer_loading !== undefined && typeof t.defer_loading !== 'boolean') return `tools[${k}].defer_loading must be a boolean.`;
    if (t.short_description !== undefined && typeof t.short_description !== 'string') return `tools[${k}].short_description must be a string.`;
    if (t.type === 'tool_search') {
      if (t.execution !== undefined && t.execution !== 'server' && t.execution !== 'client') return `tools[${k}].execution must be "server" or "client".`;
      if (t.execution === 'client' && typeof t.name !== 'string') return `tools[${k}]: a tool_search with client execution needs a name.`;
      if (t.execution !== 'client' && (t.name !== undefined || t.parameters !== undefined)) return `tools[${k}]: name and parameters are set only for client-side execution.`;
    }
  }
  const deferredMcp = tools(body).some((t) => t.type === 'mcp_server' && t.defer_loading === true);
  if ((deferred.size || deferredMcp) && !search) return 'Deferred tools (defer_loading) need a tool_search tool to be loaded.';
  return undefined;
}

/** The definition a search returns: the declaration without its deferral fields. */
function definition(t: Json): Json {
  const { defer_loading: _d, short_description: _s, ...rest } = t;
  return rest;
}

/** Function definitions a client's `function_result` carried (reading a), by name. */
function returnedDefinitions(input: Json[]): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const s of input) {
    if (s.type !== 'function_result' || !Array.isArray(s.result)) continue;
    for (const item of s.result as Json[]) if (item && item.type === 'function' && typeof item.name === 'string') out.set(item.name, item);
  }
  return out;
}

/** `tool_search_result` steps the client sent (reading b). */
function returnedSearchResults(input: Json[]): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const s of input) {
    if (s.type !== 'tool_search_result' || !Array.isArray(s.result)) continue;
    for (const item of s.result as Json[]) if (item && typeof item.name === 'string') out.set(item.name, item);
  }
  return out;
}

let seq = 0;

/**
 * The reply as the model would give it with Tool Retrieval: search steps before a call to a
 * deferred function (server), or the search first (client). Returns the reply to stream now.
 */
export function withToolSearch(reply: Reply, body: Json, state: ToolSearchState, input: Json[]): Reply {
  const deferred = deferredFunctions(body);
  const search = searchTool(body);
  // Definitions the client returned load those functions.
  for (const [name] of [...returnedDefinitions(input), ...returnedSearchResults(input)]) if (deferred.has(name)) state.loaded.add(name);
  // Client execution: an answer waited for the search's result.
  if (state.waiting) {
    const waiting = state.waiting;
    state.waiting = undefined;
    const missing = waiting.needs.filter((n) => !state.loaded.has(n));
    if (missing.length)
      return { steps: [{ type: 'model_output', content: [{ type: 'text', text: `The tool search did not return ${missing.join(', ')}, so I cannot call it.` }] }] };
    return waiting.reply;
  }
  if (!search || !reply.steps) return reply;
  const needs = reply.steps
    .filter((s) => s.type === 'function_call' && typeof s.name === 'string' && deferred.has(s.name as string) && !state.loaded.has(s.name as string))
    .map((s) => s.name as string);
  if (!needs.length) return reply;
  const id = `ts_${(++seq).toString(36)}`;
  if (search.execution === 'client' && reply.toolSearch !== 'b') {
    state.waiting = { reply, needs };
    return { steps: [{ type: 'function_call', id: `fc_${id}`, name: search.name as string, arguments: { query: needs.join(' '), names: needs } }] };
  }
  if (search.execution === 'client') {
    state.waiting = { reply, needs };
    return { steps: [{ type: 'tool_search_call', id, arguments: { function_names: needs }, signature: `sig-${id}` }], status: 'requires_action' };
  }
  // Server execution: the search happens inside this interaction.
  const first = reply.steps.findIndex((s) => s.type === 'function_call' && needs.includes(s.name as string));
  for (const n of needs) state.loaded.add(n);
  const steps = [
    ...reply.steps.slice(0, first),
    { type: 'tool_search_call', id, arguments: { function_names: needs }, signature: `sig-${id}` },
    { type: 'tool_search_result', call_id: id, result: needs.map((n) => definition(deferred.get(n)!)), signature: `sig-${id}r` },
    ...reply.steps.slice(first),
  ];
  return { ...reply, steps };
}

/** Input tokens the declarations and input cost (about four characters a token), deferred tools by their short description. */
export function estimatedInputTokens(body: Json): number {
  let chars = JSON.stringify(body.input ?? '').length + String(body.system_instruction ?? '').length;
  for (const t of tools(body)) {
    if (t.type === 'function' && t.defer_loading === true) chars += String(t.name ?? '').length + String(t.short_description ?? '').length + 8;
    else if (t.type === 'mcp_server' && t.defer_loading === true) chars += String(t.name ?? '').length + 8;
    else chars += JSON.stringify(t).length;
  }
  return Math.ceil(chars / 4);
}
