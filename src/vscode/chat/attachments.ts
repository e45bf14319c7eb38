/**
 * What waits in the composer to go with the next message: files, the selection, images and
 * documents. Kept on disk (per workspace) so a reload or a crash loses none of it; sizes are
 * checked when added and again, in total, when sent.
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  AttachmentError,
  attachmentFromBytes,
  checkTotal,
  formatBytes,
  mimeToExtension,
  selectionAttachment,
  urlAttachment,
  urlMediaKind,
  type Attachment,
  type UrlMediaKind,
} from '../../core/attachments';
import type { Content } from '../../core/protocol/types';
import { MediaOptionsError, applyMediaOptions, mediaFamily, optionsSummary } from '../../core/mediaOptions';
import type { AttachKind, AttachmentView, MediaOptions } from '../../shared/protocol';
import { setting } from '../config';
import type { Log } from '../log';
import { l10n } from '../../shared/l10n';
import { errorText } from '../../shared/errorText';

export class ChatAttachments {
  private list: Attachment[] = [];
  private loaded = false;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly log: Log,
    /** Show the list (the composer) and say what went wrong. */
    private readonly ui: { show(list: AttachmentView[]): void; toast(text: string, kind: 'info' | 'error'): void },
  ) {}

  views(): AttachmentView[] {
    this.load();
    return this.list.map(({ content, facts, options, ...rest }) => {
      const media = mediaFamily(content);
      return {
        ...rest,
        ...(media ? { media } : {}),
        ...(options ? { options } : {}),
        ...(media ? { optionsSummary: optionsSummary(content) } : {}),
        ...(facts?.pages !== undefined ? { pages: facts.pages } : {}),
        ...(facts?.sheets !== undefined ? { sheets: facts.sheets } : {}),
      };
    });
  }

  /**
   * Set an attachment's processing options from its chip. Returns the reason they cannot be sent
   * (the options stay as they were), or undefined once they are applied.
   */
  async setOptions(id: string, options: MediaOptions): Promise<string | undefined> {
    this.load();
    const a = this.list.find((x) => x.id === id);
    if (!a) return l10n.t('That attachment is no longer in the message.');
    await this.learnFacts(a);
    try {
      const empty = Object.keys(options).length === 0;
      a.content = applyMediaOptions(a.content, empty ? undefined : options, a.facts, a.name);
      a.options = empty ? undefined : options;
      this.changed();
      return undefined;
    } catch (err) {
      if (err instanceof MediaOptionsError) return err.message;
      throw err;
    }
  }

  /** The pages or sheets of a document sent with the message (read once, kept with it). */
  private async learnFacts(a: Attachment): Promise<void> {
    const c = a.content as { type: string; data?: string; mime_type?: string };
    if (a.facts || c.type !== 'document' || !c.data) return;
    try {
      // Its own bundle: pdf-lib and yauzl load only when a document is attached.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { mediaFacts } = require(join(__dirname, 'mediaFacts.js')) as typeof import('../../core/mediaFacts');
      a.facts = await mediaFacts(Buffer.from(c.data, 'base64'), c.mime_type ?? a.mimeType);
    } catch (err) {
      this.log.warn(`Could not read what ${a.name} holds: ${errorText(err)}`);
      a.facts = {};
    }
  }

  get count(): number {
    this.load();
    return this.list.length;
  }

  /** The contents to send, after the total-size check (throws AttachmentError with the reason). */
  contents(): Content[] {
    this.load();
    checkTotal(this.list, setting('attachmentMaxTotalBytes'));
    // The options are checked again as they go (a saved list may predate a rule).
    return this.list.map((a) => (a.options ? applyMediaOptions(a.content, a.options, a.facts, a.name) : a.content));
  }

  clear(): void {
    this.list = [];
    this.changed();
  }

  /**
   * Open an image, audio, video or document attachment in VS Code's own preview (its media
   * preview plays audio and video), from a copy in this extension's storage.
   */
  async preview(id: string): Promise<void> {
    this.load();
    const a = this.list.find((x) => x.id === id);
    const c = a?.content as { data?: string; mime_type?: string } | undefined;
    if (!a || !c?.data || !['image', 'audio', 'video', 'document'].includes(a.kind)) {
      this.ui.toast(l10n.t('There is nothing to preview for that attachment.'), 'info');
      return;
    }
    const dir = join(dirname(this.file), 'previews');
    mkdirSync(dir, { recursive: true });
    const ext = mimeToExtension(c.mime_type ?? a.mimeType) || 'bin';
    const target = join(dir, `${a.id.replace(/[^\w-]/g, '_')}.${ext}`);
    await writeFile(target, Buffer.from(c.data, 'base64'));
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(target), { preview: true });
  }

  remove(id: string): void {
    this.load();
    this.list = this.list.filter((a) => a.id !== id);
    this.changed();
  }

  private maxBytes(): number {
    return setting('attachmentMaxBytes');
  }

  private newId(): string {
    return randomUUID().slice(0, 8);
  }

  addBytes(name: string, bytes: Uint8Array, mimeType?: string, languageId?: string): void {
    this.load();
    try {
      const a = attachmentFromBytes(this.newId(), name, bytes, { maxBytes: this.maxBytes(), mimeType, languageId });
      this.list.push(a);
      this.changed();
      // A document's pages or sheets show on its chip, and bound its options.
      if (a.kind === 'document') void this.learnFacts(a).then(() => this.list.includes(a) && this.changed());
      // The walkthrough's "Attach context" step.
      void vscode.commands.executeCommand('setContext', 'gemini.hasAttached', true);
    } catch (err) {
      const text = err instanceof AttachmentError ? err.message : l10n.t('Could not attach {0}: {1}', name, errorText(err));
      this.ui.toast(text, 'error');
      void vscode.window.showWarningMessage(l10n.t('Gemini: {0}', text));
    }
  }

  /** Attach a URL as `uri` content (the API fetches it; nothing is downloaded here). */
  async addUrl(): Promise<void> {
    const url = await vscode.window.showInputBox({
      title: l10n.t('Gemini: Attach a URL'),
      prompt: l10n.t('An https:// (or gs://) link to an image, audio, video or document. The Gemini API fetches it; this editor does not.'),
      placeHolder: 'https://example.com/talk.mp3',
      ignoreFocusOut: true,
      validateInput: (v) => {
        try {
          urlAttachment('check', v, { kind: 'document' });
          return undefined;
        } catch (err) {
          return errorText(err);
        }
      },
    });
    if (!url?.trim()) return;
    let as: { kind: UrlMediaKind; mimeType?: string } | undefined;
    if (!urlMediaKind(url.trim())) {
      const pick = await vscode.window.showQuickPick(
        (['image', 'audio', 'video', 'document'] as const).map((k) => ({ label: k, media: k })),
        { title: l10n.t('Gemini: what does the link point to?'), placeHolder: l10n.t('The file type is not in the URL'), ignoreFocusOut: true },
      );
      if (!pick) return;
      as = { kind: pick.media };
    }
    this.load();
    try {
      this.list.push(urlAttachment(this.newId(), url, as));
      this.changed();
      void vscode.commands.executeCommand('setContext', 'gemini.hasAttached', true);
    } catch (err) {
      this.ui.toast(errorText(err), 'error');
    }
  }

  async addUri(uri: vscode.Uri): Promise<void> {
    let bytes: Uint8Array;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > this.maxBytes()) {
        const text = l10n.t(
          '“{0}” is {1}; attachments are limited to {2} (setting “gemini.attachments.maxBytes”).',
          vscode.workspace.asRelativePath(uri),
          formatBytes(stat.size),
          formatBytes(this.maxBytes()),
        );
        this.ui.toast(text, 'error');
        void vscode.window.showWarningMessage(l10n.t('Gemini: {0}', text));
        return;
      }
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (err) {
      this.ui.toast(l10n.t('Could not read {0}: {1}', uri.fsPath, errorText(err)), 'error');
      return;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    this.addBytes(vscode.workspace.asRelativePath(uri), bytes, undefined, doc?.languageId);
  }

  addSelection(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor): boolean {
    if (!editor || editor.selection.isEmpty) {
      this.ui.toast(l10n.t('Select some text in an editor first.'), 'info');
      return false;
    }
    const sel = editor.selection;
    this.load();
    try {
      this.list.push(
        selectionAttachment(
          this.newId(),
          vscode.workspace.asRelativePath(editor.document.uri),
          editor.document.getText(sel),
          editor.document.languageId,
          { start: sel.start.line + 1, end: sel.end.line + 1 },
          this.maxBytes(),
        ),
      );
      this.changed();
      return true;
    } catch (err) {
      this.ui.toast(errorText(err), 'error');
      return false;
    }
  }

  /** The composer's attach menu. */
  async attach(kind: AttachKind): Promise<void> {
    if (kind === 'activeFile') {
      const ed = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
      if (!ed) {
        this.ui.toast(l10n.t('No file is open in an editor.'), 'info');
        return;
      }
      const doc = ed.document;
      this.addBytes(vscode.workspace.asRelativePath(doc.uri), Buffer.from(doc.getText(), 'utf8'), 'text/plain', doc.languageId);
      return;
    }
    if (kind === 'selection') {
      this.addSelection(vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0]);
      return;
    }
    if (kind === 'url') {
      await this.addUrl();
      return;
    }
    if (kind === 'workspaceFile') {
      const files = await vscode.workspace.findFiles('**/*', undefined, 5000);
      const pick = await vscode.window.showQuickPick(
        files.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })).sort((a, b) => a.label.localeCompare(b.label)),
        { placeHolder: l10n.t('Attach a workspace file'), matchOnDescription: true, ignoreFocusOut: true },
      );
      if (pick) await this.addUri(pick.uri);
      return;
    }
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: l10n.t('Attach'),
      filters: { [l10n.t('Images and documents')]: ['png', 'jpg', 'jpeg', 'webp', 'gif', 'pdf', 'csv', 'txt', 'md', 'docx', 'xlsx', 'pptx'], [l10n.t('All files')]: ['*'] },
    });
    for (const uri of picked ?? []) await this.addUri(uri);
  }

  /** Show the list and save it (writes are serialised; the last one wins). */
  private changed(): void {
    this.ui.show(this.views());
    const json = JSON.stringify({ version: 1, attachments: this.list });
    const file = this.file;
    this.writes = this.writes
      .then(async () => {
        mkdirSync(dirname(file), { recursive: true });
        await writeFile(file, json);
      })
      .catch((err: unknown) => this.log.warn(`Could not save the pending attachments: ${errorText(err)}`));
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch {
      return; // none saved
    }
    try {
      const saved = (JSON.parse(raw) as { attachments?: unknown }).attachments;
      if (!Array.isArray(saved)) throw new Error('no attachment list');
      const valid = saved.filter(
        (a): a is Attachment =>
          !!a &&
          typeof a === 'object' &&
          typeof (a as Attachment).id === 'string' &&
          typeof (a as Attachment).name === 'string' &&
          typeof (a as Attachment).size === 'number' &&
          typeof (a as Attachment).content === 'object',
      );
      this.list = [...valid, ...this.list];
    } catch (err) {
      this.log.warn(`The saved pending attachments could not be read and were ignored: ${errorText(err)}`);
    }
  }
}
