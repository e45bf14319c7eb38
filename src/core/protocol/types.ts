/**
 * Wire types of the Gemini Interactions API (snake_case, exactly as sent and received).
 * Source: docs/protocol.md. Every union is open: unknown `type`s and unknown
 * enum values are kept and passed through, never rejected.
 *
 * These types describe the *normal form* produced by `decode.ts`. The seed variants of
 * section 13 (e.g. `type` instead of `event_type`) are accepted there and never leak past it.
 */
import { STEP_KIND_NAMES } from '../../shared/stepKinds';

/** An enum that also accepts values we do not know yet. */
export type Open<T extends string> = T | (string & {});

// ---------------------------------------------------------------- content

export interface UrlCitation {
  type: 'url_citation';
  url?: string;
  title?: string;
  start_index?: number;
  end_index?: number;
}
export interface FileCitation {
  type: 'file_citation';
  document_uri?: string;
  file_name?: string;
  source?: string;
  page_number?: number;
  media_id?: string;
  custom_metadata?: Record<string, unknown>;
  start_index?: number;
  end_index?: number;
}
export interface ReviewSnippet {
  review_id?: string;
  title?: string;
  url?: string;
}
export interface PlaceCitation {
  type: 'place_citation';
  name?: string;
  place_id?: string;
  url?: string;
  review_snippets?: ReviewSnippet[];
  start_index?: number;
  end_index?: number;
}
export interface SpeechMetadata {
  type: 'speech_metadata';
  speaker?: string;
  style?: string;
  start_index?: number;
  end_index?: number;
}
export interface WordInfo {
  type: 'word_info';
  text?: string;
  start_offset?: string;
  end_offset?: string;
  speaker?: string;
  start_index?: number;
  end_index?: number;
}
export type Annotation = UrlCitation | FileCitation | PlaceCitation | SpeechMetadata | WordInfo;

export interface TextContent {
  type: 'text';
  text: string;
  annotations?: Annotation[];
}
export type MediaResolution = Open<'low' | 'medium' | 'high' | 'ultra_high'>;
export interface ImageContent {
  type: 'image';
  data?: string;
  uri?: string;
  mime_type?: string;
  resolution?: MediaResolution;
}
/** How the model processes audio (§6.1): the whole of it, or a span (`"10.5s"` … `"30s"`). */
export type AudioProcessing = Open<'static'> | { type: 'static'; start_offset?: string; end_offset?: string };
export type VideoContentLayer = Open<'frames' | 'audio' | 'transcript'>;
/** How the model processes video (§6.1). */
export type VideoProcessing = Open<'static' | 'agentic'> | { type: 'static'; start_offset?: string; end_offset?: string; fps?: number; content_layers?: VideoContentLayer[] };
export type PageContentLayer = Open<'page_image' | 'page_text'>;
export type SpreadsheetContentLayer = Open<'visual' | 'data' | 'formulas'>;
/** How the model processes a document (§6.1): pages of a paginated one, a sheet and cells of a spreadsheet. */
export type DocumentProcessing =
  | Open<'static'>
  | {
      type: 'static';
      page_options?: { start_page?: number; end_page?: number; content_layers?: PageContentLayer[] };
      spreadsheet_options?: { sheet_index?: number; visible_cells?: string; content_layers?: SpreadsheetContentLayer[] };
    };
export interface AudioContent {
  type: 'audio';
  data?: string;
  uri?: string;
  mime_type?: string;
  sample_rate?: number;
  channels?: number;
  processing?: AudioProcessing;
}
export interface VideoContent {
  type: 'video';
  data?: string;
  uri?: string;
  mime_type?: string;
  resolution?: MediaResolution;
  name?: string;
  processing?: VideoProcessing;
}
export interface DocumentContent {
  type: 'document';
  data?: string;
  uri?: string;
  mime_type?: string;
  resolution?: MediaResolution;
  processing?: DocumentProcessing;
}
export type Content = TextContent | ImageContent | AudioContent | VideoContent | DocumentContent;

// ---------------------------------------------------------------- steps

export interface RpcStatus {
  code?: number;
  message?: string;
  details?: Array<Record<string, unknown>>;
}

export interface UserInputStep {
  type: 'user_input';
  content?: Content[];
}
export interface ModelOutputStep {
  type: 'model_output';
  content?: Content[];
  error?: RpcStatus;
}
export interface ThoughtStep {
  type: 'thought';
  signature?: string;
  summary?: Array<TextContent | ImageContent>;
}
export interface FunctionCallStep {
  type: 'function_call';
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}
/** A function definition inside a result (since 3.6.1: a client-side tool search answers with them, §3.4.2). */
export type FunctionResultItem = Content | FunctionTool;
export type FunctionResultValue = FunctionResultItem[] | Record<string, unknown> | string;
export interface FunctionResultStep {
  type: 'function_result';
  call_id: string;
  result: FunctionResultValue;
  name?: string;
  is_error?: boolean;
}
export interface CodeExecutionCallStep {
  type: 'code_execution_call';
  id: string;
  arguments: { code?: string; language?: Open<'python' | 'bash'> };
  signature?: string;
}
export interface CodeExecutionResultStep {
  type: 'code_execution_result';
  call_id: string;
  result: Content[] | string;
  is_error?: boolean;
  signature?: string;
}
export interface GoogleSearchCallStep {
  type: 'google_search_call';
  id: string;
  arguments: { queries?: string[] };
  search_type?: Open<'web_search' | 'image_search' | 'enterprise_web_search'>;
  signature?: string;
}
export interface GoogleSearchResultItem {
  search_suggestions?: string;
}
export interface GoogleSearchResultStep {
  type: 'google_search_result';
  call_id: string;
  result: GoogleSearchResultItem[];
  is_error?: boolean;
  signature?: string;
}
export interface UrlContextCallStep {
  type: 'url_context_call';
  id: string;
  arguments: { urls?: string[] };
  signature?: string;
}
export interface UrlContextResultItem {
  url?: string;
  status?: Open<'success' | 'error' | 'paywall' | 'unsafe'>;
}
export interface UrlContextResultStep {
  type: 'url_context_result';
  call_id: string;
  result: UrlContextResultItem[];
  is_error?: boolean;
  signature?: string;
}
export interface GoogleMapsPlace {
  name?: string;
  place_id?: string;
  url?: string;
  review_snippets?: ReviewSnippet[];
}
export interface GoogleMapsResultItem {
  places?: GoogleMapsPlace[];
  widget_context_token?: string;
}
export interface GoogleMapsCallStep {
  type: 'google_maps_call';
  id: string;
  arguments?: { queries?: string[] };
  signature?: string;
}
export interface GoogleMapsResultStep {
  type: 'google_maps_result';
  call_id: string;
  result: GoogleMapsResultItem[];
  signature?: string;
}
export interface McpServerToolCallStep {
  type: 'mcp_server_tool_call';
  id: string;
  name: string;
  server_name: string;
  arguments: Record<string, unknown>;
}
export interface McpServerToolResultStep {
  type: 'mcp_server_tool_result';
  call_id: string;
  result: FunctionResultValue;
  name?: string;
  server_name?: string;
}
export interface FileSearchCallStep {
  type: 'file_search_call';
  id: string;
  signature?: string;
}
export interface FileSearchResultStep {
  type: 'file_search_result';
  call_id: string;
  signature?: string;
  result?: Array<Record<string, unknown>>;
}
export interface RetrievalCallStep {
  type: 'retrieval_call';
  id: string;
  arguments: { queries?: string[] };
  retrieval_type?: Open<'vertex_ai_search' | 'rag_store' | 'exa_ai_search' | 'parallel_ai_search'>;
  signature?: string;
}
export interface RetrievalResultStep {
  type: 'retrieval_result';
  call_id: string;
  is_error?: boolean;
  signature?: string;
}
export interface ProcessingCallStep {
  type: 'processing_call';
  id: string;
  signature?: string;
}
export interface ProcessingResultStep {
  type: 'processing_result';
  call_id: string;
  signature?: string;
}

/** Tool Retrieval (§3.4.2): the model loads deferred tools by name. */
export interface ToolSearchCallStep {
  type: 'tool_search_call';
  id: string;
  arguments: { function_names?: string[] };
  signature?: string;
}
/** The definitions a tool search loaded. */
export interface ToolSearchResultStep {
  type: 'tool_search_result';
  call_id: string;
  result?: FunctionTool[];
  signature?: string;
}

/** A step whose `type` we do not know. Kept verbatim and shown as "unsupported step". */
export interface UnknownStep {
  type: string;
  [key: string]: unknown;
}

export type KnownStep =
  | UserInputStep
  | ModelOutputStep
  | ThoughtStep
  | FunctionCallStep
  | FunctionResultStep
  | CodeExecutionCallStep
  | CodeExecutionResultStep
  | GoogleSearchCallStep
  | GoogleSearchResultStep
  | UrlContextCallStep
  | UrlContextResultStep
  | GoogleMapsCallStep
  | GoogleMapsResultStep
  | McpServerToolCallStep
  | McpServerToolResultStep
  | FileSearchCallStep
  | FileSearchResultStep
  | RetrievalCallStep
  | RetrievalResultStep
  | ProcessingCallStep
  | ProcessingResultStep
  | ToolSearchCallStep
  | ToolSearchResultStep;
export type Step = KnownStep | UnknownStep;
export type StepType = KnownStep['type'];

/** The step kinds of the shared registry (src/shared/stepKinds.ts): the same list as `StepType`, checked below. */
export const KNOWN_STEP_TYPES: ReadonlySet<string> = new Set<StepType>(STEP_KIND_NAMES);

// ---------------------------------------------------------------- usage / status

export interface ModalityTokens {
  modality?: Open<'text' | 'image' | 'audio' | 'video' | 'document'>;
  tokens?: number;
}
export interface Usage {
  total_input_tokens?: number;
  total_output_tokens?: number;
  total_thought_tokens?: number;
  total_cached_tokens?: number;
  total_tool_use_tokens?: number;
  total_tokens?: number;
  initial_input_tokens?: number;
  input_tokens_by_modality?: ModalityTokens[];
  output_tokens_by_modality?: ModalityTokens[];
  cached_tokens_by_modality?: ModalityTokens[];
  tool_use_tokens_by_modality?: ModalityTokens[];
  grounding_tool_count?: Array<{ type?: Open<'google_search' | 'google_maps' | 'retrieval'>; count?: number }>;
}

export type InteractionStatus = Open<
  'queued' | 'in_progress' | 'requires_action' | 'requires_continuation' | 'completed' | 'incomplete' | 'failed' | 'cancelled' | 'budget_exceeded' | 'idle'
>;

/**
 * Statuses after which this HTTP stream/response has nothing more to say. `idle` (since 3.6.1):
 * the interaction finished its turn and waits for more input [INF]: this response is over.
 */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set([
  'requires_action',
  'requires_continuation',
  'completed',
  'incomplete',
  'failed',
  'cancelled',
  'canceled',
  'budget_exceeded',
  'idle',
]);
export function isTerminalStatus(status: string | undefined): boolean {
  return status !== undefined && TERMINAL_STATUSES.has(status);
}

// ---------------------------------------------------------------- request

export interface FunctionTool {
  type: 'function';
  name?: string;
  description?: string;
  parameters?: Record<string, unknown>;
  /** Tool Retrieval: declared, but loaded only when a tool search asks for it (§3.4.2). */
  defer_loading?: boolean;
  /** What the model sees of a deferred function until it is loaded. */
  short_description?: string;
}
/** Tool Retrieval (§3.4.2): lets the model load deferred tools on demand. */
export interface ToolSearchTool {
  type: 'tool_search';
  execution?: Open<'server' | 'client'>;
  /** Client execution only: the search function the model calls. */
  name?: string;
  description?: string;
  parameters?: Record<string, unknown>;
}
export interface GoogleSearchTool {
  type: 'google_search';
  search_types?: Array<Open<'web_search' | 'image_search' | 'enterprise_web_search'>>;
}
export interface CodeExecutionTool {
  type: 'code_execution';
}
export interface UrlContextTool {
  type: 'url_context';
}
export interface McpServerTool {
  type: 'mcp_server';
  name?: string;
  url?: string;
  headers?: Record<string, string>;
  allowed_tools?: Array<{ mode?: ToolChoiceType; tools?: string[] }>;
  /** Tool Retrieval: this server's tools load only when a tool search asks for them. */
  defer_loading?: boolean;
}
export interface FileSearchTool {
  type: 'file_search';
  file_search_store_names?: string[];
  metadata_filter?: string;
  top_k?: number;
}
export interface GoogleMapsTool {
  type: 'google_maps';
  enable_widget?: boolean;
  latitude?: number;
  longitude?: number;
}
export type Tool = FunctionTool | GoogleSearchTool | CodeExecutionTool | UrlContextTool | McpServerTool | FileSearchTool | GoogleMapsTool | ToolSearchTool;

export type ToolChoiceType = 'auto' | 'any' | 'none' | 'validated';
export type ThinkingLevel = 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export interface GenerationConfig {
  max_output_tokens?: number;
  /** Open: a level a newer server knows is passed through (the picker offers ThinkingLevel). */
  thinking_level?: Open<ThinkingLevel>;
  thinking_summaries?: Open<'auto' | 'none'>;
  tool_choice?: Open<ToolChoiceType> | { allowed_tools?: { mode?: Open<ToolChoiceType>; tools?: string[] } };
  stop_sequences?: string[];
  seed?: number;
  temperature?: number;
  top_p?: number;
}

export interface TextResponseFormat {
  type: 'text';
  mime_type?: 'application/json' | 'text/plain';
  schema?: Record<string, unknown>;
}
export interface ImageResponseFormat {
  type: 'image';
  mime_type?: 'image/jpeg';
  aspect_ratio?: '1:1' | '2:3' | '3:2' | '3:4' | '4:3' | '4:5' | '5:4' | '9:16' | '16:9' | '21:9' | '1:8' | '8:1' | '1:4' | '4:1';
  image_size?: '512' | '1K' | '2K' | '4K';
  delivery?: 'inline' | 'uri';
}
export type ResponseFormat = TextResponseFormat | ImageResponseFormat;

export interface AllowlistEntry {
  domain: string;
  transform?: Record<string, string> | Array<Record<string, string>>;
  credential?: string;
}
export type NetworkPolicy = 'disabled' | { allowlist?: AllowlistEntry[] | 'disabled' };
export interface EnvironmentSource {
  type: 'gcs' | 'inline' | 'repository' | 'skill_registry';
  source?: string;
  target?: string;
  content?: string;
  encoding?: string;
}
export interface EnvironmentConfig {
  type: 'remote';
  environment_id?: string;
  sources?: EnvironmentSource[];
  env?: Record<string, string | { value?: string; credential?: string }>;
  network?: NetworkPolicy;
}

export interface AntigravityAgentConfig {
  type: 'antigravity';
  model?: string;
  max_total_tokens?: string;
}
export interface DeepResearchAgentConfig {
  type: 'deep-research';
  collaborative_planning?: boolean;
  enable_bigquery_tool?: boolean;
  thinking_summaries?: 'auto' | 'none';
  visualization?: 'off' | 'auto';
}
export interface DynamicAgentConfig {
  type: 'dynamic';
  [key: string]: unknown;
}
export type AgentConfig = AntigravityAgentConfig | DeepResearchAgentConfig | DynamicAgentConfig;

/** A step the client may send back as input (stateless history, function results). */
export type InputStep = Step;
export type InteractionInput = string | Content | Content[] | InputStep[];

interface CreateCommon {
  input?: InteractionInput;
  previous_interaction_id?: string;
  store?: boolean;
  stream?: boolean;
  background?: boolean;
  environment?: EnvironmentConfig | string;
  tools?: Tool[];
  response_format?: ResponseFormat | ResponseFormat[];
  system_instruction?: string;
  service_tier?: 'flex' | 'standard' | 'priority' | 'deferred';
  continuation_token?: string;
  labels?: Record<string, string>;
}
export interface CreateModelInteraction extends CreateCommon {
  model: string;
  generation_config?: GenerationConfig;
}
export interface CreateAgentInteraction extends CreateCommon {
  agent: string;
  agent_config?: AgentConfig;
}
export type CreateInteractionRequest = CreateModelInteraction | CreateAgentInteraction;

// ---------------------------------------------------------------- interaction resource

export interface InteractionError {
  code?: string;
  message?: string;
  /** The google.rpc status name, when the error carries one (`UNAUTHENTICATED`). */
  status?: string;
}

export interface Interaction {
  id: string;
  status: InteractionStatus;
  steps: Step[];
  usage?: Usage;
  created?: string;
  updated?: string;
  model?: string;
  agent?: string;
  object?: string;
  environment_id?: string;
  continuation_token?: string;
  previous_interaction_id?: string;
  errors?: InteractionError[];
  service_tier?: string;
  [key: string]: unknown;
}

/** An Interaction as it arrives on the wire (`steps` may be absent; decoding fills in `[]`). */
export type WireInteraction = Omit<Interaction, 'steps'> & { steps?: Step[] };

/** The interaction carried by SSE lifecycle events (may omit most fields). */
export interface PartialInteraction {
  id: string;
  status: InteractionStatus;
  model?: string;
  agent?: string;
  object?: string;
  created?: string;
  updated?: string;
  service_tier?: string;
  usage?: Usage;
  continuation_token?: string;
  environment_id?: string;
  steps?: Step[];
  errors?: InteractionError[];
}

// ---------------------------------------------------------------- deltas

export interface TextDelta {
  type: 'text';
  text: string;
}
export interface TextAnnotationDelta {
  type: 'text_annotation_delta';
  annotations?: Annotation[];
}
export interface MediaDelta {
  type: 'image' | 'audio' | 'video' | 'document';
  data?: string;
  uri?: string;
  mime_type?: string;
  resolution?: MediaResolution;
  sample_rate?: number;
  channels?: number;
}
export interface ThoughtSummaryDelta {
  type: 'thought_summary';
  content?: TextContent | ImageContent;
}
export interface ThoughtSignatureDelta {
  type: 'thought_signature';
  signature?: string;
}
export interface ArgumentsDelta {
  type: 'arguments_delta';
  arguments?: string;
}
/** Server-tool deltas: their fields are merged into the step of the same name. */
export interface MergeDelta {
  type: string;
  [key: string]: unknown;
}
export type StepDeltaData = TextDelta | TextAnnotationDelta | MediaDelta | ThoughtSummaryDelta | ThoughtSignatureDelta | ArgumentsDelta | MergeDelta;

// ---------------------------------------------------------------- SSE events (normal form)

export interface InteractionCreatedEvent {
  event_type: 'interaction.created';
  interaction: PartialInteraction;
  event_id?: string;
}
export interface InteractionStatusUpdateEvent {
  event_type: 'interaction.status_update';
  interaction_id: string;
  status: InteractionStatus;
  continuation_token?: string;
  usage?: Usage;
  event_id?: string;
}
export interface StepStartEvent {
  event_type: 'step.start';
  index: number;
  step: Step;
  event_id?: string;
}
export interface StepDeltaEvent {
  event_type: 'step.delta';
  index: number;
  delta: StepDeltaData;
  metadata?: { total_usage?: Usage };
  event_id?: string;
}
export interface StepStopEvent {
  event_type: 'step.stop';
  index: number;
  usage?: Usage;
  step_usage?: Usage;
  event_id?: string;
}
export interface InteractionCompletedEvent {
  event_type: 'interaction.completed';
  interaction: PartialInteraction;
  event_id?: string;
}
export interface ErrorEvent {
  event_type: 'error';
  error?: { code?: string; message?: string };
  event_id?: string;
}
/** An event type we do not know. Passed through, never a crash. */
export interface UnknownEvent {
  event_type: string;
  event_id?: string;
  [key: string]: unknown;
}

export type KnownEvent = InteractionCreatedEvent | InteractionStatusUpdateEvent | StepStartEvent | StepDeltaEvent | StepStopEvent | InteractionCompletedEvent | ErrorEvent;
export type InteractionEvent = KnownEvent | UnknownEvent;

// ---------------------------------------------------------------- agents, environments, files, credentials

export interface Agent {
  id?: string;
  base_agent?: string;
  system_instruction?: string;
  description?: string;
  tools?: Tool[];
  base_environment?: EnvironmentConfig | string;
  agent_config?: AntigravityAgentConfig;
  [key: string]: unknown;
}
export interface AgentList {
  agents?: Agent[];
  next_page_token?: string;
}

export interface EnvironmentResource {
  id: string;
  status?: Open<'active' | 'expired'>;
  created?: string;
  updated?: string;
  last_accessed?: string;
  file_count?: string;
  size_bytes?: string;
  network?: NetworkPolicy;
  sources?: EnvironmentSource[];
  [key: string]: unknown;
}
export interface CreateEnvironmentRequest {
  sources?: EnvironmentSource[];
  network?: NetworkPolicy;
  from_environment?: string;
}
export interface EnvironmentList {
  environments?: EnvironmentResource[];
  next_page_token?: string;
}

export interface EnvironmentFile {
  name?: string;
  path?: string;
  type?: Open<'file' | 'directory'>;
  mime_type?: string;
  size_bytes?: string;
  created?: string;
  modified?: string;
}
export interface EnvironmentFileList {
  files?: EnvironmentFile[];
  next_page_token?: string;
}

export interface Credential {
  id: string;
  type: Open<'bearer_token' | 'oauth2' | 'environment_variable'>;
  status?: Open<'active' | 'revoked'>;
  create_time?: string;
  update_time?: string;
}
export interface CredentialList {
  credentials?: Credential[];
  next_page_token?: string;
}
export type CredentialCreate =
  | { type: 'environment_variable'; id: string; value: string; injection_location: 'header' | 'query' | 'body' | Array<'header' | 'query' | 'body'>; trusted_domains?: string[] }
  | { type: 'bearer_token'; id: string; token: string; header_name?: string; prefix?: string }
  | { type: 'oauth2'; id: string; client_id: string; client_secret: string; refresh_token: string; token_url: string; scopes?: string[] };

// ---------------------------------------------------------------- models (the Gemini API's list)

/** One entry of the API's model list (`GET /v1beta/models`). */
export interface ApiModel {
  name?: string;
  baseModelId?: string;
  version?: string;
  displayName?: string;
  description?: string;
  inputTokenLimit?: number;
  outputTokenLimit?: number;
  supportedGenerationMethods?: string[];
}
