/**
 * The tool registry and the per-turn runner: declarations for the request, argument
 * validation, the approval flow, activity reporting for the chat, and undo snapshots.
 */
import type { ToolActivity } from '../../shared/protocol';
import type { ToolCall, ToolOutcome, ToolRunner } from '../conversation/engine';
import type { FunctionTool } from '../protocol/types';
import { CLIENT_SEARCH_NAME, searchDeferred } from './toolRetrieval';
import type { ActivityPort, ApprovalPort } from '../ports';
import { TurnApprovals } from './approvals';
import { createFile } from './defs/create_file';
import { deleteFile } from './defs/delete_file';
import { documentSymbols } from './defs/document_symbols';
import { editFile } from './defs/edit_file';
import { findDefinition } from './defs/find_definition';
import { findFiles } from './defs/find_files';
import { findReferences } from './defs/find_references';
import { getDiagnostics } from './defs/get_diagnostics';
import { getOpenEditors } from './defs/get_open_editors';
import { gitDiff } from './defs/git_diff';
import { gitStatus } from './defs/git_status';
import { listDirectory } from './defs/list_directory';
import { readFile } from './defs/read_file';
import { runCommand } from './defs/run_command';
import { searchText } from './defs/search_text';
import { workspaceSymbols } from './defs/workspace_symbols';
import { PathError } from './paths';
import { maskUrlCredentials } from './redactUrls';
import { ToolError, declaration, validateArgs, type ToolContext, type ToolDefinition, type ToolSettings, type WorkspacePorts } from './types';
import { UndoRecorder } from './undo';
import { errorText } from '../../shared/errorText';

export const ALL_TOOLS: Array<ToolDefinition<never>> = [
  readFile,
  listDirectory,
  findFiles,
  searchText,
  getDiagnostics,
  getOpenEditors,
  documentSymbols,
  workspaceSymbols,
  findDefinition,
  findReferences,
  gitStatus,
  gitDiff,
  editFile,
  createFile,
  deleteFile,
  runCommand,
] as Array<ToolDefinition<never>>;

export function toolDeclarations(tools = ALL_TOOLS): FunctionTool[] {
  return tools.map((t) => declaration(t));
}

export interface ToolEnvironment extends WorkspacePorts {
  approvals: ApprovalPort;
  activity: ActivityPort;
  settings: ToolSettings;
  /** Where this turn keeps what a command's changes replace (for "Undo changes of this turn"). */
  undoBackups?: string;
}

function firstLine(s: string): string {
  const l = s.split('\n')[0] ?? '';
  return l.length > 200 ? l.slice(0, 200) + '…' : l;
}

/**
 * The search function of client-side Tool Retrieval (reading (a) of §3.4.2): the model calls it
 * by name, and the definitions it finds go back as `function` items of the result.
 */
export function clientToolSearch(deferred: FunctionTool[]): ToolDefinition<{ query?: string; names?: string[] }> {
  return {
    name: CLIENT_SEARCH_NAME,
    kind: 'read',
    description: 'Find and load tools that are available but not loaded yet.',
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: 'Keywords.' }, names: { type: 'array', items: { type: 'string' }, description: 'Exact tool names.' } },
    },
    async run(args) {
      const found = searchDeferred(deferred, args);
      return {
        text: found.length ? `Loaded ${found.length} tool(s): ${found.map((f) => f.name).join(', ')}.` : 'No tool matches; try other keywords.',
        summary: found.length ? `Loaded ${found.map((f) => f.name).join(', ')}` : 'No tool matches',
        content: found.length ? found : [{ type: 'text', text: 'No tool matches; try other keywords.' }],
      };
    },
  };
}

/** One turn's tool runner (approvals "for this turn" and undo live here). */
export class WorkspaceToolRunner implements ToolRunner {
  /** Deferred tools of this turn (Tool Retrieval): what a tool search may load. */
  deferred: FunctionTool[] = [];

  searchTools(names: string[]): FunctionTool[] {
    return searchDeferred(this.deferred, { names });
  }

  offers(name: string): boolean {
    return this.byName.has(name) || this.deferred.some((t) => t.name === name);
  }

  readonly undo: UndoRecorder;
  private readonly approvals: TurnApprovals;
  private readonly byName: Map<string, ToolDefinition<never>>;

  constructor(
    private readonly env: ToolEnvironment,
    readonly tools: Array<ToolDefinition<never>> = ALL_TOOLS,
  ) {
    this.byName = new Map(tools.map((t) => [t.name, t]));
    this.undo = new UndoRecorder(env.undoBackups);
    // Every approval request also shows as the call's "waiting" state in the chat.
    const port: ApprovalPort = {
      ask: async (callId, request, signal) => {
        this.activity({ callId, status: 'waiting', approval: request });
        const d = await env.approvals.ask(callId, request, signal);
        // A question taken away (the call answered meanwhile, or the turn stopped) changes nothing shown.
        if (!signal.aborted) this.activity({ callId, status: d === 'reject' ? 'rejected' : 'running', approval: undefined });
        return d;
      },
    };
    this.approvals = new TurnApprovals(port, env.settings);
  }

  declarations(): FunctionTool[] {
    return toolDeclarations(this.tools);
  }

  /** A tool of this turn only (the client-side tool search), runnable but not declared as a function. */
  addTool(t: ToolDefinition<never>): void {
    this.byName.set(t.name, t);
  }

  private names = new Map<string, string>();
  private activity(a: Partial<ToolActivity> & { callId: string }): void {
    this.env.activity.update({ name: this.names.get(a.callId) ?? '', status: 'running', ...a } as ToolActivity);
  }

  async run(calls: ToolCall[], ctx: { signal: AbortSignal }): Promise<ToolOutcome[]> {
    for (const c of calls) this.names.set(c.id, c.name);
    const outcomes: ToolOutcome[] = new Array(calls.length);
    // Reads run together; writes and commands run one after the other, in the model's order.
    const reads = calls.map((c, k) => [c, k] as const).filter(([c]) => this.byName.get(c.name)?.kind === 'read');
    const rest = calls.map((c, k) => [c, k] as const).filter(([c]) => this.byName.get(c.name)?.kind !== 'read');
    await Promise.all(reads.map(async ([c, k]) => (outcomes[k] = await this.runOne(c, ctx.signal))));
    for (const [c, k] of rest) outcomes[k] = await this.runOne(c, ctx.signal);
    return outcomes;
  }

  private async runOne(call: ToolCall, signal: AbortSignal): Promise<ToolOutcome> {
    const started = Date.now();
    const tool = this.byName.get(call.name);
    const fail = (message: string, status: 'failed' | 'rejected' = 'failed'): ToolOutcome => {
      this.activity({ callId: call.id, status, result: message, durationMs: Date.now() - started });
      return { result: message, isError: true };
    };
    if (!tool) return fail(`There is no tool named "${call.name}". Available tools: ${[...this.byName.keys()].join(', ')}.`);
    if (call.argumentError) return fail(`${call.argumentError} Call ${call.name} again with valid JSON arguments.`);
    const invalid = validateArgs(tool.parameters, call.arguments, 'arguments', tool.openArguments === true);
    if (invalid) return fail(`Invalid arguments for ${call.name}: ${invalid}`);
    if (signal.aborted) return fail('Stopped before it ran.');
    this.activity({ callId: call.id, status: 'running' });
    let rejected = false;
    const { approvals: _a, activity: _b, settings: _c, undoBackups: _d, ...ports } = this.env;
    const toolCtx: ToolContext = {
      ...ports,
      callId: call.id,
      approvals: {
        read: (...a: Parameters<TurnApprovals['read']>) => this.approvals.read(...a).then((g) => ((rejected = !g.run), g)),
        write: (...a: Parameters<TurnApprovals['write']>) => this.approvals.write(...a).then((g) => ((rejected = !g.run), g)),
        command: (...a: Parameters<TurnApprovals['command']>) => this.approvals.command(...a).then((g) => ((rejected = !g.run), g)),
        external: (...a: Parameters<TurnApprovals['external']>) => this.approvals.external(...a).then((g) => ((rejected = !g.run), g)),
        changes: (...a: Parameters<TurnApprovals['changes']>) => this.approvals.changes(...a),
        overdue: (...a: Parameters<TurnApprovals['overdue']>) => this.approvals.overdue(...a),
      } as TurnApprovals,
      undo: this.undo,
      settings: this.env.settings,
      signal,
      output: (text) => this.env.activity.output(call.id, text),
      note: (reason) => this.activity({ callId: call.id, status: 'running', reason }),
    };
    try {
      const r = await tool.run(call.arguments as never, toolCtx);
      this.activity({ callId: call.id, status: r.isError ? 'failed' : 'done', result: maskUrlCredentials(r.summary ?? firstLine(r.text)), durationMs: Date.now() - started });
      // Credentials written into URLs (a remote in .git/config, a clone command's output) never reach the model.
      const content = r.content?.map((c) => (c.type === 'text' && typeof c.text === 'string' ? { ...c, text: maskUrlCredentials(c.text) } : c));
      return { result: content ?? [{ type: 'text', text: maskUrlCredentials(r.text) }], isError: r.isError === true };
    } catch (err) {
      if (err instanceof ToolError || err instanceof PathError) return fail(err.message, rejected ? 'rejected' : 'failed');
      return fail(`${call.name} failed unexpectedly: ${errorText(err)}`);
    }
  }
}
