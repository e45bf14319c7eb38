/** Palette commands of the chat (each a small object: id + execute). */
import * as vscode from 'vscode';
import { ApiError } from '../core/client/errors';
import type { ConversationMeta } from '../core/conversation/journal';
import type { ApiClientProvider } from './api';
import type { ChatController } from './chat/controller';
import type { ChatTabs } from './chat/chatTabs';
import { models } from './config';
import { searchHistory, type HistoryTree } from './history';
import type { ApiKeyStore } from './keys';
import type { Log } from './log';
import type { WorkspaceTools } from './tools';
import { l10n } from '../shared/l10n';
import { errorText } from '../shared/errorText';

export interface Command {
  id: string;
  execute(...args: unknown[]): unknown;
}

export interface CommandDeps {
  chat: ChatController;
  /** Conversations in editor tabs. */
  tabs: ChatTabs;
  tools: WorkspaceTools;
  keys: ApiKeyStore;
  api: ApiClientProvider;
  log: Log;
  history: HistoryTree;
}

export function chatCommands(d: CommandDeps): Command[] {
  return [
    {
      id: 'gemini.setApiKey',
      async execute() {
        const key = await vscode.window.showInputBox({
          title: l10n.t('Gemini API Key'),
          prompt: l10n.t('Paste your Gemini API key. It is stored in VS Code’s secret storage and sent only in the x-goog-api-key header.'),
          password: true,
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim().length < 8 ? l10n.t('That does not look like an API key.') : undefined),
        });
        if (!key) return false;
        const trimmed = key.trim();
        const check = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: l10n.t('Gemini: checking the API key…') }, () =>
          d.api.validateKey(trimmed),
        );
        if (!check.ok) {
          if (check.network) {
            const save = await vscode.window.showWarningMessage(l10n.t('Gemini: could not check the key. {0}', check.reason), l10n.t('Save Anyway'), l10n.t('Cancel'));
            if (save !== l10n.t('Save Anyway')) return false;
          } else {
            void vscode.window.showErrorMessage(l10n.t('Gemini: the API key was rejected. {0}', check.reason));
            return false;
          }
        }
        await d.keys.set(trimmed);
        d.log.info('API key saved to secret storage.');
        void vscode.window.showInformationMessage(l10n.t('Gemini: API key saved.'));
        return true;
      },
    },
    {
      id: 'gemini.clearApiKey',
      async execute() {
        await d.keys.clear();
        d.log.info('API key removed from secret storage.');
        void vscode.window.showInformationMessage(l10n.t('Gemini: API key cleared.'));
      },
    },
    {
      id: 'gemini.newChat',
      async execute() {
        d.chat.newChat();
        await d.chat.view.reveal();
        d.history.refresh();
      },
    },
    { id: 'gemini.focusChat', execute: () => d.chat.view.reveal() },
    { id: 'gemini.newChatInEditor', execute: () => d.tabs.open() },
    {
      id: 'gemini.history.openInEditor',
      async execute(meta?: unknown) {
        const id = (meta as ConversationMeta | undefined)?.id;
        if (id) await d.tabs.open(id);
        d.history.refresh();
      },
    },
    { id: 'gemini.deepResearch', execute: (question?: unknown) => d.chat.startResearch(question) },
    { id: 'gemini.exportChat', execute: (format?: unknown) => d.chat.exportChat(format === 'json' || format === 'markdown' ? format : undefined) },
    { id: 'gemini.showLog', execute: () => d.log.channel.show(true) },
    { id: 'gemini.showCommandTerminal', execute: () => d.tools.terminal.show() },
    {
      id: 'gemini.searchHistory',
      async execute() {
        const meta = await searchHistory(d.chat.history);
        if (meta) await vscode.commands.executeCommand('gemini.history.open', meta);
      },
    },
    {
      id: 'gemini.history.open',
      async execute(meta?: unknown) {
        const id = (meta as ConversationMeta | undefined)?.id;
        if (!id) return;
        if (!(await d.tabs.openInSidebar(id))) void vscode.window.showWarningMessage(l10n.t('Gemini: that conversation no longer exists.'));
        d.history.refresh();
      },
    },
    {
      id: 'gemini.history.delete',
      async execute(meta?: unknown) {
        const m = meta as ConversationMeta | undefined;
        if (!m?.id) return;
        // Stored interactions are deleted on the server too, so "Delete" means gone, not just hidden here.
        const data = d.chat.store.load(m.id);
        const remote = data && data.meta.mode === 'stateful' ? [...new Set(data.turns.flatMap((t) => t.interactionIds))] : [];
        const detail = remote.length
          ? (remote.length === 1
              ? l10n.t('Its 1 interaction stored by the Gemini API will be deleted too.')
              : l10n.t('Its {0} interactions stored by the Gemini API will be deleted too.', remote.length)) + ' '
          : '';
        const ok = await vscode.window.showWarningMessage(l10n.t('Delete the conversation “{0}”? {1}This cannot be undone.', m.title, detail), { modal: true }, l10n.t('Delete'));
        if (ok !== l10n.t('Delete')) return;
        if (d.chat.session.conversationId === m.id) d.chat.newChat();
        d.tabs.forget(m.id);
        d.chat.store.delete(m.id);
        d.history.refresh();
        if (!remote.length) return;
        if (!(await d.keys.has())) {
          void vscode.window.showWarningMessage(l10n.t('Gemini: the conversation was deleted here; without an API key its copies on the server could not be deleted.'));
          return;
        }
        const failures: string[] = [];
        for (const id of remote) {
          try {
            await d.api.get().delete(id);
          } catch (err) {
            if (err instanceof ApiError && err.kind === 'not_found') continue; // already gone
            failures.push(errorText(err));
          }
        }
        d.log.info(`Deleted conversation ${m.id} and ${remote.length - failures.length} of ${remote.length} server interaction(s).`);
        if (failures.length) {
          void vscode.window.showWarningMessage(
            l10n.t('Gemini: the conversation was deleted here, but {0} of its {1} server copies could not be deleted: {2}', failures.length, remote.length, failures[0]),
          );
        }
      },
    },
    { id: 'gemini.history.refresh', execute: () => d.history.refresh() },
    {
      id: 'gemini.selectModel',
      async execute() {
        const current = d.chat.session.settings().model;
        const pick = await vscode.window.showQuickPick(
          models().map((m) => ({ label: m, description: m === current ? l10n.t('current') : undefined })),
          { placeHolder: l10n.t('Model for the next messages of this chat (the default is the setting “gemini.model”)'), ignoreFocusOut: true },
        );
        if (pick) d.chat.choose({ model: pick.label });
      },
    },
    {
      id: 'gemini.addSelectionToChat',
      async execute() {
        await d.chat.view.reveal();
        d.chat.attachments.addSelection(vscode.window.activeTextEditor);
      },
    },
    {
      id: 'gemini.askAboutFile',
      async execute(uri?: unknown) {
        const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
        if (!target) {
          void vscode.window.showInformationMessage(l10n.t('Gemini: open a file first.'));
          return;
        }
        await d.chat.view.reveal();
        await d.chat.attachments.addUri(target);
        d.chat.setDraft(l10n.t('About {0}: ', vscode.workspace.asRelativePath(target)));
      },
    },
  ];
}

export function register(context: vscode.ExtensionContext, commands: Command[]): void {
  for (const c of commands) context.subscriptions.push(vscode.commands.registerCommand(c.id, (...args: unknown[]) => c.execute(...args)));
}
