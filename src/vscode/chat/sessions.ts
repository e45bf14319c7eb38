/**
 * The sessions view: every conversation open in this window (the sidebar's and each tab's) and
 * every remote run, with how it stands. When a conversation that is not on screen needs the user
 * (an approval, a plan or question, a failure) or finishes, the user is told: a notification that
 * opens it, a count in the status bar, and an announcement for screen readers in the chat on screen.
 */
import * as vscode from 'vscode';
import { FINISHED, type RunRecord } from '../../core/agents/runs';
import { conversationTokens, needsUser, type SessionStatus } from '../../core/conversation/status';
import { l10n } from '../../shared/l10n';
import type { ChatTabs } from './chatTabs';
import type { Attention, ChatController } from './controller';
import type { Log } from '../log';

/** What the view needs from remote runs. */
export interface RunsSource {
  list(): RunRecord[];
  onDidChange(listener: () => void): vscode.Disposable;
  open(id: string): Promise<void>;
}

type Item = { kind: 'chat'; chat: ChatController } | { kind: 'run'; run: RunRecord };

const STATUS_ICON: Record<SessionStatus, string> = {
  new: 'comment',
  streaming: 'sync~spin',
  approval: 'bell-dot',
  input: 'comment-unresolved',
  done: 'check',
  failed: 'error',
  stopped: 'debug-stop',
};

export function statusLabel(s: SessionStatus): string {
  switch (s) {
    case 'new':
      return l10n.t('new');
    case 'streaming':
      return l10n.t('answering');
    case 'approval':
      return l10n.t('waiting for your approval');
    case 'input':
      return l10n.t('waiting for your input');
    case 'done':
      return l10n.t('done');
    case 'failed':
      return l10n.t('failed');
    case 'stopped':
      return l10n.t('stopped');
  }
}

function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return l10n.t('{0} s', s);
  const m = Math.floor(s / 60);
  if (m < 60) return l10n.t('{0} min', m);
  return l10n.t('{0} h {1} min', Math.floor(m / 60), m % 60);
}

export class Sessions implements vscode.TreeDataProvider<Item>, vscode.Disposable {
  static readonly viewId = 'gemini.sessions';
  private readonly changed = new vscode.EventEmitter<Item | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly bar = vscode.window.createStatusBarItem('gemini.sessions', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];
  private watched = new Map<ChatController, vscode.Disposable>();
  private tick: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly tabs: ChatTabs,
    private readonly runs: RunsSource,
    private readonly log: Log,
  ) {
    this.bar.name = l10n.t('Gemini Sessions');
    this.bar.command = 'gemini.sessions.next';
    this.disposables.push(
      this.bar,
      tabs.onDidChange(() => this.watch()),
      runs.onDidChange(() => this.refresh()),
      vscode.window.registerTreeDataProvider(Sessions.viewId, this),
    );
    this.watch();
  }

  /** Listen to every conversation surface (tabs come and go). */
  private watch(): void {
    const all = new Set(this.tabs.all());
    for (const [c, d] of this.watched)
      if (!all.has(c)) {
        d.dispose();
        this.watched.delete(c);
      }
    for (const c of all)
      if (!this.watched.has(c))
        this.watched.set(
          c,
          vscode.Disposable.from(
            c.onDidChangeAttention((a) => this.changedIn(c, a)),
            c.onDidChangeConversations(() => this.refresh()),
            // On screen now: it no longer counts as waiting unseen.
            c.view.onDidChangeVisibility(() => this.refresh()),
          ),
        );
    this.refresh();
  }

  private refresh(): void {
    this.changed.fire(undefined);
    const waiting = this.needing();
    if (waiting.length) {
      this.bar.text = `$(bell-dot) ${waiting.length}`;
      this.bar.tooltip = l10n.t('Gemini: {0} conversation(s) need you. Click to open the next.', waiting.length);
      this.bar.accessibilityInformation = { label: l10n.t('Gemini: {0} conversation(s) need you', waiting.length) };
      this.bar.show();
    } else this.bar.hide();
    // Elapsed times move while something answers.
    const live = this.tabs.all().some((c) => c.status() === 'streaming');
    if (live && !this.tick) this.tick = setInterval(() => this.changed.fire(undefined), 5000);
    else if (!live && this.tick) {
      clearInterval(this.tick);
      this.tick = undefined;
    }
  }

  /** Conversations that need the user and are not on screen (or that ended unseen). */
  needing(): ChatController[] {
    return this.tabs.all().filter((c) => !c.view.visible && (needsUser(c.status()) || c.unseen));
  }

  /** The status-bar item: open the next conversation that needs the user. */
  async next(): Promise<void> {
    const c = this.needing()[0];
    if (c) await c.view.reveal(true);
    else await vscode.commands.executeCommand(`${Sessions.viewId}.focus`);
  }

  private title(c: ChatController): string {
    return c.session.data?.meta.title || l10n.t('New conversation');
  }

  private changedIn(c: ChatController, a: Attention): void {
    this.refresh();
    if (!a.why) return;
    const name = this.title(c);
    const text =
      a.why === 'approval'
        ? l10n.t('Gemini: “{0}” waits for your approval.', name)
        : a.why === 'failed'
          ? l10n.t('Gemini: “{0}” stopped with an error.', name)
          : l10n.t('Gemini: “{0}” finished.', name);
    const visible = this.tabs.all().filter((x) => x.view.visible);
    this.log.info(
      `Conversation ${c.session.conversationId ?? '(new)'} (${c.tab ? `tab ${c.tab}` : 'sidebar'}): ${a.why}; ${c.view.visible ? 'on screen' : visible.length ? 'not on screen: a notification' : 'no chat on screen: brought forward'}.`,
    );
    // Said in the chat on screen (its own, or the one the user is in), for screen readers.
    for (const v of visible) v.view.host.post({ type: 'announce', text });
    if (c.view.visible) return;
    // No conversation on screen at all: an approval brings its chat forward, as it always did.
    if (a.why === 'approval' && !visible.length) {
      void c.view.reveal(false);
      return;
    }
    const open = l10n.t('Open');
    const shown = a.why === 'failed' ? vscode.window.showWarningMessage(text, open) : vscode.window.showInformationMessage(text, open);
    void shown.then((pick) => {
      if (pick === open) void c.view.reveal(true);
    });
  }

  getTreeItem(item: Item): vscode.TreeItem {
    if (item.kind === 'run') {
      const r = item.run;
      const t = new vscode.TreeItem(r.task.replace(/\s+/g, ' ').slice(0, 80), vscode.TreeItemCollapsibleState.None);
      const done = FINISHED.has(r.status);
      t.description = [l10n.t('remote run'), r.status, elapsed((done ? r.updated : Date.now()) - r.created), r.tokens ? l10n.t('{0} tokens', r.tokens) : '']
        .filter(Boolean)
        .join(' · ');
      t.iconPath = new vscode.ThemeIcon(done ? (r.status === 'completed' || r.status === 'idle' ? 'check' : 'error') : 'cloud');
      t.command = { command: 'gemini.sessions.open', title: l10n.t('Open'), arguments: [{ run: r.id }] };
      t.contextValue = 'run';
      return t;
    }
    const c = item.chat;
    const status = c.status();
    const t = new vscode.TreeItem(this.title(c), vscode.TreeItemCollapsibleState.None);
    const turns = c.session.data?.turns;
    const last = turns?.at(-1);
    const tokens = conversationTokens(turns);
    t.description = [
      statusLabel(status),
      c.tab ? l10n.t('editor tab') : l10n.t('sidebar'),
      c.worktree ? l10n.t('worktree {0}', c.worktree.branch) : '',
      status === 'streaming' && last ? elapsed(Date.now() - last.created) : '',
      tokens ? l10n.t('{0} tokens', tokens) : '',
    ]
      .filter(Boolean)
      .join(' · ');
    t.tooltip = `${this.title(c)}\n${t.description}`;
    t.iconPath = new vscode.ThemeIcon(c.unseen && status === 'done' ? 'bell' : STATUS_ICON[status]);
    t.command = { command: 'gemini.sessions.open', title: l10n.t('Open'), arguments: [{ tab: c.tab ?? '' }] };
    t.contextValue = 'conversation';
    t.accessibilityInformation = { label: `${this.title(c)}, ${t.description}` };
    return t;
  }

  getChildren(): Item[] {
    return [...this.tabs.all().map((chat) => ({ kind: 'chat' as const, chat })), ...this.runs.list().map((run) => ({ kind: 'run' as const, run }))];
  }

  /** A click in the view: the conversation's surface, or the run's tab. */
  async open(arg: unknown): Promise<void> {
    const a = arg as { tab?: unknown; run?: unknown } | undefined;
    if (typeof a?.run === 'string') return this.runs.open(a.run);
    if (typeof a?.tab !== 'string') return;
    const c = this.tabs.all().find((x) => (x.tab ?? '') === a.tab);
    await c?.view.reveal(true);
  }

  dispose(): void {
    if (this.tick) clearInterval(this.tick);
    for (const d of this.watched.values()) d.dispose();
    this.changed.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
