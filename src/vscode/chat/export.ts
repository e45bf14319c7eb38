/** Export the open conversation to Markdown or JSON (a save dialog; nothing leaves the machine). */
import * as vscode from 'vscode';
import { exportJson, exportMarkdown } from '../../core/conversation/export';
import type { ConversationData } from '../../core/conversation/journal';
import { l10n } from '../../shared/l10n';

export async function exportConversation(data: ConversationData | undefined, format?: 'markdown' | 'json'): Promise<vscode.Uri | undefined> {
  if (!data || !data.turns.length) {
    void vscode.window.showInformationMessage(l10n.t('Gemini: there is no conversation to export yet.'));
    return undefined;
  }
  const fmt =
    format ??
    (
      await vscode.window.showQuickPick(
        [
          { label: 'Markdown', v: 'markdown' as const },
          { label: 'JSON', v: 'json' as const },
        ],
        { placeHolder: l10n.t('Export format'), ignoreFocusOut: true },
      )
    )?.v;
  if (!fmt) return undefined;
  const text = fmt === 'markdown' ? exportMarkdown(data) : exportJson(data);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const safe =
    data.meta.title
      .replace(/[^A-Za-z0-9 _-]+/g, '')
      .trim()
      .replace(/\s+/g, '-')
      .slice(0, 40) || 'chat';
  const defaultUri = folder ? vscode.Uri.joinPath(folder, `${safe}.${fmt === 'markdown' ? 'md' : 'json'}`) : undefined;
  const target = await vscode.window.showSaveDialog({ defaultUri, filters: fmt === 'markdown' ? { Markdown: ['md'] } : { JSON: ['json'] } });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
  void vscode.window.showInformationMessage(l10n.t('Gemini: exported the conversation to {0}.', vscode.workspace.asRelativePath(target)));
  return target;
}
