/**
 * The small fixed vocabularies the host and the webview share. Each list is written once here;
 * the types, the message validators, the webview's pickers and the settings table use it.
 */

/** `generation_config.thinking_level`, plus `default` (let the model decide: the field is omitted). */
export const THINKING_LEVELS = ['default', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
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

/** `generation_config.tool_choice` (function-calling mode), plus `default` (the field is omitted). */
export const TOOL_CHOICES = ['default', 'auto', 'any', 'none', 'validated'] as const;
export type ToolChoiceSetting = (typeof TOOL_CHOICES)[number];

/** A conversation's model settings (the composer's "model settings"); absent fields are the API's defaults. */
export interface GenerationChoices {
  temperature?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  seed?: number;
  toolChoice?: ToolChoiceSetting;
}
/** Bounds the webview may send (checked again on the host). */
export const GENERATION_LIMITS = { temperature: [0, 2], maxOutputTokens: [1, 1_000_000], seed: [-2_147_483_648, 2_147_483_647], stopSequences: 5, stopLength: 200 } as const;

/** The valid part of a GenerationChoices from anywhere (a message, a journal); undefined if nothing valid. */
export function cleanGeneration(raw: unknown): GenerationChoices | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  const out: GenerationChoices = {};
  const num = (v: unknown, [lo, hi]: readonly [number, number], int: boolean) => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi && (!int || Number.isInteger(v));
  if (num(o.temperature, GENERATION_LIMITS.temperature, false)) out.temperature = o.temperature as number;
  if (num(o.maxOutputTokens, GENERATION_LIMITS.maxOutputTokens, true)) out.maxOutputTokens = o.maxOutputTokens as number;
  if (num(o.seed, GENERATION_LIMITS.seed, true)) out.seed = o.seed as number;
  if (Array.isArray(o.stopSequences)) {
    const list = o.stopSequences
      .filter((s): s is string => typeof s === 'string' && s.length > 0 && s.length <= GENERATION_LIMITS.stopLength)
      .slice(0, GENERATION_LIMITS.stopSequences);
    if (list.length) out.stopSequences = list;
  }
  if (isOneOf(TOOL_CHOICES, o.toolChoice) && o.toolChoice !== 'default') out.toolChoice = o.toolChoice;
  return out;
}

export const APPROVAL_DECISIONS = ['accept', 'reject', 'acceptAll'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

export const TOOL_STATUSES = ['waiting', 'running', 'done', 'failed', 'rejected'] as const;
export type ToolCallStatus = (typeof TOOL_STATUSES)[number];

/** The model every default starts from (settings, requests without a model, offline fallbacks). */
export const DEFAULT_MODEL = 'gemini-3.5-flash';

export function isOneOf<T extends string>(values: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (values as readonly string[]).includes(v);
}
