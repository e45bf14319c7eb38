/**
 * Typed access to the settings table (src/core/settings.ts): the only place that reads
 * `gemini.*` configuration. Values of the wrong type fall back to the default; numbers are kept
 * within their bounds; `userOnly` settings come from user settings only.
 */
import * as vscode from 'vscode';
import type { ChatSettings } from '../core/conversation/session';
import { clampSetting, SETTINGS, type SettingName, type SettingSpec, type SettingValue } from '../core/settings';
import { CONVERSATION_MODES, isOneOf, THINKING_LEVELS } from '../shared/vocab';

function read(s: SettingSpec<unknown>): unknown {
  const [section, ...rest] = s.key.split('.');
  const cfg = vscode.workspace.getConfiguration(section);
  const key = rest.join('.');
  if (s.userOnly) {
    const inspected = cfg.inspect(key);
    return inspected?.globalValue ?? s.default;
  }
  return cfg.get(key, s.default);
}

function typed(s: SettingSpec<unknown>, v: unknown): unknown {
  switch (s.type) {
    case 'string':
      return typeof v === 'string' && (!s.enum || s.enum.includes(v)) ? v : s.default;
    case 'boolean':
      return typeof v === 'boolean' ? v : s.default;
    case 'integer':
    case 'number':
      return clampSetting(s as SettingSpec<number>, v);
    case 'array':
      return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : s.default;
    default:
      return v && typeof v === 'object' ? v : s.default;
  }
}

/**
 * Values read since the last change: a send reads a few dozen settings, and each read through
 * VS Code's configuration API costs tens of microseconds. Cleared on any configuration change and
 * when trust or the folders change (both change which values apply). Values are frozen: shared.
 */
const cache = new Map<SettingName, unknown>();
// Subscribed when this module loads, before any other part of the extension subscribes: a
// listener that reads a setting in its handler already reads the new value.
for (const on of [vscode.workspace.onDidChangeConfiguration, vscode.workspace.onDidGrantWorkspaceTrust, vscode.workspace.onDidChangeWorkspaceFolders]) on(() => cache.clear());
function freeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) freeze(x);
  }
  return v;
}

/** A setting's value (typed by its table entry). */
export function setting<N extends SettingName>(name: N): SettingValue<N> {
  if (cache.has(name)) return cache.get(name) as SettingValue<N>;
  const s = SETTINGS[name] as SettingSpec<unknown>;
  const v = freeze(typed(s, read(s)));
  cache.set(name, v);
  return v as SettingValue<N>;
}

export function affects(e: vscode.ConfigurationChangeEvent, names: readonly SettingName[]): boolean {
  return names.some((n) => e.affectsConfiguration(SETTINGS[n].key));
}

export interface ApiSettings {
  baseUrl: string;
  apiVersion: string;
  idleTimeoutMs: number;
  maxRetryWaitMs: number;
  headersTimeoutMs: number;
  maxEventBytes: number;
}

export function apiSettings(): ApiSettings {
  return {
    baseUrl: setting('apiBaseUrl'),
    apiVersion: setting('apiVersion'),
    idleTimeoutMs: setting('idleTimeoutSeconds') * 1000,
    maxRetryWaitMs: setting('maxRetryWaitSeconds') * 1000,
    headersTimeoutMs: setting('headersTimeoutSeconds') * 1000,
    maxEventBytes: setting('maxEventMB') * 1024 * 1024,
  };
}

export function proxySettings(): { proxy?: string; strictSSL: boolean } {
  const http = vscode.workspace.getConfiguration('http');
  return { proxy: http.get<string>('proxy') || undefined, strictSSL: http.get<boolean>('proxyStrictSSL', true) };
}

export function models(): string[] {
  const list = setting('models');
  return list.length ? list : SETTINGS.models.default;
}

/** What the settings say a chat turn uses (the composer's per-conversation choices override it). */
export function defaultChatSettings(): ChatSettings {
  const thinking = setting('thinkingLevel');
  const mode = setting('conversationMode');
  return {
    model: setting('model'),
    thinkingLevel: isOneOf(THINKING_LEVELS, thinking) ? thinking : 'default',
    googleSearch: setting('googleSearch'),
    urlContext: setting('urlContext'),
    codeExecution: setting('codeExecution'),
    mode: isOneOf(CONVERSATION_MODES, mode) ? mode : 'stateful',
    maxSteps: setting('maxSteps'),
    systemInstruction: setting('systemInstruction') || undefined,
  };
}
