/**
 * A chat session: one conversation, its journal, and the turn that is running. Knows nothing
 * of VS Code; the chat view implements `SessionView` and feeds user actions in.
 */
import { ApiError } from '../client/errors';
import type { RetryNotice } from '../client/http';
import type { ToolActivity } from '../../shared/protocol';
import type { GenerationChoices, ThinkingChoice } from '../../shared/vocab';
import type { Content, FunctionTool, GenerationConfig, InteractionEvent, Step, Tool, Usage } from '../protocol/types';
import { TurnAccumulator, sumUsage, type StepChange } from './accumulator';
import { TurnEngine, type ToolRunner, type TurnContext, type TurnOutcome, type TurnSettings } from './engine';
import {
  JOURNAL_TOOL_OUTPUT_CHARS,
  mergeToolActivity,
  titleFrom,
  type ComposerChoices,
  type ConversationData,
  type ConversationMode,
  type ConversationStore,
  type Journal,
  type JournalRecord,
  type TurnRecord,
  StorageError,
  storageProblemText,
} from './journal';
import { l10n } from '../../shared/l10n';
import { researchTurnSettings, type ResearchOptions, type ResearchPhase } from '../research';
import { parseLine } from './frame';
import { TurnPager } from './paging';
import { errorText } from '../../shared/errorText';

export interface ChatSettings {
  model: string;
  thinkingLevel: ThinkingChoice;
  googleSearch: boolean;
  urlContext: boolean;
  codeExecution: boolean;
  mode: ConversationMode;
  maxSteps: number;
  systemInstruction?: string;
  generation?: GenerationChoices;
}

export interface SessionView {
  conversationLoaded(data: ConversationData): void;
  turnStarted(turn: TurnRecord): void;
  turnChanges(turnId: string, changes: StepChange[], steps: Step[]): void;
  turnEnded(turn: TurnRecord): void;
  /** The instruction files a turn sent (shown on the turn, each linking to its file). */
  instructions?(turnId: string, files: string[]): void;
  /** The Agent Skills a turn loaded so far. */
  skills?(turnId: string, skills: string[]): void;
  /** An interrupted turn streams again (resumed after a reload or an outage). */
  turnResumed?(turn: TurnRecord): void;
  notice(turnId: string, text: string, kind: 'retry' | 'resume' | 'info'): void;
  /** A tool call's state changed (journaled with the turn first). */
  tool?(turnId: string, activity: ToolActivity): void;
  /** Streamed command output (shown live; the final text is journaled with the call). */
  toolOutput?(turnId: string, callId: string, text: string): void;
  busy(busy: boolean): void;
  /** The API rejected the key (or none is set): show the key screen, keep the draft. */
  authRequired(message: string): void;
  /** The conversation cannot be saved now (why), or can again (undefined). */
  storage?(problem: string | undefined): void;
  /** Another window sends to this conversation and this one follows it, or took it over from this one; undefined: this window may send. */
  otherWindow?(state: 'sending' | 'took-over' | undefined): void;
  /** A create request of the turn leaves for the API (the first one: the user's Enter has been answered). */
  requestSent?(turnId: string): void;
}

/** What a turn's tools report back: the session journals it and shows it. */
export interface ToolReporter {
  update(activity: ToolActivity): void;
  output(callId: string, text: string): void;
  /** The model loaded an Agent Skill (the display path of its SKILL.md). */
  skill?(display: string): void;
}

export interface TurnTools {
  /** Function declarations to send (empty when tools are off, e.g. Restricted Mode). */
  declarations: FunctionTool[];
  runner: ToolRunner | undefined;
  /** Called when the turn ends (undo snapshots). */
  finish?(): { available: boolean; files: number } | undefined;
  /** Tools the API runs itself that the user turned on (remote `mcp_server` tools). */
  serverTools?: Tool[];
  /** What the system instruction says of these tools (the Agent Skills on offer). */
  instruction?: string;
  /** Tokens the turn's tools spent on the API themselves (subagents): counted in the turn's usage. */
  usage?(): Usage | undefined;
}

export interface SessionDeps {
  /** The engine for one turn, wired to that turn's tool runner. */
  engine: (tools: ToolRunner | undefined) => TurnEngine;
  store: ConversationStore;
  view: SessionView;
  settings: () => ChatSettings;
  /** Tools for one turn (a fresh runner per turn carries the turn's approvals and undo); `readOnly` in plan mode. */
  tools: (turnId: string, report: ToolReporter, opts?: { readOnly?: boolean }) => TurnTools | Promise<TurnTools>;
  newId: () => string;
  now?: () => number;
  /** The project's instruction files for a turn, put into the system instruction (absent: none). */
  instructions?: (base: string | undefined) => Promise<{ systemInstruction: string | undefined; used: string[] }>;
  /** Override how a turn is configured (remote agent runs: agent, environment, background). */
  turnSettings?: (s: ChatSettings, declarations: FunctionTool[], serverTools?: Tool[]) => TurnSettings;
  /** A message to send with the running turn's next function results (the queue's "steer now"). */
  takeSteer?: () => string | undefined;
  /** Which Deep Research agent a research turn goes to, and how. */
  research?: () => ResearchOptions;
  /** Cancel a background interaction on the server (Stop on a background turn). */
  cancelRemote?: (interactionId: string) => Promise<unknown>;
  /** Only one window sends to a conversation at a time (absent: this window alone). */
  lease?: ConversationLease;
  /** Whether to send what cannot be saved now (a full or read-only disk); absent: it is sent and kept in memory. */
  confirmUnsaved?: (why: string) => Promise<boolean>;
}

/** The lease behind "one window sends to a conversation at a time" (core/lease.ts). */
export interface ConversationLease {
  acquire(id: string): boolean;
  take(id: string): boolean;
  release(id: string): void;
  holder(id: string): string | undefined;
}

/** How often a window that sends renews its lease on the conversation. */
const LEASE_RENEW_MS = 4000;

const CHAINABLE = new Set(['completed', 'incomplete', 'budget_exceeded']);

/** Added to the system instruction of a plan-first turn (the model has only read-only tools then). */
export const PLAN_INSTRUCTION =
  'Plan mode: do not change anything yet. Investigate with the read-only tools you have, then answer with a short, numbered plan of the changes you would make (files, what changes, how to verify). The user approves the plan before you act; you will then have all tools.';

/** What "Start" on a plan sends (the same conversation, now with every tool). */
export const PLAN_START_TEXT = 'Go ahead: carry out the plan above.';

/** The error code of a turn whose conversation is gone from the server (resending the local history is offered). */
export const PREVIOUS_GONE = 'PREVIOUS_GONE';

export class ChatSession {
  data: ConversationData | undefined;
  private journal: Journal | undefined;
  private running: { turnId: string; abort: AbortController; done: Promise<void> } | undefined;
  private readonly now: () => number;
  /** Set while the host shuts down: a running turn is left "interrupted" for the next host to resume. */
  private suspending = false;
  /** The composer's choices before the conversation exists (a new chat). */
  private pendingComposer: ComposerChoices = {};
  /** Another window took the conversation over while a turn ran here: the turn is left resumable for it. */
  private yielded = false;
  /** The conversation file as this window last read or wrote it (size and time): another window's writes change it. */
  private seen: string | undefined;
  /** Told when the journal cannot be written, and when it can again. */
  private readonly health = {
    problem: (err: Error) => this.deps.view.storage?.(storageProblemText(err)),
    recovered: () => this.deps.view.storage?.(undefined),
  };

  constructor(private readonly deps: SessionDeps) {
    this.now = deps.now ?? Date.now;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  get conversationId(): string | undefined {
    return this.data?.meta.id;
  }

  /** Start an empty conversation (the file is created on the first message); the picks carry over. */
  newChat(): void {
    this.stop();
    const { mode: _mode, ...keep } = this.composer();
    this.pendingComposer = keep;
    this.data = undefined;
    this.journal?.dispose();
    this.journal = undefined;
    this.seen = undefined;
  }

  /** The composer's choices for this conversation (model, thinking, toggles, mode before it starts). */
  composer(): ComposerChoices {
    return this.data?.meta.composer ?? this.pendingComposer;
  }

  /** Change a composer choice: effective for the next message at once, kept with the conversation. */
  setComposer(patch: ComposerChoices): void {
    if (this.data && this.journal) {
      const { mode: _mode, ...rest } = patch;
      this.data.meta.composer = { ...this.data.meta.composer, ...rest };
      this.journal.append({ r: 'composer', c: rest });
    } else this.pendingComposer = { ...this.pendingComposer, ...patch };
  }

  /** The settings the next turn uses: the defaults with this conversation's choices on top. */
  settings(): ChatSettings {
    const base = this.deps.settings();
    const c = this.composer();
    const pick = <K extends keyof ComposerChoices>(k: K, d: ChatSettings[K & keyof ChatSettings]) => (c[k] !== undefined ? c[k] : d);
    return {
      ...base,
      model: pick('model', base.model) as string,
      thinkingLevel: pick('thinkingLevel', base.thinkingLevel) as ThinkingChoice,
      googleSearch: pick('googleSearch', base.googleSearch) as boolean,
      urlContext: pick('urlContext', base.urlContext) as boolean,
      codeExecution: pick('codeExecution', base.codeExecution) as boolean,
      generation: c.generation ?? base.generation,
      mode: this.data ? this.data.meta.mode : (pick('mode', base.mode) as ConversationMode),
    };
  }

  /** Open a stored conversation. Returns false when it does not exist. */
  open(id: string): boolean {
    this.stop();
    const stamp = this.deps.store.stamp(id);
    const data = this.deps.store.load(id);
    if (!data) return false;
    this.data = data;
    if (this.journal?.path !== this.deps.store.journal(id).path) {
      this.journal?.dispose();
      this.journal = this.deps.store.journal(id, this.health);
    }
    this.seen = stamp;
    this.deps.view.conversationLoaded(data);
    this.pageOld();
    return true;
  }

  /** The conversation whose lease `claim` took last, and when (the turn it was taken for does not write it again). */
  private claimed: { id: string; at: number } | undefined;

  /** Older finished turns are kept on disk only (core/conversation/paging.ts). */
  private readonly pager = new TurnPager((id) => this.deps.store.load(id));

  /**
   * Page out the older finished turns: only in a stored conversation whose journal holds all of
   * it (a stateless one sends its whole history with every message; a full disk keeps it here).
   */
  private pageOld(): void {
    const data = this.data;
    if (!data || data.meta.mode !== 'stateful' || !this.journal || this.journal.unsaved || this.journal.problem) return;
    this.pager.page(data);
  }

  /**
   * Another window wrote to this conversation since this one last looked: read it again (shown
   * as it is on disk). Returns whether it changed. Never while a turn runs here.
   */
  sync(): boolean {
    const id = this.data?.meta.id;
    if (!id || this.running) return false;
    const stamp = this.deps.store.stamp(id);
    if (stamp === undefined || stamp === this.seen) return false;
    const data = this.deps.store.load(id);
    this.seen = stamp;
    if (!data) return false;
    // What this window holds but could not write yet (a full disk) stays as it is.
    if (this.journal?.unsaved) return false;
    this.data = data;
    this.deps.view.conversationLoaded(data);
    this.pageOld();
    return true;
  }

  /** Who sends to this conversation now, when it is another window (this window follows it). */
  otherSender(): string | undefined {
    const id = this.data?.meta.id;
    const holder = id ? this.deps.lease?.holder(id) : undefined;
    return holder && !this.running ? holder : undefined;
  }

  /**
   * Only one window sends to a conversation at a time: take its lease (free, lapsed or ours), then
   * read what other windows wrote, so the next message chains from the newest turn on disk.
   * False (and the view told) when another window is sending.
   */
  private claim(): boolean {
    const id = this.data?.meta.id;
    if (!id || !this.deps.lease) return true;
    if (!this.deps.lease.acquire(id)) {
      this.deps.view.otherWindow?.('sending');
      return false;
    }
    this.claimed = { id, at: Date.now() };
    this.deps.view.otherWindow?.(undefined);
    this.sync();
    return true;
  }

  /** The user takes the conversation over from the window that sends to it (that window leaves its answer for this one to resume). */
  takeOver(): boolean {
    const id = this.data?.meta.id;
    if (!id || !this.deps.lease || this.running) return false;
    if (!this.deps.lease.take(id)) return false;
    this.deps.view.otherWindow?.(undefined);
    this.sync();
    return true;
  }

  private ensureConversation(first: Content[], keepUnsaved: boolean): { data: ConversationData; journal: Journal } {
    if (!this.data || !this.journal) {
      const s = this.settings();
      const id = this.deps.newId();
      const created = this.now();
      const title = titleFrom(first);
      const { mode: _mode, ...choices } = this.pendingComposer;
      this.journal = this.deps.store.create({ id, mode: s.mode, model: s.model, title, created }, this.health, keepUnsaved);
      if (this.journal.problem) this.health.problem(this.journal.problem);
      this.data = { meta: { id, title, created, updated: created, mode: s.mode, model: s.model, turns: 0 }, turns: [] };
      if (Object.keys(choices).length) {
        this.data.meta.composer = choices;
        this.journal.append({ r: 'composer', c: choices });
      }
      this.pendingComposer = {};
    }
    return { data: this.data, journal: this.journal };
  }

  private chainFrom(turns: TurnRecord[]): string | undefined {
    for (let k = turns.length - 1; k >= 0; k--) {
      const t = turns[k]!;
      if (t.chainFrom && CHAINABLE.has(t.state)) return t.chainFrom;
    }
    return undefined;
  }

  /** Every earlier step exactly as received (stateless mode, or when the server copy is gone). */
  localHistory(turns: TurnRecord[]): Step[] {
    const out: Step[] = [];
    for (const t of turns) {
      if (!CHAINABLE.has(t.state)) continue;
      out.push({ type: 'user_input', content: t.input });
      out.push(...t.steps);
    }
    return out;
  }

  turnSettings(s: ChatSettings, declarations: FunctionTool[], serverTools: Tool[] = []): TurnSettings {
    return chatTurnSettings(s, declarations, serverTools);
  }

  /** Send a user message. Resolves when the turn has ended (successfully or not). */
  async send(
    input: Content[],
    opts: { localHistory?: boolean; plan?: boolean; background?: boolean; research?: ResearchPhase; saveChecked?: boolean } = {},
  ): Promise<TurnRecord | undefined> {
    if (this.running) return undefined;
    const problem = this.storageProblem();
    // Awaited only when there is something to ask (a send goes on in the same task otherwise).
    if (problem && !opts.saveChecked && !(await this.okToSend(problem))) return undefined;
    if (this.running || !this.claim()) return undefined;
    let conv: { data: ConversationData; journal: Journal };
    try {
      conv = this.ensureConversation(input, !!problem);
    } catch (err) {
      if (!(err instanceof StorageError)) throw err;
      // The disk filled between the check and the write: ask, then keep it in memory.
      if (this.deps.confirmUnsaved && !(await this.deps.confirmUnsaved(err.message))) return undefined;
      conv = this.ensureConversation(input, true);
    }
    const { data, journal } = conv;
    const s = this.settings();
    const mode = data.meta.mode;
    const previous = mode === 'stateful' && !opts.localHistory ? this.chainFrom(data.turns) : undefined;
    const turn: TurnRecord = {
      id: this.deps.newId(),
      created: this.now(),
      input,
      model: s.model,
      state: 'streaming',
      steps: [],
      interactionIds: [],
      notices: [],
      previous,
      ...(opts.plan ? { plan: true } : {}),
      // The server keeps running it only if it stores it: a stateless conversation cannot.
      ...(opts.background && mode === 'stateful' ? { background: true } : {}),
      // Deep Research always runs in the background, in a stored conversation (the caller checks).
      ...(opts.research && mode === 'stateful' ? { research: opts.research, background: true } : {}),
    };
    if (data.turns.length === 0 && data.meta.title === 'New chat') {
      data.meta.title = titleFrom(input);
      journal.append({ r: 'title', title: data.meta.title });
    }
    const earlier = [...data.turns];
    data.turns.push(turn);
    data.meta.turns = data.turns.length;
    journal.append({
      r: 'turn',
      t: turn.id,
      at: turn.created,
      input,
      model: s.model,
      previous,
      ...(turn.plan ? { plan: true as const } : {}),
      ...(turn.background ? { background: true as const } : {}),
      ...(turn.research ? { research: turn.research } : {}),
    });
    this.deps.view.turnStarted(turn);
    if (this.pendingNotice) {
      turn.notices.push(this.pendingNotice);
      journal.append({ r: 'note', t: turn.id, text: this.pendingNotice });
      this.deps.view.notice(turn.id, this.pendingNotice, 'info');
      this.pendingNotice = undefined;
    }
    const ctx: TurnContext = mode === 'stateless' || opts.localHistory ? { history: this.localHistory(earlier) } : { previousInteractionId: previous };
    await this.run(turn, journal, ctx, { ...s, mode });
    return turn;
  }

  /** Why nothing can be saved now (a full or read-only disk), or undefined. */
  private storageProblem(): Error | undefined {
    return this.data ? this.journal?.problem : this.deps.store.writable();
  }

  /** Nothing can be saved now: the user decides whether to send anyway (kept in memory until it can be written). */
  private async okToSend(problem = this.storageProblem()): Promise<boolean> {
    return !problem || !this.deps.confirmUnsaved || (await this.deps.confirmUnsaved(storageProblemText(problem)));
  }

  /** Resume a turn whose stream was interrupted (window reload): stream-get from the last event. */
  async resume(turnId: string): Promise<void> {
    if (this.running || !this.data || !this.journal) return;
    // Another window may be streaming it right now: only the lease holder resumes (and reads what that window wrote first).
    if (!this.claim()) return;
    const data = this.data;
    const turn = data.turns.find((t) => t.id === turnId);
    if (!turn || turn.state !== 'interrupted' || !turn.resume || data.meta.mode === 'stateless') {
      if (data.meta.id && this.deps.lease) this.deps.lease.release(data.meta.id);
      return;
    }
    // Rebuild the accumulator exactly as the stream left it (index map included).
    const acc = new TurnAccumulator();
    const text = this.deps.store.readText(data.meta.id);
    if (text) replayTurnEvents(text, turn.id, acc);
    const { interactionId, lastEventId } = turn.resume;
    turn.state = 'streaming';
    this.deps.view.turnResumed?.(turn);
    const note = l10n.t('Resuming the interrupted answer…');
    turn.notices.push(note);
    this.journal.append({ r: 'note', t: turn.id, text: note });
    this.deps.view.notice(turn.id, note, 'resume');
    const s = this.settings();
    await this.run(turn, this.journal, { previousInteractionId: turn.previous }, s, { acc, interactionId, lastEventId });
  }

  private async run(
    turn: TurnRecord,
    journal: Journal,
    ctx: TurnContext,
    s: ChatSettings,
    resumeFrom?: { acc: TurnAccumulator; interactionId: string; lastEventId: string | undefined },
  ): Promise<void> {
    const abort = new AbortController();
    let finishRun!: () => void;
    this.running = { turnId: turn.id, abort, done: new Promise<void>((r) => (finishRun = r)) };
    this.deps.view.busy(true);
    // Keep the conversation's lease while the turn runs; taken over by another window, this one lets the answer go to it.
    const convId = this.data?.meta.id;
    const lease = this.deps.lease;
    // Taken by `claim` a moment ago (for this turn): not written again.
    const claimed = this.claimed;
    if (convId && lease && !(claimed?.id === convId && Date.now() - claimed.at < 1000)) lease.acquire(convId);
    this.claimed = undefined;
    const renew =
      convId && lease
        ? setInterval(() => {
            if (lease.acquire(convId)) return;
            this.yielded = true;
            abort.abort();
            this.deps.view.otherWindow?.('took-over');
          }, LEASE_RENEW_MS)
        : undefined;
    renew?.unref?.();
    // Tool activity is part of the turn: journaled (so a reload shows it), then shown.
    const outputs = new Map<string, string>();
    const report: ToolReporter = {
      update: (a) => {
        const list = (turn.tools ??= []);
        const patch: ToolActivity = { ...a };
        if ((a.status === 'done' || a.status === 'failed' || a.status === 'rejected') && outputs.has(a.callId)) {
          const out = outputs.get(a.callId)!;
          patch.output =
            out.length > JOURNAL_TOOL_OUTPUT_CHARS
              ? `${out.slice(0, JOURNAL_TOOL_OUTPUT_CHARS / 2)}\n… [${out.length - JOURNAL_TOOL_OUTPUT_CHARS} characters not kept in the history] …\n${out.slice(-JOURNAL_TOOL_OUTPUT_CHARS / 2)}`
              : out;
          outputs.delete(a.callId);
        }
        const merged = mergeToolActivity(list, patch);
        const { approval: _approval, ...stored } = merged;
        try {
          journal.append({ r: 'tool', t: turn.id, a: stored });
        } catch {
          /* disk full: still shown */
        }
        this.deps.view.tool?.(turn.id, merged);
      },
      output: (callId, text) => {
        const prev = outputs.get(callId) ?? '';
        if (prev.length < JOURNAL_TOOL_OUTPUT_CHARS * 4) outputs.set(callId, prev + text);
        else outputs.set(callId, prev.slice(0, JOURNAL_TOOL_OUTPUT_CHARS) + prev.slice(-JOURNAL_TOOL_OUTPUT_CHARS) + text);
        this.deps.view.toolOutput?.(turn.id, callId, text);
      },
      skill: (display) => {
        const list = (turn.skills ??= []);
        if (list.includes(display)) return;
        list.push(display);
        try {
          journal.append({ r: 'skill', t: turn.id, skill: display });
        } catch {
          /* disk full: still shown */
        }
        this.deps.view.skills?.(turn.id, [...list]);
      },
    };
    let tools: TurnTools;
    try {
      // The Deep Research agent runs its own tools on the server: none of ours go with it.
      tools = turn.research ? { declarations: [], runner: undefined } : await this.deps.tools(turn.id, report, { readOnly: turn.plan === true });
    } catch (err) {
      // Tools that cannot be set up (an MCP server that fails): the turn goes on without them.
      this.deps.view.notice(turn.id, l10n.t('The tools of this turn could not be prepared ({0}); it runs without them.', errorText(err)), 'info');
      tools = { declarations: [], runner: undefined };
    }
    if (this.deps.instructions && !turn.research) {
      try {
        const ins = await this.deps.instructions(s.systemInstruction);
        s = { ...s, systemInstruction: ins.systemInstruction };
        if (ins.used.length && !turn.instructions) {
          turn.instructions = ins.used;
          journal.append({ r: 'ins', t: turn.id, files: ins.used });
          this.deps.view.instructions?.(turn.id, ins.used);
        }
      } catch (err) {
        this.deps.view.notice(turn.id, l10n.t("The project's instruction files could not be read ({0}); the turn goes on without them.", errorText(err)), 'info');
      }
    }
    if (tools.instruction) s = { ...s, systemInstruction: [s.systemInstruction, tools.instruction].filter(Boolean).join('\n\n') };
    if (turn.plan) s = { ...s, systemInstruction: [s.systemInstruction, PLAN_INSTRUCTION].filter(Boolean).join('\n\n') };
    let settings = this.deps.turnSettings ? this.deps.turnSettings(s, tools.declarations, tools.serverTools) : this.turnSettings(s, tools.declarations, tools.serverTools);
    if (turn.background) settings = { ...settings, background: true };
    if (turn.research) settings = researchTurnSettings(turn.research, this.deps.research?.() ?? { agent: 'deep-research-preview-04-2026', visualization: 'auto' });
    const engine = this.deps.engine(tools.runner);
    const observer = {
      events: (batch: InteractionEvent[]) => journal.append({ r: 'ev', t: turn.id, e: batch }),
      begin: (k: 'continuation' | 'followup') => journal.append({ r: 'begin', t: turn.id, k }),
      local: (step: Step) => journal.append({ r: 'local', t: turn.id, step }),
      steer: () => this.deps.takeSteer?.(),
      changes: (changes: StepChange[], steps: Step[]) => this.deps.view.turnChanges(turn.id, changes, steps),
      requestSent: () => this.deps.view.requestSent?.(turn.id),
      note: (text: string) => {
        turn.notices.push(text);
        journal.append({ r: 'note', t: turn.id, text });
        this.deps.view.notice(turn.id, text, 'info');
      },
      retry: (n: RetryNotice) => {
        const text = l10n.t('Retrying (attempt {0}): {1}.', n.attempt + 0, n.reason);
        turn.notices.push(text);
        journal.append({ r: 'note', t: turn.id, text });
        this.deps.view.notice(turn.id, text, 'retry');
      },
      resume: (info: { lastEventId: string | undefined; reason: string }) => {
        const reason = info.reason.replace(/\.$/, '');
        const text = info.lastEventId
          ? l10n.t('Connection lost ({0}); resuming the stream from event {1}…', reason, info.lastEventId)
          : l10n.t('Connection lost ({0}); resuming the stream…', reason);
        turn.notices.push(text);
        journal.append({ r: 'note', t: turn.id, text });
        this.deps.view.notice(turn.id, text, 'resume');
      },
    };
    try {
      const outcome = resumeFrom
        ? await engine.resumeTurn(resumeFrom.acc, resumeFrom.interactionId, resumeFrom.lastEventId, turn.input, settings, ctx, observer, abort.signal)
        : await engine.runTurn(turn.input, settings, ctx, observer, abort.signal);
      const err = outcome.error;
      if (
        !resumeFrom &&
        outcome.status === 'error' &&
        err?.kind === 'not_found' &&
        err.code !== 'RESUME_REFUSED' &&
        ctx.previousInteractionId &&
        outcome.accumulator.interactionIds.length === 0
      ) {
        // The create itself answered 404 for previous_interaction_id: the server copy of the
        // conversation is gone and nothing was started. Resending the local history is offered,
        // never done behind the user's back.
        outcome.error = new ApiError(
          'not_found',
          l10n.t(
            'The stored conversation is no longer on the server (404), so this message was not sent. You can continue from the copy of the conversation kept here: its history is sent once, and the chat goes on from there.',
          ),
          { status: 404, code: PREVIOUS_GONE, retryable: false, cause: err },
        );
      }
      if (
        settings.background &&
        !this.suspending &&
        outcome.status === 'error' &&
        (outcome.error?.kind === 'network' || outcome.error?.kind === 'timeout') &&
        outcome.accumulator.interactionId
      ) {
        // A background run goes on on the server when our connection drops: the turn stays
        // resumable (no end record), and is followed again once the server answers.
        this.interrupt(turn, journal, outcome);
        return;
      }
      if (settings.background && outcome.status === 'stopped' && !this.suspending && outcome.accumulator.interactionId && this.deps.cancelRemote) {
        // Stop on a background run stops it on the server too (it would go on, and cost, otherwise).
        const id = outcome.accumulator.interactionId;
        let text: string;
        try {
          await this.deps.cancelRemote(id);
          text = l10n.t('Cancelled on the server.');
        } catch (err) {
          text = l10n.t('The run could not be cancelled on the server ({0}); it may go on there.', errorText(err));
        }
        turn.notices.push(text);
        journal.append({ r: 'note', t: turn.id, text });
        this.deps.view.notice(turn.id, text, 'info');
      }
      const undo = tools.finish?.();
      if (undo) {
        turn.undo = undo;
        journal.append({ r: 'undo', t: turn.id, available: undo.available, files: undo.files });
      }
      this.end(turn, journal, outcome, tools.usage?.());
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('protocol', errorText(err));
      this.end(turn, journal, { status: 'error', interactionId: undefined, chainFrom: undefined, steps: turn.steps, error: e, accumulator: new TurnAccumulator() });
    } finally {
      if (renew) clearInterval(renew);
      if (convId && lease && !this.yielded) lease.release(convId);
      if (this.yielded) {
        // The other window resumes the answer from what this one journaled.
        this.yielded = false;
        turn.state = 'interrupted';
        this.deps.view.turnEnded(turn);
      }
      this.running = undefined;
      this.seen = convId ? this.deps.store.stamp(convId) : undefined;
      this.deps.view.busy(false);
      finishRun();
    }
  }

  private interrupt(turn: TurnRecord, journal: Journal, outcome: TurnOutcome): void {
    const acc = outcome.accumulator;
    turn.steps = outcome.steps;
    turn.usage = acc.usage;
    turn.interactionIds = [...acc.interactionIds];
    turn.state = 'interrupted';
    turn.resume = { interactionId: acc.interactionId!, lastEventId: acc.lastEventId };
    const text = l10n.t(
      'Lost the connection to the run ({0}). It goes on on the server; it is followed again when the connection is back.',
      outcome.error?.message.replace(/\.$/, '') ?? l10n.t('network error'),
    );
    turn.notices.push(text);
    try {
      journal.append({ r: 'note', t: turn.id, text });
    } catch {
      /* still shown */
    }
    this.deps.view.notice(turn.id, text, 'resume');
    this.deps.view.turnEnded(turn);
  }

  /** `extra`: what the turn's tools spent on the API (subagents), counted in its usage. */
  private end(turn: TurnRecord, journal: Journal, outcome: TurnOutcome, extra?: Usage): void {
    // Shutting down (window reload), or another window took over: no end record, so the journal
    // shows the turn interrupted and the next holder resumes it from the last event.
    if (this.suspending || this.yielded) return;
    const acc = outcome.accumulator;
    turn.steps = outcome.steps;
    turn.usage = extra ? sumUsage([acc.usage, extra].filter((u): u is Usage => !!u)) : acc.usage;
    turn.interactionIds = [...acc.interactionIds];
    turn.state = outcome.status;
    turn.chainFrom = CHAINABLE.has(outcome.status) ? (outcome.interactionId ?? outcome.chainFrom) : undefined;
    turn.resume = undefined;
    if (outcome.error) {
      turn.error = { kind: outcome.error.kind, message: outcome.error.message, retryAfterMs: outcome.error.retryAfterMs, code: outcome.error.code };
    } else turn.error = undefined;
    const rec: JournalRecord = {
      r: 'end',
      t: turn.id,
      at: this.now(),
      state: turn.state,
      error: turn.error,
      chain: turn.chainFrom,
      steps: turn.steps,
      usage: turn.usage,
      ids: turn.interactionIds,
    };
    try {
      journal.append(rec);
    } catch {
      /* disk full: the UI still shows the turn */
    }
    if (this.data) this.data.meta.updated = rec.at;
    this.deps.view.turnEnded(turn);
    this.pageOld();
    if (outcome.error?.kind === 'auth') this.deps.view.authRequired(outcome.error.message);
  }

  /** Stop the running turn (aborts the stream; background runs are cancelled by the client). */
  stop(): void {
    this.running?.abort.abort();
  }

  /** The host is going away: drop the connection but keep the turn resumable. */
  suspend(): void {
    if (!this.running) return;
    this.suspending = true;
    this.running.abort.abort();
  }

  async whenIdle(): Promise<void> {
    await this.running?.done;
  }

  /** The turn's tool changes were undone: no undo is offered any more. */
  markUndone(turnId: string): TurnRecord | undefined {
    const turn = this.data?.turns.find((t) => t.id === turnId);
    if (!turn || !this.journal) return undefined;
    turn.undo = { available: false, files: turn.undo?.files ?? 0 };
    this.journal.append({ r: 'undo', t: turnId, available: false, files: turn.undo.files });
    return turn;
  }

  /**
   * Replace the turn the user saw last (Retry, Edit): it is superseded by its id, so turns another
   * window added meanwhile stay. When there are such turns, the new message goes after them, and
   * the user is told (the conversation on the server never forks behind their back).
   */
  private dropLast(turnId?: string): TurnRecord | undefined {
    if (!this.data || !this.journal || this.running) return undefined;
    const seen = turnId ? this.data.turns.find((t) => t.id === turnId) : this.data.turns[this.data.turns.length - 1];
    if (!seen || !this.claim()) return undefined;
    const k = this.data.turns.findIndex((t) => t.id === seen.id);
    if (k < 0) return undefined;
    const later = this.data.turns.length - 1 - k;
    this.data.turns.splice(k, 1);
    this.data.meta.turns = this.data.turns.length;
    this.journal.append({ r: 'supersede', turns: [seen.id] });
    if (later > 0) this.pendingNotice = l10n.t('Another window added {0} turn(s) to this conversation after the message you sent again; it goes after them.', later);
    return seen;
  }
  /** A notice for the next turn this window starts. */
  private pendingNotice: string | undefined;

  /**
   * The user chose to continue a conversation whose server copy is gone: the last message goes
   * again, with the local history (once; later turns chain from the new interaction).
   */
  async resendWithLocalHistory(turnId: string): Promise<TurnRecord | undefined> {
    const last = this.data?.turns[this.data.turns.length - 1];
    if (!last || last.id !== turnId || last.error?.code !== PREVIOUS_GONE) return undefined;
    if (!(await this.okToSend()) || !this.dropLast()) return undefined;
    this.deps.view.conversationLoaded(this.data!);
    return this.send(last.input, { localHistory: true, saveChecked: true });
  }

  /** Send the last turn's message again (after an error or a stop). */
  async retry(turnId?: string): Promise<TurnRecord | undefined> {
    if (!(await this.okToSend())) return undefined;
    const last = this.dropLast(turnId);
    if (!last) return undefined;
    this.deps.view.conversationLoaded(this.data!);
    return this.send(last.input, { plan: last.plan, background: last.background, research: last.research, saveChecked: true });
  }

  /**
   * Replace the last user message's text and resend. What went with it (attachments, the context
   * of its mentions) goes again as it was; `extra` (the context of mentions added in the edit) is
   * added where it is new.
   */
  async editLast(text: string, extra: Content[] = [], turnId?: string): Promise<TurnRecord | undefined> {
    if (!(await this.okToSend())) return undefined;
    const last = this.dropLast(turnId);
    if (!last) return undefined;
    this.deps.view.conversationLoaded(this.data!);
    const kept = last.input[0]?.type === 'text' ? last.input.slice(1) : last.input;
    const same = (a: Content, b: Content) => JSON.stringify(a) === JSON.stringify(b);
    const input: Content[] = [{ type: 'text', text }, ...extra.filter((e) => !kept.some((k) => same(k, e))), ...kept];
    return this.send(input, { plan: last.plan, background: last.background, research: last.research, saveChecked: true });
  }
}

/** Re-apply one turn's journaled events to an accumulator (used to resume an interrupted turn). */
export function replayTurnEvents(journalText: string, turnId: string, acc: TurnAccumulator): void {
  const prefix = `{"r":"ev","t":"${turnId}"`;
  for (const line of journalText.split('\n')) {
    // Each record verified as the replay does (frame.ts): a damaged one is passed over.
    if (line.startsWith(prefix)) {
      const rec = parseLine<{ e: InteractionEvent[] }>(line);
      if (rec && Array.isArray(rec.e)) for (const e of rec.e) acc.apply(e);
    } else if (line.startsWith(`{"r":"begin","t":"${turnId}"`)) {
      const rec = parseLine<{ k: 'continuation' | 'followup' }>(line);
      if (rec) acc.beginInteraction(rec.k);
    } else if (line.startsWith(`{"r":"local","t":"${turnId}"`)) {
      const rec = parseLine<{ step: Step }>(line);
      if (rec) acc.addLocalStep(rec.step);
    }
  }
}

/** A chat turn's request settings from the chat's settings: the server-side tools it turned on, then our function tools. */
export function chatTurnSettings(s: ChatSettings, declarations: FunctionTool[], serverTools: Tool[] = []): TurnSettings {
  const tools: Tool[] = [];
  if (s.googleSearch) tools.push({ type: 'google_search' });
  if (s.urlContext) tools.push({ type: 'url_context' });
  if (s.codeExecution) tools.push({ type: 'code_execution' });
  tools.push(...serverTools, ...declarations);
  const g = s.generation ?? {};
  const generationConfig: GenerationConfig = {
    ...(s.thinkingLevel === 'default' ? {} : { thinking_level: s.thinkingLevel }),
    thinking_summaries: 'auto',
    ...(g.temperature !== undefined ? { temperature: g.temperature } : {}),
    ...(g.maxOutputTokens !== undefined ? { max_output_tokens: g.maxOutputTokens } : {}),
    ...(g.stopSequences?.length ? { stop_sequences: [...g.stopSequences] } : {}),
    ...(g.seed !== undefined ? { seed: g.seed } : {}),
    ...(g.toolChoice && g.toolChoice !== 'default' ? { tool_choice: g.toolChoice } : {}),
  };
  return { model: s.model, mode: s.mode, tools, generationConfig, maxSteps: s.maxSteps, systemInstruction: s.systemInstruction };
}
