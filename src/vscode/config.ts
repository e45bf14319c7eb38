/** Typed access to the extension's settings (declared in package.json). */
import * as vscode from 'vscode';
import type { ChatSettings } from '../core/conversation/session';
import type { ThinkingLevel } from '../core/protocol/types';

export const SECTION = 'gemini';
export const DEFAULT_MODELS = ['gemini-3.5-flash', 'gemini-3.5-flash-lite', 'gemini-3.1-pro-preview', 'gemini-3-flash-preview', 'gemini-2.5-pro', 'gemini-2.5-flash'];

function cfg(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

/**
 * Read a setting that must come from the user, never from a workspace (where the key is sent,
 * what runs without asking). Workspace and folder values are ignored.
 */
export function userSetting<T>(key: string, fallback: T): T {
  const inspected = cfg().inspect<T>(key);
  return (inspected?.globalValue ?? inspected?.defaultValue ?? fallback) as T;
}

export interface ApiSettings {
  baseUrl: string;
  apiVersion: string;
  useEnvironmentKey: boolean;
  idleTimeoutMs: number;
  maxRetryWaitMs: number;
}

export function apiSettings(): ApiSettings {
  return {
    baseUrl: userSetting('apiBaseUrl', 'https://generativelanguage.googleapis.com'),
    apiVersion: userSetting('apiVersion', 'v1beta'),
    useEnvironmentKey: userSetting('useEnvironmentKey', false),
    idleTimeoutMs: Math.max(10, userSetting('request.idleTimeoutSeconds', 120)) * 1000,
    maxRetryWaitMs: Math.max(0, userSetting('request.maxRetryWaitSeconds', 10)) * 1000,
  };
}

export function proxySettings(): { proxy?: string; strictSSL: boolean } {
  const http = vscode.workspace.getConfiguration('http');
  return { proxy: http.get<string>('proxy') || undefined, strictSSL: http.get<boolean>('proxyStrictSSL', true) };
}

export function models(): string[] {
  const list = cfg().get<string[]>('models', DEFAULT_MODELS);
  return Array.isArray(list) && list.length ? list.filter((m) => typeof m === 'string') : DEFAULT_MODELS;
}

export function chatSettings(): ChatSettings {
  const c = cfg();
  return {
    model: c.get<string>('model', 'gemini-3.5-flash'),
    thinkingLevel: c.get<ThinkingLevel | 'default'>('thinkingLevel', 'default'),
    googleSearch: c.get<boolean>('tools.googleSearch', false),
    urlContext: c.get<boolean>('tools.urlContext', false),
    codeExecution: c.get<boolean>('tools.codeExecution', false),
    mode: c.get<'stateful' | 'stateless'>('conversationMode', 'stateful'),
    maxSteps: Math.max(1, c.get<number>('tools.maxSteps', 25)),
    systemInstruction: c.get<string>('systemInstruction', '') || undefined,
  };
}

export function setting<T>(key: string, fallback: T): T {
  return cfg().get<T>(key, fallback);
}

export async function update(key: string, value: unknown): Promise<void> {
  await cfg().update(key, value, vscode.ConfigurationTarget.Global);
}
