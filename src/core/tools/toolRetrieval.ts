/**
 * Tool Retrieval (§3.4.2 of the protocol reference): when a turn offers more tools than the
 * user's threshold, the tools of MCP servers and other extensions (and remote MCP servers) are
 * declared with `defer_loading` and a short description, and a `tool_search` tool lets the model
 * load the ones it needs. Our own workspace tools stay loaded.
 *
 * With `execution: "server"` the API searches and loads by itself. With `execution: "client"`
 * (what the server expects back is not documented, §14), both readings are answered: a call to
 * the search function by its name gets a `function_result` listing the matching definitions, and
 * a `tool_search_call` that ends a turn at `requires_action` gets a `tool_search_result` step.
 */
import type { FunctionTool, McpServerTool, Tool, ToolSearchTool } from '../protocol/types';

export type ToolSearchMode = 'server' | 'client' | 'off';

/** The search function declared for client execution. */
export const CLIENT_SEARCH_NAME = 'find_tools';

export interface RetrievalPlan {
  /** Function declarations to send (ours loaded, the others deferred when deferral is on). */
  declarations: FunctionTool[];
  /** Other tools to send: `tool_search` and the remote MCP servers (deferred when deferral is on). */
  serverTools: Tool[];
  /** The deferred functions (what a client-side search can return). */
  deferred: FunctionTool[];
  /** Whether tools are deferred in this turn. */
  active: boolean;
}

/** The first sentence of a description, at most 120 characters: what the model sees of a deferred tool. */
export function shortDescription(description: string | undefined): string | undefined {
  if (!description) return undefined;
  const first = /^[\s\S]*?[.!?](\s|$)/.exec(description.trim())?.[0]?.trim() ?? description.trim();
  return first.length > 120 ? `${first.slice(0, 117)}…` : first;
}

export function planToolRetrieval(ours: FunctionTool[], others: FunctionTool[], remote: McpServerTool[], o: { mode: ToolSearchMode; threshold: number }): RetrievalPlan {
  const offered = ours.length + others.length + remote.length;
  if (o.mode === 'off' || offered <= o.threshold || (!others.length && !remote.length)) {
    return { declarations: [...ours, ...others], serverTools: remote, deferred: [], active: false };
  }
  const deferred = others.map((t): FunctionTool => {
    const short = shortDescription(t.description);
    return { ...t, defer_loading: true, ...(short ? { short_description: short } : {}) };
  });
  const search: ToolSearchTool =
    o.mode === 'client'
      ? {
          type: 'tool_search',
          execution: 'client',
          name: CLIENT_SEARCH_NAME,
          description:
            'Find and load tools that are available but not loaded yet: search by keywords (what the tool should do), or load tools by their names. Returns the full definitions of the matching tools, which you can then call.',
          parameters: {
            type: 'object',
            properties: {
              query: { type: 'string', description: 'Keywords describing the tool you need.' },
              names: { type: 'array', items: { type: 'string' }, description: 'Exact names of tools to load.' },
            },
          },
        }
      : { type: 'tool_search', execution: 'server' };
  return {
    declarations: [...ours, ...deferred],
    serverTools: [search, ...remote.map((r) => ({ ...r, defer_loading: true }))],
    deferred: others,
    active: true,
  };
}

const words = (s: string) =>
  s
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1);

/**
 * The deferred definitions a client-side search returns: the ones named (exactly), else the best
 * keyword matches on name and description (at most `max`).
 */
export function searchDeferred(deferred: FunctionTool[], query: { names?: string[]; query?: string }, max = 8): FunctionTool[] {
  const names = (query.names ?? []).filter((n) => typeof n === 'string');
  if (names.length) return deferred.filter((t) => t.name && names.includes(t.name)).slice(0, 50);
  const q = words(query.query ?? '');
  if (!q.length) return [];
  const scored = deferred
    .map((t) => {
      const name = words(t.name ?? '');
      const desc = words(t.description ?? '');
      let score = 0;
      for (const w of q) {
        if (name.includes(w)) score += 3;
        else if (name.some((n) => n.startsWith(w) || w.startsWith(n))) score += 2;
        if (desc.includes(w)) score += 1;
      }
      return { t, score };
    })
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score);
  return scored.slice(0, max).map((x) => ({ ...x.t, defer_loading: undefined, short_description: undefined }));
}
