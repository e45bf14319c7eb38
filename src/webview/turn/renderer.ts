/**
 * One turn of the conversation in the DOM: the user's message, every step as it streams (each
 * kind by its view, see views/), tool activity, notices, status, usage. Turns far from the
 * viewport are not rendered until needed. Inside a long agent turn only its newest steps have
 * views: the finished ones before them fold behind one button (the DOM stays bounded however
 * many steps a turn takes), and the button brings them back.
 */
import type { CitationView, ErrorView, ToolActivity, TurnView, UiChange, UsageView, WireContent, WireStep } from '../../shared/protocol';
import { l10n } from '../../shared/l10n';
import { arr, h, resultText, str, type Post } from '../dom';
import type { CallView, StepContext, StepView } from './context';
import { renderFooter } from './footer';
import { renderUser } from './user';
import { stepView } from './views';

/** Steps of a turn kept as views at its end; finished steps before them fold. */
export const KEEP_STEPS = 80;

export class TurnRenderer implements StepContext {
  readonly el = h('section', 'turn');
  rendered = false;
  private stepViews: Array<StepView | undefined> = [];
  private callViews = new Map<string, CallView>();
  private stepsEl = h('div', 'steps');
  private noticesEl = h('div', 'notices');
  private footerEl = h('div', 'turn-footer');
  private userEl = h('div', 'user-msg');
  readonly citeNumbers = new Map<string, number>();
  private dirty = new Set<StepView>();
  private doneSteps = new Set<number>();
  /** Steps before this index are folded (they have no view); function calls among them, by id. */
  private foldedTo = 0;
  private foldedCalls = new Set<string>();
  /** Of the folded steps, those that would be cards of their own (a result shows in its call's card). */
  private foldedCards = 0;
  private foldEl: HTMLButtonElement | undefined;
  /** The user brought the folded steps back: nothing folds again in this turn. */
  private unfolded = false;

  constructor(
    public view: TurnView,
    readonly post: Post,
    private readonly hooks: {
      isLast(t: TurnRenderer): boolean;
      busy(): boolean;
      edit(t: TurnRenderer): void;
      /** Rendering work is left: flush this turn again in the next frame. */
      more(t: TurnRenderer): void;
      /** Put the cursor in the message box (to revise a plan). */
      focusInput(): void;
      /** The log follows its end (nothing folds while the user reads further up). */
      following(): boolean;
    },
  ) {
    this.el.dataset.turn = view.id;
    // Named by what the user asked (a list of regions all called "Turn" says nothing).
    const asked = view.input
      .filter((c) => c.type === 'text')
      .map((c) => String(c.text ?? ''))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    const files = view.input.length - view.input.filter((c) => c.type === 'text').length;
    const name = asked
      ? asked.length > 80
        ? `${asked.slice(0, 80)}…`
        : asked
      : files
        ? files === 1
          ? l10n.t('1 attachment')
          : l10n.t('{0} attachments', files)
        : l10n.t('empty message');
    this.el.setAttribute('aria-label', l10n.t('You asked: {0}', name));
    for (const list of Object.values(view.cites ?? {})) for (const c of list) this.number(c.url);
    view.steps.forEach((_, k) => this.doneSteps.add(k));
  }

  private number(url: string): void {
    if (!this.citeNumbers.has(url)) this.citeNumbers.set(url, this.citeNumbers.size + 1);
  }

  citesFor(step: number, content: number): CitationView[] {
    return this.view.cites?.[`${step}:${content}`] ?? [];
  }

  /** A rough height for the placeholder of an unrendered turn. */
  estimateHeight(): number {
    let chars = 0;
    for (const s of this.view.steps) for (const c of arr<WireContent>(s.content)) chars += str(c.text).length;
    return 80 + Math.min(4000, chars / 2);
  }

  renderPlaceholder(): void {
    this.el.classList.add('placeholder');
    this.el.style.minHeight = `${this.estimateHeight()}px`;
  }

  render(): void {
    if (this.rendered) return;
    this.rendered = true;
    this.el.classList.remove('placeholder');
    this.el.style.minHeight = '';
    this.el.textContent = '';
    this.renderUser();
    this.el.append(this.userEl, this.stepsEl, this.noticesEl, this.footerEl);
    this.foldTo(this.foldBoundary());
    this.view.steps.forEach((s, k) => {
      if (k >= this.foldedTo) this.addStep(k, s);
    });
    for (const a of this.view.tools ?? []) this.tool(a);
    for (const n of this.view.notices) this.noticesEl.appendChild(h('div', 'notice', n));
    this.flush(true);
    this.renderFooter();
  }

  private renderUser(): void {
    renderUser(this.userEl, this.view, this.post, this.hooks.isLast(this) && !this.hooks.busy() ? () => this.hooks.edit(this) : undefined);
  }

  refreshUser(): void {
    if (this.rendered) this.renderUser();
  }

  /** "Skills used: …" with a link to each SKILL.md (the host opens only skills the turn loaded). */
  setSkills(skills: string[]): void {
    this.view.skills = skills;
    if (this.rendered) this.renderUser();
  }

  /** "Instructions used: …" with a link to each file (the host opens only files the turn listed). */
  setInstructions(files: string[]): void {
    this.view.instructions = files;
    if (this.rendered) this.renderUser();
  }

  private addStep(k: number, step: WireStep): void {
    // A result whose call is folded is shown by that call when it comes back.
    if (step.type === 'function_result' && this.foldedCalls.has(str(step.call_id))) return;
    const view = stepView(k, step, this);
    this.stepViews[k] = view;
    if (view) {
      this.stepsEl.appendChild(view.el);
      this.dirty.add(view);
    }
  }

  // ---------------------------------------------------------------- folding

  /** Whether step `k` may fold: finished, and not a call that is waiting for approval or running. */
  private foldable(k: number): boolean {
    if (!this.doneSteps.has(k)) return false;
    const s = this.view.steps[k];
    if (s?.type !== 'function_call') return true;
    const status = this.view.tools?.find((a) => a.callId === str(s.id))?.status;
    return status !== 'waiting' && status !== 'running';
  }

  /** Where folding would stop now: KEEP_STEPS before the end, or the first step that may not fold. */
  private foldBoundary(): number {
    if (this.unfolded) return this.foldedTo;
    const target = this.view.steps.length - KEEP_STEPS;
    let k = this.foldedTo;
    while (k < target && this.foldable(k)) k++;
    return k;
  }

  /** Fold every step before `to` (removing the views it has), and say how many are folded. */
  private foldTo(to: number): void {
    if (to <= this.foldedTo) return;
    for (let k = this.foldedTo; k < to; k++) {
      const s = this.view.steps[k];
      if (!(s?.type === 'function_result' && this.foldedCalls.has(str(s.call_id)))) this.foldedCards++;
      if (s?.type === 'function_call') {
        this.foldedCalls.add(str(s.id));
        this.callViews.delete(str(s.id));
      }
      const v = this.stepViews[k];
      if (v) {
        v.el.remove();
        this.dirty.delete(v);
        this.stepViews[k] = undefined;
      }
    }
    this.foldedTo = to;
    this.showFold();
  }

  private showFold(): void {
    if (!this.foldedTo) {
      this.foldEl?.remove();
      this.foldEl = undefined;
      return;
    }
    if (!this.foldEl) {
      this.foldEl = h('button', 'text-btn steps-fold');
      this.foldEl.type = 'button';
      this.foldEl.addEventListener('click', () => this.unfold());
      this.stepsEl.prepend(this.foldEl);
    }
    const n = this.foldedCards;
    this.foldEl.textContent = n === 1 ? l10n.t('Show 1 earlier step') : l10n.t('Show {0} earlier steps', n);
  }

  /** Fold what may fold now (called as steps arrive and finish). */
  private refold(): void {
    if (this.rendered && !this.unfolded && this.view.steps.length - KEEP_STEPS > this.foldedTo && this.hooks.following()) this.foldTo(this.foldBoundary());
  }

  /** Bring the folded steps back, in order, with their calls' results, state and output. */
  private unfold(): void {
    const to = this.foldedTo;
    const calls = this.foldedCalls;
    this.unfolded = true;
    this.foldedTo = 0;
    this.foldedCalls = new Set();
    this.foldedCards = 0;
    this.showFold();
    const before = this.stepsEl.firstChild;
    for (let k = 0; k < to; k++) {
      const s = this.view.steps[k];
      if (!s) continue;
      const view = stepView(k, s, this);
      this.stepViews[k] = view;
      if (view) {
        this.stepsEl.insertBefore(view.el, before);
        this.dirty.add(view);
      }
    }
    // Results that arrived after the fold, and each call's state and output.
    for (let k = to; k < this.view.steps.length; k++) {
      const s = this.view.steps[k];
      if (s?.type === 'function_result' && calls.has(str(s.call_id))) this.callViews.get(str(s.call_id))?.setResult(resultText(s.result), s.is_error === true);
    }
    for (const a of this.view.tools ?? []) if (calls.has(a.callId)) this.callViews.get(a.callId)?.setActivity(a);
    this.flush(true);
    const first = this.stepsEl.firstElementChild as HTMLElement | null;
    if (first) {
      first.tabIndex = -1;
      first.focus();
    }
  }

  // ---------------------------------------------------------------- StepContext

  get turnId(): string {
    return this.view.id;
  }
  get research(): boolean {
    return this.view.research !== undefined;
  }
  isDone(step: number): boolean {
    return this.doneSteps.has(step);
  }
  call(callId: string): CallView | undefined {
    return this.callViews.get(callId);
  }
  addCall(view: CallView): void {
    this.callViews.set(view.callId, view);
  }

  /** Apply streamed changes to the model and, when rendered, to the DOM. */
  apply(changes: UiChange[]): void {
    for (const c of changes) {
      const steps = this.view.steps;
      switch (c.k) {
        case 'add':
          steps[c.s] = c.step;
          this.doneSteps.delete(c.s);
          if (this.rendered) {
            this.addStep(c.s, c.step);
            this.refold();
          }
          continue;
        case 'restart':
          steps.length = c.from;
          if (this.rendered) {
            for (let k = c.from; k < this.stepViews.length; k++) this.stepViews[k]?.el.remove();
            this.stepViews.length = c.from;
          }
          if (c.from < this.foldedTo) {
            // Every step left is folded: counted again from the start.
            this.foldedTo = 0;
            this.foldedCalls = new Set();
            this.foldedCards = 0;
            this.foldTo(c.from);
            this.showFold();
          }
          continue;
        case 'text': {
          const step = steps[c.s];
          if (!step) continue;
          const content = ((step.content as WireContent[] | undefined) ??= []);
          const item = content[c.c];
          if (item) item.text = (item.text ?? '') + c.t;
          else content[c.c] = { type: 'text', text: c.t };
          break;
        }
        case 'content': {
          const step = steps[c.s];
          if (!step) continue;
          ((step.content as WireContent[] | undefined) ??= [])[c.c] = c.content;
          break;
        }
        case 'cite': {
          const key = `${c.s}:${c.c}`;
          const cites = (this.view.cites ??= {});
          cites[key] = [...(cites[key] ?? []), ...c.cites];
          for (const x of c.cites) this.number(x.url);
          break;
        }
        case 'thought': {
          const step = steps[c.s];
          if (!step) continue;
          const summary = ((step.summary as WireContent[] | undefined) ??= []);
          const last = summary[summary.length - 1];
          if (last && last.type === 'text') last.text = (last.text ?? '') + c.t;
          else summary.push({ type: 'text', text: c.t });
          break;
        }
        case 'args':
          break;
        case 'update':
          steps[c.s] = c.step;
          break;
        case 'done':
          if (c.step) steps[c.s] = c.step;
          this.doneSteps.add(c.s);
          if (this.rendered && steps[c.s]?.type === 'function_result' && !this.stepViews[c.s]) {
            const call = this.callViews.get(str(steps[c.s]!.call_id));
            call?.setResult(resultText(steps[c.s]!.result), steps[c.s]!.is_error === true);
          }
          this.refold();
          break;
      }
      if (!this.rendered) continue;
      const view = this.stepViews[c.s];
      if (view) {
        view.change(c);
        this.dirty.add(view);
        if (c.k === 'done' && view.flush(true)) this.hooks.more(this);
      }
    }
  }

  /** Render pending markdown (called once per animation frame). Returns true if work is left. */
  flush(final = false): boolean {
    if (!this.rendered) return false;
    const views = [...this.dirty];
    this.dirty.clear();
    let more = false;
    for (const v of views) {
      if (v.flush(final)) {
        this.dirty.add(v);
        more = true;
      }
    }
    if (more) this.hooks.more(this);
    return more;
  }

  tool(a: ToolActivity): void {
    const list = (this.view.tools ??= []);
    const k = list.findIndex((x) => x.callId === a.callId);
    if (k >= 0) list[k] = { ...list[k], ...a };
    else list.push(a);
    if (!this.rendered) return;
    this.callViews.get(a.callId)?.setActivity(list[k >= 0 ? k : list.length - 1]!);
    if (a.status !== 'waiting' && a.status !== 'running') this.refold();
  }

  toolOutput(callId: string, text: string): void {
    const a = this.view.tools?.find((x) => x.callId === callId);
    if (a) a.output = (a.output ?? '') + text;
    if (this.rendered) this.callViews.get(callId)?.appendOutput(text);
  }

  notice(text: string): void {
    this.view.notices.push(text);
    if (this.rendered) this.noticesEl.appendChild(h('div', 'notice', text));
  }

  end(state: string, error: ErrorView | undefined, usage: UsageView | undefined, undo?: { available: boolean; files: number }): void {
    this.view.state = state;
    this.view.error = error;
    this.view.usage = usage;
    if (undo) this.view.undo = undo;
    this.refold();
    this.flush(true);
    this.renderFooter();
    this.refreshUser();
  }

  /** The turn's state changed without ending (an interrupted answer streams again). */
  setState(state: string): void {
    this.view.state = state;
    this.view.error = undefined;
    this.renderFooter();
  }

  renderFooter(): void {
    if (!this.rendered) return;
    renderFooter(this.footerEl, this.el, this.view, this.post, { isLastIdle: this.hooks.isLast(this) && !this.hooks.busy(), focusInput: () => this.hooks.focusInput() });
  }
}
