/** The chat history view (newest first) and a search over prompts and answers. */
import * as vscode from 'vscode';
import type { ConversationMeta, ConversationStore } from '../core/conversation/journal';

export class HistoryTree implements vscode.TreeDataProvider<ConversationMeta>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly store: ConversationStore,
    private readonly activeId: () => string | undefined,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(m: ConversationMeta): vscode.TreeItem {
    const item = new vscode.TreeItem(m.title, vscode.TreeItemCollapsibleState.None);
    item.id = m.id;
    item.description = `${new Date(m.updated).toLocaleString()} · ${m.turns} turn${m.turns === 1 ? '' : 's'}`;
    item.tooltip = `${m.title}\n${m.model} · ${m.mode}`;
    item.iconPath = new vscode.ThemeIcon(m.id === this.activeId() ? 'comment-discussion' : 'comment');
    item.contextValue = 'conversation';
    item.command = { command: 'gemini.history.open', title: 'Open', arguments: [m] };
    item.accessibilityInformation = { label: `Conversation ${m.title}, ${m.turns} turns` };
    return item;
  }

  getChildren(): ConversationMeta[] {
    return this.store.list();
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Quick pick that searches every conversation's prompts and answers. */
export async function searchHistory(store: ConversationStore): Promise<ConversationMeta | undefined> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { meta: ConversationMeta }>();
  qp.placeholder = 'Search chat history (prompts and answers)';
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  const fill = (q: string) => {
    qp.items = store.search(q).map((h) => ({
      label: h.meta.title,
      description: new Date(h.meta.updated).toLocaleString(),
      detail: h.excerpt || `${h.meta.turns} turns · ${h.meta.model}`,
      alwaysShow: true,
      meta: h.meta,
    }));
  };
  fill('');
  qp.onDidChangeValue(fill);
  const picked = await new Promise<ConversationMeta | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.meta));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  return picked;
}
