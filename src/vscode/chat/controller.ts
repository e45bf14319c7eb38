/**
 * Connects the chat view to a ChatSession: sending (with attachments), stop/retry/edit, history,
 * code-block actions, images, and the API key state.
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AttachmentError, attachmentFromBytes, checkTotal, formatBytes, mimeToExtension, selectionAttachment, type Attachment } from '../../core/attachments';
import { TurnEngine } from '../../core/conversation/engine';
import { exportJson, exportMarkdown } from '../../core/conversation/export';
import { ConversationStore } from '../../core/conversation/journal';
import { ChatSession, type SessionView, type TurnTools } from '../../core/conversation/session';
import type { Content, ImageContent } from '../../core/protocol/types';
import type { AttachmentView, PanelState, WebviewMessage } from '../../shared/protocol';
import type { ApiClientProvider } from '../api';
import { chatSettings, setting } from '../config';
import type { ApiKeyStore } from '../keys';
import type { Log } from '../log';
import { ChatView, currentSettingsView } from './chatView';

const ACTIVE_KEY = 'gemini.activeConversation';
const DRAFT_KEY = 'gemini.draft';

export interface ToolsProvider {
  /** Tools for one turn, or a reason why they are off. */
  forTurn(turnId: string, view: ChatView): TurnTools;
  enabled(): { enabled: boolean; reason?: string };
  handleApproval(requestId: string, decision: 'accept' | 'reject' | 'acceptAll'): void;
  undoTurn(turnId: string): Promise<{ text: string; keep?: boolean }>;
}

export class ChatController implements vscode.Disposable {
  readonly view: ChatView;
  readonly session: ChatSession;
  readonly store: ConversationStore;
  /** What waits in the composer; kept on disk (per workspace) so a reload or a crash loses none of it. */
  private attachments: Attachment[] = [];
  private attachmentsLoaded = false;
  private readonly attachmentsFile: string;
  private attachmentsWrite: Promise<void> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a conversation was created, changed or switched (history view). */
  readonly onDidChangeConversations = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  tools: ToolsProvider | undefined;
  /** Run a remote task from the chat input (set by the agents feature). */
  runRemote: ((text: string) => Promise<void>) | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly api: ApiClientProvider,
    private readonly keys: ApiKeyStore,
    private readonly log: Log,
  ) {
    this.store = new ConversationStore(join(context.globalStorageUri.fsPath, 'conversations'));
    this.attachmentsFile = join((context.storageUri ?? context.globalStorageUri).fsPath, 'pending-attachments.json');
    this.view = new ChatView({
      extensionUri: context.extensionUri,
      panelState: () => this.panelState(),
      onMessage: (m) => this.onMessage(m),
      draft: () => context.workspaceState.get<string>(DRAFT_KEY, ''),
      attachments: () => this.attachmentViews(),
      onReady: () => this.resumeIfInterrupted(),
      onResolve: () => this.restoreActive(),
      log,
    });
    // Forward to the view, and tell listeners (the history view) when conversations change.
    const view = this.view;
    const sessionView: SessionView = {
      conversationLoaded: (d) => view.conversationLoaded(d),
      turnStarted: (t) => {
        view.turnStarted(t);
        this.changed.fire();
      },
      turnChanges: (id, changes, steps) => view.turnChanges(id, changes, steps),
      turnEnded: (t) => {
        view.turnEnded(t);
        this.changed.fire();
      },
      notice: (id, text, kind) => view.notice(id, text, kind),
      busy: () => view.busy(),
      authRequired: (m) => view.authRequired(m),
    };
    this.session = new ChatSession({
      engine: (runner) => new TurnEngine(this.api.get(), runner),
      store: this.store,
      view: sessionView,
      settings: chatSettings,
      tools: (turnId) => this.tools?.forTurn(turnId, this.view) ?? { declarations: [], runner: undefined },
      newId: () => randomUUID().replace(/-/g, '').slice(0, 20),
    });
    this.view.session = this.session;
    this.disposables.push(
      vscode.window.registerWebviewViewProvider(ChatView.viewType, this.view),
      this.view,
      keys.onDidChange(() => this.view.keyChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('gemini')) void this.view.refreshState();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.view.refreshState()),
    );
  }

  private restored = false;
  /** Reopen the conversation this window had open (once, when the chat view is first shown). */
  private restoreActive(): void {
    this.loadAttachments();
    if (this.restored || this.session.data) return;
    this.restored = true;
    const active = this.context.workspaceState.get<string>(ACTIVE_KEY);
    if (active && this.store.exists(active)) this.session.open(active);
  }

  private async panelState(): Promise<PanelState> {
    const tools = this.tools?.enabled() ?? { enabled: false, reason: undefined };
    return {
      hasKey: await this.keys.has(),
      toolsEnabled: tools.enabled,
      toolsDisabledReason: tools.reason,
      busy: this.session.busy,
      settings: currentSettingsView(),
    };
  }

  private rememberActive(): void {
    void this.context.workspaceState.update(ACTIVE_KEY, this.session.conversationId);
  }

  async onMessage(msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'send':
        return this.send(msg.text);
      case 'stop':
        this.session.stop();
        return;
      case 'editLast':
        await this.session.editLast(msg.text);
        return;
      case 'newChat':
        return this.newChat();
      case 'draft':
        await this.context.workspaceState.update(DRAFT_KEY, msg.text);
        return;
      case 'attach':
        return this.attach(msg.kind);
      case 'attachData':
        return this.addAttachmentBytes(msg.name, Buffer.from(msg.data, 'base64'), msg.mimeType);
      case 'removeAttachment':
        this.attachments = this.attachments.filter((a) => a.id !== msg.id);
        this.postAttachments();
        return;
      case 'showHistory':
        await vscode.commands.executeCommand('gemini.searchHistory');
        return;
      case 'codeAction':
        return this.codeAction(msg.action, msg.code, msg.language);
      case 'image':
        return this.image(msg.action, msg.turnId, msg.step, msg.content);
      case 'approval':
        this.tools?.handleApproval(msg.requestId, msg.decision);
        return;
      case 'undoTurn': {
        if (!this.tools) return;
        const { text, keep } = await this.tools.undoTurn(msg.turnId);
        if (!keep) {
          const turn = this.session.markUndone(msg.turnId);
          if (turn) this.view.turnEnded(turn);
        }
        this.view.post({ type: 'toast', text, kind: keep ? 'error' : 'info' });
        return;
      }
      case 'runRemote':
        if (this.runRemote) await this.runRemote(msg.text);
        else await vscode.commands.executeCommand('gemini.runRemoteTask');
        return;
      default:
        return;
    }
  }

  /** Send a message (from the panel or a command). Attachments pending in the composer go with it. */
  async send(text: string, extra: Content[] = []): Promise<void> {
    this.restoreActive();
    if (this.session.busy) {
      this.view.post({ type: 'toast', text: 'Gemini is still answering. Stop it first or wait.', kind: 'info' });
      return;
    }
    if (!(await this.keys.has())) {
      this.view.authRequired('No Gemini API key is set. Add one to start chatting; your message is kept.');
      this.view.post({ type: 'draft', text });
      return;
    }
    try {
      checkTotal(this.attachments, setting('attachments.maxTotalBytes', 20 * 1024 * 1024));
    } catch (err) {
      this.view.post({ type: 'toast', text: (err as Error).message, kind: 'error' });
      this.view.post({ type: 'draft', text });
      return;
    }
    const input: Content[] = [];
    if (text.trim()) input.push({ type: 'text', text });
    input.push(...extra, ...this.attachments.map((a) => a.content));
    if (!input.length) return;
    this.attachments = [];
    this.postAttachments();
    const done = this.session.send(input);
    this.rememberActive();
    await done;
    this.rememberActive();
  }

  newChat(): void {
    this.session.newChat();
    this.view.showConversation(undefined);
    void this.context.workspaceState.update(ACTIVE_KEY, undefined);
    this.changed.fire();
  }

  open(id: string): boolean {
    const ok = this.session.open(id);
    if (ok) {
      this.rememberActive();
      this.changed.fire();
      // An answer interrupted by a reload continues where it stopped.
      const last = this.session.data?.turns[this.session.data.turns.length - 1];
      if (last?.state === 'interrupted' && last.resume && this.session.data?.meta.mode === 'stateful') void this.session.resume(last.id);
    }
    return ok;
  }

  /** Called when the view becomes ready after a window reload. */
  resumeIfInterrupted(): void {
    const last = this.session.data?.turns[this.session.data.turns.length - 1];
    if (last?.state === 'interrupted' && last.resume && this.session.data?.meta.mode === 'stateful' && !this.session.busy) void this.session.resume(last.id);
  }

  // ---------------------------------------------------------------- attachments

  private attachmentViews(): AttachmentView[] {
    this.loadAttachments();
    return this.attachments.map(({ content: _c, ...rest }) => rest);
  }

  /** Show the list and save it (writes are serialised; the last one wins). */
  private postAttachments(): void {
    this.view.post({ type: 'attachments', attachments: this.attachmentViews() });
    const json = JSON.stringify({ version: 1, attachments: this.attachments });
    const file = this.attachmentsFile;
    this.attachmentsWrite = this.attachmentsWrite
      .then(async () => {
        mkdirSync(dirname(file), { recursive: true });
        await writeFile(file, json);
      })
      .catch((err: unknown) => this.log.warn(`Could not save the pending attachments: ${(err as Error).message}`));
  }

  private loadAttachments(): void {
    if (this.attachmentsLoaded) return;
    this.attachmentsLoaded = true;
    let raw: string;
    try {
      raw = readFileSync(this.attachmentsFile, 'utf8');
    } catch {
      return; // none saved
    }
    try {
      const saved = (JSON.parse(raw) as { attachments?: unknown }).attachments;
      if (!Array.isArray(saved)) throw new Error('no attachment list');
      const valid = saved.filter(
        (a): a is Attachment => !!a && typeof a === 'object' && typeof (a as Attachment).id === 'string' && typeof (a as Attachment).name === 'string' && typeof (a as Attachment).size === 'number' && typeof (a as Attachment).content === 'object',
      );
      this.attachments = [...valid, ...this.attachments];
    } catch (err) {
      this.log.warn(`The saved pending attachments could not be read and were ignored: ${(err as Error).message}`);
    }
  }

  private maxBytes(): number {
    return setting('attachments.maxBytes', 20 * 1024 * 1024);
  }

  private newAttachmentId(): string {
    return randomUUID().slice(0, 8);
  }

  async addAttachmentBytes(name: string, bytes: Uint8Array, mimeType?: string, languageId?: string): Promise<void> {
    this.loadAttachments();
    try {
      this.attachments.push(attachmentFromBytes(this.newAttachmentId(), name, bytes, { maxBytes: this.maxBytes(), mimeType, languageId }));
      this.postAttachments();
    } catch (err) {
      const text = err instanceof AttachmentError ? err.message : `Could not attach ${name}: ${(err as Error).message}`;
      this.view.post({ type: 'toast', text, kind: 'error' });
      void vscode.window.showWarningMessage(`Gemini: ${text}`);
    }
  }

  async attachUri(uri: vscode.Uri): Promise<void> {
    let bytes: Uint8Array;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > this.maxBytes()) {
        const text = `“${vscode.workspace.asRelativePath(uri)}” is ${formatBytes(stat.size)}; attachments are limited to ${formatBytes(this.maxBytes())} (setting “gemini.attachments.maxBytes”).`;
        this.view.post({ type: 'toast', text, kind: 'error' });
        void vscode.window.showWarningMessage(`Gemini: ${text}`);
        return;
      }
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (err) {
      this.view.post({ type: 'toast', text: `Could not read ${uri.fsPath}: ${(err as Error).message}`, kind: 'error' });
      return;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    await this.addAttachmentBytes(vscode.workspace.asRelativePath(uri), bytes, undefined, doc?.languageId);
  }

  addSelection(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor): boolean {
    if (!editor || editor.selection.isEmpty) {
      this.view.post({ type: 'toast', text: 'Select some text in an editor first.', kind: 'info' });
      return false;
    }
    const sel = editor.selection;
    this.loadAttachments();
    try {
      this.attachments.push(
        selectionAttachment(
          this.newAttachmentId(),
          vscode.workspace.asRelativePath(editor.document.uri),
          editor.document.getText(sel),
          editor.document.languageId,
          { start: sel.start.line + 1, end: sel.end.line + 1 },
          this.maxBytes(),
        ),
      );
      this.postAttachments();
      return true;
    } catch (err) {
      this.view.post({ type: 'toast', text: (err as Error).message, kind: 'error' });
      return false;
    }
  }

  private async attach(kind: 'activeFile' | 'selection' | 'workspaceFile' | 'picker'): Promise<void> {
    if (kind === 'activeFile') {
      const ed = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
      if (!ed) {
        this.view.post({ type: 'toast', text: 'No file is open in an editor.', kind: 'info' });
        return;
      }
      const doc = ed.document;
      await this.addAttachmentBytes(vscode.workspace.asRelativePath(doc.uri), Buffer.from(doc.getText(), 'utf8'), 'text/plain', doc.languageId);
      return;
    }
    if (kind === 'selection') {
      this.addSelection(vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0]);
      return;
    }
    if (kind === 'workspaceFile') {
      const files = await vscode.workspace.findFiles('**/*', undefined, 5000);
      const pick = await vscode.window.showQuickPick(
        files.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })).sort((a, b) => a.label.localeCompare(b.label)),
        { placeHolder: 'Attach a workspace file', matchOnDescription: true },
      );
      if (pick) await this.attachUri(pick.uri);
      return;
    }
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: 'Attach',
      filters: { 'Images and documents': ['png', 'jpg', 'jpeg', 'webp', 'gif', 'pdf', 'csv', 'txt', 'md', 'docx', 'xlsx', 'pptx'], 'All files': ['*'] },
    });
    for (const uri of picked ?? []) await this.attachUri(uri);
  }

  // ---------------------------------------------------------------- code blocks and images

  private async codeAction(action: 'copy' | 'insert' | 'newFile', code: string, language: string): Promise<void> {
    if (action === 'copy') {
      await vscode.env.clipboard.writeText(code);
      this.view.post({ type: 'toast', text: 'Copied to the clipboard.', kind: 'info' });
      return;
    }
    if (action === 'insert') {
      const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
      if (!editor) {
        this.view.post({ type: 'toast', text: 'Open an editor to insert the code into.', kind: 'info' });
        return;
      }
      await editor.edit((b) => {
        for (const sel of editor.selections) b.replace(sel, code);
      });
      await vscode.window.showTextDocument(editor.document, editor.viewColumn);
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ content: code, language: languageIdFor(language) });
    await vscode.window.showTextDocument(doc);
  }

  private findImage(turnId: string, step: number, content: number): ImageContent | undefined {
    const turn = this.session.data?.turns.find((t) => t.id === turnId);
    const s = turn?.steps[step] as { content?: Content[] } | undefined;
    const c = s?.content?.[content];
    return c?.type === 'image' ? c : undefined;
  }

  private async image(action: 'open' | 'save', turnId: string, step: number, content: number): Promise<void> {
    const img = this.findImage(turnId, step, content);
    if (!img?.data) {
      this.view.post({ type: 'toast', text: 'That image is not available (it may still be streaming).', kind: 'error' });
      return;
    }
    const bytes = Buffer.from(img.data, 'base64');
    const ext = mimeToExtension(img.mime_type ?? 'image/png');
    if (action === 'open') {
      const dir = join(this.context.globalStorageUri.fsPath, 'images');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${turnId}-${step}-${content}.${ext}`);
      writeFileSync(file, bytes);
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
      return;
    }
    await saveBytesToWorkspace(bytes, `gemini-image-${Date.now()}.${ext}`, this.log);
  }

  // ---------------------------------------------------------------- export

  async exportChat(format?: 'markdown' | 'json'): Promise<vscode.Uri | undefined> {
    const data = this.session.data;
    if (!data || !data.turns.length) {
      void vscode.window.showInformationMessage('Gemini: there is no conversation to export yet.');
      return undefined;
    }
    const fmt =
      format ??
      ((await vscode.window.showQuickPick([{ label: 'Markdown', v: 'markdown' as const }, { label: 'JSON', v: 'json' as const }], { placeHolder: 'Export format' }))?.v);
    if (!fmt) return undefined;
    const text = fmt === 'markdown' ? exportMarkdown(data) : exportJson(data);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const safe = data.meta.title.replace(/[^A-Za-z0-9 _-]+/g, '').trim().replace(/\s+/g, '-').slice(0, 40) || 'chat';
    const defaultUri = folder ? vscode.Uri.joinPath(folder, `${safe}.${fmt === 'markdown' ? 'md' : 'json'}`) : undefined;
    const target = await vscode.window.showSaveDialog({ defaultUri, filters: fmt === 'markdown' ? { Markdown: ['md'] } : { JSON: ['json'] } });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    void vscode.window.showInformationMessage(`Gemini: exported the conversation to ${vscode.workspace.asRelativePath(target)}.`);
    return target;
  }

  dispose(): void {
    this.session.suspend();
    this.changed.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

export async function saveBytesToWorkspace(bytes: Uint8Array, suggested: string, log: Log): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, suggested) : undefined, saveLabel: 'Save image' });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, bytes);
  log.info(`Saved ${bytes.length} bytes to ${target.fsPath}`);
  void vscode.window.showInformationMessage(`Gemini: saved ${vscode.workspace.asRelativePath(target)}.`);
  return target;
}

function languageIdFor(lang: string): string {
  const map: Record<string, string> = { ts: 'typescript', js: 'javascript', py: 'python', sh: 'shellscript', bash: 'shellscript', yml: 'yaml', md: 'markdown', rs: 'rust', golang: 'go', 'c++': 'cpp', cs: 'csharp' };
  const l = lang.toLowerCase();
  return map[l] ?? (l || 'plaintext');
}
