/**
 * Conversations in editor tabs, beside the sidebar's: each tab is its own ChatController (its own
 * session, queue, draft and picks) over the window's one store, lease holder and history. A
 * conversation is shown in one place per window: opening one that is already open reveals it.
 * VS Code restores the tabs after a reload (the webview keeps the tab's key), and each resumes an
 * answer it had running.
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { l10n } from '../../shared/l10n';
import type { Log } from '../log';
import { ChatController } from './controller';
import { ChatTab } from './chatView';
import type { WorktreeInfo } from '../../core/git/worktrees';

/** The key of a tab, as the webview keeps it (the protocol accepts only this shape). */
const TAB_KEY = /^[a-z0-9]{1,40}$/;

export class ChatTabs implements vscode.Disposable {
  private readonly tabs = new Map<string, ChatController>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** A tab opened, closed, or its conversation changed (the history view, the sessions view). */
  readonly onDidChange = this.changed.event;

  constructor(
    /** The sidebar's conversation (the window's first). */
    private readonly sidebar: ChatController,
    /** A new conversation surface for a tab (the same dependencies as the sidebar's). */
    private readonly make: (tab: string) => ChatController,
    private readonly log: Log,
  ) {
    sidebar.shownElsewhere = (id) => this.shownBesides(sidebar, id);
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(ChatTab.viewType, {
        deserializeWebviewPanel: async (panel, state) => {
          const key = (state as { tab?: unknown } | undefined)?.tab;
          this.attach(panel, typeof key === 'string' && TAB_KEY.test(key) && !this.tabs.has(key) ? key : newKey());
        },
      }),
    );
  }

  /** Every conversation surface in this window: the sidebar's first. */
  all(): ChatController[] {
    return [this.sidebar, ...this.tabs.values()];
  }

  private shownBesides(self: ChatController, id: string): boolean {
    return this.all().some((c) => c !== self && c.session.conversationId === id);
  }

  /** The surface that shows this conversation in this window, if one does. */
  showing(id: string): ChatController | undefined {
    return this.all().find((c) => c.session.conversationId === id);
  }

  /** The worktree a tab's or a conversation's conversation works in (set by Worktrees). */
  worktreeOf: (tab: string, conversationId: string | undefined) => WorktreeInfo | undefined = () => undefined;

  /** A new conversation in a new editor tab, or the given one (revealed where it is already open); `worktree`: it works there. */
  async open(conversationId?: string, worktree?: WorktreeInfo): Promise<ChatController | undefined> {
    if (conversationId) {
      const there = this.showing(conversationId);
      if (there) {
        await there.view.reveal(false);
        return there;
      }
      if (!this.sidebar.store.exists(conversationId)) {
        void vscode.window.showWarningMessage(l10n.t('Gemini: that conversation no longer exists.'));
        return undefined;
      }
    }
    const panel = vscode.window.createWebviewPanel(
      ChatTab.viewType,
      l10n.t('Gemini Chat'),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableFindWidget: true },
    );
    // A conversation that works in a worktree keeps working there.
    const chat = this.attach(panel, newKey(), worktree ?? (conversationId ? this.worktreeOf('', conversationId) : undefined));
    if (conversationId) chat.open(conversationId);
    await chat.view.reveal(true);
    return chat;
  }

  /** Open a conversation where the user asked: a tab that shows it, else the sidebar. */
  async openInSidebar(id: string): Promise<boolean> {
    const there = this.showing(id);
    if (there) {
      await there.view.reveal(false);
      return true;
    }
    // A worktree conversation opens in a tab (the sidebar's conversation works in the workspace folders).
    if (this.worktreeOf('', id)) return !!(await this.open(id));
    await this.sidebar.view.reveal(false);
    return this.sidebar.open(id);
  }

  /** Close a conversation's tab (its conversation stays in History). */
  close(c: ChatController): void {
    if (c.view instanceof ChatTab) c.view.close();
  }

  /** A conversation was deleted: a tab that shows it starts a new one. */
  forget(id: string): void {
    for (const c of this.tabs.values()) if (c.session.conversationId === id) c.newChat();
  }

  private attach(panel: vscode.WebviewPanel, key: string, worktree?: WorktreeInfo): ChatController {
    const chat = this.make(key);
    chat.shownElsewhere = (id) => this.shownBesides(chat, id);
    chat.worktree = worktree ?? this.worktreeOf(key, undefined);
    this.tabs.set(key, chat);
    const tab = chat.view as ChatTab;
    panel.iconPath = new vscode.ThemeIcon('comment-discussion');
    tab.attach(panel);
    const title = () => {
      const name = chat.session.data?.meta.title || l10n.t('Gemini Chat');
      tab.title = chat.worktree ? `${name} (${chat.worktree.branch})` : name;
    };
    title();
    const subs = [
      chat.onDidChangeConversations(() => {
        title();
        this.changed.fire();
      }),
      tab.onDidClose(() => {
        subs.forEach((d) => d.dispose());
        this.tabs.delete(key);
        chat.closed();
        chat.dispose();
        this.changed.fire();
      }),
    ];
    this.log.info(`Chat tab ${key} opened${chat.session.conversationId ? ` on conversation ${chat.session.conversationId}` : ''}.`);
    this.changed.fire();
    return chat;
  }

  dispose(): void {
    for (const c of this.tabs.values()) c.dispose();
    this.tabs.clear();
    this.changed.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

function newKey(): string {
  return randomUUID().replace(/-/g, '').slice(0, 12);
}
