/**
 * The one message protocol between the extension host and the chat webview. Both sides import
 * it; both validate what they receive (`parseHostMessage` in the webview, `parseWebviewMessage`
 * in the host). The host posts deltas, never the whole transcript (only `conversation` on load).
 * The webview can never name a command to run: every action is one of the fixed kinds below.
 */

import {
  APPROVAL_DECISIONS,
  CONVERSATION_MODES,
  cleanGeneration,
  type GenerationChoices,
  THINKING_LEVELS,
  TOGGLES,
  type ApprovalDecision,
  type ApprovalKind,
  type ConversationMode,
  type ThinkingChoice,
  type ToggleName,
  type ToolCallStatus,
} from './vocab';

export type { ApprovalDecision, ApprovalKind, ConversationMode, ThinkingChoice, ToggleName, ToolCallStatus };

/** A step as the webview sees it (wire step; rendered defensively). */
export interface WireStep {
  type: string;
  [key: string]: unknown;
}
export interface WireContent {
  type: string;
  text?: string;
  data?: string;
  uri?: string;
  mime_type?: string;
  [key: string]: unknown;
}
/** A citation mapped to string indices of its text content by the host. */
export interface CitationView {
  url: string;
  title?: string;
  start: number;
  end: number;
}

export type UiChange =
  | { k: 'add'; s: number; step: WireStep }
  | { k: 'text'; s: number; c: number; t: string }
  | { k: 'content'; s: number; c: number; content: WireContent }
  | { k: 'cite'; s: number; c: number; cites: CitationView[] }
  | { k: 'thought'; s: number; t: string }
  | { k: 'args'; s: number; t: string }
  | { k: 'update'; s: number; step: WireStep }
  | { k: 'done'; s: number; step?: WireStep }
  | { k: 'restart'; from: number };

export interface UsageView {
  input?: number;
  cached?: number;
  thought?: number;
  output?: number;
  total?: number;
}

export interface ErrorView {
  kind: string;
  message: string;
  retryAfterMs?: number;
  /** A machine-readable reason (e.g. PREVIOUS_GONE: offer to continue from the local history). */
  code?: string;
}

export interface ToolActivity {
  callId: string;
  name: string;
  status: ToolCallStatus;
  /** Why it ran without asking, or why it was refused. */
  reason?: string;
  /** Streamed command output (appended). */
  output?: string;
  durationMs?: number;
  /** Short result summary (collapsible in the UI). */
  result?: string;
  approval?: ApprovalRequest;
}

export interface ApprovalRequest {
  /** An unguessable nonce minted by the host for this request; only an answer with it counts. */
  requestId: string;
  kind: ApprovalKind;
  title: string;
  /** The command line, or the path being edited. */
  detail: string;
  /** Unified diff for edits. */
  diff?: string;
  sensitive?: string;
  allowAcceptAll: boolean;
  /** Commands: whether it will run inside the OS sandbox. */
  sandboxed?: boolean;
  /** Commands: whether it gets the network (then services on this machine are reachable too). */
  network?: boolean;
  /** Commands: whether its writes in the workspace are held for review (copy-on-write) rather than landing as they happen. */
  transactional?: boolean;
  /** Commands: the programs the line runs, in order (so the card can say where the commands are). */
  commands?: string[];
  /** The answers' names when they are not the kind's own (e.g. Keep waiting / Cancel the call). */
  acceptLabel?: string;
  rejectLabel?: string;
}

export interface TurnView {
  id: string;
  input: WireContent[];
  steps: WireStep[];
  /** Citations per "step:content" key (host-mapped). */
  cites?: Record<string, CitationView[]>;
  state: string;
  error?: ErrorView;
  usage?: UsageView;
  notices: string[];
  model: string;
  tools?: ToolActivity[];
  undo?: { available: boolean; files: number };
  /** The project instruction files this turn sent (AGENTS.md, GEMINI.md, …). */
  instructions?: string[];
  /** The Agent Skills the model loaded (display paths of their SKILL.md). */
  skills?: string[];
  /** A plan-first turn: read-only tools, a plan asked for (its end offers Start and Revise). */
  plan?: boolean;
  /** Sent in the background (`background: true`): it runs on the server and fills in here. */
  background?: boolean;
  /** Deep Research: the agent's plan (confirm or edit it) or the research run (its report can be saved). */
  research?: 'plan' | 'run';
}

export interface ConversationView {
  id: string | undefined;
  title: string;
  mode: ConversationMode;
  turns: TurnView[];
}

export interface AttachmentView {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  kind: 'file' | 'selection' | 'image' | 'document' | 'audio' | 'video' | 'url';
  /** Which processing options the attachment takes (§6.1), if any. */
  media?: MediaFamily;
  /** The options set from its chip. */
  options?: MediaOptions;
  /** What they say, shortly ("pp. 3–5 · page_text"). */
  optionsSummary?: string;
  /** What is known of the file: its pages (PDF, PowerPoint) or sheets (Excel). */
  pages?: number;
  sheets?: number;
}

export type MediaFamily = 'paginated' | 'spreadsheet' | 'audio' | 'video';
export const MEDIA_RESOLUTIONS = ['low', 'medium', 'high', 'ultra_high'] as const;
export const PAGE_LAYERS = ['page_image', 'page_text'] as const;
export const SHEET_LAYERS = ['visual', 'data', 'formulas'] as const;
export const VIDEO_LAYERS = ['frames', 'audio', 'transcript'] as const;

/** Processing options of a media attachment, as the user set them (checked by the host). */
export interface MediaOptions {
  /** Paginated documents: "3-5", "3", "3-". */
  pages?: string;
  pageLayers?: string[];
  /** Spreadsheets: 1-indexed sheet, A1 cells, layers. */
  sheet?: number;
  cells?: string;
  sheetLayers?: string[];
  /** Documents: the token resolution. */
  resolution?: string;
  /** Audio and video: a span ("10.5s", "1:30"). */
  start?: string;
  end?: string;
  /** Video: frame sampling and layers. */
  fps?: number;
  videoLayers?: string[];
}

export interface SettingsView {
  models: string[];
  model: string;
  thinkingLevel: ThinkingChoice;
  googleSearch: boolean;
  urlContext: boolean;
  codeExecution: boolean;
  mode: ConversationMode;
  /** The conversation has started: its mode can no longer change (a new chat can). */
  modeLocked?: boolean;
  generation?: GenerationChoices;
}

/** A remote agent run shown in a chat tab. */
export interface RunInfoView {
  /** The run's local id (kept in the tab's webview state so the tab is restored after a reload). */
  id?: string;
  agent: string;
  status: string;
  environmentId?: string;
  tokens?: number;
  error?: string;
  canCancel: boolean;
  canReview: boolean;
}

export interface PanelState {
  /** The sidebar chat, or a remote agent run in an editor tab. */
  kind?: 'chat' | 'run';
  run?: RunInfoView;
  hasKey: boolean;
  /** Why the key screen is shown (e.g. the API rejected the key). */
  keyMessage?: string;
  toolsEnabled: boolean;
  toolsDisabledReason?: string;
  /** How many MCP / extension tools and remote MCP servers the user picked for this workspace. */
  externalTools?: number;
  busy: boolean;
  settings: SettingsView;
  /** Plan first: the next message gets read-only tools and is asked for a plan. */
  plan?: boolean;
  /** Deep Research: the next message goes to the Deep Research agent in the background. */
  research?: boolean;
}

/** A message the user wrote while an answer was streaming: sent when the turn ends. */
export interface QueuedView {
  id: string;
  text: string;
  /** "Steer now": goes with the running turn's next function results (else when the turn ends). */
  steer?: boolean;
}

/** A completion for a mention being typed in the composer (#file:…, @symbol). */
export interface MentionCandidate {
  kind: 'file' | 'symbol';
  /** Written into the message (the path, the symbol's name). */
  value: string;
  label: string;
  detail?: string;
}

export const QUEUE_ACTIONS = ['remove', 'up', 'down', 'edit', 'sendNow', 'steer'] as const;
export type QueueAction = (typeof QUEUE_ACTIONS)[number];

// ------------------------------------------------------------------ host → webview

export type HostMessage =
  /** `tab`: in a chat editor tab, the tab's key (kept in the webview state so the tab comes back after a reload). */
  | { type: 'init'; state: PanelState; conversation: ConversationView; draft: string; attachments: AttachmentView[]; tab?: string }
  | { type: 'state'; state: PanelState }
  | { type: 'conversation'; conversation: ConversationView }
  | { type: 'turnStart'; turn: TurnView }
  | { type: 'turnChanges'; turnId: string; changes: UiChange[] }
  | { type: 'turnEnd'; turnId: string; state: string; error?: ErrorView; usage?: UsageView; undo?: { available: boolean; files: number } }
  | { type: 'notice'; turnId: string; text: string; kind: 'retry' | 'resume' | 'info' }
  | { type: 'turnState'; turnId: string; state: string }
  | { type: 'tool'; turnId: string; activity: ToolActivity }
  | { type: 'toolOutput'; turnId: string; callId: string; text: string }
  | { type: 'instructions'; turnId: string; files: string[] }
  | { type: 'skills'; turnId: string; skills: string[] }
  /** A draft from a chat link: the text, where it came from, and the draft it replaced (to restore). */
  | { type: 'linkDraft'; text: string; notice: string; previous?: string }
  | { type: 'queue'; items: QueuedView[] }
  | { type: 'mentionCandidates'; seq: number; items: MentionCandidate[] }
  | { type: 'draft'; text: string; append?: boolean }
  | { type: 'attachments'; attachments: AttachmentView[] }
  /** The options set from a chip were applied (no error) or refused (the reason; the form keeps them). */
  | { type: 'attachmentOptionsResult'; id: string; error?: string }
  | { type: 'focus' }
  | { type: 'toast'; text: string; kind: 'info' | 'error' }
  /** Said to screen-reader users at once (a conversation waits for an approval, failed, finished). */
  | { type: 'announce'; text: string };

// ------------------------------------------------------------------ webview → host

export type AttachKind = 'activeFile' | 'selection' | 'workspaceFile' | 'picker' | 'url';

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'send'; text: string; background?: boolean }
  | { type: 'stop' }
  /** `turnId`: the turn whose Retry was clicked (another window may have added turns since). */
  | { type: 'retry'; turnId?: string }
  | { type: 'editLast'; text: string; turnId?: string }
  | { type: 'newChat' }
  | { type: 'setModel'; model: string }
  | { type: 'setThinking'; level: ThinkingChoice }
  | { type: 'setToggle'; name: ToggleName; value: boolean }
  | { type: 'setMode'; mode: ConversationMode }
  | { type: 'setPlan'; value: boolean }
  | { type: 'planAction'; turnId: string; action: 'start' }
  | { type: 'setResearch'; value: boolean }
  | { type: 'researchAction'; turnId: string; action: 'start' | 'save' }
  | { type: 'setGeneration'; generation: GenerationChoices }
  | { type: 'draft'; text: string }
  | { type: 'attach'; kind: AttachKind }
  | { type: 'attachData'; name: string; mimeType: string; data: string }
  | { type: 'removeAttachment'; id: string }
  | { type: 'previewAttachment'; id: string }
  | { type: 'attachmentOptions'; id: string; options: MediaOptions }
  | { type: 'setKey' }
  | { type: 'codeAction'; action: 'copy' | 'insert' | 'newFile'; code: string; language: string }
  | { type: 'openLink'; url: string }
  | { type: 'image'; action: 'open' | 'save'; turnId: string; step: number; content: number }
  | { type: 'approval'; requestId: string; decision: ApprovalDecision }
  | { type: 'undoTurn'; turnId: string }
  | { type: 'runRemote'; text: string }
  | { type: 'showHistory' }
  | { type: 'chooseTools' }
  | { type: 'openInstruction'; turnId: string; file: string }
  | { type: 'openSkill'; turnId: string; skill: string }
  | { type: 'queue'; text: string }
  | { type: 'mentionQuery'; kind: 'file' | 'symbol'; query: string; seq: number }
  | { type: 'queueAction'; id: string; action: QueueAction }
  | { type: 'resume'; turnId: string }
  | { type: 'resendLocal'; turnId: string }
  | { type: 'runAction'; action: 'cancel' | 'review' };

// ------------------------------------------------------------------ validation

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Obj, k: string, max = 1_000_000): boolean => typeof o[k] === 'string' && (o[k] as string).length <= max;
const bool = (o: Obj, k: string): boolean => typeof o[k] === 'boolean';
const oneOf = <T extends string>(o: Obj, k: string, values: readonly T[]): boolean => typeof o[k] === 'string' && (values as readonly string[]).includes(o[k] as string);
const int = (o: Obj, k: string): boolean => typeof o[k] === 'number' && Number.isInteger(o[k]) && (o[k] as number) >= 0;

const MAX_TEXT = 2_000_000;
/** Attachments posted from the webview (base64): 20 MB of data at most. */
export const MAX_ATTACHMENT_B64 = 28_000_000;

/** The shape of media options (their meaning is checked by the host, with a message the user reads). */
export function cleanMediaOptions(raw: unknown): MediaOptions | undefined {
  if (!isObj(raw)) return undefined;
  const out: MediaOptions = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || v === null) continue;
    if (k === 'pages' || k === 'cells' || k === 'resolution' || k === 'start' || k === 'end') {
      if (typeof v !== 'string' || v.length > 100) return undefined;
      if (v.trim()) out[k] = v;
    } else if (k === 'sheet' || k === 'fps') {
      if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
      out[k] = v;
    } else if (k === 'pageLayers' || k === 'sheetLayers' || k === 'videoLayers') {
      if (!Array.isArray(v) || v.length > 10 || !v.every((x) => typeof x === 'string' && x.length <= 40)) return undefined;
      out[k] = v as string[];
    } else return undefined;
  }
  return out;
}

type OfW<K extends WebviewMessage['type']> = Extract<WebviewMessage, { type: K }>;
/**
 * The validator of every kind of WebviewMessage (a mapped type: a kind without one fails the build;
 * a test round-trips a sample of each). Each returns the message, or undefined when it is malformed.
 */
export const WEBVIEW_VALIDATORS: { [K in WebviewMessage['type']]: (m: Obj) => OfW<K> | undefined } = {
  retry: (m) => {
    if (m.turnId === undefined) return { type: 'retry' };
    return str(m, 'turnId', 100) ? { type: 'retry', turnId: m.turnId as string } : undefined;
  },
  editLast: (m) => {
    if (!str(m, 'text', MAX_TEXT) || (m.turnId !== undefined && !str(m, 'turnId', 100))) return undefined;
    return m.turnId === undefined ? { type: 'editLast', text: m.text as string } : { type: 'editLast', text: m.text as string, turnId: m.turnId as string };
  },
  ready: () => ({ type: 'ready' }),
  stop: () => ({ type: 'stop' }),
  newChat: () => ({ type: 'newChat' }),
  setKey: () => ({ type: 'setKey' }),
  showHistory: () => ({ type: 'showHistory' }),
  chooseTools: () => ({ type: 'chooseTools' }),
  queueAction: (m) => (str(m, 'id', 100) && oneOf(m, 'action', QUEUE_ACTIONS) ? { type: 'queueAction', id: m.id as string, action: m.action as QueueAction } : undefined),
  mentionQuery: (m) =>
    oneOf(m, 'kind', ['file', 'symbol'] as const) && typeof m.query === 'string' && m.query.length <= 200 && typeof m.seq === 'number' && Number.isSafeInteger(m.seq)
      ? { type: 'mentionQuery', kind: m.kind as 'file' | 'symbol', query: m.query, seq: m.seq }
      : undefined,
  send: (m) => {
    if (!str(m, 'text', MAX_TEXT) || (m.background !== undefined && typeof m.background !== 'boolean')) return undefined;
    return m.background === true ? { type: 'send', text: m.text as string, background: true } : { type: 'send', text: m.text as string };
  },
  queue: (m) => (str(m, 'text', MAX_TEXT) ? ({ type: 'queue', text: m.text } as OfW<'queue'>) : undefined),
  draft: (m) => (str(m, 'text', MAX_TEXT) ? ({ type: 'draft', text: m.text } as OfW<'draft'>) : undefined),
  runRemote: (m) => (str(m, 'text', MAX_TEXT) ? ({ type: 'runRemote', text: m.text } as OfW<'runRemote'>) : undefined),
  setModel: (m) => (str(m, 'model', 200) ? { type: 'setModel', model: m.model as string } : undefined),
  setThinking: (m) => (oneOf(m, 'level', THINKING_LEVELS) ? { type: 'setThinking', level: m.level as ThinkingChoice } : undefined),
  setGeneration: (m) => {
    const g = cleanGeneration(m.generation);
    return g ? { type: 'setGeneration', generation: g } : undefined;
  },
  setMode: (m) => (oneOf(m, 'mode', CONVERSATION_MODES) ? { type: 'setMode', mode: m.mode as ConversationMode } : undefined),
  setPlan: (m) => (bool(m, 'value') ? { type: 'setPlan', value: m.value as boolean } : undefined),
  planAction: (m) => (str(m, 'turnId', 100) && m.action === 'start' ? { type: 'planAction', turnId: m.turnId as string, action: 'start' } : undefined),
  setResearch: (m) => (bool(m, 'value') ? { type: 'setResearch', value: m.value as boolean } : undefined),
  researchAction: (m) =>
    str(m, 'turnId', 100) && (m.action === 'start' || m.action === 'save') ? { type: 'researchAction', turnId: m.turnId as string, action: m.action } : undefined,
  setToggle: (m) => (oneOf(m, 'name', TOGGLES) && bool(m, 'value') ? { type: 'setToggle', name: m.name as ToggleName, value: m.value as boolean } : undefined),
  attach: (m) => (oneOf(m, 'kind', ['activeFile', 'selection', 'workspaceFile', 'picker', 'url'] as const) ? { type: 'attach', kind: m.kind as AttachKind } : undefined),
  attachData: (m) =>
    str(m, 'name', 500) && str(m, 'mimeType', 200) && str(m, 'data', MAX_ATTACHMENT_B64) && /^[A-Za-z0-9+/=\s]*$/.test((m.data as string).slice(0, 1000))
      ? { type: 'attachData', name: m.name as string, mimeType: m.mimeType as string, data: m.data as string }
      : undefined,
  removeAttachment: (m) => (str(m, 'id', 100) ? { type: 'removeAttachment', id: m.id as string } : undefined),
  previewAttachment: (m) => (str(m, 'id', 100) ? { type: 'previewAttachment', id: m.id as string } : undefined),
  attachmentOptions: (m) => {
    const options = cleanMediaOptions(m.options);
    return str(m, 'id', 100) && options ? { type: 'attachmentOptions', id: m.id as string, options } : undefined;
  },
  codeAction: (m) =>
    oneOf(m, 'action', ['copy', 'insert', 'newFile'] as const) && str(m, 'code', MAX_TEXT) && str(m, 'language', 100)
      ? { type: 'codeAction', action: m.action as 'copy' | 'insert' | 'newFile', code: m.code as string, language: m.language as string }
      : undefined,
  openLink: (m) => (str(m, 'url', 8000) ? { type: 'openLink', url: m.url as string } : undefined),
  image: (m) =>
    oneOf(m, 'action', ['open', 'save'] as const) && str(m, 'turnId', 100) && int(m, 'step') && int(m, 'content')
      ? { type: 'image', action: m.action as 'open' | 'save', turnId: m.turnId as string, step: m.step as number, content: m.content as number }
      : undefined,
  approval: (m) =>
    str(m, 'requestId', 100) && oneOf(m, 'decision', APPROVAL_DECISIONS)
      ? { type: 'approval', requestId: m.requestId as string, decision: m.decision as ApprovalDecision }
      : undefined,
  runAction: (m) => (oneOf(m, 'action', ['cancel', 'review'] as const) ? { type: 'runAction', action: m.action as 'cancel' | 'review' } : undefined),
  openInstruction: (m) => (str(m, 'turnId', 100) && str(m, 'file', 2000) ? { type: 'openInstruction', turnId: m.turnId as string, file: m.file as string } : undefined),
  openSkill: (m) => (str(m, 'turnId', 100) && str(m, 'skill', 2000) ? { type: 'openSkill', turnId: m.turnId as string, skill: m.skill as string } : undefined),
  undoTurn: (m) => (str(m, 'turnId', 100) ? ({ type: 'undoTurn', turnId: m.turnId as string } as OfW<'undoTurn'>) : undefined),
  resume: (m) => (str(m, 'turnId', 100) ? ({ type: 'resume', turnId: m.turnId as string } as OfW<'resume'>) : undefined),
  resendLocal: (m) => (str(m, 'turnId', 100) ? ({ type: 'resendLocal', turnId: m.turnId as string } as OfW<'resendLocal'>) : undefined),
};

/** Validate a message from the webview. Returns undefined for anything malformed. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!isObj(raw) || typeof raw.type !== 'string' || !Object.prototype.hasOwnProperty.call(WEBVIEW_VALIDATORS, raw.type)) return undefined;
  return (WEBVIEW_VALIDATORS as Record<string, (m: Obj) => WebviewMessage | undefined>)[raw.type]!(raw);
}

function isUiChange(c: unknown): c is UiChange {
  if (!isObj(c) || typeof c.k !== 'string') return false;
  switch (c.k) {
    case 'add':
    case 'update':
      return int(c, 's') && isObj(c.step) && typeof (c.step as Obj).type === 'string';
    case 'done':
      return int(c, 's') && (c.step === undefined || (isObj(c.step) && typeof (c.step as Obj).type === 'string'));
    case 'text':
      return int(c, 's') && int(c, 'c') && typeof c.t === 'string';
    case 'content':
      return int(c, 's') && int(c, 'c') && isObj(c.content) && typeof (c.content as Obj).type === 'string';
    case 'cite':
      return int(c, 's') && int(c, 'c') && Array.isArray(c.cites);
    case 'thought':
    case 'args':
      return int(c, 's') && typeof c.t === 'string';
    case 'restart':
      return int(c, 'from');
    default:
      return false;
  }
}

function isTurnView(t: unknown): t is TurnView {
  return isObj(t) && typeof t.id === 'string' && Array.isArray(t.input) && Array.isArray(t.steps) && typeof t.state === 'string' && Array.isArray(t.notices);
}
function isConversation(c: unknown): c is ConversationView {
  return isObj(c) && typeof c.title === 'string' && Array.isArray(c.turns) && c.turns.every(isTurnView);
}
function isPanelState(s: unknown): s is PanelState {
  return (
    isObj(s) &&
    typeof s.hasKey === 'boolean' &&
    typeof s.busy === 'boolean' &&
    typeof s.toolsEnabled === 'boolean' &&
    isObj(s.settings) &&
    Array.isArray((s.settings as Obj).models)
  );
}

type OfH<K extends HostMessage['type']> = Extract<HostMessage, { type: K }>;
/**
 * The validator of every kind of HostMessage (a mapped type: a kind without one fails the build;
 * a test round-trips a sample of each). Each returns the message, or undefined when it is malformed.
 */
export const HOST_VALIDATORS: { [K in HostMessage['type']]: (m: Obj) => OfH<K> | undefined } = {
  init: (m) =>
    isPanelState(m.state) &&
    isConversation(m.conversation) &&
    typeof m.draft === 'string' &&
    Array.isArray(m.attachments) &&
    (m.tab === undefined || (typeof m.tab === 'string' && /^[a-z0-9]{1,40}$/.test(m.tab)))
      ? (m as OfH<'init'>)
      : undefined,
  state: (m) => (isPanelState(m.state) ? (m as OfH<'state'>) : undefined),
  conversation: (m) => (isConversation(m.conversation) ? (m as OfH<'conversation'>) : undefined),
  turnStart: (m) => (isTurnView(m.turn) ? (m as OfH<'turnStart'>) : undefined),
  turnChanges: (m) => (typeof m.turnId === 'string' && Array.isArray(m.changes) && m.changes.every(isUiChange) ? (m as OfH<'turnChanges'>) : undefined),
  turnEnd: (m) => (typeof m.turnId === 'string' && typeof m.state === 'string' ? (m as OfH<'turnEnd'>) : undefined),
  notice: (m) => (typeof m.turnId === 'string' && typeof m.text === 'string' ? (m as OfH<'notice'>) : undefined),
  turnState: (m) => (typeof m.turnId === 'string' && typeof m.state === 'string' ? (m as OfH<'turnState'>) : undefined),
  tool: (m) => (typeof m.turnId === 'string' && isObj(m.activity) && typeof (m.activity as Obj).callId === 'string' ? (m as OfH<'tool'>) : undefined),
  mentionCandidates: (m) =>
    typeof m.seq === 'number' &&
    Array.isArray(m.items) &&
    m.items.every(
      (i) =>
        isObj(i) &&
        (i.kind === 'file' || i.kind === 'symbol') &&
        typeof i.value === 'string' &&
        typeof i.label === 'string' &&
        (i.detail === undefined || typeof i.detail === 'string'),
    )
      ? (m as OfH<'mentionCandidates'>)
      : undefined,
  queue: (m) => (Array.isArray(m.items) && m.items.every((i) => isObj(i) && typeof i.id === 'string' && typeof i.text === 'string') ? (m as OfH<'queue'>) : undefined),
  instructions: (m) => (typeof m.turnId === 'string' && Array.isArray(m.files) && m.files.every((f) => typeof f === 'string') ? (m as OfH<'instructions'>) : undefined),
  linkDraft: (m) =>
    typeof m.text === 'string' && typeof m.notice === 'string' && (m.previous === undefined || typeof m.previous === 'string') ? (m as OfH<'linkDraft'>) : undefined,
  skills: (m) => (typeof m.turnId === 'string' && Array.isArray(m.skills) && m.skills.every((f) => typeof f === 'string') ? (m as OfH<'skills'>) : undefined),
  toolOutput: (m) => (typeof m.turnId === 'string' && typeof m.callId === 'string' && typeof m.text === 'string' ? (m as OfH<'toolOutput'>) : undefined),
  draft: (m) => (typeof m.text === 'string' ? (m as OfH<'draft'>) : undefined),
  attachments: (m) => (Array.isArray(m.attachments) ? (m as OfH<'attachments'>) : undefined),
  attachmentOptionsResult: (m) => (typeof m.id === 'string' && (m.error === undefined || typeof m.error === 'string') ? (m as OfH<'attachmentOptionsResult'>) : undefined),
  focus: () => ({ type: 'focus' }),
  toast: (m) => (typeof m.text === 'string' ? (m as OfH<'toast'>) : undefined),
  announce: (m) => (typeof m.text === 'string' && m.text.length <= 500 ? (m as OfH<'announce'>) : undefined),
};

/** Validate a message from the host (the webview trusts nothing it did not check). */
export function parseHostMessage(raw: unknown): HostMessage | undefined {
  if (!isObj(raw) || typeof raw.type !== 'string' || !Object.prototype.hasOwnProperty.call(HOST_VALIDATORS, raw.type)) return undefined;
  return (HOST_VALIDATORS as Record<string, (m: Obj) => HostMessage | undefined>)[raw.type]!(raw);
}

/** Link schemes the host opens (after the webview asks). */
export const OPENABLE_SCHEMES = ['http:', 'https:', 'mailto:'] as const;
