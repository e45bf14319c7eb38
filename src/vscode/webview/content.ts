/**
 * What the buttons on rendered content do, the same in the chat and in run tabs: code blocks
 * (copy, insert at the cursor, save as a new file), images (open, save to the workspace) and
 * links (opened only after the user confirms, showing where they really go).
 */
import * as vscode from 'vscode';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mimeToExtension } from '../../core/attachments';
import type { ChatSession } from '../../core/conversation/session';
import type { Content, ImageContent } from '../../core/protocol/types';
import { revealHidden } from '../../shared/hidden';
import { OPENABLE_SCHEMES } from '../../shared/protocol';
import type { Log } from '../log';
import { l10n } from '../../shared/l10n';

/** The text editor the user worked in last (a run tab may cover it when a button is clicked). */
let lastEditor: vscode.TextEditor | undefined;
let tracking: vscode.Disposable | undefined;

export class ContentActions {
  constructor(
    private readonly storageDir: string,
    private readonly log: Log,
    private readonly toast: (text: string, kind: 'info' | 'error') => void,
  ) {
    lastEditor ??= vscode.window.activeTextEditor;
    tracking ??= vscode.window.onDidChangeActiveTextEditor((e) => {
      if (e && e.document.uri.scheme !== 'output') lastEditor = e;
    });
  }

  async codeBlock(action: 'copy' | 'insert' | 'newFile', code: string, language: string): Promise<void> {
    if (action === 'copy') {
      await vscode.env.clipboard.writeText(code);
      this.toast(l10n.t('Copied to the clipboard.'), 'info');
      return;
    }
    if (action === 'insert') {
      let editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
      if (!editor && lastEditor && !lastEditor.document.isClosed) {
        // Covered by a tab (a run panel): bring it back, with its cursor where it was.
        const selections = lastEditor.selections;
        editor = await vscode.window.showTextDocument(lastEditor.document, { viewColumn: lastEditor.viewColumn, preserveFocus: false });
        editor.selections = selections;
      }
      if (!editor) {
        this.toast(l10n.t('Open an editor to insert the code into.'), 'info');
        return;
      }
      // Shown (and focused) before the edit, so nothing moves after the text lands: a tab the user
      // clicks once the code is in place stays in front.
      const target = await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
      await target.edit((b) => {
        for (const sel of target.selections) b.replace(sel, code);
      });
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ content: code, language: languageIdFor(language) });
    await vscode.window.showTextDocument(doc);
  }

  async image(session: ChatSession, action: 'open' | 'save', turnId: string, step: number, content: number): Promise<void> {
    const turn = session.data?.turns.find((t) => t.id === turnId);
    const c = (turn?.steps[step] as { content?: Content[] } | undefined)?.content?.[content];
    const img = c?.type === 'image' ? (c as ImageContent) : undefined;
    if (!img?.data) {
      this.toast(l10n.t('That image is not available (it may still be streaming).'), 'error');
      return;
    }
    const bytes = Buffer.from(img.data, 'base64');
    const ext = mimeToExtension(img.mime_type ?? 'image/png');
    if (action === 'open') {
      const dir = join(this.storageDir, 'images');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${turnId}-${step}-${content}.${ext}`);
      writeFileSync(file, bytes);
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
      return;
    }
    await saveBytesToWorkspace(bytes, `gemini-image-${Date.now()}.${ext}`, this.log);
  }

  /** A link clicked in model output: opened only after the user confirms, showing where it really goes. */
  async openLink(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      void vscode.window.showWarningMessage(l10n.t('Gemini: that link is not a valid URL, so it was not opened.'));
      return;
    }
    if (!(OPENABLE_SCHEMES as readonly string[]).includes(parsed.protocol)) {
      void vscode.window.showWarningMessage(l10n.t('Gemini: links with the “{0}” scheme are not opened.', parsed.protocol));
      return;
    }
    const where = parsed.protocol === 'mailto:' ? l10n.t('an e-mail to {0}', parsed.pathname) : parsed.host;
    const choice = await vscode.window.showInformationMessage(
      l10n.t('Open {0}?', where),
      { modal: true, detail: l10n.t('The answer links to:\n{0}', revealHidden(parsed.href, { spaces: true })) },
      l10n.t('Open Link'),
    );
    if (choice !== l10n.t('Open Link')) return;
    await vscode.env.openExternal(vscode.Uri.parse(parsed.href, true));
  }
}

export async function saveBytesToWorkspace(bytes: Uint8Array, suggested: string, log: Log): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, suggested) : undefined, saveLabel: l10n.t('Save image') });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, bytes);
  log.info(`Saved ${bytes.length} bytes to ${target.fsPath}`);
  void vscode.window.showInformationMessage(l10n.t('Gemini: saved {0}.', vscode.workspace.asRelativePath(target)));
  return target;
}

function languageIdFor(lang: string): string {
  const map: Record<string, string> = {
    ts: 'typescript',
    js: 'javascript',
    py: 'python',
    sh: 'shellscript',
    bash: 'shellscript',
    yml: 'yaml',
    md: 'markdown',
    rs: 'rust',
    golang: 'go',
    'c++': 'cpp',
    cs: 'csharp',
  };
  const l = lang.toLowerCase();
  return map[l] ?? (l || 'plaintext');
}
