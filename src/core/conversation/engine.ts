/**
 * The turn engine: one user message in, a completed turn out. Runs the function-calling loop
 * (parallel calls, one `function_result` per `call_id`, `is_error` on failure, a step limit),
 * chains turns statefully (`previous_interaction_id`) or statelessly (`store:false` + the full
 * history, thought signatures exactly as received), and follows `requires_continuation` with the
 * continuation token until done, merged into one turn.
 */
import type { InteractionsClient, StreamOptions } from '../client/client';
import { ApiError, inBandError } from '../client/errors';
import type { RetryNotice } from '../client/http';
import type {
  Content,
  CreateInteractionRequest,
  FunctionResultStep,
  FunctionTool,
  ToolSearchResultStep,
  FunctionResultValue,
  GenerationConfig,
  InteractionEvent,
  ResponseFormat,
  Step,
  Tool,
  AgentConfig,
  EnvironmentConfig,
} from '../protocol/types';
import { TurnAccumulator, type StepChange } from './accumulator';
import { l10n } from '../../shared/l10n';
import { errorText } from '../../shared/errorText';

export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  /** Set when the streamed arguments were not valid JSON. */
  argumentError?: string;
}
export interface ToolOutcome {
  result: FunctionResultValue;
  isError: boolean;
}
/** Executes the model's function calls (approval, policy and workspace access live behind this). */
export interface ToolRunner {
  run(calls: ToolCall[], ctx: { signal: AbortSignal }): Promise<ToolOutcome[]>;
  /** Tool Retrieval with client execution: the deferred definitions with these names (a `tool_search_call` to answer). */
  searchTools?(names: string[]): FunctionTool[];
  /** Whether this turn offered a tool by that name (loaded or deferred). */
  offers?(name: string): boolean;
}

export interface TurnSettings {
  model?: string;
  agent?: string;
  agentConfig?: AgentConfig;
  environment?: EnvironmentConfig | string;
  background?: boolean;
  mode: 'stateful' | 'stateless';
  tools?: Tool[];
  generationConfig?: GenerationConfig;
  systemInstruction?: string;
  responseFormat?: ResponseFormat | ResponseFormat[];
  /** Maximum interactions (model steps) in one turn before we stop a looping model. */
  maxSteps: number;
}

export interface TurnContext {
  /** Stateful: the interaction to continue from. */
  previousInteractionId?: string;
  /** Stateless: every earlier step (user_input included), exactly as received. */
  history?: Step[];
}

/** Receives everything needed to replay the turn (journal) and to render it (UI). */
export interface TurnObserver {
  /** Raw normal-form events, one batch per network read. */
  events?(batch: InteractionEvent[]): void;
  /** A new interaction starts within the turn. */
  begin?(kind: 'continuation' | 'followup'): void;
  /** A step we produced (function results). */
  local?(step: Step): void;
  /** Render-level changes; `steps` is the turn's current state. */
  changes?(changes: StepChange[], steps: Step[]): void;
  retry?(notice: RetryNotice): void;
  resume?(info: { interactionId: string; lastEventId: string | undefined; attempt: number; reason: string }): void;
  requestSent?(request: CreateInteractionRequest): void;
  /** A message the user wants to go with the next function results ("steer now"), taken once. */
  steer?(): string | undefined;
  /** Something the user should know about the turn that is not an error (shown under it). */
  note?(text: string): void;
}

export type TurnStatus = 'completed' | 'incomplete' | 'failed' | 'cancelled' | 'budget_exceeded' | 'stopped' | 'error' | (string & {});

export interface TurnOutcome {
  status: TurnStatus;
  /** The last interaction of the turn (chain the next turn from it). */
  interactionId: string | undefined;
  /** The last interaction that reached a terminal status (safe to chain from). */
  chainFrom: string | undefined;
  steps: Step[];
  error?: ApiError;
  accumulator: TurnAccumulator;
}

function toResultStep(call: ToolCall, outcome: ToolOutcome): FunctionResultStep {
  const step: FunctionResultStep = { type: 'function_result', call_id: call.id, name: call.name, result: outcome.result };
  if (outcome.isError) step.is_error = true;
  return step;
}

export class TurnEngine {
  constructor(
    private readonly client: InteractionsClient,
    private readonly tools: ToolRunner | undefined,
  ) {}

  /**
   * A server-side tool search that returned a tool this turn never offered: the model may call
   * it, and the runner refuses that call; the user is told once per search result.
   */
  private noteUnofferedTools(steps: Step[], observer: TurnObserver, noted: { upTo: number }): void {
    const offers = this.tools?.offers?.bind(this.tools);
    if (!offers) return;
    // Only the steps not looked at yet (a long turn does not rescan its start at every round).
    const from = Math.min(noted.upTo, steps.length);
    noted.upTo = steps.length;
    for (let k = from; k < steps.length; k++) {
      const s = steps[k]!;
      if (s.type !== 'tool_search_result') continue;
      const result = (s as ToolSearchResultStep).result;
      const names = (Array.isArray(result) ? result : [])
        .map((t) => (t && typeof t === 'object' ? (t as { name?: unknown }).name : undefined))
        .filter((n): n is string => typeof n === 'string' && n !== '');
      const unknown = [...new Set(names.filter((n) => !offers(n)))];
      if (unknown.length) {
        observer.note?.(l10n.t('The tool search returned {0}, which this conversation never offered; a call to it is refused.', unknown.join(', ')));
      }
    }
  }

  buildRequest(settings: TurnSettings, input: CreateInteractionRequest['input'], extra: Partial<CreateInteractionRequest>): CreateInteractionRequest {
    const common: Partial<CreateInteractionRequest> = {};
    if (input !== undefined) common.input = input;
    if (settings.tools?.length) common.tools = settings.tools;
    if (settings.systemInstruction) common.system_instruction = settings.systemInstruction;
    if (settings.responseFormat) common.response_format = settings.responseFormat;
    if (settings.environment !== undefined) common.environment = settings.environment;
    if (settings.background) common.background = true;
    if (settings.mode === 'stateless') common.store = false;
    Object.assign(common, extra);
    if (settings.agent) {
      return { agent: settings.agent, ...(settings.agentConfig ? { agent_config: settings.agentConfig } : {}), ...common };
    }
    return { model: settings.model ?? 'gemini-3.5-flash', ...(settings.generationConfig ? { generation_config: settings.generationConfig } : {}), ...common };
  }

  async runTurn(
    userContent: Content[],
    settings: TurnSettings,
    ctx: TurnContext,
    observer: TurnObserver,
    signal: AbortSignal,
    accumulator = new TurnAccumulator(),
  ): Promise<TurnOutcome> {
    const request =
      ctx.history !== undefined
        ? this.buildRequest(settings, [...ctx.history, { type: 'user_input', content: userContent }], {})
        : this.buildRequest(settings, userContent, ctx.previousInteractionId ? { previous_interaction_id: ctx.previousInteractionId } : {});
    return this.loop(accumulator, { request }, userContent, settings, ctx, observer, signal);
  }

  /**
   * Continue a turn whose stream was interrupted (e.g. by a window reload): stream-get the
   * interaction from the last event that arrived, then carry on with the loop as usual.
   * `accumulator` must hold the turn as it was journaled.
   */
  resumeTurn(
    accumulator: TurnAccumulator,
    interactionId: string,
    lastEventId: string | undefined,
    userContent: Content[],
    settings: TurnSettings,
    ctx: TurnContext,
    observer: TurnObserver,
    signal: AbortSignal,
  ): Promise<TurnOutcome> {
    return this.loop(accumulator, { resume: { interactionId, lastEventId } }, userContent, settings, ctx, observer, signal);
  }

  private async loop(
    acc: TurnAccumulator,
    first: { request: CreateInteractionRequest } | { resume: { interactionId: string; lastEventId: string | undefined } },
    userContent: Content[],
    settings: TurnSettings,
    ctx: TurnContext,
    observer: TurnObserver,
    signal: AbortSignal,
  ): Promise<TurnOutcome> {
    const userStep: Step = { type: 'user_input', content: userContent };
    let chainFrom = ctx.previousInteractionId;
    let request: CreateInteractionRequest | undefined = 'request' in first ? first.request : undefined;
    let resume = 'resume' in first ? first.resume : undefined;
    let lastToken: string | undefined;
    const noted = { upTo: 0 };
    const emit = (changes: StepChange[]) => {
      if (changes.length) observer.changes?.(changes, acc.steps);
    };
    /** The next interaction of the turn, carrying what we answered (results, a steer): chained, or the whole history when stateless. */
    const followup = (sent: Step[]): CreateInteractionRequest => {
      const hopId = acc.interactionId;
      observer.begin?.('followup');
      acc.beginInteraction('followup');
      return settings.mode === 'stateless' || (ctx.history !== undefined && !hopId)
        ? this.buildRequest(settings, [...(ctx.history ?? []), userStep, ...acc.steps], {})
        : this.buildRequest(settings, sent, hopId ? { previous_interaction_id: hopId } : {});
    };
    const finish = (status: TurnStatus, error?: ApiError): TurnOutcome => ({
      status,
      interactionId: acc.interactionId,
      chainFrom,
      steps: acc.steps,
      error,
      accumulator: acc,
    });

    for (let iteration = 0; ; iteration++) {
      if (iteration >= settings.maxSteps) {
        const err = new ApiError(
          'interaction_failed',
          l10n.t(
            'Stopped after {0} model steps in one turn (setting “gemini.tools.maxSteps”). The model may be looping; send “continue” if the work was expected to take longer.',
            settings.maxSteps,
          ),
          { code: 'STEP_LIMIT', retryable: false },
        );
        emit([{ kind: 'error', message: err.message, code: 'STEP_LIMIT' }]);
        return finish('error', err);
      }
      const streamOpts: StreamOptions = {
        signal,
        onRetry: (n) => observer.retry?.(n),
        onResume: (info) => observer.resume?.(info),
        onBatch: (batch) => observer.events?.(batch),
      };
      let source: AsyncIterable<InteractionEvent>;
      if (resume) {
        source = this.client.streamGet(resume.interactionId, resume.lastEventId, streamOpts);
        resume = undefined;
      } else {
        observer.requestSent?.(request!);
        source = this.client.stream(request!, streamOpts);
      }
      try {
        for await (const ev of source) emit(acc.apply(ev));
      } catch (err) {
        const apiErr = err instanceof ApiError ? err : new ApiError('protocol', String(errorText(err) ?? err));
        if (apiErr.kind === 'aborted') return finish('stopped', apiErr);
        return finish('error', apiErr);
      }
      this.noteUnofferedTools(acc.steps, observer, noted);
      // `idle` is the Live API's successor of `requires_action` (§13 #38): with calls waiting, run them.
      const waiting = acc.status === 'idle' && (acc.pendingCalls().length > 0 || acc.pendingToolSearches().length > 0);
      const status = waiting ? 'requires_action' : (acc.status ?? 'completed');
      if (acc.errors.length && (status === 'failed' || status === 'in_progress' || acc.status === undefined)) {
        // Read for what it is: an in-band UNAUTHENTICATED leads to the key screen like a 401.
        const err = inBandError(acc.errors, l10n.t('The interaction failed.'));
        return finish(err.kind === 'auth' ? 'error' : 'failed', err);
      }
      if (status === 'requires_continuation') {
        const token = acc.continuationToken;
        if (!token || token === lastToken) {
          return finish('error', new ApiError('protocol', l10n.t('The answer stopped at the decode limit but the API sent no new continuation token.'), { retryable: true }));
        }
        lastToken = token;
        const hopId = acc.interactionId;
        observer.begin?.('continuation');
        acc.beginInteraction('continuation');
        request =
          settings.mode === 'stateless'
            ? this.buildRequest(settings, request?.input ?? [...(ctx.history ?? []), userStep, ...acc.steps], { continuation_token: token })
            : this.buildRequest(settings, undefined, { continuation_token: token, ...(hopId ? { previous_interaction_id: hopId } : {}) });
        continue;
      }
      if (status === 'requires_action') {
        const pending = acc.pendingCalls();
        // Tool Retrieval with client execution, reading (b): a tool search waits for its result (§3.4.2).
        const searches = acc.pendingToolSearches();
        if (!pending.length && !searches.length) {
          return finish('error', new ApiError('protocol', l10n.t('The model asked for action but sent no function call.'), { retryable: true }));
        }
        if (!pending.length) {
          chainFrom = acc.interactionId ?? chainFrom;
          const found: ToolSearchResultStep[] = searches.map((s) => ({
            type: 'tool_search_result',
            call_id: s.id,
            result: this.tools?.searchTools?.(s.arguments.function_names ?? []) ?? [],
            ...(s.signature ? { signature: s.signature } : {}),
          }));
          for (const r of found) {
            observer.local?.(r);
            emit(acc.addLocalStep(r));
          }
          request = followup(found);
          continue;
        }
        chainFrom = acc.interactionId ?? chainFrom;
        const calls: ToolCall[] = pending.map((p) => ({
          id: p.step.id,
          name: p.step.name,
          arguments: p.step.arguments,
          ...(p.argumentError ? { argumentError: p.argumentError } : {}),
        }));
        let outcomes: ToolOutcome[];
        if (!this.tools) {
          outcomes = calls.map((c) => ({ result: `No tool named "${c.name}" is available in this context.`, isError: true }));
        } else {
          try {
            outcomes = await this.tools.run(calls, { signal });
          } catch (err) {
            if (signal.aborted) return finish('stopped', ApiError.aborted());
            outcomes = calls.map(() => ({ result: `The tool failed: ${errorText(err)}`, isError: true }));
          }
        }
        if (signal.aborted) return finish('stopped', ApiError.aborted());
        const results = calls.map((c, k) => toResultStep(c, outcomes[k] ?? { result: 'No result.', isError: true }));
        for (const r of results) {
          observer.local?.(r);
          emit(acc.addLocalStep(r));
        }
        // Steering: the user's message goes with the results, so the model changes course now.
        const steer = observer.steer?.();
        const sent: Step[] = [...results];
        if (steer?.trim()) {
          const s: Step = { type: 'user_input', content: [{ type: 'text', text: steer }] };
          observer.local?.(s);
          emit(acc.addLocalStep(s));
          sent.push(s);
        }
        request = followup(sent);
        continue;
      }
      if (status === 'completed' || status === 'incomplete' || status === 'budget_exceeded' || status === 'idle') chainFrom = acc.interactionId ?? chainFrom;
      // `idle` (3.6.1): the interaction finished its turn and waits for more input [INF]: for a chat
      // turn that is a completed answer (the next message chains from it).
      if (status === 'idle') return finish('completed');
      if (status === 'failed') {
        const err = inBandError(acc.errors, l10n.t('The interaction failed.'));
        return finish(err.kind === 'auth' ? 'error' : 'failed', err);
      }
      return finish(status);
    }
  }
}
