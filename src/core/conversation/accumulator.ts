/**
 * Turns the event stream of one user turn (possibly several interactions: function-call loop
 * iterations and continuation hops) into the same `steps` a non-streaming call returns, and
 * emits fine-grained changes a UI can render incrementally (append, never re-send).
 *
 * - text deltas are appended to the last text item; annotations attached to it;
 * - `arguments_delta` fragments are joined and parsed at `step.stop`;
 * - thought signatures are kept verbatim (stateless mode resends them);
 * - server-tool deltas are merged into their step;
 * - a continuation hop whose first step is `model_output` continues the previous text step,
 *   so a `requires_continuation` answer reads as one;
 * - echoed `user_input` steps (and echoed `function_result` steps we already hold) are skipped.
 */
import { deltaApplies, isStepKind } from '../../shared/stepKinds';
import type {
  Annotation,
  Content,
  FunctionCallStep,
  InteractionError,
  InteractionEvent,
  ModelOutputStep,
  PartialInteraction,
  Step,
  TextContent,
  ThoughtStep,
  ToolSearchCallStep,
  Usage,
} from '../protocol/types';
import { errorText } from '../../shared/errorText';

export type StepChange =
  | { kind: 'step.add'; step: number; value: Step }
  | { kind: 'text.append'; step: number; content: number; text: string }
  | { kind: 'content.add'; step: number; content: number; value: Content }
  | { kind: 'annotations.add'; step: number; content: number; annotations: Annotation[] }
  | { kind: 'thought.append'; step: number; text: string }
  | { kind: 'args.append'; step: number; text: string }
  | { kind: 'step.update'; step: number; value: Step }
  | { kind: 'step.done'; step: number; value: Step }
  | { kind: 'status'; status: string; interactionId: string | undefined; usage?: Usage }
  | { kind: 'restart'; fromStep: number }
  | { kind: 'error'; message: string; code?: string };

type Obj = Record<string, unknown>;

export class TurnAccumulator {
  readonly steps: Step[] = [];
  readonly done: boolean[] = [];
  /** Steps whose arguments did not parse as JSON (step index → message). */
  readonly argumentErrors = new Map<number, string>();
  /** Deltas of unknown types, per step index (kept, shown as unsupported). */
  readonly unknownDeltas = new Map<number, Obj[]>();
  interactionId: string | undefined;
  readonly interactionIds: string[] = [];
  status: string | undefined;
  continuationToken: string | undefined;
  environmentId: string | undefined;
  errors: InteractionError[] = [];
  lastEventId: string | undefined;
  private readonly usageById = new Map<string, Usage>();
  /**
   * The usage of every interaction but the latest, summed once: a turn of 500 function-call
   * rounds reports its usage at every status change, and summing all of them each time made a
   * step's cost grow with the steps before it.
   */
  private usageBase: { total: Usage | undefined; lastId: string | undefined } = { total: undefined, lastId: undefined };
  /** event index (of the current interaction) → step index; -1 = ignored echo. */
  private indexMap = new Map<number, number>();
  private hopStart = 0;
  /** Where the interaction after the last function-call round began: every call before it has its result. */
  private roundStart = 0;
  private continuing = false;
  private readonly args = new Map<number, string>();
  /**
   * The text item being streamed into, and its deltas not yet joined to it. Its `text` is a getter
   * meanwhile (every read sees all of it), and the deltas are joined 64 at a time: the small
   * strings die young instead of each surviving in a chain (a collection copies every survivor).
   */
  private streaming: TextContent | undefined;
  private pieces: string[] = [];
  private joined = '';

  /**
   * A new interaction is about to start within this turn: `continuation` for a
   * `requires_continuation` hop, `followup` for the next iteration of the function-call loop.
   */
  beginInteraction(kind: 'continuation' | 'followup'): void {
    this.settleText();
    this.indexMap = new Map();
    this.hopStart = this.steps.length;
    if (kind === 'followup') this.roundStart = this.steps.length;
    this.continuing = kind === 'continuation';
    this.status = undefined;
    this.lastEventId = undefined;
  }

  /** A step produced locally (our function_result). */
  addLocalStep(step: Step): StepChange[] {
    const i = this.steps.push(step) - 1;
    this.done[i] = true;
    return [
      { kind: 'step.add', step: i, value: clone(step) },
      { kind: 'step.done', step: i, value: clone(step) },
    ];
  }

  get usage(): Usage | undefined {
    if (!this.usageById.size) return undefined;
    const last = this.usageBase.lastId === undefined ? undefined : this.usageById.get(this.usageBase.lastId);
    return sumUsage([this.usageBase.total, last].filter((u): u is Usage => !!u));
  }

  apply(ev: InteractionEvent | { event_type: string; [k: string]: unknown }): StepChange[] {
    const e = ev as Obj & { event_type: string };
    if (typeof e.event_id === 'string') this.lastEventId = e.event_id;
    switch (e.event_type) {
      case 'step.delta':
        return this.onDelta(e.index as number, e.delta as Obj);
      case 'step.start':
        return this.onStart(e.index as number, e.step as Step);
      case 'step.stop':
        return this.onStop(e.index as number, e.usage as Usage | undefined);
      case 'interaction.created':
      case 'interaction.completed':
        return this.onInteraction(e.interaction as PartialInteraction, e.event_type === 'interaction.completed');
      case 'interaction.status_update': {
        const id = (e.interaction_id as string) || this.interactionId;
        this.setId(id);
        this.status = e.status as string;
        if (typeof e.continuation_token === 'string') this.continuationToken = e.continuation_token;
        if (e.usage && id) this.setUsage(id, e.usage as Usage);
        return [{ kind: 'status', status: this.status, interactionId: id, usage: this.usage }];
      }
      case 'error': {
        const err = (e.error ?? {}) as { code?: string; message?: string; status?: string };
        const message = err.message || 'The API reported an error.';
        this.errors.push({ code: err.code, message, ...(typeof err.status === 'string' ? { status: err.status } : {}) });
        return [{ kind: 'error', message, code: err.code }];
      }
      case 'client.stream_restart': {
        this.settleText();
        this.steps.length = this.hopStart;
        this.roundStart = Math.min(this.roundStart, this.hopStart);
        this.done.length = this.hopStart;
        this.indexMap = new Map();
        return [{ kind: 'restart', fromStep: this.hopStart }];
      }
      default:
        return [];
    }
  }

  private setUsage(id: string, u: Usage): void {
    const b = this.usageBase;
    if (id !== b.lastId) {
      if (this.usageById.has(id)) {
        // An earlier interaction's usage changed (rare): sum the others again.
        this.usageById.set(id, u);
        const others = [...this.usageById].filter(([k]) => k !== b.lastId).map(([, v]) => v);
        b.total = others.length ? sumUsage(others) : undefined;
        return;
      }
      const prev = b.lastId === undefined ? undefined : this.usageById.get(b.lastId);
      if (prev) b.total = b.total ? sumUsage([b.total, prev]) : sumUsage([prev]);
      b.lastId = id;
    }
    this.usageById.set(id, u);
  }

  private setId(id: string | undefined): void {
    if (!id) return;
    this.interactionId = id;
    if (this.interactionIds[this.interactionIds.length - 1] !== id && !this.interactionIds.includes(id)) this.interactionIds.push(id);
  }

  private onInteraction(inter: PartialInteraction, completed: boolean): StepChange[] {
    this.setId(inter.id);
    this.status = inter.status;
    if (inter.environment_id) this.environmentId = inter.environment_id;
    if (completed) {
      // A missing token on completion clears an earlier checkpoint token.
      this.continuationToken = inter.continuation_token || undefined;
      if (inter.errors?.length) this.errors.push(...inter.errors);
    } else if (inter.continuation_token) this.continuationToken = inter.continuation_token;
    if (inter.usage && inter.id) this.setUsage(inter.id, inter.usage);
    const changes: StepChange[] = [];
    // Completion that carries steps we never streamed (e.g. a JSON answer): adopt them.
    if (completed && inter.steps?.length && this.steps.length === this.hopStart) {
      inter.steps.forEach((s, k) => {
        if (s.type === 'user_input') return;
        changes.push(...this.onStart(k, s), ...this.onStop(k, undefined));
      });
    }
    changes.push({ kind: 'status', status: inter.status, interactionId: inter.id, usage: this.usage });
    return changes;
  }

  private onStart(index: number, raw: Step): StepChange[] {
    if (raw.type === 'user_input') {
      this.indexMap.set(index, -1);
      return [];
    }
    if (raw.type === 'function_result') {
      const callId = (raw as { call_id?: string }).call_id;
      if (callId && this.steps.some((s) => s.type === 'function_result' && (s as { call_id?: string }).call_id === callId)) {
        this.indexMap.set(index, -1);
        return [];
      }
    }
    // A continuation hop that continues the answer: keep writing into the previous text step.
    if (this.continuing && raw.type === 'model_output') {
      this.continuing = false;
      const prev = this.steps.length - 1;
      if (prev >= 0 && this.steps[prev]!.type === 'model_output') {
        this.indexMap.set(index, prev);
        this.done[prev] = false;
        const extra = (raw as ModelOutputStep).content;
        const changes: StepChange[] = [];
        if (extra?.length) for (const c of extra) changes.push(...this.pushContent(prev, c));
        return changes;
      }
    }
    this.continuing = false;
    const step = clone(raw);
    const i = this.steps.push(step) - 1;
    this.done[i] = false;
    this.indexMap.set(index, i);
    return [{ kind: 'step.add', step: i, value: clone(step) }];
  }

  private target(index: number): number | undefined {
    const i = this.indexMap.get(index);
    if (i === undefined) {
      // A delta for a step we never saw start: tolerate by creating a skeleton.
      return undefined;
    }
    return i < 0 ? undefined : i;
  }

  private onDelta(index: number, delta: Obj): StepChange[] {
    let i = this.target(index);
    if (i === undefined) {
      if (this.indexMap.get(index) === -1) return [];
      const guess = skeletonFor(delta);
      if (!guess) return [];
      this.onStart(index, guess);
      i = this.indexMap.get(index)!;
      const changes: StepChange[] = [{ kind: 'step.add', step: i, value: clone(this.steps[i]!) }];
      return changes.concat(this.onDelta(index, delta));
    }
    const step = this.steps[i] as Step & Obj;
    const type = delta.type as string;
    // The registry says which deltas complete which kind (§7.2); a step of a kind it does not know
    // takes deltas of its own name. Any other delta is kept, not applied to the wrong step.
    // (A text delta into an answer is nearly every event of a stream: decided without the lookups.)
    if (!(type === 'text' && step.type === 'model_output') && (isStepKind(step.type) ? !deltaApplies(step.type, type) : type !== step.type)) {
      const list = this.unknownDeltas.get(i) ?? [];
      list.push(clone(delta));
      this.unknownDeltas.set(i, list);
      return [];
    }
    switch (type) {
      case 'text': {
        const text = delta.text as string;
        if (typeof text !== 'string' || text === '') return [];
        const content = ((step as ModelOutputStep).content ??= []);
        const last = content[content.length - 1];
        if (last && last.type === 'text') {
          this.appendText(last, text);
          return [{ kind: 'text.append', step: i, content: content.length - 1, text }];
        }
        return this.pushContent(i, { type: 'text', text });
      }
      case 'text_annotation_delta': {
        const annotations = (delta.annotations as Annotation[] | undefined) ?? [];
        if (!annotations.length) return [];
        const content = ((step as ModelOutputStep).content ??= []);
        let ci = content.length - 1;
        if (ci < 0 || content[ci]!.type !== 'text') {
          content.push({ type: 'text', text: '' });
          ci = content.length - 1;
        }
        const t = content[ci] as TextContent;
        (t.annotations ??= []).push(...annotations);
        return [{ kind: 'annotations.add', step: i, content: ci, annotations: clone(annotations) }];
      }
      case 'image':
      case 'audio':
      case 'video':
      case 'document': {
        const { type: _t, ...rest } = delta;
        return this.pushContent(i, { type, ...rest } as Content);
      }
      case 'thought_summary': {
        const c = delta.content as Content | undefined;
        if (!c) return [];
        const summary = ((step as ThoughtStep).summary ??= []);
        const last = summary[summary.length - 1];
        if (c.type === 'text') {
          if (last && last.type === 'text') last.text += c.text;
          else summary.push({ type: 'text', text: c.text });
          return [{ kind: 'thought.append', step: i, text: c.text }];
        }
        summary.push(clone(c) as ThoughtStep['summary'] extends Array<infer U> | undefined ? U : never);
        return [{ kind: 'step.update', step: i, value: clone(step) }];
      }
      case 'thought_signature': {
        if (typeof delta.signature === 'string') (step as ThoughtStep).signature = delta.signature;
        return [];
      }
      case 'arguments_delta': {
        const frag = typeof delta.arguments === 'string' ? delta.arguments : '';
        this.args.set(i, (this.args.get(i) ?? '') + frag);
        return frag ? [{ kind: 'args.append', step: i, text: frag }] : [];
      }
      default:
        mergeInto(step, delta);
        return [{ kind: 'step.update', step: i, value: clone(step) }];
    }
  }

  private appendText(c: TextContent, text: string): void {
    if (this.streaming !== c) {
      this.settleText();
      this.streaming = c;
      this.joined = c.text;
      Object.defineProperty(c, 'text', {
        configurable: true,
        enumerable: true,
        get: (): string => (this.streaming === c ? this.currentText() : this.joined),
        set: (v: string) => {
          if (this.streaming === c) this.settleText();
          Object.defineProperty(c, 'text', { value: v, writable: true, configurable: true, enumerable: true });
        },
      });
    }
    this.pieces.push(text);
    if (this.pieces.length >= 64) this.currentText();
  }

  private currentText(): string {
    if (this.pieces.length) {
      this.joined += this.pieces.join('');
      this.pieces = [];
    }
    return this.joined;
  }

  /** The streamed text item becomes plain data again (its step ended, or another item began). */
  private settleText(): void {
    const c = this.streaming;
    if (!c) return;
    const text = this.currentText();
    this.streaming = undefined;
    this.joined = '';
    Object.defineProperty(c, 'text', { value: text, writable: true, configurable: true, enumerable: true });
  }

  private pushContent(i: number, c: Content): StepChange[] {
    this.settleText();
    const step = this.steps[i] as ModelOutputStep;
    const content = (step.content ??= []);
    const last = content[content.length - 1];
    if (c.type === 'text' && last && last.type === 'text' && !c.annotations) {
      last.text += c.text;
      return [{ kind: 'text.append', step: i, content: content.length - 1, text: c.text }];
    }
    content.push(clone(c));
    return [{ kind: 'content.add', step: i, content: content.length - 1, value: clone(c) }];
  }

  private onStop(index: number, _usage: Usage | undefined): StepChange[] {
    const i = this.target(index);
    if (i === undefined) return [];
    this.settleText();
    const step = this.steps[i]!;
    if (step.type === 'function_call') {
      const text = this.args.get(i);
      if (text !== undefined) {
        this.args.delete(i);
        try {
          const parsed = text.trim() === '' ? {} : JSON.parse(text);
          (step as FunctionCallStep).arguments = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : { value: parsed };
          this.argumentErrors.delete(i);
        } catch (err) {
          (step as FunctionCallStep).arguments = {};
          this.argumentErrors.set(i, `The arguments were not valid JSON (${errorText(err)}): ${text.slice(0, 200)}`);
        }
      }
      if (!(step as FunctionCallStep).arguments) (step as FunctionCallStep).arguments = {};
    }
    this.done[i] = true;
    return [{ kind: 'step.done', step: i, value: clone(step) }];
  }

  /** Function calls of the current interaction that have no result yet. */
  /** Tool searches (client execution) that no result answers yet. */
  pendingToolSearches(): ToolSearchCallStep[] {
    const round = this.steps.slice(this.roundStart);
    const answered = new Set(round.filter((s) => s.type === 'tool_search_result').map((s) => (s as { call_id: string }).call_id));
    return round.filter((s): s is ToolSearchCallStep => s.type === 'tool_search_call' && !answered.has((s as ToolSearchCallStep).id));
  }

  /** (Only the current round is looked at: a turn of 500 rounds does not scan 500 rounds at each.) */
  pendingCalls(): Array<{ index: number; step: FunctionCallStep; argumentError?: string }> {
    const answered = new Set<string>();
    for (let i = this.roundStart; i < this.steps.length; i++) {
      const s = this.steps[i]!;
      if (s.type === 'function_result') answered.add((s as { call_id: string }).call_id);
    }
    const out: Array<{ index: number; step: FunctionCallStep; argumentError?: string }> = [];
    for (let index = this.roundStart; index < this.steps.length; index++) {
      const s = this.steps[index]!;
      if (s.type === 'function_call' && !answered.has((s as FunctionCallStep).id)) {
        out.push({ index, step: s as FunctionCallStep, argumentError: this.argumentErrors.get(index) });
      }
    }
    return out;
  }
}

function skeletonFor(delta: Obj): Step | undefined {
  switch (delta.type) {
    case 'text':
    case 'text_annotation_delta':
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
      return { type: 'model_output' };
    case 'thought_summary':
    case 'thought_signature':
      return { type: 'thought' };
    default:
      return undefined;
  }
}

function mergeInto(step: Obj, delta: Obj): void {
  for (const [k, v] of Object.entries(delta)) {
    if (k === 'type') continue;
    const cur = step[k];
    if (k === 'arguments' && cur && typeof cur === 'object' && v && typeof v === 'object' && !Array.isArray(v)) {
      step[k] = { ...(cur as Obj), ...(v as Obj) };
    } else if (k === 'result' && typeof cur === 'string' && typeof v === 'string') {
      step[k] = cur + v;
    } else if (k === 'result' && Array.isArray(cur) && Array.isArray(v) && cur.length) {
      step[k] = [...cur, ...v];
    } else {
      step[k] = clone(v);
    }
  }
}

export function sumUsage(list: Usage[]): Usage {
  const out: Record<string, unknown> = {};
  for (const u of list) {
    for (const [k, v] of Object.entries(u)) {
      if (typeof v === 'number') {
        if (k === 'initial_input_tokens') out[k] ??= v;
        else out[k] = ((out[k] as number | undefined) ?? 0) + v;
      } else if (Array.isArray(v)) {
        const key = k === 'grounding_tool_count' ? 'type' : 'modality';
        const valKey = k === 'grounding_tool_count' ? 'count' : 'tokens';
        const acc = new Map<string, number>(((out[k] as Obj[] | undefined) ?? []).map((e) => [String(e[key]), e[valKey] as number]));
        for (const e of v as Obj[]) acc.set(String(e[key]), (acc.get(String(e[key])) ?? 0) + ((e[valKey] as number) ?? 0));
        out[k] = [...acc].map(([name, n]) => ({ [key]: name, [valKey]: n }));
      }
    }
  }
  return out as Usage;
}

/**
 * A copy of JSON data (what the API sends and the tools return): objects and arrays are new,
 * strings are shared (they are immutable, and a long answer's text is the bulk of a step:
 * `structuredClone` copied it at every step's end). Anything that is not plain data is cloned
 * the structured way.
 */
export function clone<T>(v: T): T {
  return copyJson(v) as T;
}

function copyJson(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyJson(v[i]);
    return out;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Obj = {};
  for (const k of Object.keys(v)) out[k] = copyJson((v as Obj)[k]);
  return out;
}
