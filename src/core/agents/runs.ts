/**
 * Remote agent runs: one status model shared by the runs view, the run panel and the
 * notifications, persisted in a JSON file (so it survives reloads and is seen by every window),
 * and a watcher that polls running interactions with adaptive intervals.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { InteractionsClient } from '../client/client';
import { ApiError } from '../client/errors';
import { isTerminalStatus } from '../protocol/types';
import type { Leases } from '../lease';
import { l10n } from '../../shared/l10n';

export type RunStatus =
  | 'preparing'
  | 'uploading'
  | 'queued'
  | 'in_progress'
  | 'requires_action'
  | 'requires_continuation'
  | 'completed'
  | 'incomplete'
  | 'failed'
  | 'cancelled'
  | 'budget_exceeded'
  /** 3.6.1: the agent finished its turn and waits for a follow-up [INF]. */
  | 'idle'
  | 'unknown';

export const FINISHED: ReadonlySet<RunStatus> = new Set(['completed', 'incomplete', 'failed', 'cancelled', 'budget_exceeded', 'idle']);

export interface RunRecord {
  id: string;
  task: string;
  agent: string;
  created: number;
  updated: number;
  status: RunStatus;
  /** The first interaction (the launch). */
  interactionId?: string;
  /** The newest interaction (follow-ups chain from it). */
  lastInteractionId?: string;
  environmentId?: string;
  /** The run's conversation journal (rendered like chat). */
  conversationId?: string;
  /** Workspace folder the snapshot came from. */
  root: string;
  /** Local copy of the launch snapshot (tar), the base of the review. */
  snapshotPath?: string;
  snapshotFiles?: number;
  snapshotBytes?: number;
  tokens?: number;
  /** Token budget for the whole run (agent_config.max_total_tokens). */
  budget?: number;
  network?: 'enabled' | 'disabled';
  error?: string;
  /** Status for which the user was notified last (each transition notifies once, in one window). */
  notified?: RunStatus;
  applied?: { files: number; at: number; branch?: string };
}

export function toRunStatus(status: string | undefined): RunStatus {
  const known: RunStatus[] = ['queued', 'in_progress', 'requires_action', 'requires_continuation', 'completed', 'incomplete', 'failed', 'cancelled', 'budget_exceeded', 'idle'];
  if (!status) return 'unknown';
  if (status === 'created') return 'queued';
  if (status === 'canceled') return 'cancelled';
  return (known as string[]).includes(status) ? (status as RunStatus) : 'unknown';
}

export class RunStore {
  private runs: RunRecord[] = [];
  private readonly listeners = new Set<(run: RunRecord | undefined, previous: RunStatus | undefined) => void>();

  constructor(
    readonly file: string,
    private readonly now: () => number = Date.now,
  ) {
    this.reload();
  }

  /** Re-read the file (another window may have changed it). */
  reload(): void {
    try {
      if (existsSync(this.file)) {
        const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { runs?: RunRecord[] };
        if (Array.isArray(parsed.runs)) this.runs = parsed.runs;
      }
    } catch {
      /* a torn file: keep what we have in memory */
    }
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ v: 1, runs: this.runs }, null, 1));
    renameSync(tmp, this.file);
  }

  onDidChange(fn: (run: RunRecord | undefined, previous: RunStatus | undefined) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Newest first. */
  list(): RunRecord[] {
    return [...this.runs].sort((a, b) => b.created - a.created);
  }

  get(id: string): RunRecord | undefined {
    return this.runs.find((r) => r.id === id);
  }

  byInteraction(interactionId: string): RunRecord | undefined {
    return this.runs.find((r) => r.interactionId === interactionId || r.lastInteractionId === interactionId);
  }

  add(run: RunRecord): RunRecord {
    this.runs.push(run);
    this.save();
    this.emit(run, undefined);
    return run;
  }

  update(id: string, patch: Partial<RunRecord>): RunRecord | undefined {
    this.reload();
    const run = this.get(id);
    if (!run) return undefined;
    const previous = run.status;
    Object.assign(run, patch, { updated: this.now() });
    this.save();
    this.emit(run, previous);
    return run;
  }

  remove(id: string): void {
    this.runs = this.runs.filter((r) => r.id !== id);
    this.save();
    this.emit(undefined, undefined);
  }

  private emit(run: RunRecord | undefined, previous: RunStatus | undefined): void {
    for (const l of this.listeners) {
      try {
        l(run, previous);
      } catch {
        /* a listener must not break the store */
      }
    }
  }
}

export interface WatchTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Polls unfinished runs: fast while a run is open (its panel is visible), slower in the
 * background, and at once when the window regains focus. Resumes after a reload (it starts from
 * the persisted runs).
 */
export class RunWatcher {
  static readonly FAST_MS = 2_000;
  static readonly SLOW_MS = 10_000;
  /** Longest wait between polls while the server cannot be reached. */
  static readonly MAX_BACKOFF_MS = 60_000;
  private readonly timers = new Map<string, unknown>();
  private readonly open = new Set<string>();
  /** Runs whose events this window is streaming right now (no need to poll). */
  private readonly streaming = new Set<string>();
  /** Consecutive failed polls per run (the backoff grows with them, and resets on success). */
  private readonly failures = new Map<string, number>();
  private disposed = false;

  constructor(
    private readonly store: RunStore,
    private readonly client: () => InteractionsClient,
    private readonly timersImpl: WatchTimers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
    /** One window polls a run; without leases (tests) this window polls every run. */
    private readonly leases?: Leases,
    private readonly random: () => number = Math.random,
    /** After every successful poll: the server answers again (an interrupted stream can resume). */
    private readonly onPolled?: (runId: string) => void,
  ) {}

  /** Whether this window works the run (streams or polls it); the others follow its results. */
  owns(runId: string): boolean {
    return !this.leases || this.leases.acquire(runId);
  }

  /** Start (or restart) watching every unfinished run. */
  resumeAll(): void {
    for (const r of this.store.list()) if (!FINISHED.has(r.status) && r.lastInteractionId) this.schedule(r.id, 0);
  }

  setOpen(runId: string, open: boolean): void {
    if (open) this.open.add(runId);
    else this.open.delete(runId);
    const run = this.store.get(runId);
    if (run && !FINISHED.has(run.status)) this.schedule(runId, open ? 0 : RunWatcher.SLOW_MS);
  }

  setStreaming(runId: string, streaming: boolean): void {
    if (streaming) this.streaming.add(runId);
    else this.streaming.delete(runId);
    if (!streaming) this.schedule(runId, 0);
  }

  /** The window got focus: check every unfinished run now (unless the server is being backed off). */
  focus(): void {
    this.store.reload();
    for (const r of this.store.list()) if (!FINISHED.has(r.status) && r.lastInteractionId && !this.failures.has(r.id)) this.schedule(r.id, 0);
  }

  interval(runId: string): number {
    return this.open.has(runId) ? RunWatcher.FAST_MS : RunWatcher.SLOW_MS;
  }

  schedule(runId: string, delayMs: number): void {
    if (this.disposed) return;
    const old = this.timers.get(runId);
    if (old !== undefined) this.timersImpl.clearTimeout(old);
    this.timers.set(
      runId,
      this.timersImpl.setTimeout(() => void this.poll(runId), delayMs),
    );
  }

  /** The wait before the next poll after `n` failures in a row: exponential, capped, with jitter. */
  backoff(runId: string, n: number): number {
    const base = Math.min(RunWatcher.MAX_BACKOFF_MS, this.interval(runId) * 2 ** n);
    return Math.round(base * (0.5 + this.random() * 0.5));
  }

  /** One status check (one request: the backoff between polls replaces the client's retries). */
  async poll(runId: string): Promise<void> {
    this.timers.delete(runId);
    this.store.reload();
    const run = this.store.get(runId);
    if (!run || FINISHED.has(run.status) || !run.lastInteractionId) {
      this.leases?.release(runId);
      return;
    }
    if (this.streaming.has(runId)) {
      this.schedule(runId, this.interval(runId));
      return;
    }
    if (!this.owns(runId)) {
      // Another window works this run: look again when its lease could have lapsed.
      this.schedule(runId, (this.leases?.ttlMs ?? RunWatcher.SLOW_MS) + Math.round(this.random() * 1000));
      return;
    }
    try {
      const inter = await this.client().get(run.lastInteractionId, { noRetry: true });
      this.failures.delete(runId);
      this.onPolled?.(runId);
      const status = toRunStatus(inter.status);
      const tokens = inter.usage?.total_tokens;
      const error =
        status === 'failed'
          ? inter.errors
              ?.map((e) => e.message)
              .filter(Boolean)
              .join('; ') || l10n.t('The agent run failed.')
          : undefined;
      if (status !== run.status || tokens !== run.tokens || error !== run.error) {
        this.store.update(runId, { status, ...(tokens !== undefined ? { tokens } : {}), ...(error ? { error } : {}) });
      }
      if (!isTerminalStatus(inter.status) || status === 'requires_continuation') this.schedule(runId, this.interval(runId));
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'not_found') {
        this.store.update(runId, { status: 'unknown', error: l10n.t('The run no longer exists on the server.') });
        return;
      }
      // Network trouble: back off exponentially (with jitter, capped); reset by the next success.
      const n = (this.failures.get(runId) ?? 0) + 1;
      this.failures.set(runId, n);
      this.schedule(runId, this.backoff(runId, n));
    }
  }

  /** The poll failed this many times in a row (0: the last one worked). */
  failureCount(runId: string): number {
    return this.failures.get(runId) ?? 0;
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) this.timersImpl.clearTimeout(t);
    this.timers.clear();
  }
}
