/** VS Code implementations of the core ports the workspace tools need. */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  VersionConflictError,
  type CommandResult,
  type DiagnosticInfo,
  type DocumentsPort,
  type EditorInfo,
  type GitPort,
  type LanguagePort,
  type LiveDocument,
  type LocationInfo,
  type SymbolInfo,
  type TerminalMirror,
} from '../core/ports';
import { looksLikeText } from '../core/attachments';
import { assertNoLink } from '../core/tools/paths';
import { l10n } from '../shared/l10n';

const MAX_FILE_BYTES = 20 * 1024 * 1024;

function findOpen(abs: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === abs);
}

/**
 * Files as the user sees them: an open editor's buffer (with its version and unsaved state),
 * else the file on disk. Writes go through one WorkspaceEdit (undoable with Ctrl+Z), are checked
 * against the version (or, for a file that was not open, its text) that the tool read, and are
 * saved only if the editor had no unsaved changes before.
 */
export class VsDocuments implements DocumentsPort {
  /** What a tool last read from a file that was not open (to detect changes before writing). */
  private readonly lastRead = new Map<string, string>();

  async read(abs: string): Promise<LiveDocument | undefined> {
    const open = findOpen(abs);
    if (open) return { text: open.getText(), version: open.version, dirty: open.isDirty, open: true };
    const uri = vscode.Uri.file(abs);
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch {
      return undefined;
    }
    if (stat.type & vscode.FileType.Directory) throw new Error('it is a directory');
    if (stat.size > MAX_FILE_BYTES) throw new Error(`it is ${Math.round(stat.size / 1024 / 1024)} MB, larger than the 20 MB the tools read`);
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (!looksLikeText(bytes)) return { text: '', version: 0, dirty: false, open: false, binary: true };
    const text = new TextDecoder('utf-8').decode(bytes);
    this.lastRead.set(abs, text);
    return { text, version: 0, dirty: false, open: false };
  }

  async write(abs: string, text: string, expectedVersion: number): Promise<{ saved: boolean }> {
    const wasOpen = findOpen(abs);
    const doc = wasOpen ?? (await vscode.workspace.openTextDocument(vscode.Uri.file(abs)));
    if (wasOpen ? doc.version !== expectedVersion : expectedVersion !== 0 || (this.lastRead.has(abs) && doc.getText() !== this.lastRead.get(abs))) {
      throw new VersionConflictError(vscode.workspace.asRelativePath(abs));
    }
    const wasDirty = doc.isDirty;
    await assertNoLink(abs, vscode.workspace.asRelativePath(abs));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error('VS Code refused the edit');
    this.lastRead.delete(abs);
    if (wasDirty) return { saved: false };
    // Checked again at the moment of saving: no link of either kind is written through.
    await assertNoLink(abs, vscode.workspace.asRelativePath(abs));
    await doc.save();
    return { saved: true };
  }

  async create(abs: string, text: string): Promise<void> {
    // A dangling symbolic link counts as missing to VS Code, which would write through it.
    await assertNoLink(abs, vscode.workspace.asRelativePath(abs));
    if (existsSync(abs)) throw new Error('it exists already');
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(vscode.Uri.file(abs), { overwrite: false, contents: new TextEncoder().encode(text) });
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error('VS Code refused to create the file (it may exist)');
  }

  async delete(abs: string): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    edit.deleteFile(vscode.Uri.file(abs), { ignoreIfNotExists: false });
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error('VS Code refused to delete the file');
  }
}

const SEVERITY: Record<number, DiagnosticInfo['severity']> = { 0: 'error', 1: 'warning', 2: 'info', 3: 'hint' };

function diag(uri: vscode.Uri, d: vscode.Diagnostic): DiagnosticInfo {
  const code = typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
  return {
    path: uri.fsPath,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: SEVERITY[d.severity] ?? 'info',
    message: d.message,
    source: d.source,
    code,
  };
}

function location(l: vscode.Location | vscode.LocationLink, docs: Map<string, vscode.TextDocument>): LocationInfo {
  const uri = 'targetUri' in l ? l.targetUri : l.uri;
  const range = 'targetRange' in l ? (l.targetSelectionRange ?? l.targetRange) : l.range;
  const doc = docs.get(uri.toString());
  return {
    path: uri.fsPath,
    line: range.start.line + 1,
    column: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
    preview: doc ? doc.lineAt(range.start.line).text.slice(0, 200) : undefined,
  };
}

export class VsLanguage implements LanguagePort {
  async diagnostics(absPath?: string): Promise<DiagnosticInfo[]> {
    if (absPath) return vscode.languages.getDiagnostics(vscode.Uri.file(absPath)).map((d) => diag(vscode.Uri.file(absPath), d));
    return vscode.languages.getDiagnostics().flatMap(([uri, ds]) => (uri.scheme === 'file' ? ds.map((d) => diag(uri, d)) : []));
  }

  async openEditors(): Promise<EditorInfo[]> {
    const active = vscode.window.activeTextEditor;
    const seen = new Set<string>();
    const out: EditorInfo[] = [];
    const editors = [...(active ? [active] : []), ...vscode.window.visibleTextEditors];
    for (const e of editors) {
      if (e.document.uri.scheme !== 'file' || seen.has(e.document.uri.fsPath)) continue;
      seen.add(e.document.uri.fsPath);
      const s = e.selection;
      out.push({
        path: e.document.uri.fsPath,
        languageId: e.document.languageId,
        dirty: e.document.isDirty,
        active: e === active,
        selection: s.isEmpty
          ? undefined
          : {
              startLine: s.start.line + 1,
              startColumn: s.start.character + 1,
              endLine: s.end.line + 1,
              endColumn: s.end.character + 1,
              text: e.document.getText(s).slice(0, 20_000),
            },
      });
    }
    for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
      const input = tab.input as { uri?: vscode.Uri } | undefined;
      if (input?.uri?.scheme === 'file' && !seen.has(input.uri.fsPath)) {
        seen.add(input.uri.fsPath);
        out.push({ path: input.uri.fsPath, languageId: '', dirty: tab.isDirty, active: false });
      }
    }
    return out;
  }

  async documentSymbols(absPath: string): Promise<SymbolInfo[]> {
    const uri = vscode.Uri.file(absPath);
    await vscode.workspace.openTextDocument(uri);
    const res = await vscode.commands.executeCommand<Array<vscode.DocumentSymbol | vscode.SymbolInformation>>('vscode.executeDocumentSymbolProvider', uri);
    const conv = (s: vscode.DocumentSymbol | vscode.SymbolInformation): SymbolInfo =>
      'children' in s
        ? { name: s.name, kind: vscode.SymbolKind[s.kind], path: absPath, line: s.range.start.line + 1, endLine: s.range.end.line + 1, children: s.children.map(conv) }
        : { name: s.name, kind: vscode.SymbolKind[s.kind], path: s.location.uri.fsPath, line: s.location.range.start.line + 1, container: s.containerName };
    return (res ?? []).map(conv);
  }

  async workspaceSymbols(query: string): Promise<SymbolInfo[]> {
    const res = await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', query);
    return (res ?? [])
      .filter((s) => s.location.uri.scheme === 'file')
      .map((s) => ({ name: s.name, kind: vscode.SymbolKind[s.kind], path: s.location.uri.fsPath, line: s.location.range.start.line + 1, container: s.containerName }));
  }

  private async locations(command: string, absPath: string, line: number, column: number): Promise<LocationInfo[]> {
    const uri = vscode.Uri.file(absPath);
    const doc = await vscode.workspace.openTextDocument(uri);
    const res = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>(
      command,
      uri,
      new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1)),
    );
    const docs = new Map<string, vscode.TextDocument>([[uri.toString(), doc]]);
    for (const l of res ?? []) {
      const u = 'targetUri' in l ? l.targetUri : l.uri;
      if (!docs.has(u.toString()) && u.scheme === 'file')
        docs.set(
          u.toString(),
          await vscode.workspace.openTextDocument(u).then(
            (d) => d,
            () => doc,
          ),
        );
    }
    return (res ?? []).map((l) => location(l, docs));
  }

  definition(absPath: string, line: number, column: number): Promise<LocationInfo[]> {
    return this.locations('vscode.executeDefinitionProvider', absPath, line, column);
  }

  references(absPath: string, line: number, column: number): Promise<LocationInfo[]> {
    return this.locations('vscode.executeReferenceProvider', absPath, line, column);
  }
}

// ------------------------------------------------------------------ git (built-in extension API)

interface GitChangeApi {
  uri: vscode.Uri;
  status: number;
}
interface GitRepoApi {
  rootUri: vscode.Uri;
  state: { HEAD?: { name?: string }; workingTreeChanges: GitChangeApi[]; indexChanges: GitChangeApi[]; untrackedChanges?: GitChangeApi[] };
  diff(cached?: boolean): Promise<string>;
  diffWithHEAD(path: string): Promise<string>;
  diffIndexWithHEAD(path: string): Promise<string>;
  diffWithHEAD(): Promise<unknown>;
  inputBox: { value: string };
  status(): Promise<void>;
}
export interface GitApi {
  repositories: GitRepoApi[];
}

const GIT_STATUS = [
  'index modified',
  'index added',
  'index deleted',
  'index renamed',
  'index copied',
  'modified',
  'deleted',
  'untracked',
  'ignored',
  'intent to add',
  'intent to rename',
  'type changed',
  'added by us',
  'added by them',
  'deleted by us',
  'deleted by them',
  'both added',
  'both deleted',
  'both modified',
];

export async function gitApi(): Promise<GitApi | undefined> {
  const ext = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi; enabled: boolean }>('vscode.git');
  if (!ext) return undefined;
  const exports = ext.isActive
    ? ext.exports
    : await ext.activate().then(
        (e) => e,
        () => undefined,
      );
  if (!exports?.enabled) return undefined;
  return exports.getAPI(1);
}

export class VsGit implements GitPort {
  async available(): Promise<boolean> {
    const api = await gitApi();
    return !!api && api.repositories.length > 0;
  }

  async status() {
    const api = await gitApi();
    if (!api) return [];
    const out = [];
    for (const r of api.repositories) {
      await r.status().catch(() => undefined);
      const changes = [
        ...r.state.indexChanges.map((c) => ({ path: c.uri.fsPath, status: GIT_STATUS[c.status] ?? String(c.status), staged: true })),
        ...r.state.workingTreeChanges.map((c) => ({ path: c.uri.fsPath, status: GIT_STATUS[c.status] ?? String(c.status), staged: false })),
        ...(r.state.untrackedChanges ?? []).map((c) => ({ path: c.uri.fsPath, status: 'untracked', staged: false })),
      ];
      out.push({ root: r.rootUri.fsPath, branch: r.state.HEAD?.name, changes });
    }
    return out;
  }

  async diff(options: { absPath?: string; staged?: boolean }): Promise<string> {
    const api = await gitApi();
    if (!api) return '';
    const repos = options.absPath ? api.repositories.filter((r) => options.absPath!.startsWith(r.rootUri.fsPath)) : api.repositories;
    const parts: string[] = [];
    for (const r of repos) {
      if (options.absPath) parts.push(options.staged ? await r.diffIndexWithHEAD(options.absPath) : await r.diffWithHEAD(options.absPath));
      else parts.push(await r.diff(options.staged === true));
    }
    return parts.filter(Boolean).join('\n');
  }
}

// ------------------------------------------------------------------ ripgrep and excludes

/** The ripgrep binary that ships with VS Code (its location varies by version and packaging). */
export function ripgrepPath(): string | undefined {
  const root = vscode.env.appRoot;
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  const candidates = [
    join(root, 'node_modules', '@vscode', 'ripgrep', 'bin', exe),
    join(root, 'node_modules.asar.unpacked', '@vscode', 'ripgrep', 'bin', exe),
    join(root, 'node_modules', '@vscode', 'ripgrep-universal', 'bin', `${process.platform}-${process.arch}`, exe),
    join(root, 'node_modules.asar.unpacked', '@vscode', 'ripgrep-universal', 'bin', `${process.platform}-${process.arch}`, exe),
  ];
  return candidates.find((p) => existsSync(p));
}

/** The user's files.exclude and search.exclude globs that are on. */
export function excludeGlobs(): string[] {
  const globs = new Set<string>();
  for (const section of ['files.exclude', 'search.exclude']) {
    const map = vscode.workspace.getConfiguration().get<Record<string, boolean>>(section) ?? {};
    for (const [g, on] of Object.entries(map)) if (on === true) globs.add(g);
  }
  return [...globs];
}

// ------------------------------------------------------------------ a terminal that mirrors command output

export class CommandTerminal implements TerminalMirror, vscode.Disposable {
  private terminal: vscode.Terminal | undefined;
  private readonly writer = new vscode.EventEmitter<string>();
  /** The last command the agent ran, with the end of its output (for #terminal). */
  private lastRun: { commandLine: string; cwd: string; output: string; status?: string } | undefined;

  /** The mirror terminal (if open) and the agent's last command. */
  last(): { terminal: vscode.Terminal | undefined; last: { commandLine: string; cwd: string; output: string; status?: string } | undefined } {
    return { terminal: this.terminal, last: this.lastRun };
  }

  private ensure(): void {
    if (this.terminal && vscode.window.terminals.includes(this.terminal)) return;
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.writer.event,
      open: () => this.writer.fire(l10n.t('Commands run by Gemini appear here (read-only mirror).') + '\r\n'),
      close: () => {
        this.terminal = undefined;
      },
    };
    this.terminal = vscode.window.createTerminal({ name: l10n.t('Gemini Commands'), pty, iconPath: new vscode.ThemeIcon('sparkle') });
  }

  start(commandLine: string, cwd: string) {
    this.ensure();
    const crlf = (t: string) => t.replace(/\r?\n/g, '\r\n');
    this.writer.fire(`\r\n\x1b[1m$ ${crlf(commandLine)}\x1b[0m  \x1b[2m(${cwd})\x1b[0m\r\n`);
    const run = { commandLine, cwd, output: '', status: undefined as string | undefined };
    this.lastRun = run;
    return {
      write: (t: string) => {
        run.output = (run.output + t).slice(-64_000);
        this.writer.fire(crlf(t));
      },
      end: (r: CommandResult) => {
        run.status = r.timedOut ? 'stopped by timeout' : r.killed ? 'stopped' : `exit ${r.exitCode ?? r.signal}`;
        this.writer.fire(
          `\r\n\x1b[2m[${r.timedOut ? 'stopped by timeout' : r.killed ? 'stopped' : `exit ${r.exitCode ?? r.signal}`} after ${(r.durationMs / 1000).toFixed(1)} s]\x1b[0m\r\n`,
        );
      },
    };
  }

  show(): void {
    this.ensure();
    this.terminal?.show(true);
  }

  dispose(): void {
    this.terminal?.dispose();
    this.writer.dispose();
  }
}
