/** What a workspace tool is, and what it gets to work with (ports only, no `vscode`). */
import type { FunctionResultItem, FunctionTool } from '../protocol/types';
import type { DocumentsPort, GitPort, LanguagePort, ProcessPort, SandboxPort, SearchPort, TerminalMirror } from '../ports';
import type { PathResolver } from './paths';
import type { CommandPolicyLists } from './shell';
import type { TurnApprovals } from './approvals';
import type { UndoRecorder } from './undo';

/** `external`: a tool of an MCP server or another extension (runs one at a time, always through the approval policy). */
export type ToolKind = 'read' | 'write' | 'run' | 'external';

export interface ToolSettings {
  /** Edits run without asking (user-level setting; sensitive files still ask). */
  autoApproveEdits: boolean;
  commandPolicy: CommandPolicyLists;
  commandTimeoutMs: number;
  /** What the model gets of a command's output (head + tail). */
  maxCommandOutputBytes: number;
  /** What the chat and the terminal mirror keep of it (the rest is counted, not kept). */
  commandOutputLimitBytes: number;
  /** read_file returns at most this many bytes / lines before truncating (and saying so). */
  maxReadBytes: number;
  maxReadLines: number;
}

/** The workspace as the tools reach it (implemented by the host). */
export interface WorkspacePorts {
  paths: PathResolver;
  docs: DocumentsPort;
  language: LanguagePort;
  git: GitPort;
  search: SearchPort;
  process: ProcessPort;
  terminal?: TerminalMirror;
  /** The OS sandbox for commands (absent: none, every command asks). */
  sandbox?: SandboxPort;
}

export interface ToolContext extends WorkspacePorts {
  callId: string;
  approvals: TurnApprovals;
  undo: UndoRecorder;
  settings: ToolSettings;
  signal: AbortSignal;
  /** Stream text (command output) into the chat. */
  output(text: string): void;
  /** Say in the chat why the call ran without asking, or what it is waiting for. */
  note(reason: string): void;
}

export interface ToolResult {
  /** What the model receives (function_result text). */
  text: string;
  isError?: boolean;
  /** A short line for the chat (defaults to the first line of `text`). */
  summary?: string;
  /** What the model receives when it is more than text (images from an MCP tool, tool definitions from a tool search); `text` is then the chat's view. */
  content?: FunctionResultItem[];
}

/** A failure the model should see as `is_error: true` with this message. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export type JsonSchema = {
  type: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: string[];
  minimum?: number;
  maximum?: number;
};

export interface ToolDefinition<A = Record<string, unknown>> {
  name: string;
  /** Tuned for Gemini: what it does, when to use it, what it returns. */
  description: string;
  parameters: JsonSchema & { type: 'object' };
  kind: ToolKind;
  /** Arguments the schema does not name are passed on (tools we did not write check their own input). */
  openArguments?: boolean;
  run(args: A, ctx: ToolContext): Promise<ToolResult>;
}

export function declaration(t: ToolDefinition<never>): FunctionTool {
  return { type: 'function', name: t.name, description: t.description, parameters: t.parameters as unknown as Record<string, unknown> };
}

/** Validate arguments against a tool's schema; returns an error message the model can act on. */
export function validateArgs(schema: JsonSchema, value: unknown, path = 'arguments', open = false): string | undefined {
  const t = schema.type;
  if (t === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${path} must be an object.`;
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (obj[r] === undefined || obj[r] === null) return `Missing required argument "${r}".`;
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties?.[k];
      if (!sub) {
        if (open) continue;
        return `Unknown argument "${k}". Expected: ${Object.keys(schema.properties ?? {}).join(', ')}.`;
      }
      if (v === undefined || v === null) continue;
      const err = validateArgs(sub, v, k, open);
      if (err) return err;
    }
    return undefined;
  }
  if (t === 'string') {
    if (typeof value !== 'string') return `"${path}" must be a string.`;
    if (schema.enum && !schema.enum.includes(value)) return `"${path}" must be one of: ${schema.enum.join(', ')}.`;
    return undefined;
  }
  if (t === 'integer' || t === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value) || (t === 'integer' && !Number.isInteger(value)))
      return `"${path}" must be ${t === 'integer' ? 'an integer' : 'a number'}.`;
    if (schema.minimum !== undefined && value < schema.minimum) return `"${path}" must be at least ${schema.minimum}.`;
    if (schema.maximum !== undefined && value > schema.maximum) return `"${path}" must be at most ${schema.maximum}.`;
    return undefined;
  }
  if (t === 'boolean') return typeof value === 'boolean' ? undefined : `"${path}" must be true or false.`;
  if (t === 'array') {
    if (!Array.isArray(value)) return `"${path}" must be an array.`;
    if (schema.items) {
      for (let k = 0; k < value.length; k++) {
        const err = validateArgs(schema.items, value[k], `${path}[${k}]`, open);
        if (err) return err;
      }
    }
    return undefined;
  }
  return undefined;
}
