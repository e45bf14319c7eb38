/**
 * Type-level test: our wire types against the official SDK's (`@google/genai` Interactions,
 * a devDependency only). `npm test` typechecks this file; drift from the official schema fails
 * the build. Nothing here runs.
 */
import type { Interactions } from '@google/genai';
import type * as W from '../../src/core/protocol/types';

/** Compile-time assertion that A is assignable to B. */
type Assignable<A, B> = [A] extends [B] ? true : false;
const ok = <T extends true>(): T => true as T;

// --- every request we build is a valid SDK create request. (One deliberate superset: in
// stateless mode a step type we do not know is sent back exactly as received; the SDK's input
// union has no room for it, so the check uses the known steps.)
type KnownInput = string | W.Content | W.Content[] | W.KnownStep[];
ok<Assignable<Omit<W.CreateModelInteraction, 'input'> & { input?: KnownInput }, Interactions.InteractionCreateParams.CreateModelInteractionParams>>();
ok<
  Assignable<
    Omit<W.CreateAgentInteraction, 'input'> & { input?: KnownInput; agent: 'antigravity-preview-05-2026' },
    Interactions.InteractionCreateParams.CreateAgentInteractionParams
  >
>();
ok<Assignable<W.Tool, Interactions.Tool>>();
ok<Assignable<W.GenerationConfig, Interactions.GenerationConfig>>();
ok<Assignable<W.ToolSearchTool, Extract<Interactions.Tool, { type: 'tool_search' }>>>();
ok<Assignable<W.FunctionTool, Interactions.Function>>();
ok<Assignable<W.McpServerTool, Extract<Interactions.Tool, { type: 'mcp_server' }>>>();
ok<Assignable<W.AudioContent, Interactions.AudioContent>>();
ok<Assignable<W.DocumentContent, Interactions.DocumentContent>>();
ok<Assignable<W.VideoContent, Interactions.VideoContent>>();
ok<Assignable<W.ToolSearchResultStep, Interactions.ToolSearchResultStep>>();
ok<Assignable<W.Content, Interactions.Content>>();
ok<Assignable<W.TextResponseFormat, Interactions.TextResponseFormat>>();
ok<Assignable<W.ImageResponseFormat, Interactions.ImageResponseFormat>>();
ok<Assignable<W.EnvironmentConfig, Interactions.Environment>>();
ok<Assignable<W.AntigravityAgentConfig, Interactions.AntigravityAgentConfig>>();
ok<Assignable<W.FunctionResultStep, Interactions.FunctionResultStep>>();
ok<Assignable<W.UserInputStep, Interactions.UserInputStep>>();

// --- everything the SDK says the server sends is accepted by our types
ok<Assignable<Interactions.Step, W.Step>>();
ok<Assignable<Interactions.ThoughtStep, W.ThoughtStep>>();
ok<Assignable<Interactions.ModelOutputStep, W.ModelOutputStep>>();
ok<Assignable<Interactions.FunctionCallStep, W.FunctionCallStep>>();
ok<Assignable<Interactions.FunctionResultStep, W.FunctionResultStep>>();
ok<Assignable<Interactions.CodeExecutionCallStep, W.CodeExecutionCallStep>>();
ok<Assignable<Interactions.CodeExecutionResultStep, W.CodeExecutionResultStep>>();
ok<Assignable<Interactions.GoogleSearchCallStep, W.GoogleSearchCallStep>>();
ok<Assignable<Interactions.GoogleSearchResultStep, W.GoogleSearchResultStep>>();
ok<Assignable<Interactions.URLContextCallStep, W.UrlContextCallStep>>();
ok<Assignable<Interactions.URLContextResultStep, W.UrlContextResultStep>>();
ok<Assignable<Interactions.GoogleMapsCallStep, W.GoogleMapsCallStep>>();
ok<Assignable<Interactions.GoogleMapsResultStep, W.GoogleMapsResultStep>>();
ok<Assignable<Interactions.MCPServerToolCallStep, W.McpServerToolCallStep>>();
ok<Assignable<Interactions.MCPServerToolResultStep, W.McpServerToolResultStep>>();
ok<Assignable<Interactions.FileSearchCallStep, W.FileSearchCallStep>>();
ok<Assignable<Interactions.FileSearchResultStep, W.FileSearchResultStep>>();
ok<Assignable<Interactions.RetrievalCallStep, W.RetrievalCallStep>>();
ok<Assignable<Interactions.RetrievalResultStep, W.RetrievalResultStep>>();
ok<Assignable<Interactions.ProcessingCallStep, W.ProcessingCallStep>>();
ok<Assignable<Interactions.ProcessingResultStep, W.ProcessingResultStep>>();
ok<Assignable<Interactions.ToolSearchCallStep, W.ToolSearchCallStep>>();
ok<Assignable<Interactions.ToolSearchResultStep, W.ToolSearchResultStep>>();
ok<Assignable<Interactions.GenerationConfig, W.GenerationConfig>>();
ok<Assignable<Interactions.Function, W.FunctionTool>>();
ok<Assignable<Extract<Interactions.Tool, { type: 'tool_search' }>, W.ToolSearchTool>>();
ok<Assignable<Interactions.UserInputStep, W.UserInputStep>>();
ok<Assignable<Interactions.Content, W.Content>>();
ok<Assignable<Interactions.Annotation, W.Annotation>>();
ok<Assignable<Interactions.Usage, W.Usage>>();
ok<Assignable<Interactions.Interaction, W.WireInteraction>>();
ok<Assignable<Interactions.InteractionSSEEvent, W.InteractionEvent>>();
ok<Assignable<Interactions.InteractionCreatedEvent, W.InteractionCreatedEvent>>();
ok<Assignable<Interactions.InteractionStatusUpdate, W.InteractionStatusUpdateEvent>>();
ok<Assignable<Interactions.StepStart, W.StepStartEvent>>();
ok<Assignable<Interactions.StepDelta, W.StepDeltaEvent>>();
ok<Assignable<Interactions.StepStop, W.StepStopEvent>>();
ok<Assignable<Interactions.InteractionCompletedEvent, W.InteractionCompletedEvent>>();
ok<Assignable<Interactions.ErrorEvent, W.ErrorEvent>>();

// --- and the known step shapes agree both ways (no field of ours the SDK lacks)
ok<Assignable<W.ThoughtStep, Interactions.ThoughtStep>>();
ok<Assignable<W.FunctionCallStep, Interactions.FunctionCallStep>>();
ok<Assignable<W.GoogleSearchCallStep, Interactions.GoogleSearchCallStep>>();
ok<Assignable<W.GoogleSearchResultStep, Interactions.GoogleSearchResultStep>>();
ok<Assignable<W.UrlContextResultStep, Interactions.URLContextResultStep>>();
ok<Assignable<W.CodeExecutionCallStep, Interactions.CodeExecutionCallStep>>();
ok<Assignable<W.UrlCitation, Interactions.URLCitation>>();
ok<Assignable<W.Usage, Interactions.Usage>>();
ok<Assignable<W.ToolSearchCallStep, Interactions.ToolSearchCallStep>>();
// xhigh and idle are in the SDK's vocabularies as in ours.
ok<Assignable<'xhigh', NonNullable<Interactions.GenerationConfig['thinking_level']>>>();
ok<Assignable<'idle', Interactions.Interaction['status']>>();

export {};
