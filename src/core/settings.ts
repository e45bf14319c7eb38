/**
 * Every setting of the extension, defined once: key, type, default and scope. package.json's
 * `contributes.configuration` must declare exactly these (a unit test checks both ways), and the
 * host reads them only through this table (src/vscode/config.ts).
 *
 * `userOnly` settings decide where the key goes or what runs without asking: they are read from
 * the user's settings only, never from a workspace or folder (a repository cannot loosen them).
 */
import { CONVERSATION_MODES, DEFAULT_MODEL, THINKING_LEVELS } from '../shared/vocab';

export type SettingType = 'string' | 'boolean' | 'integer' | 'number' | 'array' | 'object';
export type SettingScope = 'application' | 'machine' | 'window' | 'resource';

export interface SettingSpec<T> {
  key: string;
  type: SettingType;
  default: T;
  /** package.json scope; absent: VS Code's default (window). */
  scope?: SettingScope;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  /** Read from user settings only (workspace values are ignored). */
  userOnly?: boolean;
}

function spec<T>(s: SettingSpec<T>): SettingSpec<T> {
  return s;
}

export const DEFAULT_MODELS = [
  DEFAULT_MODEL,
  'gemini-3.5-flash-lite',
  'gemini-3.8-flash',
  'gemini-4-neon',
  'gemini-4-hydrogen',
  'gemini-3.1-pro-preview',
  'gemini-3-flash-preview',
  'gemini-2.5-pro',
  'gemini-2.5-flash',
];
export const DEFAULT_ASK_COMMANDS = ['git push', 'git reset', 'git clean', 'git checkout', 'git restore', 'git rebase', 'npm publish', 'rm'];
export const DEFAULT_DENY_COMMANDS = ['sudo', 'su', 'doas', 'pkexec', 'mkfs', 'dd', 'shutdown', 'reboot', 'halt', 'poweroff', 'format', 'diskpart'];

export const SETTINGS = {
  apiBaseUrl: spec({ key: 'gemini.apiBaseUrl', type: 'string', default: 'https://generativelanguage.googleapis.com', scope: 'application', userOnly: true }),
  apiVersion: spec({ key: 'gemini.apiVersion', type: 'string', default: 'v1beta', scope: 'application', userOnly: true }),
  useEnvironmentKey: spec({ key: 'gemini.useEnvironmentKey', type: 'boolean', default: false, scope: 'application', userOnly: true }),
  model: spec({ key: 'gemini.model', type: 'string', default: DEFAULT_MODEL }),
  models: spec<string[]>({ key: 'gemini.models', type: 'array', default: DEFAULT_MODELS }),
  thinkingLevel: spec<string>({ key: 'gemini.thinkingLevel', type: 'string', default: 'default', enum: THINKING_LEVELS }),
  conversationMode: spec<string>({ key: 'gemini.conversationMode', type: 'string', default: 'stateful', enum: CONVERSATION_MODES }),
  systemInstruction: spec({ key: 'gemini.systemInstruction', type: 'string', default: '' }),
  googleSearch: spec({ key: 'gemini.tools.googleSearch', type: 'boolean', default: false }),
  urlContext: spec({ key: 'gemini.tools.urlContext', type: 'boolean', default: false }),
  codeExecution: spec({ key: 'gemini.tools.codeExecution', type: 'boolean', default: false }),
  maxSteps: spec({ key: 'gemini.tools.maxSteps', type: 'integer', default: 25, minimum: 1, maximum: 200 }),
  attachmentMaxBytes: spec({ key: 'gemini.attachments.maxBytes', type: 'integer', default: 20 * 1024 * 1024, minimum: 1024 }),
  attachmentMaxTotalBytes: spec({ key: 'gemini.attachments.maxTotalBytes', type: 'integer', default: 20 * 1024 * 1024, minimum: 1024 }),
  idleTimeoutSeconds: spec({ key: 'gemini.request.idleTimeoutSeconds', type: 'integer', default: 120, minimum: 10, scope: 'application', userOnly: true }),
  maxRetryWaitSeconds: spec({ key: 'gemini.request.maxRetryWaitSeconds', type: 'integer', default: 10, minimum: 0, scope: 'application', userOnly: true }),
  headersTimeoutSeconds: spec({ key: 'gemini.request.headersTimeoutSeconds', type: 'integer', default: 60, minimum: 5, scope: 'application', userOnly: true }),
  maxEventMB: spec({ key: 'gemini.request.maxEventMB', type: 'integer', default: 32, minimum: 1, maximum: 512, scope: 'application', userOnly: true }),
  toolsEnabled: spec({ key: 'gemini.tools.enabled', type: 'boolean', default: true }),
  autoApproveEdits: spec({ key: 'gemini.tools.autoApproveEdits', type: 'boolean', default: false, scope: 'application', userOnly: true }),
  sandboxEnabled: spec({ key: 'gemini.tools.sandbox.enabled', type: 'boolean', default: true, scope: 'application', userOnly: true }),
  sandboxHomePaths: spec<string[]>({ key: 'gemini.tools.sandbox.homePaths', type: 'array', default: [], scope: 'application', userOnly: true }),
  sandboxEnvironment: spec<string[]>({ key: 'gemini.tools.sandbox.environment', type: 'array', default: [], scope: 'application', userOnly: true }),
  allowCommands: spec<string[]>({ key: 'gemini.tools.commands.allow', type: 'array', default: [], scope: 'application', userOnly: true }),
  askCommands: spec<string[]>({ key: 'gemini.tools.commands.ask', type: 'array', default: DEFAULT_ASK_COMMANDS, scope: 'application', userOnly: true }),
  denyCommands: spec<string[]>({ key: 'gemini.tools.commands.deny', type: 'array', default: DEFAULT_DENY_COMMANDS, scope: 'application', userOnly: true }),
  instructionsEnabled: spec({ key: 'gemini.instructions.enabled', type: 'boolean', default: true, scope: 'application', userOnly: true }),
  skillsEnabled: spec({ key: 'gemini.skills.enabled', type: 'boolean', default: true, scope: 'application', userOnly: true }),
  toolSearch: spec<string>({ key: 'gemini.tools.toolSearch', type: 'string', default: 'server', enum: ['server', 'client', 'off'] }),
  toolSearchThreshold: spec({ key: 'gemini.tools.toolSearchThreshold', type: 'integer', default: 40, minimum: 0, maximum: 1000 }),
  externalToolsAllow: spec<string[]>({ key: 'gemini.tools.external.allow', type: 'array', default: [], scope: 'application', userOnly: true }),
  externalToolTimeoutSeconds: spec({ key: 'gemini.tools.external.timeoutSeconds', type: 'integer', default: 60, minimum: 1, maximum: 3600 }),
  externalToolMaxResultKB: spec({ key: 'gemini.tools.external.maxResultKB', type: 'integer', default: 100, minimum: 1, maximum: 10240 }),
  commandTimeoutSeconds: spec({ key: 'gemini.tools.commandTimeoutSeconds', type: 'integer', default: 120, minimum: 1, scope: 'application', userOnly: true }),
  maxCommandOutputKB: spec({ key: 'gemini.tools.maxCommandOutputKB', type: 'integer', default: 64, minimum: 4 }),
  commandOutputLimitKB: spec({ key: 'gemini.tools.commandOutputLimitKB', type: 'integer', default: 2048, minimum: 64 }),
  imageModel: spec({ key: 'gemini.imageModel', type: 'string', default: 'gemini-3.1-flash-image' }),
  agent: spec({ key: 'gemini.agents.agent', type: 'string', default: 'antigravity-preview-05-2026' }),
  maxSnapshotMB: spec({ key: 'gemini.agents.maxSnapshotMB', type: 'integer', default: 50, minimum: 1 }),
  researchAgent: spec({
    key: 'gemini.research.agent',
    type: 'string',
    default: 'deep-research-preview-04-2026',
    enum: ['deep-research-preview-04-2026', 'deep-research-max-preview-04-2026', 'deep-research-pro-preview-12-2025'],
  }),
  researchPlanning: spec({ key: 'gemini.research.collaborativePlanning', type: 'boolean', default: true }),
  researchVisualization: spec({ key: 'gemini.research.visualization', type: 'string', default: 'auto', enum: ['auto', 'off'] }),
} as const;

export type SettingName = keyof typeof SETTINGS;
export type SettingValue<N extends SettingName> = (typeof SETTINGS)[N]['default'];

/** Settings whose change means a new HTTP client (endpoint, timeouts); proxy settings are VS Code's own. */
export const CLIENT_SETTINGS: readonly SettingName[] = ['apiBaseUrl', 'apiVersion', 'idleTimeoutSeconds', 'maxRetryWaitSeconds', 'headersTimeoutSeconds', 'maxEventMB'];
export const PROXY_SETTING_KEYS = ['http.proxy', 'http.proxyStrictSSL'] as const;

/** Clamp a number to a spec's bounds (a hand-edited settings.json may hold anything). */
export function clampSetting(s: SettingSpec<number>, v: unknown): number {
  const n = typeof v === 'number' && Number.isFinite(v) ? v : s.default;
  return Math.min(s.maximum ?? Infinity, Math.max(s.minimum ?? -Infinity, n));
}
