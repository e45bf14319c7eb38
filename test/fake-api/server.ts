/**
 * The fake Interactions API server. Speaks the wire protocol of docs/protocol.md:
 * interactions (JSON and SSE, stream-get with last_event_id replay, cancel, delete), agents,
 * environments and environment files (resumable upload with extract, alt=media download) backed
 * by a real temporary folder per environment. Records every request with the key redacted.
 *
 * Imports nothing from src/: a bug shared with the client would hide itself.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, readdirSync, statSync, writeFileSync, readFileSync, existsSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { finalStatus, frameData, generateEvents, sseBytes, stepForJson, usageFor, type GeneratedEvent } from './events';
import { estimatedInputTokens, toolSearchProblem, withToolSearch, type ToolSearchState } from './toolSearch';
import type { Faults, Json, Reply, Scenario, Variant } from './scenario';
import { isDeepResearch, researchReply, researchRequestProblem, userText } from './research';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  bodyBytes: number;
  keyStatus: 'missing' | 'valid' | 'invalid';
  at: number;
  /** When the request's headers arrived (epoch ms, sub-millisecond: timeOrigin + performance.now()). */
  arrivedAt: number;
}

export interface FakeApiOptions {
  port?: number;
  host?: string;
  /** Keys that authenticate. Default: any key starting with "test-" or equal to "demo-key". */
  keys?: string[];
  /** How a wrong key is answered: 401 (default) or the real API's 400 API_KEY_INVALID. */
  badKeyStyle?: '401' | '400';
  /** Reply when the queue is empty (default: echo the prompt). */
  responder?: (body: Json) => Reply;
  quiet?: boolean;
  /** Report input tokens from what the request declares (about four characters a token; deferred tools by their short description). */
  estimateUsage?: boolean;
}

interface LogEntry {
  eventId: string;
  name: string;
  data: Json;
  stepIndex: number;
}

interface StoredInteraction {
  id: string;
  body: Json;
  reply: Reply;
  variant: Variant;
  events: GeneratedEvent[];
  log: LogEntry[];
  final: boolean;
  status: string;
  stepsDone: number;
  created: string;
  background: boolean;
  store: boolean;
  deleted: boolean;
  cancelled: boolean;
  environmentId?: string;
  waiters: Set<() => void>;
  inputSteps: Json[];
  /** Tool Retrieval: what this chain has loaded, and an answer waiting for a client-side search. */
  toolSearch: ToolSearchState;
  /** Deep Research: the plan this interaction proposed (an edit or a run chained to it continues it). */
  researchPlan?: { topic: string; text: string };
}

interface Environment {
  id: string;
  dir: string;
  created: string;
  network?: unknown;
  sources?: unknown;
  deleted: boolean;
}

interface UploadSession {
  env: string;
  path: string;
  extract: boolean;
  overwrite: boolean;
  total: number;
  received: Buffer[];
  offset: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function errorBody(code: number, status: string, message: string, reason?: string): Json {
  const error: Json = { code, message, status };
  if (reason) error.details = [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' }];
  return { error };
}

export class FakeApi {
  readonly requests: RecordedRequest[] = [];
  readonly interactions = new Map<string, StoredInteraction>();
  readonly environments = new Map<string, Environment>();
  /** Pieces written to the socket by the most recent stream response (byte-level assertions). */
  lastWire: Buffer[] = [];
  /** Interactions whose stream the client closed before it ended (a cancel on the client's side). */
  closedByClient: string[] = [];
  /** Called with each piece of a stream as it is written (latency benchmarks timestamp them). */
  onWrite: ((piece: Buffer, at: number) => void) | undefined;
  /** What `GET /v1beta/models` lists (the Gemini API's model list; tests may change it). */
  models: Json[] = [
    {
      name: 'models/gemini-3.5-flash',
      displayName: 'Gemini 3.5 Flash',
      description: 'Fast and capable.',
      version: '3.5',
      inputTokenLimit: 1048576,
      outputTokenLimit: 65536,
      supportedGenerationMethods: ['generateContent', 'countTokens'],
    },
    {
      name: 'models/gemini-3.1-pro-preview',
      displayName: 'Gemini 3.1 Pro Preview',
      version: '3.1',
      inputTokenLimit: 1048576,
      outputTokenLimit: 65536,
      supportedGenerationMethods: ['generateContent'],
    },
    { name: 'models/gemini-embedding-001', displayName: 'Gemini Embedding', inputTokenLimit: 2048, outputTokenLimit: 1, supportedGenerationMethods: ['embedContent'] },
  ];
  agents: Json[] = [
    { id: 'antigravity-preview-05-2026', description: 'Antigravity coding agent (preview)' },
    { id: 'team-reviewer', base_agent: 'antigravity-preview-05-2026', description: 'Custom agent: reviews and fixes code' },
  ];
  /** How long a Deep Research run takes when no reply is queued (ms). */
  researchDurationMs = 3000;
  /**
   * While set, a Deep Research plan's events wait for this promise (after `interaction.created`):
   * a test decides when the plan is ready, e.g. only once the user has looked away from the chat.
   */
  researchPlanHold: Promise<void> | undefined;
  private queue: Reply[] = [];
  private scenarioVariant: Variant = {};
  private whenEmpty: 'echo' | 'error' = 'echo';
  private server: Server | undefined;
  private counter = 0;
  private eventCounter = 0;
  private readonly uploads = new Map<string, UploadSession>();
  private readonly envRoot: string;
  private readonly openSockets = new Set<import('node:net').Socket>();
  url = '';

  constructor(private readonly options: FakeApiOptions = {}) {
    this.envRoot = mkdtempSync(join(tmpdir(), 'fake-gemini-env-'));
  }

  // ---------------------------------------------------------------- control

  setScenario(s: Scenario): void {
    this.queue = [...s.replies];
    this.scenarioVariant = s.variant ?? {};
    this.whenEmpty = s.whenEmpty ?? 'echo';
  }
  push(...replies: Reply[]): void {
    this.queue.push(...replies);
  }
  pending(): number {
    return this.queue.length;
  }
  reset(): void {
    this.queue = [];
    this.requests.length = 0;
    this.scenarioVariant = {};
    this.whenEmpty = 'echo';
  }
  /** Requests to a path suffix, e.g. `creates()` = POST …/interactions. */
  creates(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && /^\/[^/]+\/interactions$/.test(r.path));
  }
  envDir(id: string): string {
    const env = this.environments.get(id.replace(/^environments\//, ''));
    if (!env) throw new Error(`no environment ${id}`);
    return env.dir;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        if (!res.headersSent) this.json(res, 500, errorBody(500, 'INTERNAL', `fake server error: ${(err as Error).message}`));
        else res.destroy();
      });
    });
    this.server.on('connection', (s) => {
      s.setNoDelay(true);
      this.openSockets.add(s);
      s.on('close', () => this.openSockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', r));
    const addr = this.server.address() as import('node:net').AddressInfo;
    this.url = `http://${this.options.host ?? '127.0.0.1'}:${addr.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const i of this.interactions.values()) {
      i.cancelled = true;
      i.final = true;
      i.waiters.forEach((w) => w());
    }
    for (const s of this.openSockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    rmSync(this.envRoot, { recursive: true, force: true });
  }

  // ---------------------------------------------------------------- plumbing

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private keyStatus(req: IncomingMessage): RecordedRequest['keyStatus'] {
    const key = req.headers['x-goog-api-key'];
    if (typeof key !== 'string' || !key) return 'missing';
    const ok = this.options.keys ? this.options.keys.includes(key) : key.startsWith('test-') || key === 'demo-key';
    return ok ? 'valid' : 'invalid';
  }

  private async readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = performance.timeOrigin + performance.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const raw = await this.readBody(req);
    let body: unknown;
    const ct = String(req.headers['content-type'] ?? '');
    if (raw.length && ct.includes('json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = { __invalid_json: raw.toString('utf8').slice(0, 200) };
      }
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = k === 'x-goog-api-key' ? '[redacted]' : String(v);
    const keyStatus = this.keyStatus(req);

    // Control endpoints (standalone use: demo, integration tests in another process).
    if (path.startsWith('/__fake/')) return this.control(path, req.method ?? 'GET', body, res);

    this.requests.push({ method: req.method ?? 'GET', path, query, headers, body, bodyBytes: raw.length, keyStatus, at: Date.now(), arrivedAt });
    if (!this.options.quiet && process.env.FAKE_API_DEBUG) console.log(`[fake-api] ${req.method} ${path}`);

    if (keyStatus === 'missing') return this.json(res, 403, errorBody(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers. Please use an API key."));
    if (keyStatus === 'invalid') {
      if (this.options.badKeyStyle === '400') return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', 'API_KEY_INVALID'));
      return this.json(res, 401, errorBody(401, 'UNAUTHENTICATED', 'API key not valid. Please pass a valid API key.', 'API_KEY_INVALID'));
    }

    if (path.startsWith('/upload/session/')) return this.uploadChunk(path.slice('/upload/session/'.length), req, raw, res);
    const m = /^\/(upload\/)?([^/]+)\/(.*)$/.exec(path);
    if (!m) return this.json(res, 404, errorBody(404, 'NOT_FOUND', `No route for ${path}`));
    const [, upload, , rest] = m as unknown as [string, string | undefined, string, string];
    const method = req.method ?? 'GET';

    if (upload) {
      const fm = /^environments\/([^/]+)\/files\/(.*)$/.exec(rest);
      if (!fm || method !== 'PUT') return this.json(res, 404, errorBody(404, 'NOT_FOUND', 'No upload route'));
      return this.uploadStart(fm[1]!, decodeURIComponent(fm[2]!), query, req, res);
    }

    if (rest === 'interactions' && method === 'POST') return this.create(body as Json, res);
    let mm = /^interactions\/([^/]+)\/cancel$/.exec(rest);
    if (mm && method === 'POST') return this.cancel(decodeURIComponent(mm[1]!), res);
    mm = /^interactions\/([^/]+)$/.exec(rest);
    if (mm && method === 'GET') return this.get(decodeURIComponent(mm[1]!), query, res);
    if (mm && method === 'DELETE') return this.del(decodeURIComponent(mm[1]!), res);

    if (rest === 'models' && method === 'GET') {
      // The Gemini API's model list (not part of the Interactions API, used for model pickers).
      return this.json(res, 200, { models: this.models });
    }
    if (rest === 'agents' && method === 'GET') {
      const size = Number(query.page_size ?? 50);
      return this.json(res, 200, { agents: this.agents.slice(0, size) });
    }
    if (rest === 'agents' && method === 'POST') return this.createAgent(body as Json | undefined, res);
    mm = /^agents\/([^/]+)$/.exec(rest);
    if (mm && method === 'GET') {
      const a = this.agents.find((x) => x.id === decodeURIComponent(mm![1]!));
      return a ? this.json(res, 200, a) : this.json(res, 404, errorBody(404, 'NOT_FOUND', 'Agent not found'));
    }
    if (mm && method === 'DELETE') {
      const id = decodeURIComponent(mm[1]!);
      const k = this.agents.findIndex((x) => x.id === id && x.base_agent !== undefined);
      if (k < 0) return this.json(res, 404, errorBody(404, 'NOT_FOUND', `Agent ${id} not found.`));
      this.agents.splice(k, 1);
      return this.json(res, 200, {});
    }

    if (rest === 'environments' && method === 'POST') {
      const env = this.newEnvironment(body as Json | undefined);
      return this.json(res, 200, this.envResource(env));
    }
    if (rest === 'environments' && method === 'GET') {
      return this.json(res, 200, { environments: [...this.environments.values()].filter((e) => !e.deleted).map((e) => this.envResource(e)) });
    }
    mm = /^environments\/([^/]+)$/.exec(rest);
    if (mm) {
      const env = this.environments.get(decodeURIComponent(mm[1]!));
      if (!env || env.deleted) return this.json(res, 404, errorBody(404, 'NOT_FOUND', 'Environment not found'));
      if (method === 'GET') return this.json(res, 200, this.envResource(env));
      if (method === 'DELETE') {
        env.deleted = true;
        return this.json(res, 200, {});
      }
    }
    mm = /^environments\/([^/]+)\/files(?:\/(.*))?$/.exec(rest);
    if (mm && method === 'GET') return this.files(decodeURIComponent(mm[1]!), decodeURIComponent(mm[2] ?? ''), query, res);

    return this.json(res, 404, errorBody(404, 'NOT_FOUND', `No route for ${method} ${path}`));
  }

  private control(path: string, method: string, body: unknown, res: ServerResponse): void {
    if (path === '/__fake/scenario' && method === 'POST') {
      this.setScenario(body as Scenario);
      return this.json(res, 200, { ok: true });
    }
    if (path === '/__fake/push' && method === 'POST') {
      this.push(...((body as Reply[]) ?? []));
      return this.json(res, 200, { ok: true, pending: this.queue.length });
    }
    if (path === '/__fake/requests') return this.json(res, 200, this.requests);
    if (path === '/__fake/reset' && method === 'POST') {
      this.reset();
      return this.json(res, 200, { ok: true });
    }
    if (path === '/__fake/environments') {
      return this.json(
        res,
        200,
        [...this.environments.values()].map((e) => ({ id: e.id, dir: e.dir })),
      );
    }
    return this.json(res, 404, { error: 'unknown control path' });
  }

  // ---------------------------------------------------------------- saved agents (§11.1)

  /** `POST /agents`: validated as the API would, each problem a field violation (google.rpc.BadRequest). */
  private createAgent(body: Json | undefined, res: ServerResponse): void {
    if (!body || typeof body !== 'object' || '__invalid_json' in body) return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'));
    const problems = agentProblems(body, this.agents);
    if (problems.length) {
      const err = errorBody(400, 'INVALID_ARGUMENT', `Invalid agent: ${problems.map((p) => `${p.field}: ${p.description}`).join('; ')}`);
      (err.error as Json).details = [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: problems }];
      return this.json(res, 400, err);
    }
    if (this.agents.some((a) => a.id === body.id)) return this.json(res, 409, errorBody(409, 'ALREADY_EXISTS', `Agent ${String(body.id)} already exists.`));
    const agent: Json = JSON.parse(JSON.stringify(body)) as Json;
    this.agents.push(agent);
    return this.json(res, 200, agent);
  }

  // ---------------------------------------------------------------- interactions

  private takeReply(body: Json): Reply | undefined {
    const text = JSON.stringify(body);
    const k = this.queue.findIndex((r) => !r.whenInputIncludes || text.includes(r.whenInputIncludes));
    if (k < 0) return undefined;
    const reply = this.queue[k]!;
    if (reply.http && (reply.http.times ?? 1) > 1) {
      this.queue[k] = { ...reply, http: { ...reply.http, times: (reply.http.times ?? 1) - 1 } };
      return reply;
    }
    this.queue.splice(k, 1);
    return reply;
  }

  private echoReply(body: Json): Reply {
    const input = body.input;
    const prompt = typeof input === 'string' ? input : Array.isArray(input) ? userText(input.slice(-1)) : '';
    return {
      steps: [
        { type: 'thought', signature: 'echo-sig', summary: [{ type: 'text', text: 'Echoing the prompt.' }] },
        { type: 'model_output', content: [{ type: 'text', text: `You said: ${prompt}` }] },
      ],
    };
  }

  private async create(body: Json | undefined, res: ServerResponse): Promise<void> {
    if (!body || typeof body !== 'object' || '__invalid_json' in body) return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'));
    if (typeof body.model !== 'string' && typeof body.agent !== 'string') {
      return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', 'Either model or agent is required.'));
    }
    if (body.model !== undefined && body.agent !== undefined) return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', 'model and agent are mutually exclusive.'));
    const badTool = toolProblem(body.tools);
    if (badTool) return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', badTool));
    const prevId = body.previous_interaction_id;
    let prev: StoredInteraction | undefined;
    if (typeof prevId === 'string') {
      prev = this.interactions.get(prevId);
      if (!prev || prev.deleted) return this.json(res, 404, errorBody(404, 'NOT_FOUND', `Interaction ${prevId} not found.`));
    }
    if (typeof body.continuation_token === 'string') {
      const issued = prev?.reply.continuationToken;
      if (prev && issued !== body.continuation_token) return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', 'The continuation token does not belong to this interaction.'));
    }
    const searchProblem = toolSearchProblem(body);
    if (searchProblem) return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', searchProblem));
    let researchPlan: StoredInteraction['researchPlan'];
    if (isDeepResearch(body.agent)) {
      const problem = researchRequestProblem(body);
      if (problem) return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', problem));
    }
    // Tool Retrieval: an answer that waited for a client-side search goes on (it takes nothing from the queue).
    const searchState: ToolSearchState = { loaded: new Set(prev?.toolSearch.loaded ?? []), waiting: prev?.toolSearch.waiting };
    const earlyInput = Array.isArray(body.input) ? (body.input as Json[]).filter((x) => x && typeof x === 'object') : [];
    let reply: Reply | undefined = searchState.waiting ? withToolSearch({}, body, searchState, earlyInput) : this.takeReply(body);
    if (!reply && isDeepResearch(body.agent)) {
      const r = researchReply(body, prev?.researchPlan, { durationMs: this.researchDurationMs });
      reply = r.plan && this.researchPlanHold ? { ...r.reply, hold: this.researchPlanHold } : r.reply;
      researchPlan = r.plan; // only a plan continues as a plan (an edit) or is carried out (a run)
    }
    if (!reply) {
      if (this.options.responder) reply = this.options.responder(body);
      else if (this.whenEmpty === 'error') return this.json(res, 500, errorBody(500, 'INTERNAL', 'fake: no reply queued'));
      else reply = this.echoReply(body);
    }
    if (reply.http) {
      const h = reply.http;
      const headers: Record<string, string> = {};
      if (h.retryAfter !== undefined) headers['retry-after'] = String(h.retryAfter);
      if (h.retryAfterMs !== undefined) headers['retry-after-ms'] = String(h.retryAfterMs);
      if (h.contentType) {
        res.writeHead(h.status, { 'content-type': h.contentType, ...headers });
        res.end(typeof h.body === 'string' ? h.body : JSON.stringify(h.body ?? ''));
        return;
      }
      const statusName = h.status === 429 ? 'RESOURCE_EXHAUSTED' : h.status === 503 ? 'UNAVAILABLE' : h.status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
      return this.json(
        res,
        h.status,
        h.body ?? errorBody(h.status, statusName, h.status === 429 ? 'Resource has been exhausted (e.g. check quota).' : 'The service is currently unavailable.'),
        headers,
      );
    }

    if (!searchState.waiting && reply.steps) reply = withToolSearch(reply, body, searchState, earlyInput);
    if (this.options.estimateUsage && !reply.usage) {
      const input = estimatedInputTokens(body);
      reply = { ...reply, usage: { total_input_tokens: input, total_output_tokens: 34, total_tokens: input + 34 } };
    }
    const variant: Variant = { ...this.scenarioVariant, ...reply.variant };
    const id = `v1_${(++this.counter).toString(36).padStart(6, '0')}${randomBytes(6).toString('hex')}`;
    let environmentId: string | undefined;
    if (body.environment !== undefined) {
      const envSpec = body.environment;
      if (typeof envSpec === 'string' && envSpec !== 'remote') {
        const e = this.environments.get(envSpec.replace(/^environments\//, ''));
        if (!e || e.deleted) return this.json(res, 404, errorBody(404, 'NOT_FOUND', `Environment ${envSpec} not found.`));
        environmentId = e.id;
      } else if (envSpec && typeof envSpec === 'object' && typeof (envSpec as Json).environment_id === 'string') {
        const e = this.environments.get((envSpec as Json).environment_id as string);
        if (!e || e.deleted) return this.json(res, 404, errorBody(404, 'NOT_FOUND', 'Environment not found.'));
        environmentId = e.id;
      } else environmentId = this.newEnvironment(typeof envSpec === 'object' ? (envSpec as Json) : undefined).id;
    } else if (prev?.environmentId) environmentId = prev.environmentId;

    const inputSteps = Array.isArray(body.input)
      ? (body.input as Json[]).filter(
          (x) => x && typeof x === 'object' && typeof x.type === 'string' && !['text', 'image', 'audio', 'video', 'document'].includes(x.type as string),
        )
      : [];
    const inter: StoredInteraction = {
      id,
      body,
      reply,
      variant,
      events: generateEvents(reply, { id, model: body.model as string | undefined, agent: body.agent as string | undefined, environment_id: environmentId }, inputSteps, variant),
      log: [],
      final: false,
      status: 'in_progress',
      stepsDone: 0,
      created: new Date().toISOString(),
      background: body.background === true,
      store: body.store !== false,
      deleted: false,
      cancelled: false,
      environmentId,
      waiters: new Set(),
      inputSteps,
      toolSearch: searchState,
      ...(researchPlan ? { researchPlan } : {}),
    };
    this.interactions.set(id, inter);
    const timeline = this.runTimeline(inter);

    if (body.stream === true && reply.faults?.jsonBody) {
      await timeline;
      return this.json(res, 200, this.interactionJson(inter, false));
    }
    if (inter.background && body.stream !== true) {
      return this.json(res, 200, this.interactionJson(inter, false));
    }
    if (body.stream === true) {
      return this.streamTo(res, inter, 0, reply.faults ?? {});
    }
    await timeline;
    if (reply.faults?.contentType) {
      res.writeHead(200, { 'content-type': reply.faults.contentType });
      res.end('<html>not json</html>');
      return;
    }
    return this.json(res, 200, this.interactionJson(inter, false));
  }

  /** Append the interaction's events to its log over time, applying agent file operations. */
  private async runTimeline(inter: StoredInteraction): Promise<void> {
    const reply = inter.reply;
    const n = inter.events.length;
    const per = reply.delayMs ?? (reply.agent?.durationMs ? reply.agent.durationMs / Math.max(1, n) : 0);
    const ops = [...(reply.agent?.ops ?? [])];
    const started = Date.now();
    const applyOps = (force: boolean) => {
      while (ops.length && (force || (ops[0]!.afterMs ?? 0) <= Date.now() - started)) {
        const op = ops.shift()!;
        if (inter.environmentId) this.applyAgentOp(inter.environmentId, op);
      }
    };
    for (let k = 0; k < n; k++) {
      if (inter.cancelled) return;
      if (k === 1 && reply.hold) await reply.hold;
      if (per > 0 && k > 0) await sleep(per);
      if (inter.cancelled) return;
      const ev = inter.events[k]!;
      const isLast = k === n - 1;
      if (isLast && ev.name !== 'step.stop') applyOps(true);
      else applyOps(false);
      this.append(inter, ev);
    }
    applyOps(true);
    inter.status = finalStatus(reply);
    if (reply.errorEvent) inter.status = 'failed';
    inter.stepsDone = (reply.steps ?? []).length;
    inter.final = true;
    inter.waiters.forEach((w) => w());
  }

  private append(inter: StoredInteraction, ev: GeneratedEvent): void {
    const eventId = `evt_${(++this.eventCounter).toString(36).padStart(7, '0')}`;
    inter.log.push({ eventId, name: ev.name, data: frameData(ev, eventId, inter.variant), stepIndex: ev.stepIndex });
    if (ev.name === 'step.stop' && ev.stepIndex >= 0) inter.stepsDone = ev.stepIndex + 1;
    inter.waiters.forEach((w) => w());
  }

  private applyAgentOp(envId: string, op: { write: string; content: string } | { delete: string }): void {
    const env = this.environments.get(envId);
    if (!env) return;
    if ('write' in op) {
      const p = this.safeEnvPath(env, op.write);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, op.content);
    } else {
      rmSync(this.safeEnvPath(env, op.delete), { force: true, recursive: true });
    }
  }

  private interactionJson(inter: StoredInteraction, includeInput: boolean): Json {
    const v = inter.variant;
    const out: Json = { id: inter.id, status: inter.final ? inter.status : 'in_progress' };
    if (inter.cancelled) out.status = 'cancelled';
    if (inter.body.model) out.model = inter.body.model;
    if (inter.body.agent) out.agent = inter.body.agent;
    if (v.objectField) out.object = 'interaction';
    out.created = inter.created;
    out.updated = new Date().toISOString();
    if (inter.environmentId) out.environment_id = inter.environmentId;
    if (inter.body.previous_interaction_id) out.previous_interaction_id = inter.body.previous_interaction_id;
    const steps: Json[] = [];
    if (v.echoInput) {
      // [S3]: the response repeats the conversation's input steps.
      const input = inter.body.input;
      if (typeof input === 'string') steps.push(stepForJson({ type: 'user_input', content: [{ type: 'text', text: input }] }, v));
      else if (Array.isArray(input)) {
        const contents = (input as Json[]).filter((x) => ['text', 'image', 'document'].includes(x.type as string));
        if (contents.length) steps.push(stepForJson({ type: 'user_input', content: contents }, v));
        for (const s of inter.inputSteps) steps.push(stepForJson(s, v));
      }
    }
    const done = inter.final ? (inter.reply.steps ?? []).length : inter.stepsDone;
    for (const s of (inter.reply.steps ?? []).slice(0, done)) steps.push(stepForJson(s, v));
    out.steps = steps;
    if (inter.final && !inter.cancelled) {
      out.usage = usageFor(inter.reply, v);
      if (inter.reply.continuationToken) out.continuation_token = inter.reply.continuationToken;
      if (inter.reply.errors) out.errors = inter.reply.errors;
      if (inter.reply.errorEvent) out.errors = [{ code: inter.reply.errorEvent.code, message: inter.reply.errorEvent.message }];
    }
    if (includeInput) out.input = inter.body.input;
    return out;
  }

  private async get(id: string, query: Record<string, string>, res: ServerResponse): Promise<void> {
    const inter = this.interactions.get(id);
    if (!inter || inter.deleted || !inter.store) return this.json(res, 404, errorBody(404, 'NOT_FOUND', `Interaction ${id} not found.`));
    if (query.stream === 'true') {
      let from = 0;
      if (query.last_event_id) {
        const k = inter.log.findIndex((e) => e.eventId === query.last_event_id);
        if (k < 0) return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', `Unknown last_event_id ${query.last_event_id}.`));
        from = k + 1;
      }
      const refuse = inter.reply.resumeFaults?.refuse;
      if (refuse)
        return this.json(res, refuse, errorBody(refuse, refuse === 404 ? 'NOT_FOUND' : 'FAILED_PRECONDITION', `The stream of interaction ${id} can no longer be resumed.`));
      return this.streamTo(res, inter, from, inter.reply.resumeFaults ?? {});
    }
    return this.json(res, 200, this.interactionJson(inter, query.include_input === 'true'));
  }

  private cancel(id: string, res: ServerResponse): void {
    const inter = this.interactions.get(id);
    if (!inter || inter.deleted) return this.json(res, 404, errorBody(404, 'NOT_FOUND', `Interaction ${id} not found.`));
    if (inter.final) return this.json(res, 400, errorBody(400, 'FAILED_PRECONDITION', 'Only background interactions that are still running can be cancelled.'));
    inter.cancelled = true;
    inter.status = 'cancelled';
    inter.final = true;
    const eventId = `evt_${(++this.eventCounter).toString(36).padStart(7, '0')}`;
    inter.log.push({
      eventId,
      name: 'interaction.completed',
      data: frameData(
        { name: 'interaction.completed', stepIndex: -1, data: { event_type: 'interaction.completed', interaction: { id: inter.id, status: 'cancelled' } } },
        eventId,
        inter.variant,
      ),
      stepIndex: -1,
    });
    inter.waiters.forEach((w) => w());
    return this.json(res, 200, this.interactionJson(inter, false));
  }

  private del(id: string, res: ServerResponse): void {
    const inter = this.interactions.get(id);
    if (!inter || inter.deleted) return this.json(res, 404, errorBody(404, 'NOT_FOUND', `Interaction ${id} not found.`));
    inter.deleted = true;
    return this.json(res, 200, {});
  }

  /** Write the interaction's log from `from` to the response as SSE, following it until final. */
  private async streamTo(res: ServerResponse, inter: StoredInteraction, from: number, faults: Faults): Promise<void> {
    const v = inter.variant;
    res.writeHead(200, { 'content-type': faults.contentType ?? 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    const wire: Buffer[] = [];
    this.lastWire = wire;
    let offset = 0;
    let chunkIdx = 0;
    let dropped = false;
    let closed = false;
    let ended = false;
    res.on('close', () => {
      closed = true;
      if (!ended && !dropped) this.closedByClient.push(inter.id);
    });
    const splitAt = [...(faults.splitAt ?? [])].sort((a, b) => a - b);
    const writePiece = (piece: Buffer) =>
      new Promise<void>((resolveWrite) => {
        wire.push(piece);
        res.write(piece, () => setImmediate(resolveWrite));
        this.onWrite?.(piece, performance.timeOrigin + performance.now());
      });
    const write = async (text: string) => {
      if (dropped || closed) return;
      let buf = Buffer.from(text, 'utf8');
      if (faults.dropAfterBytes !== undefined && offset + buf.length >= faults.dropAfterBytes) {
        buf = buf.subarray(0, Math.max(0, faults.dropAfterBytes - offset));
        dropped = true;
      }
      // Cut points: explicit offsets, fixed chunk sizes, or every byte.
      const cuts: number[] = [];
      for (const s of splitAt) if (s > offset && s < offset + buf.length) cuts.push(s - offset);
      if (faults.chunks === 'bytes') for (let k = 1; k < buf.length; k++) cuts.push(k);
      else if (Array.isArray(faults.chunks) && faults.chunks.length) {
        let pos = 0;
        while (true) {
          pos += faults.chunks[chunkIdx++ % faults.chunks.length]!;
          if (pos >= buf.length) break;
          cuts.push(pos);
        }
      }
      const sorted = [...new Set(cuts)].sort((a, b) => a - b);
      let prev = 0;
      if (sorted.length === 0) {
        if (buf.length) await writePiece(buf);
      } else {
        for (const c of [...sorted, buf.length]) {
          if (c > prev) await writePiece(buf.subarray(prev, c));
          prev = c;
        }
      }
      offset += buf.length;
      if (dropped) {
        await sleep(5);
        res.socket?.destroy();
      }
    };

    let sent = 0;
    let i = from;
    let onClose: (() => void) | undefined;
    res.once('close', () => onClose?.());
    for (;;) {
      while (i < inter.log.length) {
        if (dropped || closed) return;
        const entry = inter.log[i++]!;
        if (faults.stall && sent === faults.stall.afterEvents) await sleep(faults.stall.ms);
        if (faults.dropAfterEvents !== undefined && sent >= faults.dropAfterEvents) {
          dropped = true;
          res.socket?.destroy();
          return;
        }
        let dataText = JSON.stringify(entry.data);
        if (faults.malformedAt === sent) dataText = dataText.slice(0, Math.max(1, dataText.length - 7)) + '\u0000,]';
        await write(sseBytes(entry.name, dataText, v));
        if (faults.keepAlive) await write(`: keep-alive${v.lineEnding ?? '\n'}${v.lineEnding ?? '\n'}`);
        sent++;
      }
      if (inter.final || dropped || closed) break;
      await new Promise<void>((r) => {
        const w = () => {
          inter.waiters.delete(w);
          onClose = undefined;
          r();
        };
        inter.waiters.add(w);
        onClose = w;
      });
    }
    if (dropped || closed) return;
    if (v.done) await write(`data: [DONE]${v.lineEnding ?? '\n'}${v.lineEnding ?? '\n'}`);
    ended = true;
    res.end();
  }

  // ---------------------------------------------------------------- environments & files

  private newEnvironment(spec: Json | undefined): Environment {
    const id = `env_${(++this.counter).toString(36)}${randomBytes(4).toString('hex')}`;
    const dir = join(this.envRoot, id);
    mkdirSync(dir, { recursive: true });
    const env: Environment = { id, dir, created: new Date().toISOString(), network: spec?.network, sources: spec?.sources, deleted: false };
    this.environments.set(id, env);
    return env;
  }

  private envResource(env: Environment): Json {
    const files = this.walk(env.dir).filter((f) => f.type === 'file');
    const size = files.reduce((n, f) => n + Number(f.size_bytes), 0);
    const out: Json = {
      id: env.id,
      status: 'active',
      created: env.created,
      updated: env.created,
      last_accessed: new Date().toISOString(),
      file_count: String(files.length),
      size_bytes: String(size),
    };
    if (env.network !== undefined) out.network = env.network;
    if (env.sources !== undefined) out.sources = env.sources;
    return out;
  }

  private safeEnvPath(env: Environment, p: string): string {
    const full = resolve(env.dir, p.replace(/^\/+/, ''));
    if (full !== env.dir && !full.startsWith(env.dir + sep)) throw new Error('path escapes the environment');
    return full;
  }

  private walk(dir: string, base = dir): Json[] {
    const out: Json[] = [];
    if (!existsSync(dir)) return out;
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const st = lstatSync(full);
      const rel = relative(base, full).split(sep).join('/');
      if (st.isDirectory()) {
        out.push(this.fileEntry(rel, st, 'directory'));
        out.push(...this.walk(full, base));
      } else if (st.isFile()) out.push(this.fileEntry(rel, st, 'file'));
    }
    return out;
  }

  private fileEntry(rel: string, st: import('node:fs').Stats, type: 'file' | 'directory'): Json {
    return {
      name: rel.split('/').pop(),
      path: rel,
      type,
      mime_type: type === 'directory' ? '' : rel.endsWith('.json') ? 'application/json' : rel.endsWith('.png') ? 'image/png' : 'text/plain',
      size_bytes: String(type === 'directory' ? 0 : st.size),
      created: st.birthtime.toISOString(),
      modified: st.mtime.toISOString(),
    };
  }

  private files(envId: string, path: string, query: Record<string, string>, res: ServerResponse): void {
    const env = this.environments.get(envId.replace(/^environments\//, ''));
    if (!env || env.deleted) return this.json(res, 404, errorBody(404, 'NOT_FOUND', 'Environment not found'));
    let full: string;
    try {
      full = this.safeEnvPath(env, path);
    } catch {
      return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', 'Invalid path'));
    }
    if (!existsSync(full)) return this.json(res, 404, errorBody(404, 'NOT_FOUND', `No file ${path}`));
    const st = statSync(full);
    if (query.alt === 'media') {
      if (!st.isFile()) return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', 'Not a file'));
      const data = readFileSync(full);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
      res.end(data);
      return;
    }
    if (st.isFile()) return this.json(res, 200, { files: [this.fileEntry(relative(env.dir, full).split(sep).join('/'), st, 'file')] });
    const all =
      query.recursive === 'true'
        ? this.walk(full, env.dir)
        : readdirSync(full)
            .sort()
            .map((name) => {
              const f = join(full, name);
              const s = statSync(f);
              return this.fileEntry(relative(env.dir, f).split(sep).join('/'), s, s.isDirectory() ? 'directory' : 'file');
            });
    const size = Number(query.page_size ?? 1000);
    const start = Number(query.page_token ?? 0);
    const page = all.slice(start, start + size);
    const out: Json = { files: page };
    if (start + size < all.length) out.next_page_token = String(start + size);
    return this.json(res, 200, out);
  }

  private uploadStart(envId: string, path: string, query: Record<string, string>, req: IncomingMessage, res: ServerResponse): void {
    const env = this.environments.get(envId.replace(/^environments\//, ''));
    if (!env || env.deleted) return this.json(res, 404, errorBody(404, 'NOT_FOUND', 'Environment not found'));
    if (req.headers['x-goog-upload-protocol'] !== 'resumable' || req.headers['x-goog-upload-command'] !== 'start') {
      return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', 'Expected X-Goog-Upload-Protocol: resumable and X-Goog-Upload-Command: start'));
    }
    const total = Number(req.headers['x-goog-upload-header-content-length']);
    if (!Number.isFinite(total)) return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', 'Missing X-Goog-Upload-Header-Content-Length'));
    const sid = randomBytes(8).toString('hex');
    this.uploads.set(sid, { env: env.id, path, extract: query.extract === 'true', overwrite: query.overwrite === 'true', total, received: [], offset: 0 });
    res.writeHead(200, { 'x-goog-upload-url': `${this.url}/upload/session/${sid}`, 'x-goog-upload-status': 'active', 'content-length': 0 });
    res.end();
  }

  private async uploadChunk(sid: string, req: IncomingMessage, data: Buffer, res: ServerResponse): Promise<void> {
    const s = this.uploads.get(sid);
    if (!s) return this.json(res, 404, errorBody(404, 'NOT_FOUND', 'Unknown upload session'));
    const offset = Number(req.headers['x-goog-upload-offset']);
    if (offset !== s.offset) return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', `Expected offset ${s.offset}, got ${offset}`));
    s.received.push(data);
    s.offset += data.length;
    const command = String(req.headers['x-goog-upload-command'] ?? '');
    if (!command.includes('finalize')) {
      res.writeHead(200, { 'x-goog-upload-status': 'active', 'content-length': 0 });
      res.end();
      return;
    }
    if (s.offset !== s.total) return this.json(res, 400, errorBody(400, 'INVALID_ARGUMENT', `Upload size ${s.offset} != declared ${s.total}`));
    this.uploads.delete(sid);
    const env = this.environments.get(s.env)!;
    const all = Buffer.concat(s.received);
    const target = this.safeEnvPath(env, s.path);
    if (s.extract) {
      mkdirSync(target, { recursive: true });
      await pipeline(Readable.from([all]), tar.x({ cwd: target, strict: true }));
      const files = this.walk(target, env.dir).filter((f) => f.type === 'file');
      return this.json(res, 200, { files });
    }
    if (existsSync(target) && !s.overwrite) return this.json(res, 409, errorBody(409, 'ALREADY_EXISTS', 'File exists'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, all);
    const st = statSync(target);
    // The bare-file response form (the client must accept {files}, {file} or a bare file).
    return this.json(res, 200, this.fileEntry(relative(env.dir, target).split(sep).join('/'), st, 'file'));
  }
}

const TOOL_CHOICE = ['auto', 'any', 'none', 'validated'];

/** What the real API would refuse in `tools[]` (reference §3.4), checked for the tool types the fields are known for. */
export function toolProblem(tools: unknown): string | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return 'tools must be a list.';
  for (const [k, t] of tools.entries()) {
    if (!t || typeof t !== 'object' || typeof (t as Json).type !== 'string') return `tools[${k}] has no type.`;
    const tool = t as Json;
    if (tool.type === 'function' && tool.name !== undefined && (typeof tool.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/.test(tool.name)))
      return `tools[${k}].name is not a valid function name.`;
    if (tool.type !== 'mcp_server') continue;
    if (tool.name !== undefined && typeof tool.name !== 'string') return `tools[${k}].name must be a string.`;
    if (tool.url !== undefined && (typeof tool.url !== 'string' || !/^https?:\/\//.test(tool.url))) return `tools[${k}].url must be an http(s) URL.`;
    if (tool.headers !== undefined) {
      if (!tool.headers || typeof tool.headers !== 'object' || Array.isArray(tool.headers)) return `tools[${k}].headers must be an object of strings.`;
      if (!Object.values(tool.headers as Json).every((v) => typeof v === 'string')) return `tools[${k}].headers must be an object of strings.`;
    }
    if (tool.allowed_tools !== undefined) {
      if (!Array.isArray(tool.allowed_tools)) return `tools[${k}].allowed_tools must be a list.`;
      for (const a of tool.allowed_tools as unknown[]) {
        const o = a as Json;
        if (!o || typeof o !== 'object') return `tools[${k}].allowed_tools entries must be objects.`;
        if (o.mode !== undefined && !TOOL_CHOICE.includes(o.mode as string)) return `tools[${k}].allowed_tools[].mode must be one of ${TOOL_CHOICE.join(', ')}.`;
        if (o.tools !== undefined && (!Array.isArray(o.tools) || !o.tools.every((x) => typeof x === 'string'))) return `tools[${k}].allowed_tools[].tools must be a list of names.`;
      }
    }
    for (const key of Object.keys(tool))
      if (!['type', 'name', 'url', 'headers', 'allowed_tools', 'defer_loading'].includes(key)) return `Unknown field tools[${k}].${key} for an mcp_server tool.`;
  }
  return undefined;
}

const AGENT_TOOLS = ['code_execution', 'function', 'google_search', 'mcp_server', 'url_context'];

/** What the API refuses in a saved agent (§11.1, §3.2, §3.4): one entry per field. */
export function agentProblems(body: Json, existing: Json[]): Array<{ field: string; description: string }> {
  const out: Array<{ field: string; description: string }> = [];
  const id = body.id;
  if (typeof id !== 'string' || !id) out.push({ field: 'id', description: 'An id is required.' });
  else if (!/^[a-z][a-z0-9-]{0,62}$/.test(id)) out.push({ field: 'id', description: 'Use 1 to 63 lowercase letters, digits and hyphens, starting with a letter.' });
  const base = body.base_agent;
  if (typeof base !== 'string' || !existing.some((a) => a.id === base && a.base_agent === undefined))
    out.push({ field: 'base_agent', description: `Unknown base agent ${JSON.stringify(base ?? null)}.` });
  for (const f of ['system_instruction', 'description'] as const) {
    if (body[f] !== undefined && typeof body[f] !== 'string') out.push({ field: f, description: 'Must be a string.' });
  }
  if (typeof body.system_instruction === 'string' && body.system_instruction.length > 32000) out.push({ field: 'system_instruction', description: 'At most 32000 characters.' });
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) out.push({ field: 'tools', description: 'Must be a list.' });
    else
      (body.tools as Json[]).forEach((t, k) => {
        if (!t || !AGENT_TOOLS.includes(t.type as string))
          out.push({ field: `tools[${k}].type`, description: `Not allowed on a saved agent: ${JSON.stringify(t?.type ?? null)}.` });
        else if (t.type === 'mcp_server' && (typeof t.url !== 'string' || !/^https:\/\//.test(t.url)))
          out.push({ field: `tools[${k}].url`, description: 'An MCP server needs an https URL.' });
      });
  }
  const env = body.base_environment;
  if (env !== undefined && typeof env !== 'string') {
    const e = env as Json;
    if (!e || typeof e !== 'object' || e.type !== 'remote') out.push({ field: 'base_environment.type', description: 'Must be "remote".' });
    else {
      if (e.env !== undefined) {
        if (!e.env || typeof e.env !== 'object') out.push({ field: 'base_environment.env', description: 'Must be a map of names to values.' });
        else
          for (const [k, v] of Object.entries(e.env as Json)) {
            if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) out.push({ field: `base_environment.env.${k}`, description: 'Not a valid variable name.' });
            else if (typeof v !== 'string' && !(v && typeof v === 'object' && (typeof (v as Json).value === 'string' || typeof (v as Json).credential === 'string')))
              out.push({ field: `base_environment.env.${k}`, description: 'A string, {value} or {credential}.' });
          }
      }
      const net = e.network;
      if (net !== undefined && net !== 'disabled') {
        const list = (net as Json | undefined)?.allowlist;
        if (!net || typeof net !== 'object' || (list !== undefined && list !== 'disabled' && !Array.isArray(list)))
          out.push({ field: 'base_environment.network', description: 'Either "disabled" or {allowlist}.' });
        else if (Array.isArray(list))
          (list as Json[]).forEach((a, k) => {
            if (!a || typeof a.domain !== 'string' || !/^(\*|(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+)$/i.test(a.domain))
              out.push({ field: `base_environment.network.allowlist[${k}].domain`, description: `Not a domain: ${JSON.stringify(a?.domain ?? null)}.` });
          });
      }
      if (e.sources !== undefined && !Array.isArray(e.sources)) out.push({ field: 'base_environment.sources', description: 'Must be a list.' });
      else
        ((e.sources as Json[] | undefined) ?? []).forEach((src, k) => {
          if (!src || !['gcs', 'inline', 'repository', 'skill_registry'].includes(src.type as string))
            out.push({ field: `base_environment.sources[${k}].type`, description: 'One of gcs, inline, repository, skill_registry.' });
          else if (src.type !== 'inline' && (typeof src.source !== 'string' || !src.source))
            out.push({ field: `base_environment.sources[${k}].source`, description: 'A source path is required.' });
        });
    }
  }
  const cfg = body.agent_config as Json | undefined;
  if (cfg !== undefined && (!cfg || cfg.type !== 'antigravity')) out.push({ field: 'agent_config.type', description: 'Saved agents accept only the antigravity agent_config.' });
  return out;
}
