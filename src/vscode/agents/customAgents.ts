/**
 * The Custom Agents view: the saved agents of the API project (`GET /agents`), each opened as a
 * JSON document (`gemini-agent:/<id>.gemini-agent.json`) that saving creates or replaces on the
 * server. The API has no update, so saving an edit deletes and recreates the agent; when the
 * server refuses the new definition, the old one is put back. Refused fields are marked on the
 * field they concern (`google.rpc.BadRequest` field violations). Variables written
 * `{"secret": true}` are asked for on save, kept in SecretStorage, and sent only in the
 * `environment.env` of a run started with the agent, never stored on the agent.
 */
import * as vscode from 'vscode';
import { agentToDocument, newAgentDocument, parseAgentDocument, violationProblems, type DocProblem } from '../../core/agents/customAgents';
import { ApiError, registerSecret } from '../../core/client/errors';
import type { Agent } from '../../core/protocol/types';
import type { ApiClientProvider } from '../api';
import type { Command } from '../commands';
import type { ApiKeyStore } from '../keys';
import type { Log } from '../log';
import { l10n } from '../../shared/l10n';
import { errorText } from '../../shared/errorText';

export const AGENT_SCHEME = 'gemini-agent';
const SUFFIX = '.gemini-agent.json';
const SECRET_INDEX = 'gemini.agentSecrets';
const DEFAULT_BASE = 'antigravity-preview-05-2026';

export interface AgentRow {
  id: string;
  agent: Agent;
  /** Built-in agents (no base agent) can be used but not edited or deleted. */
  builtIn: boolean;
}

class SaveRefused extends Error {}

export class CustomAgents implements vscode.TreeDataProvider<AgentRow>, vscode.FileSystemProvider, vscode.Disposable {
  private readonly changedTree = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changedTree.event;
  /** What was written in a document whose save the API refused (shown until it saves). */
  private readonly refused = new Map<string, string>();
  private readonly decorations = new vscode.EventEmitter<vscode.Uri | undefined>();
  readonly onDidChangeFileDecorations = this.decorations.event;
  private readonly changedFiles = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changedFiles.event;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('gemini-agent');
  private readonly disposables: vscode.Disposable[] = [];
  private view: vscode.TreeView<AgentRow> | undefined;
  /** New documents: their starting text, and the id they were saved as (later saves edit that agent). */
  private readonly drafts = new Map<string, { text: string; savedAs?: string }>();
  private readonly mtimes = new Map<string, number>();
  private newCount = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly api: ApiClientProvider,
    private readonly keys: ApiKeyStore,
    private readonly log: Log,
  ) {
    this.view = vscode.window.createTreeView('gemini.customAgents', { treeDataProvider: this, showCollapseAll: false });
    this.disposables.push(
      this.view,
      this.diagnostics,
      vscode.workspace.registerFileSystemProvider(AGENT_SCHEME, this, { isCaseSensitive: true }),
      vscode.window.registerFileDecorationProvider(this),
      keys.onDidChange(() => this.refresh()),
      // Closing a document clears its marks (they would otherwise stay in the Problems view).
      vscode.workspace.onDidCloseTextDocument((d) => d.uri.scheme === AGENT_SCHEME && this.diagnostics.delete(d.uri)),
    );
  }

  refresh(): void {
    this.changedTree.fire();
  }

  // ---------------------------------------------------------------- the view

  getTreeItem(r: AgentRow): vscode.TreeItem {
    const item = new vscode.TreeItem(r.id, vscode.TreeItemCollapsibleState.None);
    item.id = r.id;
    item.description = r.builtIn ? l10n.t('built-in') : (r.agent.description ?? '');
    item.iconPath = new vscode.ThemeIcon(r.builtIn ? 'lock' : 'hubot');
    const tools = (r.agent.tools ?? []).map((t) => String((t as { type?: unknown }).type ?? '?')).join(', ');
    item.tooltip = new vscode.MarkdownString(
      [
        `**${r.id}**`,
        r.agent.description ?? '',
        r.agent.base_agent ? l10n.t('Based on: {0}', r.agent.base_agent) : '',
        tools ? l10n.t('Tools: {0}', tools) : '',
        r.agent.system_instruction ? `> ${r.agent.system_instruction.slice(0, 300).replace(/\n/g, ' ')}` : '',
      ]
        .filter(Boolean)
        .join('  \n'),
    );
    item.tooltip.supportHtml = false;
    item.contextValue = r.builtIn ? 'agent.builtIn' : 'agent.custom';
    item.accessibilityInformation = { label: r.builtIn ? l10n.t('Built-in agent {0}', r.id) : l10n.t('Custom agent {0}, {1}', r.id, r.agent.description ?? '') };
    if (!r.builtIn) item.command = { command: 'gemini.agents.edit', title: l10n.t('Edit Agent'), arguments: [r] };
    return item;
  }

  async getChildren(): Promise<AgentRow[]> {
    if (!this.view) return [];
    if (!(await this.keys.has())) {
      this.view.message = l10n.t('Set your API key to see the saved agents.');
      return [];
    }
    try {
      const rows = await this.list();
      this.view.message = rows.some((r) => !r.builtIn) ? undefined : l10n.t('No custom agents yet. Create one with +.');
      return rows;
    } catch (err) {
      this.view.message = l10n.t('Could not list the agents: {0}', errorText(err));
      return [];
    }
  }

  /** Every saved agent (all pages), custom ones first. */
  async list(): Promise<AgentRow[]> {
    const client = this.api.get();
    const rows: AgentRow[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 20; page++) {
      const l = await client.listAgents({ pageSize: 100, pageToken });
      for (const a of l.agents ?? []) if (typeof a.id === 'string' && a.id) rows.push({ id: a.id, agent: a, builtIn: !a.base_agent });
      pageToken = l.next_page_token;
      if (!pageToken) break;
    }
    return rows.sort((a, b) => Number(a.builtIn) - Number(b.builtIn) || a.id.localeCompare(b.id));
  }

  // ---------------------------------------------------------------- commands

  commands(launch: (agent: string) => unknown): Command[] {
    return [
      { id: 'gemini.agents.create', execute: () => this.create() },
      { id: 'gemini.agents.edit', execute: (r) => this.edit(r) },
      { id: 'gemini.agents.delete', execute: (r) => this.remove(r) },
      { id: 'gemini.agents.refresh', execute: () => this.refresh() },
      {
        id: 'gemini.agents.runTask',
        execute: async (r) => {
          const id = await this.pickId(r, l10n.t('Run a task with which agent?'), true);
          if (id) return launch(id);
          return undefined;
        },
      },
      { id: 'gemini.agents.setSecrets', execute: (r) => this.setSecrets(r) },
    ];
  }

  async create(): Promise<void> {
    if (!(await this.keys.has())) {
      void vscode.window.showWarningMessage(l10n.t('Gemini: set your API key first.'), l10n.t('Set API Key')).then((a) => a && vscode.commands.executeCommand('gemini.setApiKey'));
      return;
    }
    const base = await this.pickBase();
    if (!base) return;
    const path = `/new-agent-${++this.newCount}${SUFFIX}`;
    this.drafts.set(path, { text: newAgentDocument(base) });
    await this.openDoc(vscode.Uri.from({ scheme: AGENT_SCHEME, path }));
  }

  async edit(r: unknown): Promise<void> {
    const id = await this.pickId(r, l10n.t('Edit which agent?'));
    if (id) await this.openDoc(this.uriFor(id));
  }

  async remove(r: unknown): Promise<void> {
    const id = await this.pickId(r, l10n.t('Delete which agent?'));
    if (!id) return;
    const yes = l10n.t('Delete');
    const answer = await vscode.window.showWarningMessage(
      l10n.t('Delete the agent “{0}” from your Gemini API project?', id),
      { modal: true, detail: l10n.t('Runs already started with it are not affected. Its secret values are removed from this machine.') },
      yes,
    );
    if (answer !== yes) return;
    try {
      await this.api.get().deleteAgent(id);
    } catch (err) {
      void vscode.window.showErrorMessage(l10n.t('Gemini: could not delete the agent “{0}”: {1}', id, errorText(err)));
      return;
    }
    await this.storeSecrets(id, {}, []);
    this.log.info(`Deleted the custom agent ${id}.`);
    this.refresh();
    this.changedFiles.fire([{ type: vscode.FileChangeType.Deleted, uri: this.uriFor(id) }]);
    void vscode.window.showInformationMessage(l10n.t('Gemini: deleted the agent “{0}”.', id));
  }

  /** Ask again for every secret value of an agent. */
  async setSecrets(r: unknown): Promise<void> {
    const id = await this.pickId(r, l10n.t('Set the secret values of which agent?'));
    if (!id) return;
    const names = this.secretNames(id);
    if (!names.length) {
      void vscode.window.showInformationMessage(
        l10n.t('Gemini: the agent “{0}” has no secret variables. Write a variable as {"secret": true} in its base_environment.env to keep its value here.', id),
      );
      return;
    }
    const values = await this.askSecrets(id, names);
    if (values) {
      await this.storeSecrets(id, values, names);
      void vscode.window.showInformationMessage(l10n.t('Gemini: saved {0} secret value(s) of “{1}” in VS Code’s secret storage.', names.length, id));
    }
  }

  /** The local secret values of an agent, for a run's `environment.env` (empty when it has none). */
  async secretEnv(id: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const name of this.secretNames(id)) {
      const v = await this.context.secrets.get(secretKey(id, name));
      if (v === undefined) continue;
      // Scrubbed from every error and log text, like the API key.
      registerSecret(v);
      out[name] = v;
    }
    return out;
  }

  private async pickId(r: unknown, title: string, includeBuiltIn = false): Promise<string | undefined> {
    if (typeof r === 'string' && r) return r;
    const row = r as AgentRow | undefined;
    if (row && typeof row.id === 'string') return row.id;
    let rows: AgentRow[];
    try {
      rows = (await this.list()).filter((x) => includeBuiltIn || !x.builtIn);
    } catch (err) {
      void vscode.window.showErrorMessage(l10n.t('Gemini: could not list the agents: {0}', errorText(err)));
      return undefined;
    }
    if (!rows.length) {
      void vscode.window.showInformationMessage(l10n.t('Gemini: there are no custom agents yet. Create one with “Gemini: New Custom Agent…”.'));
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      rows.map((x) => ({ label: x.id, description: x.builtIn ? l10n.t('built-in') : x.agent.description })),
      { title, ignoreFocusOut: true },
    );
    return pick?.label;
  }

  private async pickBase(): Promise<string | undefined> {
    const builtIn = await this.list()
      .then((rows) => rows.filter((r) => r.builtIn).map((r) => r.id))
      .catch(() => [] as string[]);
    const ids = builtIn.length ? builtIn : [DEFAULT_BASE];
    if (ids.length === 1) return ids[0];
    const pick = await vscode.window.showQuickPick(
      ids.map((id) => ({ label: id })),
      { title: l10n.t('New Custom Agent: which agent does it extend?'), ignoreFocusOut: true },
    );
    return pick?.label;
  }

  private uriFor(id: string): vscode.Uri {
    return vscode.Uri.from({ scheme: AGENT_SCHEME, path: `/${id}${SUFFIX}` });
  }

  private async openDoc(uri: vscode.Uri): Promise<void> {
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: false });
    } catch (err) {
      void vscode.window.showErrorMessage(l10n.t('Gemini: could not open the agent: {0}', errorText(err)));
    }
  }

  // ---------------------------------------------------------------- secrets

  private secretNames(id: string): string[] {
    const index = this.context.globalState.get<Record<string, string[]>>(SECRET_INDEX, {});
    return Array.isArray(index[id]) ? index[id].filter((n) => typeof n === 'string') : [];
  }

  /** Keep `names` as the agent's secrets: new values written, the others' values removed. */
  private async storeSecrets(id: string, values: Record<string, string>, names: string[]): Promise<void> {
    for (const old of this.secretNames(id)) if (!names.includes(old)) await this.context.secrets.delete(secretKey(id, old));
    for (const [name, v] of Object.entries(values)) {
      registerSecret(v);
      await this.context.secrets.store(secretKey(id, name), v);
    }
    const index = { ...this.context.globalState.get<Record<string, string[]>>(SECRET_INDEX, {}) };
    if (names.length) index[id] = names;
    else delete index[id];
    await this.context.globalState.update(SECRET_INDEX, index);
  }

  /** Ask for the values of `ask` (password boxes); undefined when the user cancels one (nothing is kept then). */
  private async askSecrets(id: string, ask: string[]): Promise<Record<string, string> | undefined> {
    const values: Record<string, string> = {};
    for (const [k, name] of ask.entries()) {
      const v = await vscode.window.showInputBox({
        title: l10n.t('Secret {0} of the agent “{1}” ({2}/{3})', name, id, k + 1, ask.length),
        prompt: l10n.t('Kept in VS Code’s secret storage on this machine and sent only in the environment of a run started with this agent.'),
        password: true,
        ignoreFocusOut: true,
        validateInput: (x) => (x ? undefined : l10n.t('Enter a value (Escape leaves the secrets unset).')),
      });
      if (v === undefined) return undefined;
      values[name] = v;
    }
    return values;
  }

  // ---------------------------------------------------------------- the documents (FileSystemProvider)

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    if (uri.path === '/') return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    if (!uri.path.endsWith(SUFFIX)) throw vscode.FileSystemError.FileNotFound(uri);
    const mtime = this.mtimes.get(uri.path) ?? Date.now();
    this.mtimes.set(uri.path, mtime);
    return { type: vscode.FileType.File, ctime: mtime, mtime, size: 0 };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    // A save the API refused: the editor keeps showing what was written (nothing is lost).
    const refused = this.refused.get(uri.path);
    if (refused !== undefined) return new TextEncoder().encode(refused);
    const draft = this.drafts.get(uri.path);
    const id = draft ? draft.savedAs : this.idOf(uri);
    if (!id) return new TextEncoder().encode(draft?.text ?? '');
    try {
      const agent = await this.api.get().getAgent(id);
      return new TextEncoder().encode(agentToDocument(agent, this.secretNames(id)));
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'not_found') throw vscode.FileSystemError.FileNotFound(uri);
      throw vscode.FileSystemError.Unavailable(l10n.t('Could not read the agent “{0}”: {1}', id, errorText(err)));
    }
  }

  /**
   * Saving an agent document saves the agent on the server. A refusal (fields the API does not
   * take, a changed id, the server unreachable) is said as what it is, on the agent: the fields
   * are marked, an error names them, the tab carries a mark, and the text stays as written. It
   * never surfaces as a file-system error (whose Save As leads nowhere for an agent).
   */
  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    try {
      await this.saveAgent(uri, content);
      if (this.refused.delete(uri.path)) this.decorations.fire(uri);
    } catch (err) {
      const text = new TextDecoder().decode(content);
      this.refused.set(uri.path, text);
      const draft = this.drafts.get(uri.path);
      if (draft && !draft.savedAs) draft.text = text;
      this.mtimes.set(uri.path, Date.now());
      this.decorations.fire(uri);
      const message = err instanceof SaveRefused ? err.message : l10n.t('The agent was not saved: {0}', errorText(err));
      const show = l10n.t('Show Problems');
      void vscode.window.showErrorMessage(l10n.t('Gemini: {0}', message), show).then((a) => {
        if (a === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
    }
  }

  /** Tabs of agent documents whose last save the API refused carry a mark. */
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== AGENT_SCHEME || !this.refused.has(uri.path)) return undefined;
    return new vscode.FileDecoration('!', l10n.t('Not saved: the Gemini API refused this agent (see Problems)'), new vscode.ThemeColor('errorForeground'));
  }

  private async saveAgent(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const text = new TextDecoder().decode(content);
    const draft = this.drafts.get(uri.path);
    const previousId = draft ? draft.savedAs : this.idOf(uri);
    const parsed = parseAgentDocument(text);
    if (!parsed.agent) throw this.refuse(uri, text, parsed.problems);
    const agent = parsed.agent;
    const id = agent.id!;
    if (previousId && id !== previousId)
      throw this.refuse(uri, text, [{ ...idProblem(text), message: l10n.t('The id of a saved agent cannot change. Create a new agent for “{0}”.', id) }]);
    const client = this.api.get();
    try {
      if (previousId) {
        // No update endpoint: replace, and put the old definition back if the new one is refused.
        const old = await client.getAgent(previousId);
        await client.deleteAgent(previousId);
        try {
          await client.createAgent(agent);
        } catch (err) {
          await client.createAgent(old).catch((e: Error) => this.log.error(`Could not restore the agent ${previousId}: ${e.message}`));
          throw err;
        }
        this.log.info(`Replaced the custom agent ${id} (delete + create).`);
      } else {
        await client.createAgent(agent);
        this.log.info(`Created the custom agent ${id}.`);
      }
    } catch (err) {
      if (err instanceof ApiError && err.fieldViolations.length) throw this.refuse(uri, text, violationProblems(text, err.fieldViolations), err.message);
      throw new SaveRefused(l10n.t('The agent was not saved: {0}', errorText(err)));
    }
    if (draft) draft.savedAs = id;
    // Secret values, once the server took the agent: asked for the new names, kept for the others.
    const known = previousId ? this.secretNames(previousId) : [];
    const ask = parsed.secrets.filter((n) => !known.includes(n));
    const values = (await this.askSecrets(id, ask)) ?? {};
    await this.storeSecrets(id, values, parsed.secrets);
    const missing = ask.filter((n) => !(n in values));
    this.diagnostics.delete(uri);
    this.mtimes.set(uri.path, Date.now());
    this.refresh();
    if (missing.length)
      void vscode.window
        .showWarningMessage(
          l10n.t('Gemini: saved the agent “{0}”, but without a value for {1}: runs started with it get none until you set it.', id, missing.join(', ')),
          l10n.t('Set Secret Values'),
        )
        .then((a) => (a ? this.setSecrets(id) : undefined));
    else
      void vscode.window.showInformationMessage(
        previousId ? l10n.t('Gemini: saved the agent “{0}” (replaced on the server).', id) : l10n.t('Gemini: created the agent “{0}”.', id),
      );
  }

  /** Mark the problems in the document and refuse the save with a message that names them. */
  private refuse(uri: vscode.Uri, text: string, problems: DocProblem[], serverMessage?: string): Error {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const pos = (offset: number) => (doc ? doc.positionAt(offset) : positionIn(text, offset));
    this.diagnostics.set(
      uri,
      problems.map((p) => {
        const d = new vscode.Diagnostic(new vscode.Range(pos(p.offset), pos(p.offset + p.length)), p.message, vscode.DiagnosticSeverity.Error);
        d.source = 'Gemini API';
        if (p.field) d.code = p.field;
        return d;
      }),
    );
    const summary = problems
      .slice(0, 3)
      .map((p) => (p.field ? `${p.field}: ${p.message}` : p.message))
      .join('; ');
    this.log.warn(`The agent document ${uri.path} was not saved: ${serverMessage ?? summary}`);
    return new SaveRefused(l10n.t('The agent was not saved ({0} problem(s), marked in the editor): {1}{2}', problems.length, summary, problems.length > 3 ? '; …' : ''));
  }

  private idOf(uri: vscode.Uri): string | undefined {
    const m = /^\/([^/]+)\.gemini-agent\.json$/.exec(uri.path);
    return m ? decodeURIComponent(m[1]!) : undefined;
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
    this.changedTree.dispose();
    this.changedFiles.dispose();
  }
}

function secretKey(agent: string, name: string): string {
  return `gemini.agentSecret/${agent}/${name}`;
}

function idProblem(text: string): { offset: number; length: number } {
  const m = /"id"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(text);
  return m ? { offset: m.index + m[0].length - m[1]!.length, length: m[1]!.length } : { offset: 0, length: 1 };
}

function positionIn(text: string, offset: number): vscode.Position {
  const before = text.slice(0, offset).split('\n');
  return new vscode.Position(before.length - 1, before[before.length - 1]!.length);
}
