/**
 * Mentions in the composer (#file, #selection, #problems, #changes, #terminal, @symbol): the
 * completion candidates as the user types, and, when the message goes, the context each one
 * names, read at that moment and sent as a text part after the message.
 */
import * as vscode from 'vscode';
import { readFile, stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { AttachmentError, attachmentFromBytes, formatBytes } from '../../core/attachments';
import { fuzzy, keepTail, mentionBlock, mentionChars, mentionGlob, problemsText, type ProblemLine } from '../../core/mentions';
import { FileIndex, type IndexRoot } from '../../core/fileIndex';
import { parseMentions, type Mention } from '../../shared/mentions';
import type { Content } from '../../core/protocol/types';
import { l10n } from '../../shared/l10n';
import type { MentionCandidate } from '../../shared/protocol';
import { setting } from '../config';
import { gitApi, ripgrepPath } from '../adapters';

/** The output kept of the last command in a terminal (its end, where the result is). */
const TERMINAL_CHARS = 32_000;
const SYMBOL_CHARS = 40_000;

export interface LastCommand {
  commandLine: string;
  cwd?: string;
  output: string;
  status?: string;
}

export class MentionResolver implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];
  /** The last command each terminal ran with shell integration, with its output. */
  private readonly shellCommands = new WeakMap<vscode.Terminal, LastCommand>();
  private files: { at: number; list: string[] } | undefined;

  constructor(
    /** The Gemini Commands terminal's last command (the agent's). */
    private readonly geminiTerminal: () => { terminal: vscode.Terminal | undefined; last: LastCommand | undefined },
    /** The one folder the conversation works in (a worktree): #file reads from there. */
    private readonly root: () => string | undefined = () => undefined,
  ) {
    // Shell integration tells what a terminal ran and lets its output be read as it comes.
    this.subs.push(
      vscode.window.onDidStartTerminalShellExecution((e) => {
        const rec: LastCommand = { commandLine: e.execution.commandLine.value, cwd: e.execution.cwd?.fsPath, output: '' };
        this.shellCommands.set(e.terminal, rec);
        void (async () => {
          for await (const chunk of e.execution.read()) rec.output = (rec.output + chunk).slice(-TERMINAL_CHARS * 2);
        })().catch(() => undefined);
      }),
      vscode.window.onDidEndTerminalShellExecution((e) => {
        const rec = this.shellCommands.get(e.terminal);
        if (rec) rec.status = e.exitCode === undefined ? undefined : `exit ${e.exitCode}`;
      }),
    );
  }

  /** Completion candidates: workspace files (fuzzy) or workspace symbols. */
  async candidates(kind: 'file' | 'symbol', query: string): Promise<MentionCandidate[]> {
    if (kind === 'symbol') {
      if (!query.trim()) return [];
      const found = (await vscode.commands.executeCommand<vscode.SymbolInformation[] | undefined>('vscode.executeWorkspaceSymbolProvider', query)) ?? [];
      return found.slice(0, 20).map((s) => ({
        kind: 'symbol',
        value: bareName(s.name),
        label: bareName(s.name),
        detail: `${vscode.SymbolKind[s.kind] ?? ''} · ${vscode.workspace.asRelativePath(s.location.uri)}:${s.location.range.start.line + 1}`,
      }));
    }
    const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const exclude = '{**/node_modules/**,**/.git/**}';
    const glob = mentionGlob(query);
    // A worktree conversation's files are its worktree's, named from there.
    const own = this.root();
    const pattern = (g: string) => (own ? new vscode.RelativePattern(vscode.Uri.file(own), g) : g);
    const named = (u: vscode.Uri) => (own ? relative(own, u.fsPath).split(sep).join('/') : vscode.workspace.asRelativePath(u, multi));
    let list: string[];
    if (!glob) {
      // Nothing typed yet: the first files of the tree, listed at most every few seconds.
      if (!this.files || Date.now() - this.files.at > 5_000) {
        const uris = await vscode.workspace.findFiles(pattern('**/*'), exclude, 5_000);
        this.files = { at: Date.now(), list: uris.map(named).sort() };
      }
      list = this.files.list;
    } else {
      // The names with the query's characters, from the workspace's list of files (ripgrep over a
      // file: milliseconds on a monorepo). Before that list exists, or when it has nothing (a file
      // made a moment ago), the whole tree is searched (VS Code's file search, in its own
      // process): a file past any listing cap is found, and the results are bounded.
      const indexed = await this.fromIndex(query).catch(() => undefined);
      if (indexed?.length) list = indexed;
      else {
        const uris = await vscode.workspace.findFiles(pattern(glob), exclude, 2_000);
        list = uris.map(named);
      }
    }
    return fuzzy(list, query)
      .slice(0, 20)
      .map((p) => ({ kind: 'file', value: p, label: p.split('/').pop() ?? p, detail: p }));
  }

  /**
   * The context parts of a message's mentions, read now. A # mention that names nothing (no
   * selection, no such file, no repository) is an error: the message is not sent, and says why.
   * An @ that is not a known symbol is ordinary text.
   */
  async resolve(text: string): Promise<{ parts: Content[]; labels: string[] }> {
    const parts: Content[] = [];
    const labels: string[] = [];
    for (const m of parseMentions(text)) {
      const part = await this.one(m);
      if (part === undefined) continue;
      parts.push(typeof part === 'string' ? { type: 'text', text: part } : part);
      labels.push(m.raw);
    }
    return { parts, labels };
  }

  /** The context text of one mention (an image, PDF, audio or video file: its content part). */
  private async one(m: Mention): Promise<string | Content | undefined> {
    switch (m.kind) {
      case 'selection': {
        const e = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
        const sel = e?.selection;
        if (!e || !sel || sel.isEmpty) throw new AttachmentError(l10n.t('#selection: select some text in an editor first.'));
        const rel = vscode.workspace.asRelativePath(e.document.uri);
        return mentionBlock(`#selection: ${rel} (lines ${sel.start.line + 1}-${sel.end.line + 1})`, e.document.getText(sel), e.document.languageId);
      }
      case 'problems': {
        const lines: ProblemLine[] = [];
        for (const [uri, diags] of vscode.languages.getDiagnostics())
          for (const d of diags)
            lines.push({
              path: vscode.workspace.asRelativePath(uri),
              line: d.range.start.line + 1,
              column: d.range.start.character + 1,
              severity: (['error', 'warning', 'info', 'hint'] as const)[d.severity] ?? 'info',
              message: d.message,
              source: d.source,
            });
        return mentionBlock(`#problems: ${lines.length} in the workspace`, lines.length ? problemsText(lines) : 'No problems are reported.');
      }
      case 'changes': {
        const repos = (await gitApi())?.repositories ?? [];
        if (!repos.length) throw new AttachmentError(l10n.t('#changes: no git repository is open.'));
        const diffs: string[] = [];
        for (const r of repos) {
          const d = [await r.diff(true), await r.diff(false)].filter(Boolean).join('\n');
          if (d) diffs.push(d);
        }
        const all = diffs.join('\n');
        return mentionBlock('#changes: the uncommitted diff', all ? keepTail(all, setting('attachmentMaxBytes')) : 'There are no uncommitted changes.', 'diff');
      }
      case 'terminal': {
        const gemini = this.geminiTerminal();
        const active = vscode.window.activeTerminal;
        const fromActive = active && active !== gemini.terminal ? this.shellCommands.get(active) : undefined;
        const last = fromActive ?? gemini.last;
        if (!last)
          throw new AttachmentError(l10n.t('#terminal: no command output is known yet (run a command in the Gemini Commands terminal, or in a terminal with shell integration).'));
        const head = `#terminal: $ ${last.commandLine}${last.cwd ? ` (in ${last.cwd})` : ''}${last.status ? ` [${last.status}]` : ''}`;
        return mentionBlock(head, keepTail(stripAnsi(last.output), TERMINAL_CHARS));
      }
      case 'file': {
        const uri = await this.findFile(m.value ?? '');
        if (!uri) throw new AttachmentError(l10n.t('#file:{0}: there is no such file in the workspace.', m.value ?? ''));
        const max = setting('attachmentMaxBytes');
        const st = await stat(uri.fsPath);
        const rel = vscode.workspace.asRelativePath(uri);
        if (st.size > max)
          throw new AttachmentError(l10n.t('“{0}” is {1}; attachments are limited to {2} (setting “gemini.attachments.maxBytes”).', rel, formatBytes(st.size), formatBytes(max)));
        const a = attachmentFromBytes('mention', rel, await readFile(uri.fsPath), { maxBytes: max });
        return a.content.type === 'text' ? a.content.text : a.content;
      }
      case 'symbol': {
        const found = (await vscode.commands.executeCommand<vscode.SymbolInformation[] | undefined>('vscode.executeWorkspaceSymbolProvider', m.value ?? '')) ?? [];
        const s = found.find((x) => bareName(x.name) === m.value) ?? found.find((x) => bareName(x.name).endsWith(`.${m.value ?? ''}`));
        if (!s) return undefined;
        const doc = await vscode.workspace.openTextDocument(s.location.uri);
        // The symbol's own range from the document's outline (the workspace index may give only its name).
        const outline = (await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', doc.uri)) ?? [];
        const range = findRange(outline, bareName(s.name), s.location.range) ?? s.location.range;
        const rel = vscode.workspace.asRelativePath(doc.uri);
        const body = doc.getText(new vscode.Range(range.start.line, 0, range.end.line + 1, 0));
        return mentionBlock(
          `@${bareName(s.name)}: ${vscode.SymbolKind[s.kind] ?? 'symbol'} in ${rel} (lines ${range.start.line + 1}-${range.end.line + 1})`,
          keepTail(body, SYMBOL_CHARS),
          doc.languageId,
        );
      }
    }
  }

  private async findFile(path: string): Promise<vscode.Uri | undefined> {
    const clean = path.replace(/\\/g, '/').replace(/^\.\//, '');
    if (!clean || clean.split('/').includes('..')) return undefined;
    const own = this.root();
    if (own) {
      // A worktree conversation: the file as it is in its worktree.
      const uri = vscode.Uri.joinPath(vscode.Uri.file(own), clean);
      try {
        return (await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File ? uri : undefined;
      } catch {
        return undefined;
      }
    }
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      // "folder/path" names a root in a multi-root workspace.
      const rel = clean.startsWith(`${f.name}/`) && (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? clean.slice(f.name.length + 1) : clean;
      const uri = vscode.Uri.joinPath(f.uri, rel);
      try {
        if ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) return uri;
      } catch {
        // not in this root
      }
    }
    return undefined;
  }

  private index: { key: string; index: FileIndex; watchers: vscode.Disposable[] } | undefined;

  /** Names for a `#file:` query from the list of the conversation's files (undefined: none yet). */
  private fromIndex(query: string): Promise<string[] | undefined> {
    const rg = ripgrepPath();
    if (!rg) return Promise.resolve(undefined);
    const own = this.root();
    const folders = vscode.workspace.workspaceFolders ?? [];
    const roots: IndexRoot[] = own ? [{ prefix: '', path: own }] : folders.map((f) => ({ prefix: folders.length > 1 ? `${f.name}/` : '', path: f.uri.fsPath }));
    if (!roots.length) return Promise.resolve(undefined);
    const key = JSON.stringify(roots);
    if (this.index?.key !== key) {
      this.disposeIndex();
      const index = new FileIndex(rg, roots);
      // Files made or deleted since the list was made are merged into each answer; a new folder lists the tree again.
      const watchers = roots.map((r) => {
        const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(r.path), '**/*'));
        const name = (uri: vscode.Uri) => {
          const rel = relative(r.path, uri.fsPath).split(sep).join('/');
          return rel && !rel.startsWith('..') && !/(^|\/)(node_modules|\.git)(\/|$)/.test(rel) ? r.prefix + rel : undefined;
        };
        w.onDidCreate((uri) => {
          const n = name(uri);
          if (n)
            void vscode.workspace.fs.stat(uri).then(
              (st) => (st.type & vscode.FileType.Directory ? index.invalidate() : index.changed(n, 'add')),
              () => undefined,
            );
        });
        w.onDidDelete((uri) => {
          const n = name(uri);
          if (n) index.changed(n, 'remove');
        });
        return w;
      });
      this.index = { key, index, watchers };
    }
    return this.index.index.query(mentionChars(query), 2_000);
  }

  private disposeIndex(): void {
    this.index?.watchers.forEach((w) => w.dispose());
    this.index?.index.dispose();
    this.index = undefined;
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.disposeIndex();
  }
}

/** A symbol's name without the signature some providers append (TypeScript: `parseHeader()`). */
function bareName(name: string): string {
  return name.replace(/\s*\(.*\)$/, '');
}

function findRange(symbols: vscode.DocumentSymbol[], name: string, near: vscode.Range): vscode.Range | undefined {
  for (const s of symbols) {
    if (bareName(s.name) === name && s.range.contains(near.start)) return s.range;
    const inner = findRange(s.children, name, near);
    if (inner) return inner;
  }
  return undefined;
}

// eslint-disable-next-line no-control-regex -- terminal colour codes are what is removed
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
function stripAnsi(t: string): string {
  return t.replace(ANSI, '').replace(/\r\n?/g, '\n');
}
