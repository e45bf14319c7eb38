/**
 * The one registry of step kinds (protocol reference §6 and §7.2): every step type the API names,
 * which deltas complete it, and what it is. The accumulator, the webview's step views, Markdown
 * export, the `@gemini` participant and the fake API all consult it, each through a table keyed
 * by `StepKind` (`Record<StepKind, …>`): adding a kind here makes the compiler name every table
 * that must handle it. A step of a kind not listed still renders, as a card that says so.
 *
 * Facts only (names from the reference), no code: the fake API may import it.
 */

export type StepFamily =
  /** The user's turn. */
  | 'input'
  /** The model's answer (text and media). */
  | 'output'
  | 'thought'
  /** A function the client runs, and its result. */
  | 'function_call'
  | 'function_result'
  /** A tool the API runs itself (Google Search, code execution, MCP servers, …), and its result. */
  | 'server_call'
  | 'server_result'
  /** Tool Retrieval: a search for deferred tools, and what it loaded. */
  | 'tool_search_call'
  | 'tool_search_result';

export interface StepKindInfo {
  family: StepFamily;
  /** The delta types (`step.delta.delta.type`) that complete a step of this kind. */
  deltas: readonly string[];
  /** For a call: the kind of its result; for a result: the kind of its call. */
  pair?: string;
  /** The server tool behind a server call or result (`tools[].type`). */
  tool?: string;
}

const MEDIA_DELTAS = ['text', 'text_annotation_delta', 'image', 'audio', 'video', 'document'] as const;

export const STEP_KINDS = {
  user_input: { family: 'input', deltas: [] },
  model_output: { family: 'output', deltas: MEDIA_DELTAS },
  thought: { family: 'thought', deltas: ['thought_summary', 'thought_signature'] },
  function_call: { family: 'function_call', deltas: ['arguments_delta'], pair: 'function_result' },
  function_result: { family: 'function_result', deltas: ['function_result'], pair: 'function_call' },
  code_execution_call: { family: 'server_call', deltas: ['code_execution_call'], pair: 'code_execution_result', tool: 'code_execution' },
  code_execution_result: { family: 'server_result', deltas: ['code_execution_result'], pair: 'code_execution_call', tool: 'code_execution' },
  google_search_call: { family: 'server_call', deltas: ['google_search_call'], pair: 'google_search_result', tool: 'google_search' },
  google_search_result: { family: 'server_result', deltas: ['google_search_result'], pair: 'google_search_call', tool: 'google_search' },
  url_context_call: { family: 'server_call', deltas: ['url_context_call'], pair: 'url_context_result', tool: 'url_context' },
  url_context_result: { family: 'server_result', deltas: ['url_context_result'], pair: 'url_context_call', tool: 'url_context' },
  google_maps_call: { family: 'server_call', deltas: ['google_maps_call'], pair: 'google_maps_result', tool: 'google_maps' },
  google_maps_result: { family: 'server_result', deltas: ['google_maps_result'], pair: 'google_maps_call', tool: 'google_maps' },
  mcp_server_tool_call: { family: 'server_call', deltas: ['mcp_server_tool_call'], pair: 'mcp_server_tool_result', tool: 'mcp_server' },
  mcp_server_tool_result: { family: 'server_result', deltas: ['mcp_server_tool_result'], pair: 'mcp_server_tool_call', tool: 'mcp_server' },
  file_search_call: { family: 'server_call', deltas: ['file_search_call'], pair: 'file_search_result', tool: 'file_search' },
  file_search_result: { family: 'server_result', deltas: ['file_search_result'], pair: 'file_search_call', tool: 'file_search' },
  retrieval_call: { family: 'server_call', deltas: ['retrieval_call'], pair: 'retrieval_result', tool: 'retrieval' },
  retrieval_result: { family: 'server_result', deltas: ['retrieval_result'], pair: 'retrieval_call', tool: 'retrieval' },
  processing_call: { family: 'server_call', deltas: ['processing_call'], pair: 'processing_result' },
  processing_result: { family: 'server_result', deltas: ['processing_result'], pair: 'processing_call' },
  tool_search_call: { family: 'tool_search_call', deltas: ['tool_search_call'], pair: 'tool_search_result', tool: 'tool_search' },
  tool_search_result: { family: 'tool_search_result', deltas: ['tool_search_result'], pair: 'tool_search_call', tool: 'tool_search' },
} as const satisfies Record<string, StepKindInfo>;

export type StepKind = keyof typeof STEP_KINDS;

export const STEP_KIND_NAMES = Object.keys(STEP_KINDS) as StepKind[];

export function isStepKind(type: unknown): type is StepKind {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(STEP_KINDS, type);
}

const DELTA_SETS = new Map<string, ReadonlySet<string>>(STEP_KIND_NAMES.map((k) => [k, new Set<string>(STEP_KINDS[k].deltas)]));

/** Whether a delta of this type completes a step of this kind (once per streamed delta: a set lookup). */
export function deltaApplies(kind: string, deltaType: string): boolean {
  return DELTA_SETS.get(kind)?.has(deltaType) ?? false;
}
