/**
 * Shows a ChatSession in a webview host: the SessionView the session talks to. Streamed changes
 * of one network read are posted together (deltas, never the whole transcript); everything else
 * flushes them first so the webview sees events in order.
 */
import type { StepChange } from '../../core/conversation/accumulator';
import type { ConversationData, TurnRecord } from '../../core/conversation/journal';
import { conversationView, errorView, presentChanges, turnView, usageView } from '../../core/conversation/present';
import type { SessionView } from '../../core/conversation/session';
import type { Step } from '../../core/protocol/types';
import type { ConversationView, ToolActivity, UiChange } from '../../shared/protocol';
import type { WebviewHost } from './host';

export class SessionPresenter implements SessionView {
  private readonly pending = new Map<string, UiChange[]>();
  private flushScheduled = false;
  /**
   * The steps of each turn that is streaming now, as the engine has them: a view that loads
   * while a turn runs (the webview after a reload, with the answer resuming) starts from these,
   * not from the record (which has them only once the turn ends).
   */
  private readonly live = new Map<string, Step[]>();

  constructor(
    private readonly host: WebviewHost,
    /** Also told about turn starts and ends (the history view, a run's status). */
    private readonly listener: Partial<Pick<SessionView, 'turnStarted' | 'turnEnded' | 'turnChanges' | 'turnResumed' | 'storage' | 'otherWindow' | 'requestSent'>> = {},
  ) {}

  conversationLoaded(data: ConversationData): void {
    this.flush();
    this.host.post({ type: 'conversation', conversation: conversationView(data) });
  }

  showConversation(data: ConversationData | undefined): void {
    this.flush();
    this.host.post({ type: 'conversation', conversation: conversationView(data) });
  }

  turnStarted(turn: TurnRecord): void {
    this.flush();
    this.host.post({ type: 'turnStart', turn: turnView(turn) });
    this.listener.turnStarted?.(turn);
  }

  /**
   * The conversation as the webview should start from now (its init): every running turn with
   * its steps so far. Changes not yet posted are in it, so they are dropped, not posted twice.
   */
  initialView(data: ConversationData | undefined): ConversationView {
    this.pending.clear();
    const view = conversationView(data);
    if (!this.live.size) return view;
    return { ...view, turns: view.turns.map((t) => (this.live.has(t.id) ? { ...t, steps: structuredClone(this.live.get(t.id)!) as typeof t.steps } : t)) };
  }

  turnChanges(turnId: string, changes: StepChange[], steps: Step[]): void {
    this.live.set(turnId, steps);
    this.listener.turnChanges?.(turnId, changes, steps);
    const ui = presentChanges(changes, steps);
    if (!ui.length) return;
    const list = this.pending.get(turnId);
    if (list) list.push(...ui);
    else this.pending.set(turnId, ui);
    // One post per network read: setImmediate runs after the events of the current chunk.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.flushScheduled = false;
    for (const [turnId, changes] of this.pending) this.host.post({ type: 'turnChanges', turnId, changes: mergeText(changes) });
    this.pending.clear();
  }

  turnEnded(turn: TurnRecord): void {
    this.live.delete(turn.id);
    this.flush();
    this.host.post({ type: 'turnEnd', turnId: turn.id, state: turn.state, error: errorView(turn), usage: usageView(turn.usage), undo: turn.undo });
    this.listener.turnEnded?.(turn);
  }

  turnResumed(turn: TurnRecord): void {
    this.flush();
    this.host.post({ type: 'turnState', turnId: turn.id, state: turn.state });
    this.listener.turnResumed?.(turn);
  }

  notice(turnId: string, text: string, kind: 'retry' | 'resume' | 'info'): void {
    this.flush();
    this.host.post({ type: 'notice', turnId, text, kind });
  }

  tool(turnId: string, activity: ToolActivity): void {
    this.flush();
    this.host.post({ type: 'tool', turnId, activity });
  }

  skills(turnId: string, skills: string[]): void {
    this.host.post({ type: 'skills', turnId, skills });
  }

  instructions(turnId: string, files: string[]): void {
    this.host.post({ type: 'instructions', turnId, files });
  }

  toolOutput(turnId: string, callId: string, text: string): void {
    this.host.post({ type: 'toolOutput', turnId, callId, text });
  }

  busy(): void {
    void this.host.refreshState();
  }

  authRequired(message: string): void {
    this.host.authRequired(message);
  }

  storage(problem: string | undefined): void {
    this.listener.storage?.(problem);
  }

  otherWindow(state: 'sending' | 'took-over' | undefined): void {
    this.listener.otherWindow?.(state);
  }

  requestSent(turnId: string): void {
    this.listener.requestSent?.(turnId);
  }
}

function mergeText(changes: UiChange[]): UiChange[] {
  const out: UiChange[] = [];
  for (const c of changes) {
    const prev = out[out.length - 1];
    if (c.k === 'text' && prev && prev.k === 'text' && prev.s === c.s && prev.c === c.c) prev.t += c.t;
    else if (c.k === 'thought' && prev && prev.k === 'thought' && prev.s === c.s) prev.t += c.t;
    else out.push(c.k === 'text' || c.k === 'thought' ? { ...c } : c);
  }
  return out;
}
