/**
 * The tools VS Code already knows, offered to Gemini: MCP servers that VS Code runs (tag `mcp` on
 * `vscode.lm.tools`) and tools contributed by other extensions, called with `vscode.lm.invokeTool`
 * (so VS Code's own confirmations apply); and remote MCP servers that the Gemini API calls itself
 * (`mcp_server` tools), whose header values live in SecretStorage.
 *
 * Nothing is offered until the user picks it ("Gemini: Choose Tools", per workspace). Nothing is
 * offered in Restricted Mode.
 */
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { mcpServerName } from '../core/tools/mcpNames';
import { randomUUID } from 'node:crypto';
import { registerSecret } from '../core/client/errors';
import type { McpServerTool } from '../core/protocol/types';
import { externalTools, type ExternalInvoker, type ExternalPart, type ExternalToolInfo } from '../core/tools/external';
import type { ToolDefinition } from '../core/tools/types';
import { checkRemoteServer, remoteServerTool, type RemoteMcpServer } from '../core/tools/remoteMcp';
import { setting } from './config';
import type { Command } from './commands';
import type { Log } from './log';
import { l10n } from '../shared/l10n';
import { errorText } from '../shared/errorText';

const PICKED_KEY = 'gemini.tools.picked';
const SERVERS_KEY = 'gemini.remoteMcpServers';
const OWN_EXTENSION = 'geminilabs.gemini-interactions';
/** How long a turn waits for VS Code to start the MCP servers whose tools the user picked. */
const START_TIMEOUT_MS = 30_000;

interface Picked {
  /** Names on `vscode.lm.tools`. */
  lm: string[];
  /** Ids of remote MCP servers. */
  remote: string[];
}

export interface ExternalForTurn {
  tools: Array<ToolDefinition<never>>;
  serverTools: McpServerTool[];
  notes: string[];
}

function isPicked(v: unknown): v is Picked {
  const o = v as Picked | undefined;
  return !!o && Array.isArray(o.lm) && Array.isArray(o.remote) && o.lm.every((x) => typeof x === 'string') && o.remote.every((x) => typeof x === 'string');
}

/**
 * The server's name as the user gave it (its mcp.json key): VS Code 1.139 passes it on the tool
 * as `source.label`, outside the typed API. Undefined where it does not (then it is worked out
 * from the tool's name, see mcpNames.ts).
 */
function serverLabel(t: vscode.LanguageModelToolInformation): string | undefined {
  const label = (t as { source?: { label?: unknown } }).source?.label;
  return typeof label === 'string' && label.trim() ? label.trim() : undefined;
}

export class ExternalTools implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the picked tools or the remote servers change (the chat shows the count). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {}

  /** Why nothing external can be offered here, if so. */
  unavailable(): string | undefined {
    if (!vscode.workspace.isTrusted) return l10n.t('Restricted Mode: MCP servers, tools of other extensions and remote MCP servers are off in this untrusted workspace.');
    return undefined;
  }

  private picked(): Picked {
    const v = this.context.workspaceState.get<unknown>(PICKED_KEY);
    return isPicked(v) ? v : { lm: [], remote: [] };
  }

  /** Whether any of VS Code's tools (MCP servers, other extensions) are picked for this workspace. */
  picksVsCodeTools(): boolean {
    return this.picked().lm.length > 0;
  }

  /** How many tools and servers are picked for this workspace (the chat's Tools button). */
  pickedCount(): number {
    const p = this.picked();
    const servers = new Set(this.servers().map((s) => s.id));
    return p.lm.length + p.remote.filter((id) => servers.has(id)).length;
  }

  servers(): RemoteMcpServer[] {
    const v = this.context.globalState.get<unknown>(SERVERS_KEY);
    return Array.isArray(v) ? (v as RemoteMcpServer[]).filter((s) => !checkRemoteServer(s)) : [];
  }

  private secretKey(id: string, header: string): string {
    return `gemini.mcp.${id}.header.${header.toLowerCase()}`;
  }

  /** The tools VS Code lists that we may offer: MCP tools and tools of other extensions (not VS Code's own, not ours). */
  private offered(): Array<ExternalToolInfo & { group: 'mcp' | 'extension' }> {
    const byExtension = new Map<string, string>();
    for (const ext of vscode.extensions.all) {
      if (ext.id.toLowerCase() === OWN_EXTENSION) continue;
      const pkg = ext.packageJSON as { displayName?: string; name?: string; contributes?: { languageModelTools?: Array<{ name?: string }> } };
      for (const t of pkg.contributes?.languageModelTools ?? []) if (typeof t.name === 'string') byExtension.set(t.name, pkg.displayName ?? pkg.name ?? ext.id);
    }
    const configured = this.configuredServers();
    const out: Array<ExternalToolInfo & { group: 'mcp' | 'extension' }> = [];
    for (const t of vscode.lm.tools) {
      if (t.tags.includes('mcp'))
        out.push({
          id: t.name,
          description: t.description,
          inputSchema: t.inputSchema,
          source: l10n.t('MCP server {0}', serverLabel(t) ?? mcpServerName(t.name, configured)),
          group: 'mcp',
        });
      else if (byExtension.has(t.name))
        out.push({ id: t.name, description: t.description, inputSchema: t.inputSchema, source: l10n.t('the extension {0}', byExtension.get(t.name)), group: 'extension' });
    }
    return out;
  }

  /** The server names the user gave in the workspace's and their own mcp.json (shown instead of guesses). */
  private configuredServers(): string[] {
    const files = [
      ...(vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => join(f.uri.fsPath, '.vscode', 'mcp.json')),
      // <user-data>/User/mcp.json, next to the user's settings.
      join(dirname(dirname(this.context.globalStorageUri.fsPath)), 'mcp.json'),
    ];
    const names: string[] = [];
    for (const f of files) {
      try {
        const servers = (parseJsonc(readFileSync(f, 'utf8')) as { servers?: unknown } | undefined)?.servers;
        if (servers && typeof servers === 'object') names.push(...Object.keys(servers));
      } catch {
        /* no such file, or not JSON */
      }
    }
    return names;
  }

  /** Start the MCP servers VS Code knows (their tools appear only once they run). */
  private async startServers(why: string, timeoutMs = START_TIMEOUT_MS): Promise<boolean> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: l10n.t('Gemini: starting MCP servers ({0})…', why) }, async () => {
      const started = vscode.commands.executeCommand('workbench.mcp.startServer', '*', { waitForLiveTools: true }).then(
        () => true,
        (err: unknown) => {
          this.log.warn(`Starting the MCP servers failed: ${errorText(err)}`);
          return false;
        },
      );
      const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs));
      return Promise.race([started, timeout]);
    });
  }

  /** "Gemini: Choose Tools": pick, for this workspace, the MCP tools, extension tools and remote servers Gemini may use. */
  async choose(): Promise<void> {
    const reason = this.unavailable();
    if (reason) {
      void vscode.window.showWarningMessage(l10n.t('Gemini: {0}', reason), { modal: false });
      return;
    }
    const started = await this.startServers('to list their tools', 15_000);
    await toolsSettled(() => false, 1000);
    if (!started)
      void vscode.window.showWarningMessage(
        l10n.t('Gemini: not every MCP server started (see “MCP: List Servers” and the server’s output). The tools of those that run are listed.'),
      );
    const offered = this.offered();
    const servers = this.servers();
    const picked = this.picked();
    type Item = vscode.QuickPickItem & { lm?: string; remote?: string };
    const items: Item[] = [];
    const mcp = offered.filter((t) => t.group === 'mcp');
    const ext = offered.filter((t) => t.group === 'extension');
    if (mcp.length) items.push({ label: l10n.t('MCP servers (run by VS Code)'), kind: vscode.QuickPickItemKind.Separator });
    for (const t of mcp) items.push({ label: t.id, description: t.source, detail: t.description.slice(0, 200), picked: picked.lm.includes(t.id), lm: t.id });
    if (ext.length) items.push({ label: l10n.t('Tools of other extensions'), kind: vscode.QuickPickItemKind.Separator });
    for (const t of ext) items.push({ label: t.id, description: t.source, detail: t.description.slice(0, 200), picked: picked.lm.includes(t.id), lm: t.id });
    if (servers.length) items.push({ label: l10n.t('Remote MCP servers (called by the Gemini API)'), kind: vscode.QuickPickItemKind.Separator });
    for (const s of servers)
      items.push({
        label: s.name,
        description: s.url,
        detail: s.allowedTools?.length ? l10n.t('Allowed tools: {0}', s.allowedTools.join(', ')) : l10n.t('All of its tools'),
        picked: picked.remote.includes(s.id),
        remote: s.id,
      });
    if (!items.length) {
      const add = l10n.t('Add Remote MCP Server…');
      const pick = await vscode.window.showInformationMessage(
        l10n.t(
          'Gemini: there are no MCP servers or extension tools to choose from. Add a server to .vscode/mcp.json (or with “MCP: Add Server…”), or add a remote MCP server for the Gemini API to call.',
        ),
        add,
      );
      if (pick === add) await this.addServer();
      return;
    }
    const chosen = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: l10n.t('Gemini: Tools for this workspace'),
      placeHolder: l10n.t('Gemini may call the tools you check (each call still asks, unless your user settings allow it)'),
      matchOnDescription: true,
      ignoreFocusOut: true,
    });
    if (!chosen) return;
    const next: Picked = { lm: chosen.flatMap((i) => (i.lm ? [i.lm] : [])), remote: chosen.flatMap((i) => (i.remote ? [i.remote] : [])) };
    await this.context.workspaceState.update(PICKED_KEY, next);
    this.log.info(`Tools for this workspace: ${[...next.lm, ...next.remote.map((id) => servers.find((s) => s.id === id)?.name ?? id)].join(', ') || 'none'}.`);
    this.changed.fire();
  }

  /** "Gemini: Add Remote MCP Server": name, URL, headers (values to SecretStorage), allowed tools. */
  async addServer(): Promise<RemoteMcpServer | undefined> {
    const reason = this.unavailable();
    if (reason) {
      void vscode.window.showWarningMessage(l10n.t('Gemini: {0}', reason));
      return undefined;
    }
    const taken = new Set(this.servers().map((s) => s.name));
    const name = await vscode.window.showInputBox({
      title: l10n.t('Add Remote MCP Server (1/4): name'),
      prompt: l10n.t('A short name for the server (letters, digits, - and _). Gemini sees it as the server name.'),
      ignoreFocusOut: true,
      validateInput: (v) =>
        checkRemoteServer({ id: 'x', name: v.trim(), url: 'https://x', headerNames: [] }) ?? (taken.has(v.trim()) ? l10n.t('A server with that name exists.') : undefined),
    });
    if (!name) return undefined;
    const url = await vscode.window.showInputBox({
      title: l10n.t('Add Remote MCP Server (2/4): URL'),
      prompt: l10n.t('The server’s MCP endpoint (https://…). The Gemini API connects to it, not this editor.'),
      placeHolder: 'https://api.example.com/mcp',
      ignoreFocusOut: true,
      validateInput: (v) => checkRemoteServer({ id: 'x', name: 'x', url: v.trim(), headerNames: [] }),
    });
    if (!url) return undefined;
    const headers: Array<[string, string]> = [];
    for (;;) {
      const header = await vscode.window.showInputBox({
        title: headers.length ? l10n.t('Add Remote MCP Server (3/4): headers ({0})', headers.map((h) => h[0]).join(', ')) : l10n.t('Add Remote MCP Server (3/4): headers'),
        prompt: l10n.t('A header the server needs, such as Authorization (its value is asked next and kept in secret storage). Leave empty to go on.'),
        ignoreFocusOut: true,
        validateInput: (v) =>
          !v.trim() || /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/.test(v.trim())
            ? headers.some((h) => h[0].toLowerCase() === v.trim().toLowerCase())
              ? l10n.t('Already added.')
              : undefined
            : l10n.t('Not a valid header name.'),
      });
      if (header === undefined) return undefined;
      if (!header.trim()) break;
      const value = await vscode.window.showInputBox({
        title: l10n.t('Add Remote MCP Server (3/4): value of {0}', header.trim()),
        prompt: l10n.t('Kept in VS Code’s secret storage; sent only to the Gemini API inside the mcp_server tool.'),
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (/[\r\n]/.test(v) ? 'A header value cannot contain a line break.' : undefined),
      });
      if (value === undefined) return undefined;
      headers.push([header.trim(), value]);
    }
    const allowed = await vscode.window.showInputBox({
      title: l10n.t('Add Remote MCP Server (4/4): allowed tools'),
      prompt: l10n.t('The tools Gemini may call on this server, separated by commas. Leave empty to allow all of them.'),
      ignoreFocusOut: true,
    });
    if (allowed === undefined) return undefined;
    const server: RemoteMcpServer = {
      id: randomUUID(),
      name: name.trim(),
      url: url.trim(),
      headerNames: headers.map((h) => h[0]),
      allowedTools: allowed
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    };
    for (const [h, v] of headers) {
      registerSecret(v);
      await this.context.secrets.store(this.secretKey(server.id, h), v);
    }
    await this.context.globalState.update(SERVERS_KEY, [...this.servers(), server]);
    // Added here, so it is on for this workspace; other workspaces pick it in "Choose Tools".
    const p = this.picked();
    await this.context.workspaceState.update(PICKED_KEY, { ...p, remote: [...p.remote, server.id] });
    this.log.info(`Added the remote MCP server ${server.name} (${server.url}) with ${headers.length} header(s) in secret storage.`);
    this.changed.fire();
    void vscode.window.showInformationMessage(
      l10n.t(
        'Gemini: remote MCP server “{0}” added and turned on for this workspace. The Gemini API calls its tools itself, without asking for each call (the API has no per-call approval for remote servers): the allowed tools are how you limit it.',
        server.name,
      ),
    );
    return server;
  }

  /** "Gemini: Remove Remote MCP Server". */
  async removeServer(): Promise<void> {
    const servers = this.servers();
    if (!servers.length) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: there are no remote MCP servers.'));
      return;
    }
    const pick = await vscode.window.showQuickPick(
      servers.map((s) => ({ label: s.name, description: s.url, id: s.id })),
      { title: l10n.t('Remove Remote MCP Server'), ignoreFocusOut: true },
    );
    if (!pick) return;
    const server = servers.find((s) => s.id === pick.id)!;
    for (const h of server.headerNames) await this.context.secrets.delete(this.secretKey(server.id, h));
    await this.context.globalState.update(
      SERVERS_KEY,
      servers.filter((s) => s.id !== server.id),
    );
    this.changed.fire();
    void vscode.window.showInformationMessage(l10n.t('Gemini: removed the remote MCP server “{0}” and its secrets.', server.name));
  }

  /**
   * The external tools of one turn: the picked VS Code tools (MCP servers started first when
   * their tools are missing) and the picked remote servers. `token`: the chat request's
   * `toolInvocationToken` when VS Code's Chat view runs the turn. `ahead` (made before the user
   * sends): undefined rather than start a server, since nobody asked for one yet.
   */
  async forTurn(
    taken: ReadonlySet<string>,
    notice: (text: string) => void,
    toolInvocationToken?: vscode.ChatParticipantToolToken,
    ahead = false,
  ): Promise<ExternalForTurn | undefined> {
    const picked = this.picked();
    if (!picked.lm.length && !picked.remote.length) return { tools: [], serverTools: [], notes: [] };
    const reason = this.unavailable();
    if (reason) return { tools: [], serverTools: [], notes: [reason] };
    const notes: string[] = [];
    const live = () => new Set(vscode.lm.tools.map((t) => t.name));
    if (picked.lm.some((n) => !live().has(n))) {
      if (ahead) return undefined;
      notice(l10n.t('Starting the MCP servers of the tools you picked…'));
      const ok = await this.startServers('for this turn');
      if (!ok) notes.push(l10n.t('Some MCP servers did not start within {0} s.', START_TIMEOUT_MS / 1000));
      // VS Code answers the start before this extension host sees the tools (after a window
      // reload the servers may still run, and their tools arrive a moment later).
      await toolsSettled(() => picked.lm.every((n) => live().has(n)));
    }
    const offered = new Map(this.offered().map((t) => [t.id, t]));
    const infos: ExternalToolInfo[] = [];
    for (const name of picked.lm) {
      const t = offered.get(name);
      if (t) infos.push(t);
      else notes.push(l10n.t('{0} is not available (its MCP server did not start, or its extension is gone), so Gemini was not offered it.', name));
    }
    const allow = setting('externalToolsAllow');
    const invoker: ExternalInvoker = {
      invoke: (id, input, signal) => invokeVsCodeTool(id, input, signal, toolInvocationToken),
    };
    const { tools, notes: schemaNotes } = externalTools(infos, invoker, {
      taken,
      preapproved: (id) =>
        allow.some((p) => globMatch(p, id))
          ? l10n.t('Ran without asking: your user settings allow {0} (gemini.tools.external.allow). VS Code may still ask to confirm.', id)
          : undefined,
      timeoutMs: setting('externalToolTimeoutSeconds') * 1000,
      maxResultChars: setting('externalToolMaxResultKB') * 1024,
      maxImageBytes: 5 * 1024 * 1024,
    });
    notes.push(...schemaNotes);
    const serverTools: McpServerTool[] = [];
    const servers = new Map(this.servers().map((s) => [s.id, s]));
    for (const id of picked.remote) {
      const s = servers.get(id);
      if (!s) continue;
      const headers: Record<string, string> = {};
      for (const h of s.headerNames) {
        const v = await this.context.secrets.get(this.secretKey(s.id, h));
        if (v === undefined) {
          notes.push(l10n.t('The {0} header of the remote MCP server {1} is not in secret storage any more; the server is sent without it.', h, s.name));
          continue;
        }
        registerSecret(v);
        headers[h] = v;
      }
      serverTools.push(remoteServerTool(s, headers));
    }
    return { tools, serverTools, notes };
  }

  commands(): Command[] {
    return [
      { id: 'gemini.chooseTools', execute: () => this.choose() },
      { id: 'gemini.addRemoteMcpServer', execute: () => this.addServer() },
      { id: 'gemini.removeRemoteMcpServer', execute: () => this.removeServer() },
    ];
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * Wait until `done()` holds, or the tool list stops changing (`quietMs` without a change: a server
 * that failed will not bring its tools), or `maxMs` passed.
 */
async function toolsSettled(done: () => boolean, quietMs = 3000, maxMs = 10_000): Promise<void> {
  const start = Date.now();
  let last = vscode.lm.tools.length;
  let changed = Date.now();
  while (!done() && Date.now() - start < maxMs && Date.now() - changed < quietMs) {
    await new Promise((r) => setTimeout(r, 100));
    if (vscode.lm.tools.length !== last) {
      last = vscode.lm.tools.length;
      changed = Date.now();
    }
  }
}

/** `*` matches any run of characters; everything else is literal. */
function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(name);
}

async function invokeVsCodeTool(
  id: string,
  input: Record<string, unknown>,
  signal: AbortSignal,
  toolInvocationToken: vscode.ChatParticipantToolToken | undefined,
): Promise<ExternalPart[]> {
  const cts = new vscode.CancellationTokenSource();
  const onAbort = () => cts.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await vscode.lm.invokeTool(id, { input, toolInvocationToken }, cts.token);
    const parts: ExternalPart[] = [];
    for (const p of result.content) {
      if (p instanceof vscode.LanguageModelTextPart) parts.push({ kind: 'text', text: p.value });
      else if (p instanceof vscode.LanguageModelDataPart) parts.push({ kind: 'data', mimeType: p.mimeType, data: p.data });
      else if (p instanceof vscode.LanguageModelPromptTsxPart) parts.push({ kind: 'other', value: p.value });
      else parts.push({ kind: 'other', value: p });
    }
    return parts;
  } catch (err) {
    if (err instanceof vscode.CancellationError || (err as Error)?.name === 'Canceled') {
      throw new Error(signal.aborted ? 'it was stopped.' : 'the call was cancelled in VS Code (the user declined VS Code’s confirmation); the tool did not run.');
    }
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    cts.dispose();
  }
}
