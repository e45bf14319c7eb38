/** The chat history view (newest first) and a search over prompts and answers. */
import * as vscode from 'vscode';
import type { HistoryIndex } from '../core/conversation/history';
import type { ConversationMeta } from '../core/conversation/journal';
import { l10n } from '../shared/l10n';

export class HistoryTree implements vscode.TreeDataProvider<ConversationMeta>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly history: HistoryIndex,
    private readonly activeId: () => string | undefined,
  ) {}

  private pending: ReturnType<typeof setTimeout> | undefined;

  /**
   * Redraw the list once for a burst of changes (a turn's start and end, a tab's conversation
   * changing): each redraw rebuilds the rows under the pointer, and a click that lands while its
   * row is rebuilt is lost.
   */
  refresh(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.changed.fire();
    }, 50);
  }

  getTreeItem(m: ConversationMeta): vscode.TreeItem {
    const item = new vscode.TreeItem(m.title, vscode.TreeItemCollapsibleState.None);
    item.id = m.id;
    item.description = `${new Date(m.updated).toLocaleString()} · ${m.turns === 1 ? l10n.t('1 turn') : l10n.t('{0} turns', m.turns)}`;
    item.tooltip = l10n.t('{0}\n{1} · {2}', m.title, m.model, m.mode);
    item.iconPath = new vscode.ThemeIcon(m.id === this.activeId() ? 'comment-discussion' : 'comment');
    item.contextValue = 'conversation';
    item.command = { command: 'gemini.history.open', title: l10n.t('Open'), arguments: [m] };
    item.accessibilityInformation = { label: l10n.t('Conversation {0}, {1} turns', m.title, m.turns) };
    return item;
  }

  getChildren(): Promise<ConversationMeta[]> {
    return this.history.list();
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.changed.dispose();
  }
}

/** Typing pauses this long before a search starts. */
const SEARCH_DEBOUNCE_MS = 120;

/**
 * Quick pick that searches every conversation's prompts and answers: debounced as you type, in
 * ripgrep's own process, with hits shown as they arrive; a newer query cancels the one running.
 */
export async function searchHistory(history: HistoryIndex): Promise<ConversationMeta | undefined> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { meta: ConversationMeta }>();
  qp.placeholder = l10n.t('Search chat history (prompts and answers)');
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.ignoreFocusOut = true;
  let running: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = (q: string) => {
    running?.abort();
    const ctrl = (running = new AbortController());
    qp.busy = true;
    const items: Array<vscode.QuickPickItem & { meta: ConversationMeta }> = [];
    let shown = 0;
    const show = () => {
      if (ctrl.signal.aborted || shown === items.length) return;
      shown = items.length;
      qp.items = [...items];
    };
    const tick = setInterval(show, 50);
    void history
      .search(
        q,
        (h) =>
          items.push({
            label: h.meta.title,
            description: new Date(h.meta.updated).toLocaleString(),
            detail: h.excerpt || l10n.t('{0} turns · {1}', h.meta.turns, h.meta.model),
            alwaysShow: true,
            meta: h.meta,
          }),
        ctrl.signal,
      )
      .catch(() => undefined)
      .finally(() => {
        clearInterval(tick);
        if (ctrl.signal.aborted) return;
        show();
        if (!items.length) qp.items = [];
        qp.busy = false;
      });
  };
  run('');
  qp.onDidChangeValue((q) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => run(q), SEARCH_DEBOUNCE_MS);
  });
  const picked = await new Promise<ConversationMeta | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.meta));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  if (timer) clearTimeout(timer);
  running?.abort();
  qp.dispose();
  return picked;
}
