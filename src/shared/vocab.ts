/**
 * The small fixed vocabularies the host and the webview share. Each list is written once here;
 * the types, the message validators, the webview's pickers and the settings table use it.
 */

/** `generation_config.thinking_level`, plus `default` (let the model decide: the field is omitted). */
export const THINKING_LEVELS = ['default', 'minimal', 'low', 'medium', 'high'] as const;
export type ThinkingChoice = (typeof THINKING_LEVELS)[number];

/** Stateful: chained on the server with `previous_interaction_id`. Stateless: `store: false`, history resent. */
export const CONVERSATION_MODES = ['stateful', 'stateless'] as const;
export type ConversationMode = (typeof CONVERSATION_MODES)[number];

/** The server-side tools the composer toggles. */
export const TOGGLES = ['googleSearch', 'urlContext', 'codeExecution'] as const;
export type ToggleName = (typeof TOGGLES)[number];

/** How a turn stands (the API's terminal statuses, plus ours: streaming, error, stopped, interrupted). */
export const TURN_STATES = [
  'streaming',
  'completed',
  'incomplete',
  'failed',
  'error',
  'stopped',
  'cancelled',
  'budget_exceeded',
  'interrupted',
  'requires_action',
  'in_progress',
] as const;
export type KnownTurnState = (typeof TURN_STATES)[number];

/** `tool`: a call to a tool we did not write (an MCP server's, another extension's). */
export const APPROVAL_KINDS = ['edit', 'command', 'read', 'tool'] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

export const APPROVAL_DECISIONS = ['accept', 'reject', 'acceptAll'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

export const TOOL_STATUSES = ['waiting', 'running', 'done', 'failed', 'rejected'] as const;
export type ToolCallStatus = (typeof TOOL_STATUSES)[number];

/** The model every default starts from (settings, requests without a model, offline fallbacks). */
export const DEFAULT_MODEL = 'gemini-3.5-flash';

export function isOneOf<T extends string>(values: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (values as readonly string[]).includes(v);
}
