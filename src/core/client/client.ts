/**
 * The Interactions API client: every endpoint of the reference, streaming with automatic
 * resume (`GET ?stream=true&last_event_id=`, never a second create), retries before the first
 * byte, and cancellation of background runs when the caller aborts.
 */
import { decodeInteraction } from '../protocol/decode';
import { isTerminalStatus } from '../protocol/types';
import type {
  Agent,
  ApiModel,
  AgentList,
  CreateEnvironmentRequest,
  CreateInteractionRequest,
  Credential,
  CredentialCreate,
  CredentialList,
  EnvironmentFile,
  EnvironmentFileList,
  EnvironmentList,
  EnvironmentResource,
  Interaction,
  InteractionEvent,
} from '../protocol/types';
import { ApiError } from './errors';
import { Transport, type CallOptions, type OpenResponse, type TransportOptions } from './http';
import { SseEventDecoder } from './sse';
import { l10n } from '../../shared/l10n';

export interface StreamOptions extends CallOptions {
  /** Called before each resume of a dropped stream. */
  onResume?(info: { interactionId: string; lastEventId: string | undefined; attempt: number; reason: string }): void;
  /** Called with every batch of events that one network read completed (journaling). */
  onBatch?(events: InteractionEvent[]): void;
  /** At most this many consecutive resumes without a new event (default 3, like the SDK). */
  maxResumesWithoutProgress?: number;
}

/** Synthetic event: a resumed stream replays from the start; discard the steps of this interaction. */
export type StreamRestartEvent = {
  event_type: 'client.stream_restart';
  interaction_id: string;
};

export const UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;

function envPath(env: string): string {
  return encodeURIComponent(env.replace(/^environments\//, ''));
}
/** Percent-encode a file path except reserved characters (so `/` stays literal). */
export function encodeFilePath(path: string): string {
  return path
    .replace(/^\/+/, '')
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%3A/gi, ':').replace(/%40/g, '@'))
    .join('/');
}

export class InteractionsClient {
  readonly transport: Transport;

  constructor(options: TransportOptions) {
    this.transport = new Transport(options);
  }

  // ------------------------------------------------------------------ interactions

  /** Non-streaming create (also the way to start a background run: it returns at once). */
  async create(request: CreateInteractionRequest, opts: CallOptions = {}): Promise<Interaction> {
    const { stream: _stream, ...body } = request;
    const raw = await this.transport.json<unknown>({ method: 'POST', path: 'interactions', body, what: l10n.t('create an interaction'), ...opts });
    return decodeInteraction(raw);
  }

  /**
   * Streaming create. Yields normal-form events. A stream that drops (connection error, idle
   * timeout, end of body before `interaction.completed`) is resumed with stream-get from the
   * last event id; the create is never sent twice.
   */
  async *stream(request: CreateInteractionRequest, opts: StreamOptions = {}): AsyncGenerator<InteractionEvent | StreamRestartEvent> {
    const body = { ...request, stream: true };
    const first = () => this.transport.open({ method: 'POST', path: 'interactions', body, accept: 'text/event-stream', what: l10n.t('create an interaction'), ...opts });
    yield* this.runStream(first, { store: request.store !== false, background: request.background === true }, opts);
  }

  /** Stream an existing interaction (replay from `lastEventId`, or from the start). */
  async *streamGet(id: string, lastEventId: string | undefined, opts: StreamOptions & { background?: boolean } = {}): AsyncGenerator<InteractionEvent | StreamRestartEvent> {
    const first = () => this.openStreamGet(id, lastEventId, opts);
    yield* this.runStream(first, { store: true, background: opts.background === true, id, lastEventId }, opts);
  }

  private openStreamGet(id: string, lastEventId: string | undefined, opts: CallOptions): Promise<OpenResponse> {
    return this.transport.open({
      method: 'GET',
      path: `interactions/${encodeURIComponent(id)}`,
      query: { stream: true, last_event_id: lastEventId },
      accept: 'text/event-stream',
      what: l10n.t('resume the interaction stream'),
      ...opts,
    });
  }

  private async *runStream(
    openFirst: () => Promise<OpenResponse>,
    ctx: { store: boolean; background: boolean; id?: string; lastEventId?: string },
    opts: StreamOptions,
  ): AsyncGenerator<InteractionEvent | StreamRestartEvent> {
    let id = ctx.id;
    let lastEventId = ctx.lastEventId;
    let fruitless = 0;
    const maxFruitless = opts.maxResumesWithoutProgress ?? 3;
    /** Every event id delivered: a resumed stream that replays more than the boundary event is de-duplicated. */
    const seen = new Set<string>();
    if (lastEventId !== undefined) seen.add(lastEventId);
    let res = await openFirst();
    for (;;) {
      let progressed = false;
      let ended: 'terminal' | 'eof' = 'eof';
      // A terminal status seen in a status update ([S3] `interaction.requires_action`): an end of
      // stream after it is a clean end, not a drop.
      let terminalStatus = false;
      let drop: ApiError | undefined;
      const decoder = new SseEventDecoder(this.transport.maxEventBytes);
      let bytes = 0;
      let warning: string | undefined;
      try {
        if (res.contentType.includes('application/json')) {
          // Tolerated: a JSON Interaction where a stream was asked for (e.g. a background create).
          const interaction = decodeInteraction(JSON.parse(new TextDecoder().decode(await this.transport.body(res, opts.signal))));
          this.logStream(res, 0, bytes, 'ok');
          if (isTerminalStatus(interaction.status)) {
            const events = synthesizeEvents(interaction);
            opts.onBatch?.(events);
            yield* events;
            return;
          }
          // Still running: follow it with stream-get from the start.
          id = interaction.id;
          const created: InteractionEvent = {
            event_type: 'interaction.created',
            interaction: { id: interaction.id, status: interaction.status, model: interaction.model, agent: interaction.agent, environment_id: interaction.environment_id },
          };
          opts.onBatch?.([created]);
          yield created;
          res = await this.openStreamGet(interaction.id, undefined, opts);
          continue;
        }
        if (!res.contentType.includes('text/event-stream')) {
          await res.body.dump().catch(() => undefined);
          res.release?.();
          throw ApiError.protocol(l10n.t('The API answered with content type “{0}” instead of an event stream (status {1}).', res.contentType || 'none', res.status));
        }
        outer: for await (const chunk of this.transport.chunks(res, opts.signal)) {
          bytes += chunk.length;
          const events = decoder.push(chunk);
          const batch: InteractionEvent[] = [];
          for (const ev of events) {
            if (ev.event_id !== undefined) {
              if (seen.has(ev.event_id)) continue; // replayed by a resumed stream
              seen.add(ev.event_id);
            }
            batch.push(ev);
          }
          if (batch.length) opts.onBatch?.(batch);
          for (const ev of batch) {
            progressed = true;
            if (ev.event_id !== undefined) lastEventId = ev.event_id;
            switch (ev.event_type) {
              case 'interaction.created':
                id = (ev as { interaction: { id: string } }).interaction.id || id;
                break;
              case 'interaction.status_update':
                id ||= (ev as { interaction_id: string }).interaction_id;
                terminalStatus = isTerminalStatus((ev as { status?: string }).status);
                break;
              default:
                break;
            }
            yield ev;
            if (ev.event_type === 'interaction.completed' || ev.event_type === 'error') {
              ended = 'terminal';
              break outer;
            }
          }
          if (decoder.failure) throw decoder.failure;
          if (decoder.done) {
            ended = 'terminal';
            break;
          }
        }
        if (ended === 'eof') {
          // Flush the decoder; a trailing '\n' resolves a final bare CR (CR-only line endings).
          const left = decoder.unterminatedBytes;
          const tail = decoder.end().filter((ev) => ev.event_id === undefined || !seen.has(ev.event_id));
          for (const ev of tail) if (ev.event_id !== undefined) seen.add(ev.event_id);
          if (!tail.length && left > 0) warning = l10n.t('{0} byte(s) of an unterminated event at the end of the body were discarded', left);
          if (tail.length) opts.onBatch?.(tail);
          for (const ev of tail) {
            progressed = true;
            if (ev.event_id !== undefined) lastEventId = ev.event_id;
            if (ev.event_type === 'interaction.completed' || ev.event_type === 'error') ended = 'terminal';
            if (ev.event_type === 'interaction.status_update') terminalStatus = isTerminalStatus((ev as { status?: string }).status);
            yield ev;
          }
          if (decoder.failure) throw decoder.failure;
          if (ended === 'eof' && !terminalStatus && !decoder.done) drop = new ApiError('network', 'The connection closed before the interaction finished.');
        }
      } catch (err) {
        // Only the user's Stop ends here as "stopped"; a background run is never cancelled by it:
        // cancelling on the server is an explicit action of its own (Cancel run).
        if (opts.signal?.aborted) {
          this.logStream(res, decoder.eventCount, bytes, 'aborted');
          throw ApiError.aborted();
        }
        if (err instanceof ApiError && (err.kind === 'network' || err.kind === 'timeout')) drop = err;
        else {
          this.logStream(res, decoder.eventCount, bytes, 'error', err);
          throw err;
        }
      }
      if (!drop) {
        this.logStream(res, decoder.eventCount, bytes, 'ok', undefined, warning);
        return;
      }
      this.logStream(res, decoder.eventCount, bytes, 'dropped', drop, warning);
      // Resume: never a second create.
      if (!ctx.store) {
        throw new ApiError(drop.kind, l10n.t('{0} The interaction was not stored (stateless mode), so it cannot be resumed; retry the message.', drop.message), { cause: drop });
      }
      if (!id) throw new ApiError(drop.kind, l10n.t('{0} No interaction id was received, so it cannot be resumed; retry the message.', drop.message), { cause: drop });
      fruitless = progressed ? 1 : fruitless + 1;
      if (fruitless > maxFruitless) {
        throw new ApiError(drop.kind, l10n.t('{0} Resuming failed {1} times in a row.', drop.message, maxFruitless), { cause: drop });
      }
      opts.onResume?.({ interactionId: id, lastEventId, attempt: fruitless, reason: drop.message });
      // Back off (with jitter) before each resume: a server that drops at once is not hammered.
      const delay = Math.min(8000, 250 * 2 ** (fruitless - 1)) * (0.5 + this.transport.random() * 0.5);
      await this.transport.wait(delay, opts.signal);
      try {
        res = await this.openStreamGet(id, lastEventId, opts);
      } catch (err) {
        if (err instanceof ApiError && err.kind !== 'aborted' && err.kind !== 'auth') {
          // The turn keeps what arrived; resuming was refused, nothing is created again.
          throw new ApiError(
            err.kind,
            l10n.t('The connection dropped and the API refused to resume the stream: {0} What arrived is kept; Retry sends the message again.', err.message),
            {
              status: err.status,
              code: 'RESUME_REFUSED',
              retryable: true,
              cause: err,
            },
          );
        }
        throw err;
      }
      if (lastEventId === undefined) {
        const restart: StreamRestartEvent = { event_type: 'client.stream_restart', interaction_id: id };
        opts.onBatch?.([restart]);
        yield restart;
      }
    }
  }

  private logStream(res: OpenResponse, events: number, bytes: number, outcome: 'ok' | 'error' | 'aborted' | 'dropped', err?: unknown, warning?: string): void {
    this.transport.log({
      method: res.path.includes('stream=true') ? 'GET' : 'POST',
      path: res.path,
      status: res.status,
      attempt: res.attempt,
      durationMs: this.transport.now() - res.started,
      bytes,
      events,
      outcome,
      error: err instanceof Error ? err.message : undefined,
      warning,
    });
  }

  async get(id: string, opts: CallOptions & { includeInput?: boolean } = {}): Promise<Interaction> {
    const raw = await this.transport.json<unknown>({
      method: 'GET',
      path: `interactions/${encodeURIComponent(id)}`,
      query: { include_input: opts.includeInput ? true : undefined },
      what: l10n.t('get the interaction'),
      ...opts,
    });
    return decodeInteraction(raw);
  }

  async cancel(id: string, opts: CallOptions = {}): Promise<Interaction> {
    const raw = await this.transport.json<unknown>({ method: 'POST', path: `interactions/${encodeURIComponent(id)}/cancel`, what: l10n.t('cancel the interaction'), ...opts });
    return decodeInteraction(raw);
  }

  async delete(id: string, opts: CallOptions = {}): Promise<void> {
    await this.transport.json<unknown>({ method: 'DELETE', path: `interactions/${encodeURIComponent(id)}`, what: l10n.t('delete the interaction'), ...opts });
  }

  // ------------------------------------------------------------------ models

  /** The Gemini API's model list (`GET /models`), for model pickers. */
  async listModels(opts: CallOptions = {}): Promise<ApiModel[]> {
    const r = await this.transport.json<{ models?: ApiModel[] }>({
      method: 'GET',
      path: 'models',
      query: { pageSize: 1000 },
      what: l10n.t('list the models'),
      noRetry: true,
      ...opts,
    });
    return Array.isArray(r?.models) ? r.models : [];
  }

  // ------------------------------------------------------------------ agents

  listAgents(opts: CallOptions & { pageSize?: number; pageToken?: string } = {}): Promise<AgentList> {
    return this.transport.json({ method: 'GET', path: 'agents', query: { page_size: opts.pageSize, page_token: opts.pageToken }, what: l10n.t('list agents'), ...opts });
  }
  getAgent(id: string, opts: CallOptions = {}): Promise<Agent> {
    return this.transport.json({ method: 'GET', path: `agents/${encodeURIComponent(id)}`, what: l10n.t('get the agent'), ...opts });
  }
  /** Save a custom agent (the body is the resource; the API has no update, so an edit is delete + create). */
  createAgent(agent: Agent, opts: CallOptions = {}): Promise<Agent> {
    return this.transport.json({ method: 'POST', path: 'agents', body: agent, what: l10n.t('save the agent'), ...opts });
  }
  deleteAgent(id: string, opts: CallOptions = {}): Promise<unknown> {
    return this.transport.json({ method: 'DELETE', path: `agents/${encodeURIComponent(id)}`, what: l10n.t('delete the agent'), ...opts });
  }

  // ------------------------------------------------------------------ environments

  createEnvironment(req: CreateEnvironmentRequest, opts: CallOptions = {}): Promise<EnvironmentResource> {
    return this.transport.json({ method: 'POST', path: 'environments', body: req, what: l10n.t('create an environment'), ...opts });
  }
  getEnvironment(id: string, opts: CallOptions = {}): Promise<EnvironmentResource> {
    return this.transport.json({ method: 'GET', path: `environments/${envPath(id)}`, what: l10n.t('get the environment'), ...opts });
  }
  listEnvironments(opts: CallOptions & { pageSize?: number; pageToken?: string } = {}): Promise<EnvironmentList> {
    return this.transport.json({
      method: 'GET',
      path: 'environments',
      query: { page_size: opts.pageSize, page_token: opts.pageToken },
      what: l10n.t('list environments'),
      ...opts,
    });
  }
  async deleteEnvironment(id: string, opts: CallOptions = {}): Promise<void> {
    await this.transport.json({ method: 'DELETE', path: `environments/${envPath(id)}`, what: l10n.t('delete the environment'), ...opts });
  }

  /** List files below `path` (all pages). */
  async listFiles(env: string, path: string, opts: CallOptions & { recursive?: boolean } = {}): Promise<EnvironmentFile[]> {
    const files: EnvironmentFile[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.transport.json<EnvironmentFileList>({
        method: 'GET',
        path: `environments/${envPath(env)}/files/${encodeFilePath(path)}`,
        query: { recursive: opts.recursive ? true : undefined, page_size: 1000, page_token: pageToken },
        what: l10n.t('list environment files'),
        ...opts,
      });
      files.push(...(page.files ?? []));
      pageToken = page.next_page_token || undefined;
    } while (pageToken);
    return files;
  }

  downloadFile(env: string, path: string, opts: CallOptions = {}): Promise<Uint8Array> {
    return this.transport.bytes({
      method: 'GET',
      path: `environments/${envPath(env)}/files/${encodeFilePath(path)}`,
      query: { alt: 'media' },
      accept: '*/*',
      what: l10n.t('download an environment file'),
      noRetry: true,
      ...opts,
    });
  }

  /** Resumable upload in 8 MiB chunks; `extract` unpacks a tar/tar.gz into `path`. */
  async uploadFile(
    env: string,
    path: string,
    data: UploadSource,
    opts: CallOptions & { mimeType?: string; extract?: boolean; overwrite?: boolean; chunkBytes?: number; onProgress?(sent: number, total: number): void } = {},
  ): Promise<EnvironmentFile[]> {
    const base = this.transport.baseUrl;
    const size = data instanceof Uint8Array ? data.length : data.size;
    const startUrl = `${base}/upload/${this.transport.apiVersion}/environments/${envPath(env)}/files/${encodeFilePath(path)}`;
    const start = await this.transport.open({
      method: 'PUT',
      path: startUrl,
      query: { extract: opts.extract ? true : undefined, overwrite: opts.overwrite ? true : undefined },
      accept: '*/*',
      headers: {
        'x-goog-upload-protocol': 'resumable',
        'x-goog-upload-command': 'start',
        'x-goog-upload-header-content-length': String(size),
        'x-goog-upload-header-content-type': opts.mimeType ?? 'application/octet-stream',
      },
      what: l10n.t('start an environment file upload'),
      signal: opts.signal,
      onRetry: opts.onRetry,
    });
    await start.body.dump().catch(() => undefined);
    start.release?.();
    const sessionUrl = start.headers['x-goog-upload-url'];
    const uploadUrl = Array.isArray(sessionUrl) ? sessionUrl[0] : sessionUrl;
    if (!uploadUrl) throw ApiError.protocol(l10n.t('The upload was accepted but the server sent no X-Goog-Upload-URL.'));
    if (new URL(uploadUrl, base).origin !== new URL(base).origin) {
      // Never send the key anywhere but the configured API origin.
      throw ApiError.protocol(l10n.t('The server asked to upload to another host ({0}); refused.', new URL(uploadUrl, base).origin));
    }
    const absolute = new URL(uploadUrl, base).toString();
    const chunk = opts.chunkBytes ?? UPLOAD_CHUNK_BYTES;
    let offset = 0;
    let final: unknown;
    do {
      const end = Math.min(offset + chunk, size);
      const last = end >= size;
      final = await this.transport.json<unknown>({
        method: 'POST',
        path: absolute,
        rawBody: data instanceof Uint8Array ? data.subarray(offset, end) : await data.read(offset, end - offset),
        accept: '*/*',
        headers: {
          'x-goog-upload-offset': String(offset),
          'x-goog-upload-command': last ? 'upload, finalize' : 'upload',
          'content-type': 'application/octet-stream',
        },
        what: l10n.t('upload an environment file'),
        noRetry: true,
        signal: opts.signal,
      });
      offset = end;
      opts.onProgress?.(offset, size);
    } while (offset < size);
    return normalizeUploadResult(final);
  }

  // ------------------------------------------------------------------ credentials

  listCredentials(opts: CallOptions = {}): Promise<CredentialList> {
    return this.transport.json({ method: 'GET', path: 'credentials', what: l10n.t('list credentials'), ...opts });
  }
  createCredential(body: CredentialCreate, opts: CallOptions = {}): Promise<Credential> {
    return this.transport.json({ method: 'POST', path: 'credentials', body, what: l10n.t('create a credential'), ...opts });
  }
  async deleteCredential(id: string, opts: CallOptions = {}): Promise<void> {
    await this.transport.json({ method: 'DELETE', path: `credentials/${encodeURIComponent(id)}`, what: l10n.t('delete the credential'), ...opts });
  }
}

/** What an upload sends: bytes in memory, or a file read a chunk at a time. */
export type UploadSource = Uint8Array | { size: number; read(offset: number, length: number): Promise<Uint8Array> };

/** The SDK normalises an upload response to `{files:[…]}` from `{files}`, a bare file, or `{file}`. */
export function normalizeUploadResult(raw: unknown): EnvironmentFile[] {
  if (!raw || typeof raw !== 'object') return [];
  const r = raw as { files?: unknown; file?: unknown; path?: unknown; name?: unknown };
  if (Array.isArray(r.files)) return r.files as EnvironmentFile[];
  if (r.file && typeof r.file === 'object') return [r.file as EnvironmentFile];
  if (typeof r.path === 'string' || typeof r.name === 'string') return [r as EnvironmentFile];
  return [];
}

/** Events equivalent to a complete Interaction (used when a JSON body answers a stream request). */
export function synthesizeEvents(interaction: Interaction): InteractionEvent[] {
  const events: InteractionEvent[] = [
    { event_type: 'interaction.created', interaction: { id: interaction.id, status: 'in_progress', model: interaction.model, agent: interaction.agent } },
  ];
  interaction.steps.forEach((step, index) => {
    events.push({ event_type: 'step.start', index, step });
    events.push({ event_type: 'step.stop', index });
  });
  events.push({
    event_type: 'interaction.completed',
    interaction: {
      id: interaction.id,
      status: interaction.status,
      usage: interaction.usage,
      continuation_token: interaction.continuation_token,
      environment_id: interaction.environment_id,
      errors: interaction.errors,
    },
  });
  return events;
}
