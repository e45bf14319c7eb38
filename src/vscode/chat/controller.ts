/**
 * The chat: links the ChatSession to the sidebar view (sending with attachments, stop, retry,
 * edit, history, the composer's per-conversation choices, the API key state). Attachments,
 * content actions and export are their own parts; commands call the narrow methods here.
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AttachmentError } from '../../core/attachments';
import { TurnEngine, type ToolRunner } from '../../core/conversation/engine';
import { HistoryIndex } from '../../core/conversation/history';
import { ripgrepPath } from '../adapters';
import { ConversationStore, type ComposerChoices } from '../../core/conversation/journal';
import { Leases } from '../../core/lease';
import { ChatSession, PLAN_START_TEXT, type ToolReporter, type TurnTools } from '../../core/conversation/session';
import type { Content } from '../../core/protocol/types';
import type { ApprovalRequest, PanelState, QueueAction, QueuedView, SettingsView } from '../../shared/protocol';
import type { ApprovalDecision } from '../../shared/vocab';
import type { ApiClientProvider } from '../api';
import { defaultChatSettings, models, setting } from '../config';
import { RESEARCH_START_TEXT, type ResearchPhase } from '../../core/research';
import type { ApiKeyStore } from '../keys';
import type { Log } from '../log';
import { ContentActions } from '../webview/content';
import type { MessageHandlers } from '../webview/host';
import { SessionPresenter } from '../webview/presenter';
import { ChatAttachments } from './attachments';
import { MAX_QUEUED, MessageQueue } from '../../core/conversation/queue';
import { ComposerModes, ResearchReports } from './modes';
import { chatLinkNotice, parseChatLink, type ChatLink } from '../../core/chatLink';
import { ProjectInstructions } from '../instructions';
import type { TurnInputs } from '../turnInputs';
import { DurableMemento } from './durableMemento';
import { ChatTab, ChatView, type ChatSurface } from './chatView';
import { exportConversation } from './export';
import { MentionResolver, type LastCommand } from './mentions';
import { l10n } from '../../shared/l10n';
import { errorText } from '../../shared/errorText';
import { sessionStatus, type SessionStatus } from '../../core/conversation/status';
import type { WorktreeInfo } from '../../core/git/worktrees';

const ACTIVE_KEY = 'gemini.activeConversation';
const DRAFT_KEY = 'gemini.draft';
const COMPOSER_KEY = 'gemini.composer';
const QUEUE_KEY = 'gemini.queue';

/** How the chat shows a turn's tools to the user. */
export interface ToolsUi {
  /** Bring the chat forward (an approval waits there). */
  reveal(): void;
  /** An approval started (`on`) or ended waiting in this conversation (instead of `reveal`: the conversation decides how to ask for attention). */
  waiting?(requestId: string, on: boolean): void;
  /** The one folder the conversation works in (a worktree), instead of the workspace folders. */
  root?: string;
  /** Subagents (`delegate_task`): how a child interaction is made, with the parent's model. */
  subagents?: { engine(runner: ToolRunner): TurnEngine; model(): string };
  notice(text: string): void;
  /** Plan first: only the tools that read (no edits, no commands, no tools of others). */
  readOnly?: boolean;
  /** Ask for an approval another way than in our chat panel (VS Code's Chat view asks with a modal dialog). */
  ask?(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision>;
}

export interface ToolsProvider {
  /** Tools for one turn, or none (with the reason in `enabled`). */
  forTurn(turnId: string, report: ToolReporter, ui: ToolsUi): Promise<TurnTools>;
  enabled(): { enabled: boolean; reason?: string };
  handleApproval(requestId: string, decision: ApprovalDecision): void;
  undoTurn(turnId: string): Promise<{ text: string; keep?: boolean }>;
  /** How many external tools and remote servers are picked (the composer's Tools button). */
  pickedExternal?(): number;
  /** The Gemini Commands terminal and the agent's last command there (for #terminal). */
  lastCommand?(): { terminal: vscode.Terminal | undefined; last: LastCommand | undefined };
  /** Open the SKILL.md of a skill a turn loaded (by its display path). */
  openSkill?(display: string): Promise<boolean>;
  /** Make ahead what the next turn's tools are made from (the user is writing). */
  prepare?(opts: { readOnly?: boolean; root?: string }): void;
  /** When what a turn's inputs are made from changed. */
  readonly inputs?: TurnInputs;
}

/** The composer's choices as the webview shows them. */
export function settingsView(session: ChatSession): SettingsView {
  const s = session.settings();
  return {
    models: models(),
    model: s.model,
    thinkingLevel: s.thinkingLevel,
    googleSearch: s.googleSearch,
    urlContext: s.urlContext,
    codeExecution: s.codeExecution,
    mode: s.mode,
    modeLocked: session.data !== undefined && session.data.turns.length > 0,
    generation: s.generation,
  };
}

/** What every conversation in a window shares: one store, one lease holder, one history index. */
export interface SharedChat {
  store: ConversationStore;
  leases: Leases;
  history: HistoryIndex;
}

/**
 * One conversation on one surface: the sidebar's (one per window), or an editor tab's (`tab`: the
 * tab's key, which keeps its conversation, draft, picks and queue apart from every other surface).
 */
/** A change in how a conversation stands; `why`: the user should be told. */
export interface Attention {
  why: 'approval' | 'finished' | 'failed' | undefined;
}

export class ChatController implements vscode.Disposable {
  readonly view: ChatSurface;
  readonly session: ChatSession;
  readonly store: ConversationStore;
  /** The history's list and search (an index beside the journals). */
  readonly history: HistoryIndex;
  readonly attachments: ChatAttachments;
  private readonly presenter: SessionPresenter;
  private readonly content: ContentActions;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a conversation was created, changed or switched (history view). */
  readonly onDidChangeConversations = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly instructions: ProjectInstructions;
  /** This surface's lasting state: the workspace state, kept in files as well (it must survive a reload of the page). */
  private readonly state: vscode.Memento;
  /** #file, #problems, @symbol… in messages: completion, and the context read when one goes. */
  readonly mentions = new MentionResolver(
    () => this.tools?.lastCommand?.() ?? { terminal: undefined, last: undefined },
    () => this.worktree?.dir,
  );
  readonly tools: ToolsProvider | undefined;
  /** Plan first and Deep Research in the composer. */
  private readonly modes: ComposerModes;
  /** Deep Research's notifications and reports. */
  private readonly research: ResearchReports;
  /** Run a remote task from the chat input (the agents feature). */
  private readonly runRemote: ((text: string) => Promise<void>) | undefined;

  constructor(
    context: vscode.ExtensionContext,
    private readonly api: ApiClientProvider,
    private readonly keys: ApiKeyStore,
    log: Log,
    deps: { tools?: ToolsProvider; runRemote?: (text: string) => Promise<void>; tab?: string; shared?: SharedChat } = {},
  ) {
    this.tab = deps.tab;
    this.tools = deps.tools;
    this.instructions = new ProjectInstructions(() => this.worktree?.dir, deps.tools?.inputs);
    this.runRemote = deps.runRemote;
    this.state = context.storageUri ? new DurableMemento(join(context.storageUri.fsPath, 'chat-state'), context.workspaceState) : context.workspaceState;
    this.modes = new ComposerModes(this.state, this.tab ? `gemini.researchMode:${this.tab}` : undefined);
    this.research = new ResearchReports({
      session: () => this.session,
      chatVisible: () => this.view.visible,
      reveal: () => void this.view.reveal(false),
      toast: (t, k) => this.view.host.toast(t, k),
    });
    this.queue = new MessageQueue(
      {
        load: () => this.state.get<unknown>(this.key(QUEUE_KEY)),
        save: (items) => {
          void this.state.update(this.key(QUEUE_KEY), items);
          this.view.host.post({ type: 'queue', items });
        },
      },
      () => randomUUID().slice(0, 8),
    );
    this.log = log;
    this.store =
      deps.shared?.store ??
      new ConversationStore(join(context.globalStorageUri.fsPath, 'conversations'), (id, damage) =>
        log.warn(`Conversation ${id}: ${damage.lines} damaged record(s) could not be read. ${damage.notes.join(' ')}`),
      );
    // One window sends to a conversation at a time; the others follow it and can take over.
    this.leases = deps.shared?.leases ?? new Leases(join(context.globalStorageUri.fsPath, 'conversations', 'leases'), randomUUID(), 15_000);
    this.history = deps.shared?.history ?? new HistoryIndex(this.store.dir, ripgrepPath);
    this.shared = { store: this.store, leases: this.leases, history: this.history };
    const hostDeps = {
      extensionUri: context.extensionUri,
      log,
      handlers: this.handlers(),
      panelState: () => this.panelState(),
      init: () => ({
        conversation: this.presenter.initialView(this.session.data),
        draft: this.state.get<string>(this.key(DRAFT_KEY), ''),
        attachments: this.attachments.views(),
        ...(this.tab ? { tab: this.tab } : {}),
      }),
      onReady: () => {
        this.showQueue();
        this.resumeIfInterrupted();
      },
      onAttach: () => this.restoreActive(),
    };
    this.view = this.tab ? new ChatTab(hostDeps) : new ChatView(hostDeps);
    const host = this.view.host;
    this.content = new ContentActions(context.globalStorageUri.fsPath, log, (t, k) => host.toast(t, k));
    this.attachments = new ChatAttachments(
      join((context.storageUri ?? context.globalStorageUri).fsPath, this.tab ? `pending-attachments-${this.tab}.json` : 'pending-attachments.json'),
      log,
      {
        show: (attachments) => host.post({ type: 'attachments', attachments }),
        toast: (t, k) => host.toast(t, k),
      },
    );
    this.presenter = new SessionPresenter(host, {
      turnStarted: () => {
        // The conversation exists from its first turn on: it is this window's active one.
        this.rememberActive();
        this.changed.fire();
        this.attentionChanged();
      },
      turnEnded: (turn) => {
        this.changed.fire();
        // Not on screen when it ended: the user is told (the sessions view, the status bar, a notification).
        if (!this.view.visible) this.unseen = true;
        this.attentionChanged(turn.state === 'completed' || turn.state === 'incomplete' ? 'finished' : turn.state === 'stopped' ? undefined : 'failed');
        // The next queued message goes once this turn is over (after the session is idle), only
        // when the answer completed: after an error or a stop the user decides.
        if (this.queued().length) {
          if (turn.state === 'completed') setTimeout(() => void this.sendQueued(), 0);
          else
            this.presenter.notice(
              turn.id,
              l10n.t('{0} queued message(s) are waiting: the answer did not complete, so they were not sent. Send them from the queue when you are ready.', this.queued().length),
              'info',
            );
        }
        if (turn.research) this.research.ended(turn);
        // The walkthrough's "first question" step.
        void vscode.commands.executeCommand('setContext', 'gemini.hasChatted', true);
      },
      storage: (problem) => this.storageChanged(problem),
      otherWindow: (state) => this.otherWindowChanged(state),
      requestSent: () => {
        const t = this.sendTiming;
        this.sendTiming = undefined;
        if (t) {
          const now = performance.now();
          this.log.info(
            `Send: the request left ${(now - t.arrived).toFixed(1)} ms after the message reached the extension host (key, attachments and mentions ${(t.prepared - t.arrived).toFixed(1)} ms; conversation, tools, instructions and the request ${(now - t.prepared).toFixed(1)} ms).`,
          );
        }
      },
    });
    this.session = new ChatSession({
      engine: (runner) => new TurnEngine(this.api.get(), runner),
      store: this.store,
      view: this.presenter,
      settings: defaultChatSettings,
      tools: (turnId, report, opts) =>
        this.tools?.forTurn(turnId, report, {
          reveal: () => void this.view.reveal(false),
          waiting: (requestId, on) => {
            if (on) this.approvals.add(requestId);
            else this.approvals.delete(requestId);
            this.attentionChanged(on ? 'approval' : undefined);
          },
          notice: (text) => this.presenter.notice(turnId, text, 'info'),
          readOnly: opts?.readOnly,
          root: this.worktree?.dir,
          subagents: { engine: (runner) => new TurnEngine(this.api.get(), runner), model: () => this.session.settings().model },
        }) ?? {
          declarations: [],
          runner: undefined,
        },
      newId: () => randomUUID().replace(/-/g, '').slice(0, 20),
      instructions: (base) => this.instructions.forTurn(base),
      takeSteer: () => this.takeSteer(),
      research: () => ({ agent: setting('researchAgent'), visualization: setting('researchVisualization') === 'off' ? 'off' : 'auto' }),
      cancelRemote: (id) => this.api.get().cancel(id),
      lease: this.leases,
      confirmUnsaved: (why) => this.confirmUnsaved(why),
    });
    // The picks of the last chat in this workspace carry over to a new one (per window: never the user settings).
    const saved = this.state.get<ComposerChoices>(this.key(COMPOSER_KEY)) ?? (this.tab ? this.state.get<ComposerChoices>(COMPOSER_KEY) : undefined);
    if (saved && typeof saved === 'object') this.session.setComposer(saved);
    if (this.view instanceof ChatView) this.disposables.push(vscode.window.registerWebviewViewProvider(ChatView.viewType, this.view));
    this.disposables.push(
      this.view.onDidChangeVisibility(() => {
        if (this.view.visible) this.seen();
      }),
      this.view,
      keys.onDidChange(() => host.keyChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('gemini')) void host.refreshState();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void host.refreshState()),
      // Follow what another window writes to this conversation (and pick up an answer it left).
      { dispose: () => clearInterval(follow) },
    );
    const follow = setInterval(() => this.followTick(), 1000);
  }

  private readonly log: Log;
  /** In an editor tab: the tab's key (undefined for the sidebar's conversation). */
  readonly tab: string | undefined;
  /** A worktree conversation: the git worktree it works in (its tools, mentions, instructions and commands see only that folder). */
  worktree: WorktreeInfo | undefined;
  /** The store, leases and history, for the window's other conversation surfaces. */
  readonly shared: SharedChat;
  /** Whether another surface of this window shows a conversation (one conversation, one place: set by ChatTabs). */
  shownElsewhere: (id: string) => boolean = () => false;
  /** A per-surface key in the workspace state (the sidebar keeps the keys it always had). */
  private key(base: string): string {
    return this.tab ? `${base}:${this.tab}` : base;
  }
  /** Approvals waiting in this conversation (their request ids). */
  private readonly approvals = new Set<string>();
  /** A turn ended while the conversation was not on screen, and the user has not looked since. */
  unseen = false;
  private readonly attention = new vscode.EventEmitter<Attention>();
  /** The conversation's status changed; `why` when the user should be told (it needs them, or it finished). */
  readonly onDidChangeAttention = this.attention.event;

  /** How the conversation stands now (the sessions view). */
  status(): SessionStatus {
    return sessionStatus(this.session.data?.turns, this.session.busy, this.approvals.size);
  }

  /** Something changed; `why`: the user should be told. */
  attentionChanged(why?: Attention['why']): void {
    this.attention.fire({ why });
  }

  /** The surface came on screen: what it says is seen. */
  seen(): void {
    if (!this.unseen) return;
    this.unseen = false;
    this.attentionChanged();
  }

  /** When the message being sent reached the host, and when its input was ready (until its first request leaves). */
  private sendTiming: { arrived: number; prepared: number } | undefined;
  /** Messages were queued while another window answered here: they go once it has finished. */
  private queueWaitsForOther = false;
  private readonly leases: Leases;
  private readonly queue: MessageQueue;
  private otherWindowState: 'sending' | 'took-over' | undefined;
  private storageProblem: string | undefined;

  /** Another window wrote to the conversation: show it; an answer it left (closed, crashed, handed over) continues here. */
  private followTick(): void {
    if (!this.session.data || this.session.busy) return;
    const changed = this.session.sync();
    const other = this.session.otherSender();
    if (!other && this.otherWindowState === 'sending') this.otherWindowChanged(undefined);
    if (changed || !other) this.resumeIfInterrupted();
    // Messages queued while the other window answered go now, after its answer (chained from it).
    // Only those: messages that wait after this window's own answer stopped or failed wait for the user.
    // The wait ends with that answer, whatever is in the queue by then (an emptied queue does not
    // leave the next one, queued behind this window's own answer, to go by itself after a Stop).
    if (!other && this.queueWaitsForOther) {
      this.queueWaitsForOther = false;
      if (!this.session.busy && this.queued().length) void this.sendQueued();
    }
  }

  /**
   * Retry or Edit while another window answers in this conversation: it waits for that answer
   * (nothing is removed meanwhile), then replaces the turn the user chose, after what the other
   * window added.
   */
  private async afterOtherWindow<T>(act: () => Promise<T>): Promise<T | undefined> {
    if (this.session.otherSender()) {
      this.view.host.toast(l10n.t('Another window is answering in this conversation; this goes when its answer has ended.'), 'info');
      const until = Date.now() + 10 * 60_000;
      while (this.session.otherSender() && Date.now() < until) await new Promise((r) => setTimeout(r, 500));
      if (this.session.otherSender()) {
        this.view.host.toast(l10n.t('The other window is still answering; try again when it has finished, or take the conversation over.'), 'error');
        return undefined;
      }
    }
    return act();
  }

  private otherWindowChanged(state: 'sending' | 'took-over' | undefined): void {
    if (state === this.otherWindowState) return;
    this.otherWindowState = state;
    if (!state) return;
    const take = l10n.t('Take Over');
    const text =
      state === 'sending'
        ? l10n.t(
            'Another window is answering in this conversation; this window follows it. Take it over to send from here (that window then stops and this one continues its answer).',
          )
        : l10n.t('Another window took this conversation over; it continues the answer. This window follows it.');
    this.log.info(`Conversation ${this.session.conversationId}: ${state === 'sending' ? 'another window sends; following it' : 'taken over by another window'}.`);
    void vscode.window.showInformationMessage(text, take).then((pick) => {
      if (pick !== take) return;
      if (this.session.takeOver()) {
        this.otherWindowState = undefined;
        this.resumeIfInterrupted();
      }
    });
  }

  /** The conversation cannot be written (a full or read-only disk), or can again. */
  private storageChanged(problem: string | undefined): void {
    const was = this.storageProblem;
    this.storageProblem = problem;
    if (problem) {
      if (was) return;
      this.log.warn(`The conversation is not being saved: ${problem}. It is kept in this window and written when that is possible again.`);
      this.view.host.toast(l10n.t('Not being saved: {0}. The answer goes on here and is written to disk when there is room again.', problem), 'error');
    } else if (was) {
      this.log.info('The conversation is saved again.');
      this.view.host.toast(l10n.t('Saved again: everything held in this window is written to disk.'), 'info');
    }
  }

  /** Nothing can be saved now: send anyway (kept in this window until it can be written), or keep the message in the box. */
  private async confirmUnsaved(why: string): Promise<boolean> {
    const send = l10n.t('Send Without Saving');
    const pick = await vscode.window.showWarningMessage(
      l10n.t('This conversation cannot be saved: {0}.', why),
      {
        modal: true,
        detail: l10n.t(
          'Send anyway and it is kept in this window only, and written to disk when that is possible again (it is lost if the window closes first). Or cancel: your message stays in the box.',
        ),
      },
      send,
    );
    return pick === send;
  }

  /** Every message the chat webview can send, each handled here. */
  private handlers(): MessageHandlers {
    return {
      send: (m) => this.send(m.text, [], { background: m.background }),
      stop: () => this.session.stop(),
      retry: (m) => this.afterOtherWindow(() => this.session.retry(m.turnId)),
      resume: (m) => this.session.resume(m.turnId),
      resendLocal: (m) => this.session.resendWithLocalHistory(m.turnId),
      editLast: async (m) => {
        let extra: Content[];
        try {
          extra = (await this.mentions.resolve(m.text)).parts;
        } catch (err) {
          this.view.host.toast(err instanceof AttachmentError ? err.message : errorText(err), 'error');
          this.view.host.post({ type: 'draft', text: m.text });
          return undefined;
        }
        return this.afterOtherWindow(() => this.session.editLast(m.text, extra, m.turnId));
      },
      newChat: () => this.newChat(),
      setModel: (m) => this.choose({ model: m.model }),
      setThinking: (m) => this.choose({ thinkingLevel: m.level }),
      setGeneration: (m) => this.choose({ generation: m.generation }),
      setPlan: (m) => {
        this.modes.plan = m.value;
        if (m.value) this.modes.setResearch(false);
        void this.view.host.refreshState();
      },
      planAction: async (m) => {
        const last = this.session.data?.turns.at(-1);
        if (this.session.busy || !last?.plan || last.id !== m.turnId) {
          this.view.host.toast(l10n.t('Only the last plan can be started, once its answer has ended.'), 'info');
          return;
        }
        // The same conversation goes on, now with every tool.
        this.modes.plan = false;
        void this.view.host.refreshState();
        await this.send(PLAN_START_TEXT);
      },
      setResearch: (m) => {
        this.modes.setResearch(m.value);
        if (m.value) this.modes.plan = false;
        void this.view.host.refreshState();
      },
      researchAction: async (m) => {
        const turn = this.session.data?.turns.find((t) => t.id === m.turnId);
        if (m.action === 'save') return void (turn?.research ? await this.research.saveReport(turn) : undefined);
        const last = this.session.data?.turns.at(-1);
        if (this.session.busy || last?.research !== 'plan' || last.id !== m.turnId || last.state !== 'completed') {
          this.view.host.toast(l10n.t('Only the last research plan can be started, once it has arrived.'), 'info');
          return;
        }
        // The same chain goes on with collaborative planning off: the agent carries the plan out.
        await this.send(RESEARCH_START_TEXT, [], { research: 'run' });
      },
      setMode: (m) => {
        if (this.session.data?.turns.length) {
          this.view.host.toast(l10n.t('This conversation’s mode is fixed once it has started. Start a New Chat to change it.'), 'info');
          void this.view.host.refreshState();
          return;
        }
        this.choose({ mode: m.mode });
      },
      setToggle: (m) => this.choose(m.name === 'googleSearch' ? { googleSearch: m.value } : m.name === 'urlContext' ? { urlContext: m.value } : { codeExecution: m.value }),
      draft: (m) => {
        if (m.text.trim()) this.prepareSend();
        return this.state.update(this.key(DRAFT_KEY), m.text);
      },
      attach: (m) => this.attachments.attach(m.kind),
      attachData: (m) => this.attachments.addBytes(m.name, Buffer.from(m.data, 'base64'), m.mimeType),
      removeAttachment: (m) => this.attachments.remove(m.id),
      previewAttachment: (m) => this.attachments.preview(m.id),
      attachmentOptions: async (m) => {
        const error = await this.attachments.setOptions(m.id, m.options);
        this.view.host.post({ type: 'attachmentOptionsResult', id: m.id, ...(error ? { error } : {}) });
      },
      setKey: () => vscode.commands.executeCommand('gemini.setApiKey'),
      codeAction: (m) => this.content.codeBlock(m.action, m.code, m.language),
      openLink: (m) => this.content.openLink(m.url),
      image: (m) => this.content.image(this.session, m.action, m.turnId, m.step, m.content),
      approval: (m) => this.tools?.handleApproval(m.requestId, m.decision),
      undoTurn: (m) => this.undoTurn(m.turnId),
      runRemote: (m) => (this.runRemote ? this.runRemote(m.text) : vscode.commands.executeCommand('gemini.runRemoteTask')),
      showHistory: () => vscode.commands.executeCommand('gemini.searchHistory'),
      // Only opens VS Code's own picker: what is picked is chosen there, never by the webview.
      chooseTools: () => vscode.commands.executeCommand('gemini.chooseTools'),
      queue: (m) => this.enqueue(m.text),
      mentionQuery: async (m) => this.view.host.post({ type: 'mentionCandidates', seq: m.seq, items: await this.mentions.candidates(m.kind, m.query) }),
      queueAction: (m) => this.queueAction(m.id, m.action),
      // Only a file the turn itself listed (the webview cannot name any path).
      openInstruction: async (m) => {
        const listed = this.session.data?.turns.find((t) => t.id === m.turnId)?.instructions ?? [];
        if (!listed.includes(m.file) || !(await this.instructions.open(m.file))) this.view.host.toast(l10n.t('{0} is not there any more.', m.file), 'info');
      },
      // Only a skill the turn itself loaded.
      openSkill: async (m) => {
        const listed = this.session.data?.turns.find((t) => t.id === m.turnId)?.skills ?? [];
        if (!listed.includes(m.skill) || !(await this.tools?.openSkill?.(m.skill))) this.view.host.toast(l10n.t('{0} is not there any more.', m.skill), 'info');
      },
      runAction: () => undefined, // run tabs only; the chat view has no run header
    };
  }

  /** A composer pick: applies to this conversation (and the next message) at once. */
  choose(patch: ComposerChoices): void {
    this.session.setComposer(patch);
    const { mode: _mode, ...carry } = this.session.composer();
    void this.state.update(this.key(COMPOSER_KEY), carry);
    void this.view.host.refreshState();
  }

  private restored = false;
  /** Reopen the conversation this window had open (once, when the chat view is first shown). */
  private restoreActive(): void {
    if (this.restored || this.session.data) return;
    this.restored = true;
    const active = this.state.get<string>(this.key(ACTIVE_KEY));
    if (active && this.store.exists(active) && !this.shownElsewhere(active)) this.session.open(active);
  }

  private async panelState(): Promise<PanelState> {
    const tools = this.tools?.enabled() ?? { enabled: false, reason: undefined };
    const hasKey = await this.keys.has();
    void vscode.commands.executeCommand('setContext', 'gemini.hasKey', hasKey);
    return {
      hasKey,
      toolsEnabled: tools.enabled,
      toolsDisabledReason: tools.reason,
      externalTools: this.tools?.pickedExternal?.() ?? 0,
      busy: this.session.busy,
      settings: settingsView(this.session),
      plan: this.modes.plan,
      research: this.modes.research,
    };
  }

  private rememberActive(): void {
    void this.state.update(this.key(ACTIVE_KEY), this.session.conversationId);
  }

  /**
   * The user is writing a message: make ahead what its turn is sent with that does not depend on
   * it (the tools on offer, the skills, the instruction files), so that Enter sends at once.
   */
  private prepareSend(): void {
    if (this.session.busy || this.modes.research) return;
    this.tools?.prepare?.({ readOnly: this.modes.plan, root: this.worktree?.dir });
    this.instructions.prepare(this.session.settings().systemInstruction);
  }

  /** Send a message (from the panel or a command). Attachments pending in the composer go with it. */
  async send(text: string, extra: Content[] = [], opts: { background?: boolean; research?: ResearchPhase } = {}): Promise<void> {
    const arrived = performance.now();
    this.restoreActive();
    const host = this.view.host;
    if (this.session.busy || this.session.otherSender()) {
      // Written while an answer streams (here or in another window on this conversation): it waits
      // its turn (nothing is lost, nothing is sent twice, nothing forks).
      if (text.trim() && !extra.length) this.enqueue(text);
      else {
        host.toast(l10n.t('Gemini is still answering. Stop it first or wait.'), 'info');
        if (text.trim()) host.post({ type: 'draft', text });
      }
      return;
    }
    let research = opts.research;
    if (!research && this.modes.research) {
      if ((this.session.data?.meta.mode ?? this.session.settings().mode) === 'stateless') {
        host.toast(l10n.t('Deep Research runs on the server and needs a stored conversation. Start a New Chat in the stored mode to use it; your message is kept.'), 'error');
        host.post({ type: 'draft', text });
        return;
      }
      // With collaborative planning a message asks for a plan (or edits the one there is); "Start research" runs it.
      research = setting('researchPlanning') ? 'plan' : 'run';
    }
    if (!(this.keys.hasNow() ?? (await this.keys.has()))) {
      host.authRequired(l10n.t('No Gemini API key is set. Add one to start chatting; your message is kept.'));
      host.post({ type: 'draft', text });
      return;
    }
    let attached: Content[];
    try {
      attached = this.attachments.contents();
    } catch (err) {
      host.toast(err instanceof AttachmentError ? err.message : errorText(err), 'error');
      host.post({ type: 'draft', text });
      return;
    }
    // What the mentions name, read now (a #mention that names nothing keeps the message in the box).
    let mentioned: Content[];
    try {
      mentioned = (await this.mentions.resolve(text)).parts;
    } catch (err) {
      host.toast(err instanceof AttachmentError ? err.message : l10n.t('A mention could not be read: {0}', errorText(err)), 'error');
      host.post({ type: 'draft', text });
      return;
    }
    if (this.session.busy) {
      // Another message started while the mentions were read: this one waits its turn.
      this.enqueue(text);
      return;
    }
    const input: Content[] = [];
    if (text.trim()) input.push({ type: 'text', text });
    input.push(...extra, ...mentioned, ...attached);
    if (!input.length) return;
    this.attachments.clear();
    // How long the host took from Enter to the request leaving (in the log: the benchmark reads it).
    this.sendTiming = { arrived, prepared: performance.now() };
    const done = this.session.send(input, research ? { research } : { plan: this.modes.plan, background: opts.background });
    this.rememberActive();
    await done;
    this.rememberActive();
  }

  // ---------------------------------------------------------------- queue

  private queued(): QueuedView[] {
    return this.queue.items();
  }

  /** Show the queue (a reconnected webview). */
  showQueue(): void {
    this.view.host.post({ type: 'queue', items: this.queue.items() });
  }

  private enqueue(text: string): void {
    if (!this.queue.add(text)) {
      this.view.host.toast(l10n.t('At most {0} messages can wait in the queue; the text is back in the box.', MAX_QUEUED), 'info');
      this.view.host.post({ type: 'draft', text });
      return;
    }
    // Nothing is running any more (the turn ended meanwhile): send it now.
    if (!this.session.busy && !this.session.otherSender()) void this.sendQueued();
    else if (this.session.otherSender()) {
      this.queueWaitsForOther = true;
      this.view.host.toast(l10n.t('Another window is answering in this conversation; your message waits in the queue until it has finished.'), 'info');
    }
  }

  private queueAction(id: string, action: QueueAction): void {
    const effect = this.queue.act(id, action, this.session.busy);
    if (effect.kind === 'edit') this.view.host.post({ type: 'draft', text: effect.text, append: true });
    else if (effect.kind === 'send') void this.send(effect.text);
    else if (effect.kind === 'busy') this.view.host.toast(l10n.t('Gemini is still answering: the message goes when this answer ends.'), 'info');
  }

  /** The first message marked "steer now", out of the queue, for the running turn's next request. */
  private takeSteer(): string | undefined {
    return this.queue.takeSteer();
  }

  /** Send the first queued message, if the chat is idle. */
  private async sendQueued(): Promise<void> {
    if (this.session.busy || this.session.otherSender()) return;
    const next = this.queue.takeNext();
    if (next) await this.send(next.text);
  }

  /**
   * A chat link (`vscode://…/chat?prompt=…`): a new conversation with its text as a draft, never
   * sent by itself, with where it came from. A draft the user had is kept to restore.
   */
  async openFromLink(uri: vscode.Uri): Promise<void> {
    let link: ChatLink;
    try {
      link = parseChatLink(uri.path, uri.query);
    } catch (err) {
      void vscode.window.showWarningMessage(l10n.t('Gemini: {0}', errorText(err)));
      return;
    }
    if (this.session.busy) {
      const open = l10n.t('Open in a New Chat');
      const pick = await vscode.window.showInformationMessage(l10n.t('Gemini is still answering. Open the text of the link in a new chat?'), open);
      if (pick !== open) return;
      if (this.session.busy) {
        void vscode.window.showWarningMessage(l10n.t('Gemini is still answering; stop it first, then open the link again.'));
        return;
      }
    }
    const previous = this.state.get<string>(this.key(DRAFT_KEY), '');
    this.newChat();
    // The draft is saved before the view shows, so a view that opens now starts with it.
    await this.state.update(this.key(DRAFT_KEY), link.prompt);
    await this.view.reveal(false);
    const opened = `${uri.scheme}://${uri.authority}${uri.path}`;
    this.view.host.post({ type: 'linkDraft', text: link.prompt, notice: chatLinkNotice(link, opened), ...(previous.trim() && previous !== link.prompt ? { previous } : {}) });
  }

  /** Put text into the composer (commands such as Ask About This File). */
  setDraft(text: string, append = false): void {
    this.view.host.post({ type: 'draft', text, append });
  }

  toast(text: string, kind: 'info' | 'error' = 'info'): void {
    this.view.host.toast(text, kind);
  }

  newChat(): void {
    this.session.newChat();
    this.presenter.showConversation(undefined);
    void this.state.update(this.key(ACTIVE_KEY), undefined);
    void this.view.host.refreshState();
    this.changed.fire();
  }

  open(id: string): boolean {
    const ok = this.session.open(id);
    if (ok) {
      this.rememberActive();
      this.changed.fire();
      void this.view.host.refreshState();
      // An answer interrupted by a reload continues where it stopped.
      this.resumeIfInterrupted();
    }
    return ok;
  }

  /** Called when the view becomes ready after a window reload. */
  resumeIfInterrupted(): void {
    const last = this.session.data?.turns[this.session.data.turns.length - 1];
    if (last?.state === 'interrupted' && last.resume && this.session.data?.meta.mode === 'stateful' && !this.session.busy) void this.session.resume(last.id);
  }

  private async undoTurn(turnId: string): Promise<void> {
    if (!this.tools) return;
    const { text, keep } = await this.tools.undoTurn(turnId);
    if (!keep) {
      const turn = this.session.markUndone(turnId);
      if (turn) this.presenter.turnEnded(turn);
    }
    this.view.host.toast(text, keep ? 'error' : 'info');
  }

  // ---------------------------------------------------------------- Deep Research

  /** "Gemini: Start Deep Research…": a new chat in Deep Research mode with the question (and the attached files). */
  async startResearch(question?: unknown): Promise<void> {
    const text =
      typeof question === 'string' && question.trim()
        ? question
        : await vscode.window.showInputBox({
            title: l10n.t('Deep Research'),
            prompt: l10n.t('What should Deep Research find out? It runs in the background and saves a cited report; files attached in the chat go with it.'),
            placeHolder: l10n.t('e.g. How do current WebAssembly runtimes compare on startup time?'),
            ignoreFocusOut: true,
            validateInput: (v) => (v.trim() ? undefined : l10n.t('Type a question.')),
          });
    if (!text?.trim()) return;
    await this.view.reveal(false);
    if (this.session.busy) {
      this.view.host.toast(l10n.t('Gemini is still answering. Stop it first or wait.'), 'info');
      this.view.host.post({ type: 'draft', text });
      return;
    }
    this.newChat();
    if (this.session.settings().mode === 'stateless') this.choose({ mode: 'stateful' });
    this.modes.setResearch(true);
    this.modes.plan = false;
    await this.view.host.refreshState();
    await this.send(text);
  }

  exportChat(format?: 'markdown' | 'json'): Promise<vscode.Uri | undefined> {
    return exportConversation(this.session.data, format);
  }

  /**
   * The user closed this editor tab: its running answer is suspended (it continues, resumed, where
   * the conversation is opened next), and what the workspace kept for the tab goes.
   */
  closed(): void {
    if (!this.tab) return;
    for (const k of [ACTIVE_KEY, DRAFT_KEY, COMPOSER_KEY, QUEUE_KEY, 'gemini.researchMode']) void this.state.update(this.key(k), undefined);
    this.attachments.clear();
  }

  dispose(): void {
    this.session.suspend();
    // A reload or a closed window hands its conversations over at once (a crash: when the lease
    // lapses); a closed tab hands over its own conversation only.
    const id = this.session.conversationId;
    if (!this.tab) this.leases.releaseAll();
    else if (id) this.leases.release(id);
    this.changed.dispose();
    this.attention.dispose();
    this.disposables.forEach((d) => d.dispose());
    this.mentions.dispose();
  }
}
