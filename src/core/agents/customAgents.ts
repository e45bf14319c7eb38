/**
 * Saved custom agents (the reference's `Agent` resource, §11.1) as the JSON documents the user
 * edits: the resource as it is sent, except that an environment variable written as
 * `{"secret": true}` is not sent with the agent: its value lives in VS Code's SecretStorage and
 * goes only into a run's `environment.env` when a run starts with this agent. Also: where the
 * server's field violations sit in the document, so each is shown on the field it concerns.
 * Pure (no VS Code).
 */
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { FieldViolation } from '../client/errors';
import type { Agent } from '../protocol/types';

/** A problem to show in the document: where (character offsets) and what. */
export interface DocProblem {
  offset: number;
  length: number;
  message: string;
  /** The request field it concerns (a server violation), when there is one. */
  field?: string;
}

export interface ParsedAgent {
  /** The body to send (undefined when the document has problems). */
  agent?: Agent;
  /** Names of the variables whose values are kept in SecretStorage. */
  secrets: string[];
  problems: DocProblem[];
}

const FIELD_ORDER = ['id', 'description', 'base_agent', 'system_instruction', 'tools', 'base_environment', 'agent_config'];
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The document for an agent: its fields in a stable order, its local secrets marked as such. */
export function agentToDocument(agent: Agent, secrets: readonly string[]): string {
  const out: Record<string, unknown> = {};
  for (const k of FIELD_ORDER) if (agent[k] !== undefined) out[k] = agent[k];
  for (const [k, v] of Object.entries(agent)) if (!(k in out) && v !== undefined) out[k] = v;
  if (secrets.length) {
    const base = out.base_environment;
    const env: Record<string, unknown> =
      base && typeof base === 'object' ? { ...(base as Record<string, unknown>) } : { type: 'remote', ...(typeof base === 'string' ? { environment_id: base } : {}) };
    const vars: Record<string, unknown> = env.env && typeof env.env === 'object' ? { ...(env.env as Record<string, unknown>) } : {};
    for (const name of secrets) vars[name] = { secret: true };
    env.env = vars;
    out.base_environment = env;
  }
  return JSON.stringify(out, null, 2) + '\n';
}

/** A new agent's starting document. */
export function newAgentDocument(baseAgent: string, id = 'my-agent'): string {
  return agentToDocument(
    {
      id,
      description: 'What this agent is for',
      base_agent: baseAgent,
      system_instruction: 'You are a careful software engineer. Explain what you change and why.',
      tools: [{ type: 'code_execution' }, { type: 'google_search' }, { type: 'url_context' }] as Agent['tools'],
      base_environment: { type: 'remote', env: {}, network: { allowlist: [{ domain: '*.googleapis.com' }] } },
    },
    [],
  );
}

/**
 * Read a document: JSON syntax, an object with an id, and the `{"secret": true}` variables taken
 * out (their names returned). Everything else is left to the server, which validates the agent.
 */
export function parseAgentDocument(text: string): ParsedAgent {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const problems: DocProblem[] = errors.map((e) => ({ offset: e.offset, length: Math.max(1, e.length), message: `JSON: ${printParseErrorCode(e.error)}` }));
  if (problems.length || !root) return { secrets: [], problems: problems.length ? problems : [{ offset: 0, length: 1, message: 'The document is empty.' }] };
  if (root.type !== 'object') return { secrets: [], problems: [{ offset: root.offset, length: root.length, message: 'An agent is a JSON object.' }] };
  const agent = JSON.parse(text) as Agent;
  const idNode = findNodeAtLocation(root, ['id']);
  if (typeof agent.id !== 'string' || !agent.id.trim()) problems.push(at(idNode ?? root, 'An agent needs an id (it is how runs name the agent).', idNode ? undefined : 1));
  const secrets: string[] = [];
  const env = agent.base_environment;
  if (env && typeof env === 'object' && env.env && typeof env.env === 'object') {
    const vars = env.env as Record<string, unknown>;
    for (const [name, v] of Object.entries(vars)) {
      if (!v || typeof v !== 'object' || !('secret' in v)) continue;
      const node = findNodeAtLocation(root, ['base_environment', 'env', name]);
      if ((v as { secret?: unknown }).secret !== true || Object.keys(v).length !== 1)
        problems.push(at(node ?? root, 'A secret variable is written {"secret": true}; you are asked for its value when you save.'));
      else if (!SECRET_NAME.test(name)) problems.push(at(node?.parent?.children?.[0] ?? root, 'Not a valid variable name.'));
      else {
        secrets.push(name);
        delete vars[name];
      }
    }
  }
  return problems.length ? { secrets, problems } : { agent, secrets, problems };
}

/** `base_environment.network.allowlist[0].domain` → ['base_environment', 'network', 'allowlist', 0, 'domain']. */
export function fieldPath(field: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/**
 * Where each violation goes: on the field's value when the document has it, else on the
 * nearest enclosing field that it has (the message then names the missing field).
 */
export function violationProblems(text: string, violations: readonly FieldViolation[]): DocProblem[] {
  const root = parseTree(text);
  return violations.map((v) => {
    const message = v.description || 'Refused by the server.';
    if (!root) return { offset: 0, length: 1, message: `${v.field}: ${message}`, field: v.field };
    const path = documentPath(root, fieldPath(v.field));
    for (let n = path.length; n > 0; n--) {
      const node = findNodeAtLocation(root, path.slice(0, n));
      if (!node) continue;
      const exact = n === path.length;
      // A scalar is marked itself; an object, an array or a missing field's parent by its key.
      const key = node.parent?.type === 'property' ? node.parent.children![0]! : undefined;
      const target = exact && node.type !== 'object' && node.type !== 'array' ? node : key;
      const p = target ? at(target, exact ? message : `${v.field}: ${message}`) : at(node, exact ? message : `${v.field}: ${message}`, 1);
      return { ...p, field: v.field };
    }
    return { offset: root.offset, length: 1, message: `${v.field}: ${message}`, field: v.field };
  });
}

/**
 * A violation's path as the document spells it: the request's resource name (`agent.`) dropped,
 * and a camelCase name (proto JSON: `baseEnvironment`) read as the snake_case the document uses
 * when only that one is there.
 */
function documentPath(root: Node, path: Array<string | number>): Array<string | number> {
  const p = path[0] === 'agent' && findNodeAtLocation(root, ['agent']) === undefined ? path.slice(1) : path;
  const out: Array<string | number> = [];
  for (const seg of p) {
    if (typeof seg === 'string' && findNodeAtLocation(root, [...out, seg]) === undefined) {
      const snake = seg.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      if (snake !== seg && findNodeAtLocation(root, [...out, snake]) !== undefined) {
        out.push(snake);
        continue;
      }
    }
    out.push(seg);
  }
  return out;
}

function at(node: Node, message: string, length?: number): DocProblem {
  return { offset: node.offset, length: length ?? Math.max(1, node.length), message };
}
