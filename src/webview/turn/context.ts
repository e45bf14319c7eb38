/**
 * What a step view may use of its turn: a small interface, so that step views depend on it and
 * not on the renderer (which implements it).
 */
import type { CitationView, ToolActivity, UiChange, WireStep } from '../../shared/protocol';
import type { Post } from '../dom';

/** Renders one step; function results attach to their call. */
export interface StepView {
  el: HTMLElement;
  change(c: UiChange): void;
  /** Returns true when rendering work is left for the next frame. */
  flush(final: boolean): boolean;
}

/** A function call's view: its approval, output and result arrive apart from its step. */
export interface CallView extends StepView {
  readonly callId: string;
  setResult(text: string, isError: boolean): void;
  /** Its state: waiting (with the approval), running, done, failed, rejected. */
  setActivity(a: ToolActivity): void;
  /** A running command's output as it comes. */
  appendOutput(text: string): void;
}

export interface StepContext {
  readonly turnId: string;
  readonly post: Post;
  /** Citations of one text item (`step:content`), and their numbers in this turn. */
  citesFor(step: number, content: number): CitationView[];
  readonly citeNumbers: Map<string, number>;
  /** A Deep Research turn: its thought summaries are its progress. */
  readonly research: boolean;
  /** Whether the step at this index has finished. */
  isDone(step: number): boolean;
  /** The view of a function call of this turn, by id (its result attaches to it). */
  call(callId: string): CallView | undefined;
  /** A new function call's view (for its result, activity and output). */
  addCall(view: CallView): void;
}

/** Makes the view of one step (undefined: the step shows elsewhere, e.g. a result in its call). */
export type StepViewFactory = (index: number, step: WireStep, ctx: StepContext) => StepView | undefined;
