/**
 * Remote MCP servers that the Gemini API calls itself (`tools[]` entries of type `mcp_server`,
 * reference §3.4). The user adds them; header values are secrets kept by the host (SecretStorage)
 * and only put into the request. The API has no per-call approval for them: `allowed_tools` is
 * how the user limits what the model may call.
 */
import type { McpServerTool } from '../protocol/types';
import { l10n } from '../../shared/l10n';

export interface RemoteMcpServer {
  id: string;
  /** The name Gemini sees (`server_name` of its call steps). */
  name: string;
  url: string;
  /** Names of the headers whose values are in secret storage. */
  headerNames: string[];
  /** Tools the model may call; empty or absent: all. */
  allowedTools?: string[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** What is wrong with a server entry (a stored one may have been edited by hand), or undefined. */
export function checkRemoteServer(s: unknown): string | undefined {
  const o = s as Partial<RemoteMcpServer> | undefined;
  if (!o || typeof o !== 'object') return 'Not a server entry.';
  if (typeof o.id !== 'string' || !o.id) return 'The entry has no id.';
  if (typeof o.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(o.name)) return 'Use 1–64 letters, digits, - or _ for the name.';
  if (typeof o.url !== 'string') return 'Enter the server’s URL.';
  let u: URL;
  try {
    u = new URL(o.url);
  } catch {
    return l10n.t('That is not a URL.');
  }
  if (u.username || u.password) return l10n.t('Put credentials in a header (kept in secret storage), not in the URL.');
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) return 'Use an https:// URL (the Gemini API connects to it over the internet).';
  if (!Array.isArray(o.headerNames) || !o.headerNames.every((h) => typeof h === 'string')) return 'The entry’s headers are malformed.';
  if (o.allowedTools !== undefined && (!Array.isArray(o.allowedTools) || !o.allowedTools.every((t) => typeof t === 'string'))) return 'The entry’s allowed tools are malformed.';
  return undefined;
}

/** The `mcp_server` tool of a turn, exactly as the reference describes it. */
export function remoteServerTool(s: RemoteMcpServer, headers: Record<string, string>): McpServerTool {
  const tool: McpServerTool = { type: 'mcp_server', name: s.name, url: s.url };
  if (Object.keys(headers).length) tool.headers = headers;
  if (s.allowedTools?.length) tool.allowed_tools = [{ tools: [...s.allowedTools] }];
  return tool;
}
