/**
 * The interfaces core asks of its host. VS Code implements them in src/vscode/adapters; unit
 * tests implement them with small in-memory fakes. Nothing here imports `vscode`.
 */
import type { ApprovalRequest, ToolActivity } from '../shared/protocol';
import type { SandboxPolicy, SandboxStatus } from './tools/sandbox';
import type { Transaction } from './tools/transaction';

/** A file as the user sees it: the open editor's buffer when there is one. */
export interface LiveDocument {
  text: string;
  /** Editor version (0 for a file that is not open). Writes are checked against it. */
  version: number;
  /** The editor has unsaved changes. */
  dirty: boolean;
  open: boolean;
  /** The file is not text (its `text` is empty). */
  binary?: boolean;
}

export class VersionConflictError extends Error {
  constructor(readonly path: string) {
    super(`${path} changed while the edit was waiting (it was edited or reloaded). Read it again and redo the edit.`);
    this.name = 'VersionConflictError';
  }
}

export interface DocumentsPort {
  /** The live text of a file, or undefined if it does not exist. Throws for directories. */
  read(absPath: string): Promise<LiveDocument | undefined>;
  /**
   * Replace a file's text through the editor layer (one undoable WorkspaceEdit), refusing if its
   * version moved past `expectedVersion`. Saves unless the editor had unsaved changes before.
   */
  write(absPath: string, text: string, expectedVersion: number): Promise<{ saved: boolean }>;
  create(absPath: string, text: string): Promise<void>;
  delete(absPath: string): Promise<void>;
}

export interface DiagnosticInfo {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  source?: string;
  code?: string;
}

export interface SymbolInfo {
  name: string;
  kind: string;
  path: string;
  line: number;
  endLine?: number;
  container?: string;
  children?: SymbolInfo[];
}

export interface LocationInfo {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The text of the first line of the range. */
  preview?: string;
}

export interface EditorInfo {
  path: string;
  languageId: string;
  dirty: boolean;
  active: boolean;
  selection?: { startLine: number; startColumn: number; endLine: number; endColumn: number; text: string };
}

export interface LanguagePort {
  diagnostics(absPath?: string): Promise<DiagnosticInfo[]>;
  openEditors(): Promise<EditorInfo[]>;
  documentSymbols(absPath: string): Promise<SymbolInfo[]>;
  workspaceSymbols(query: string): Promise<SymbolInfo[]>;
  definition(absPath: string, line: number, column: number): Promise<LocationInfo[]>;
  references(absPath: string, line: number, column: number): Promise<LocationInfo[]>;
}

export interface GitChange {
  path: string;
  status: string;
  staged: boolean;
}

export interface GitPort {
  /** Undefined when git (or the built-in git extension) is not available. */
  available(): Promise<boolean>;
  status(): Promise<Array<{ root: string; branch?: string; changes: GitChange[] }>>;
  diff(options: { absPath?: string; staged?: boolean }): Promise<string>;
}

/** The user's answer to an approval request. */
export type { ApprovalDecision } from '../shared/vocab';
import type { ApprovalDecision } from '../shared/vocab';

export interface ApprovalPort {
  /** Ask the user (in the chat); resolves when they answer or the signal aborts (→ 'reject'). */
  ask(callId: string, request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision>;
}

export interface ActivityPort {
  update(activity: ToolActivity): void;
  output(callId: string, text: string): void;
}

export interface CommandResult {
  exitCode: number | null;
  signal: string | null;
  /** What the model gets: all of it, or the head and the tail when it was longer. */
  output: string;
  /** The model's copy was shortened (head and tail kept). */
  truncated: boolean;
  timedOut: boolean;
  killed: boolean;
  durationMs: number;
  /** Every byte the command wrote (also past the cut). */
  outputBytes: number;
  /** More than the kept limit was written: the chat and the terminal show a visible cut. */
  cut: boolean;
  sandboxed: boolean;
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  /** What the model gets at most (head + tail). */
  maxOutputBytes: number;
  /** Most output kept for the chat and the terminal mirror; the rest is counted, not kept. */
  limitBytes: number;
  signal: AbortSignal;
  onOutput(text: string): void;
  /** Run inside the OS sandbox with this policy and environment (an allow-list; nothing else is passed). */
  sandbox?: { status: Extract<SandboxStatus, { available: true }>; policy: SandboxPolicy; env: Record<string, string> };
}

export interface ProcessPort {
  run(commandLine: string, options: RunOptions): Promise<CommandResult>;
}

/** One command's sandbox, prepared: what it sees, its environment, and its transaction (copy-on-write views). */
export interface PreparedSandbox {
  policy: SandboxPolicy;
  env: Record<string, string>;
  /** Absent where writes cannot be a transaction (then every command asks). */
  transaction?: Transaction;
}

/** The OS sandbox for commands (see core/tools/sandbox.ts). */
export interface SandboxPort {
  /** Whether commands can run sandboxed here (probed once), or why not. */
  status(): Promise<SandboxStatus>;
  /** One command's sandbox: the workspace as a copy-on-write view, secrets hidden, and what the user allowed on top. */
  prepare(roots: string[], extra: { network: boolean; writable: string[] }): Promise<PreparedSandbox>;
}

/** A terminal the user can open that mirrors command output (optional). */
export interface TerminalMirror {
  start(commandLine: string, cwd: string): { write(text: string): void; end(result: CommandResult): void };
}

export interface SearchPort {
  /** ripgrep-backed file listing that respects .gitignore and the user's excludes. */
  files(roots: string[], glob: string | undefined, max: number, signal: AbortSignal): Promise<{ files: string[]; truncated: boolean }>;
  text(
    roots: string[],
    query: string,
    options: { regex: boolean; caseSensitive: boolean; glob?: string; maxResults: number },
    signal: AbortSignal,
  ): Promise<{ matches: Array<{ path: string; line: number; text: string }>; total: number; truncated: boolean }>;
}
