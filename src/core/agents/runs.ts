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
  | 'unknown';

export const FINISHED: ReadonlySet<RunStatus> = new Set(['completed', 'incomplete', 'failed', 'cancelled', 'budget_exceeded']);

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
  const known: RunStatus[] = ['queued', 'in_progress', 'requires_action', 'requires_continuation', 'completed', 'incomplete', 'failed', 'cancelled', 'budget_exceeded'];
  if (!status) return 'unknown';
  if (status === 'created') return 'queued';
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
  private readonly timers = new Map<string, unknown>();
  private readonly open = new Set<string>();
  /** Runs whose events this window is streaming right now (no need to poll). */
  private readonly streaming = new Set<string>();
  private disposed = false;

  constructor(
    private readonly store: RunStore,
    private readonly client: () => InteractionsClient,
    private readonly timersImpl: WatchTimers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  ) {}

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

  /** The window got focus: check every unfinished run now. */
  focus(): void {
    this.store.reload();
    for (const r of this.store.list()) if (!FINISHED.has(r.status) && r.lastInteractionId) this.schedule(r.id, 0);
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

  /** One status check. */
  async poll(runId: string): Promise<void> {
    this.timers.delete(runId);
    const run = this.store.get(runId);
    if (!run || FINISHED.has(run.status) || !run.lastInteractionId) return;
    if (this.streaming.has(runId)) {
      this.schedule(runId, this.interval(runId));
      return;
    }
    try {
      const inter = await this.client().get(run.lastInteractionId);
      const status = toRunStatus(inter.status);
      const tokens = inter.usage?.total_tokens;
      const error =
        status === 'failed'
          ? inter.errors
              ?.map((e) => e.message)
              .filter(Boolean)
              .join('; ') || 'The agent run failed.'
          : undefined;
      if (status !== run.status || tokens !== run.tokens || error !== run.error) {
        this.store.update(runId, { status, ...(tokens !== undefined ? { tokens } : {}), ...(error ? { error } : {}) });
      }
      if (!isTerminalStatus(inter.status) || status === 'requires_continuation') this.schedule(runId, this.interval(runId));
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'not_found') {
        this.store.update(runId, { status: 'unknown', error: 'The run no longer exists on the server.' });
        return;
      }
      // Network trouble: try again later, more slowly.
      this.schedule(runId, Math.min(60_000, this.interval(runId) * 3));
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) this.timersImpl.clearTimeout(t);
    this.timers.clear();
  }
}
