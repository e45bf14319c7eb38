/**
 * The view of each kind of step (the registry's kinds, src/shared/stepKinds.ts): a new kind there
 * fails this table until it has a view. A step of a kind the registry does not know renders as a
 * card that says so.
 */
import type { WireContent, WireStep } from '../../../shared/protocol';
import { isStepKind, type StepKind } from '../../../shared/stepKinds';
import { arr, resultText, str } from '../../dom';
import type { StepContext, StepView, StepViewFactory } from '../context';
import { FunctionCallView } from './functionCall';
import { ModelOutputView } from './modelOutput';
import {
  DrawnStepView,
  drawCodeCall,
  drawCodeResult,
  drawMcpCall,
  drawMcpResult,
  drawOrphanResult,
  drawPlain,
  drawSearchCall,
  drawSearchResult,
  drawToolSearchCall,
  drawToolSearchResult,
  drawUnsupported,
  drawUrlCall,
  drawUrlResult,
  type StepDrawer,
} from './serverSteps';
import { SteerView } from './steer';
import { ThoughtView } from './thought';

const drawn =
  (draw: StepDrawer): StepViewFactory =>
  (_k, s, ctx) =>
    new DrawnStepView(s, draw, ctx);

export const STEP_VIEWS: Record<StepKind, StepViewFactory> = {
  // The user's own message is the turn's input; a user_input among the steps is a steer.
  user_input: (_k, s) => {
    const text = arr<WireContent>(s.content)
      .map((c) => str(c.text))
      .join(' ')
      .trim();
    return text ? new SteerView(text) : undefined;
  },
  model_output: (k, s, ctx) => new ModelOutputView(k, s, ctx),
  thought: (k, s, ctx) => new ThoughtView(s, ctx.isDone(k), ctx.research),
  function_call: (_k, s, ctx) => {
    const v = new FunctionCallView(s, ctx);
    ctx.addCall(v);
    return v;
  },
  // A result shows in its call's card; one without its call in this turn gets a card of its own.
  function_result: (_k, s, ctx) => {
    const call = ctx.call(str(s.call_id));
    if (!call) return new DrawnStepView(s, drawOrphanResult, ctx);
    call.setResult(resultText(s.result), s.is_error === true);
    return undefined;
  },
  google_search_call: drawn(drawSearchCall),
  google_search_result: drawn(drawSearchResult),
  code_execution_call: drawn(drawCodeCall),
  code_execution_result: drawn(drawCodeResult),
  url_context_call: drawn(drawUrlCall),
  url_context_result: drawn(drawUrlResult),
  mcp_server_tool_call: drawn(drawMcpCall),
  mcp_server_tool_result: drawn(drawMcpResult),
  tool_search_call: drawn(drawToolSearchCall),
  tool_search_result: drawn(drawToolSearchResult),
  google_maps_call: drawn(drawPlain),
  google_maps_result: drawn(drawPlain),
  file_search_call: drawn(drawPlain),
  file_search_result: drawn(drawPlain),
  retrieval_call: drawn(drawPlain),
  retrieval_result: drawn(drawPlain),
  processing_call: drawn(drawPlain),
  processing_result: drawn(drawPlain),
};

/** The view of any step, known or not. */
export function stepView(k: number, s: WireStep, ctx: StepContext): StepView | undefined {
  return isStepKind(s.type) ? STEP_VIEWS[s.type](k, s, ctx) : new DrawnStepView(s, drawUnsupported, ctx);
}
