/**
 * The persisted conversation format: one append-only JSON-lines file per conversation.
 * A turn is journaled as it streams (the raw normal-form events, one record per network read),
 * so replaying the journal through the accumulator reproduces exactly what arrived, even when
 * the window reloaded mid-stream. A finished turn also gets a compact `end` record that lets
 * loading skip its events.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolActivity } from '../../shared/protocol';
import type { ConversationMode, KnownTurnState, ThinkingChoice, GenerationChoices } from '../../shared/vocab';
import { cleanGeneration } from '../../shared/vocab';
import type { Content, InteractionEvent, Step, Usage } from '../protocol/types';
import { TurnAccumulator } from './accumulator';
import { frameLine, parseLine } from './frame';
import { l10n } from '../../shared/l10n';

export type { ConversationMode };

/** The composer's choices for one conversation (unset: the settings decide). */
export interface ComposerChoices {
  model?: string;
  thinkingLevel?: ThinkingChoice;
  googleSearch?: boolean;
  urlContext?: boolean;
  codeExecution?: boolean;
  /** Only for a conversation not yet started (a conversation's mode is fixed at its first message). */
  mode?: ConversationMode;
  /** Model settings of this conversation (temperature, max output tokens, stop sequences, seed, function calling). */
  generation?: GenerationChoices;
}

/** Most of a tool call's output kept in the journal (the chat shows it after a reload). */
export const JOURNAL_TOOL_OUTPUT_CHARS = 64 * 1024;

export interface TurnError {
  kind: string;
  message: string;
  retryAfterMs?: number;
  code?: string;
}

export type TurnState = KnownTurnState | (string & {});

export interface TurnRecord {
  id: string;
  created: number;
  input: Content[];
  model: string;
  state: TurnState;
  steps: Step[];
  usage?: Usage;
  error?: TurnError;
  /** Every interaction id of the turn (loop iterations and continuation hops). */
  interactionIds: string[];
  /** The interaction the next turn chains from (`previous_interaction_id`). */
  chainFrom?: string;
  /** The interaction this turn continued from. */
  previous?: string;
  /** For an interrupted stream: where to resume. */
  resume?: { interactionId: string; lastEventId?: string };
  notices: string[];
  /** The workspace files the turn's tools changed (undo). */
  undo?: { available: boolean; files: number };
  /** Each tool call's state: why it ran, its status, duration, result and output. */
  tools?: ToolActivity[];
  /** The project instruction files the turn sent (display paths). */
  instructions?: string[];
  /** The Agent Skills the model loaded in this turn (display paths of their SKILL.md). */
  skills?: string[];
  /** Plan first: the turn had only read-only tools and was asked for a plan. */
  plan?: boolean;
  /** Sent with `background: true`: it runs on the server whether or not this window follows it. */
  background?: boolean;
  /** A Deep Research turn: the agent's plan (collaborative planning) or the research itself. */
  research?: 'plan' | 'run';
}

export interface ConversationMeta {
  id: string;
  title: string;
  created: number;
  updated: number;
  mode: ConversationMode;
  model: string;
  turns: number;
  composer?: ComposerChoices;
}

export interface ConversationData {
  meta: ConversationMeta;
  turns: TurnRecord[];
  /** What of the file could not be read (absent: all of it could). */
  damage?: JournalDamage;
}

export type JournalRecord =
  | { r: 'meta'; v: 1; id: string; created: number; mode: ConversationMode; model: string; title: string }
  | { r: 'turn'; t: string; at: number; input: Content[]; model: string; previous?: string; plan?: true; background?: true; research?: 'plan' | 'run' }
  | { r: 'ev'; t: string; e: InteractionEvent[] }
  | { r: 'begin'; t: string; k: 'continuation' | 'followup' }
  | { r: 'local'; t: string; step: Step }
  | { r: 'note'; t: string; text: string }
  | { r: 'undo'; t: string; available: boolean; files: number }
  | { r: 'tool'; t: string; a: ToolActivity }
  | { r: 'composer'; c: ComposerChoices }
  | { r: 'ins'; t: string; files: string[] }
  | { r: 'skill'; t: string; skill: string }
  | { r: 'end'; t: string; at: number; state: TurnState; error?: TurnError; chain?: string; steps: Step[]; usage?: Usage; ids: string[] }
  | { r: 'title'; title: string }
  | { r: 'truncate'; from: string }
  /** Retry and Edit: these turns (by id) are replaced; other windows' turns stay. */
  | { r: 'supersede'; turns: string[] }
  | { r: 'mode'; mode: ConversationMode };

export function titleFrom(input: Content[]): string {
  const text = input
    .filter((c) => c.type === 'text')
    .map((c) => (c as { text: string }).text)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return input.length ? 'Attachment' : 'New chat';
  return text.length > 60 ? text.slice(0, 57) + '…' : text;
}

/** What could not be read of a conversation file (shown in the conversation and logged, never silent). */
export interface JournalDamage {
  /** Damaged lines in all. */
  lines: number;
  /** Sentences for the user, in their language. */
  notes: string[];
}

/** The turn a damaged line belonged to, when its start survived. */
function damagedTurn(line: string): { r?: string; t?: string } {
  const r = /^\{"r":"([a-z]+)"/.exec(line)?.[1];
  const t = /^\{"r":"[a-z]+","t":"([A-Za-z0-9_-]{1,80})"/.exec(line)?.[1];
  return { r, t };
}

/**
 * Rebuild a conversation from its journal lines. Finished turns skip their events. Every record
 * stands on its own line with its checksum (frame.ts): a damaged one costs only itself, a turn is
 * "ended" only by an end record that verifies, a damaged header is rebuilt from the records after
 * it, and each loss is reported in `damage` and on the turn it hit. `id` names the conversation
 * when its header is lost.
 */
export function replayJournal(text: string, id?: string): ConversationData | undefined {
  const lines = text.split('\n');
  // Pass 1: which turns have an end record that verifies (their events need no parsing).
  const ended = new Set<string>();
  for (const line of lines) {
    if (line.startsWith('{"r":"end"')) {
      const rec = parseLine<JournalRecord>(line);
      if (rec?.r === 'end' && typeof rec.t === 'string') ended.add(rec.t);
    }
  }
  let data: ConversationData | undefined;
  let headerLost = false;
  const accs = new Map<string, TurnAccumulator>();
  const byId = new Map<string, TurnRecord>();
  const lostEvents = new Map<string, number>();
  const lostTurnRecords = new Set<string>();
  let damaged = 0;
  let unattributed = 0;
  let firstAt: number | undefined;
  let title: string | undefined;
  /** The conversation, rebuilt when the header was lost (from the records that follow it). */
  const ensureData = (): ConversationData | undefined => {
    if (data) return data;
    if (!id) return undefined;
    headerLost = true;
    data = { meta: { id, title: 'New chat', created: firstAt ?? 0, updated: firstAt ?? 0, mode: 'stateful', model: '', turns: 0 }, turns: [] };
    return data;
  };
  /** A turn whose own record was lost: kept from what followed it, with its message missing. */
  const orphan = (t: string, at?: number): TurnRecord | undefined => {
    const d = ensureData();
    if (!d) return undefined;
    const turn: TurnRecord = { id: t, created: at ?? d.meta.updated, input: [], model: d.meta.model, state: 'interrupted', steps: [], interactionIds: [], notices: [] };
    d.turns.push(turn);
    byId.set(t, turn);
    lostTurnRecords.add(t);
    if (!ended.has(t)) accs.set(t, new TurnAccumulator());
    return turn;
  };
  /** Turns Retry and Edit replaced: records that still name them never bring them back. */
  const superseded = new Set<string>();
  const turnOf = (t: string, at?: number) => byId.get(t) ?? (superseded.has(t) ? undefined : orphan(t, at));
  for (const line of lines) {
    if (!line) continue;
    if (line.startsWith('{"r":"ev","t":"')) {
      const m = /^\{"r":"ev","t":"([^"]+)"/.exec(line);
      if (m && ended.has(m[1]!)) continue;
    }
    const rec = parseLine<JournalRecord>(line);
    if (!rec || typeof rec !== 'object' || typeof rec.r !== 'string') {
      damaged++;
      const d = damagedTurn(line);
      if (d.r === 'ev' && d.t) lostEvents.set(d.t, (lostEvents.get(d.t) ?? 0) + 1);
      else if (d.r === 'turn' && d.t) lostTurnRecords.add(d.t);
      else if (d.r === 'meta' && !data) headerLost = true;
      else if (!(d.r === 'end' && d.t)) unattributed++;
      continue;
    }
    if ('at' in rec && typeof rec.at === 'number') firstAt ??= rec.at;
    if (rec.r === 'meta') {
      if (data) continue;
      data = { meta: { id: rec.id, title: rec.title, created: rec.created, updated: rec.created, mode: rec.mode, model: rec.model, turns: 0 }, turns: [] };
      continue;
    }
    if (!data && rec.r !== 'turn' && !('t' in rec)) {
      if (rec.r === 'title') title = rec.title;
      continue;
    }
    if (!ensureData()) continue;
    const conv = data!;
    switch (rec.r) {
      case 'turn': {
        const made = byId.get(rec.t);
        if (made) {
          if (lostTurnRecords.delete(rec.t)) made.input = rec.input;
          break;
        }
        if (superseded.has(rec.t)) break;
        const turn: TurnRecord = {
          id: rec.t,
          created: rec.at,
          input: rec.input,
          model: rec.model,
          state: 'interrupted',
          steps: [],
          interactionIds: [],
          notices: [],
          previous: rec.previous,
          ...(rec.plan ? { plan: true } : {}),
          ...(rec.background ? { background: true } : {}),
          ...(rec.research === 'plan' || rec.research === 'run' ? { research: rec.research } : {}),
        };
        conv.turns.push(turn);
        byId.set(rec.t, turn);
        conv.meta.updated = rec.at;
        if (!conv.meta.model) conv.meta.model = rec.model;
        if (!ended.has(rec.t)) accs.set(rec.t, new TurnAccumulator());
        break;
      }
      case 'ev': {
        if (!byId.has(rec.t)) turnOf(rec.t);
        const acc = accs.get(rec.t);
        if (acc) for (const e of rec.e) acc.apply(e);
        break;
      }
      case 'begin':
        if (!byId.has(rec.t)) turnOf(rec.t);
        accs.get(rec.t)?.beginInteraction(rec.k);
        break;
      case 'local':
        if (!byId.has(rec.t)) turnOf(rec.t);
        accs.get(rec.t)?.addLocalStep(rec.step);
        break;
      case 'note':
        turnOf(rec.t)?.notices.push(rec.text);
        break;
      case 'undo': {
        const t = turnOf(rec.t);
        if (t) t.undo = { available: rec.available, files: rec.files };
        break;
      }
      case 'tool': {
        const t = turnOf(rec.t);
        if (t) mergeToolActivity((t.tools ??= []), rec.a);
        break;
      }
      case 'ins': {
        const t = turnOf(rec.t);
        if (t && Array.isArray(rec.files)) t.instructions = rec.files.filter((f): f is string => typeof f === 'string').slice(0, 50);
        break;
      }
      case 'skill': {
        const t = turnOf(rec.t);
        if (t && typeof rec.skill === 'string' && !(t.skills ??= []).includes(rec.skill) && t.skills.length < 50) t.skills.push(rec.skill.slice(0, 500));
        break;
      }
      case 'composer':
        conv.meta.composer = { ...conv.meta.composer, ...rec.c };
        // Model settings go into requests: only values within bounds are taken from a file.
        if (rec.c.generation !== undefined) conv.meta.composer.generation = cleanGeneration(rec.c.generation);
        break;
      case 'end': {
        const t = turnOf(rec.t, rec.at);
        if (!t) break;
        t.state = rec.state;
        t.steps = rec.steps;
        t.usage = rec.usage;
        t.error = rec.error;
        t.chainFrom = rec.chain;
        t.interactionIds = rec.ids;
        t.resume = undefined;
        conv.meta.updated = rec.at;
        accs.delete(rec.t);
        break;
      }
      case 'title':
        conv.meta.title = rec.title;
        break;
      case 'mode':
        conv.meta.mode = rec.mode;
        break;
      case 'supersede':
        // Retry and Edit name the turns they replace: another window's turns stay.
        for (const gone of rec.turns) {
          superseded.add(gone);
          const k = conv.turns.findIndex((t) => t.id === gone);
          if (k >= 0) conv.turns.splice(k, 1);
          byId.delete(gone);
          accs.delete(gone);
        }
        break;
      case 'truncate': {
        // Files written before supersede: every later turn of this file goes.
        const k = conv.turns.findIndex((t) => t.id === rec.from);
        if (k >= 0) {
          for (const t of conv.turns.splice(k)) {
            superseded.add(t.id);
            byId.delete(t.id);
            accs.delete(t.id);
          }
        }
        break;
      }
      default:
        break;
    }
  }
  if (!data && headerLost && id) ensureData();
  if (!data) return undefined;
  // Turns without an end record were interrupted (window reload, crash): keep what arrived.
  for (const [tid, acc] of accs) {
    const t = byId.get(tid);
    if (!t) continue;
    t.steps = acc.steps;
    t.usage = acc.usage;
    t.interactionIds = [...acc.interactionIds];
    t.state = 'interrupted';
    if (acc.interactionId) t.resume = { interactionId: acc.interactionId, lastEventId: acc.lastEventId };
  }
  const notes: string[] = [];
  for (const t of data.turns) {
    const lost = lostEvents.get(t.id);
    if (lost && !ended.has(t.id)) t.notices.push(l10n.t('{0} event record(s) of this answer could not be read: the conversation file is damaged there.', lost));
    if (lostTurnRecords.has(t.id)) t.notices.push(l10n.t('The message of this turn could not be read: the conversation file is damaged there. What followed it is shown.'));
  }
  if (headerLost) {
    const first = data.turns.find((t) => t.input.length);
    if (data.meta.title === 'New chat') data.meta.title = title ?? (first ? titleFrom(first.input) : data.meta.title);
    if (data.turns.some((t) => !t.previous && t.interactionIds.length) && !data.turns.some((t) => t.previous)) data.meta.mode = 'stateless';
    notes.push(l10n.t('The first record of this conversation (its title and settings) could not be read; it was rebuilt from the messages.'));
  }
  if (unattributed) notes.push(l10n.t('{0} damaged record(s) of this conversation could not be read.', unattributed));
  // The conversation's own losses show on its first turn (where the user starts reading).
  if (notes.length && data.turns[0]) data.turns[0].notices.unshift(...notes);
  data.meta.turns = data.turns.length;
  return damaged || headerLost ? { ...data, damage: { lines: damaged, notes } } : data;
}

/** Merge an update into a turn's list of tool activities (one entry per call). */
export function mergeToolActivity(list: ToolActivity[], a: ToolActivity): ToolActivity {
  const k = list.findIndex((x) => x.callId === a.callId);
  const merged = k >= 0 ? { ...list[k]!, ...a } : a;
  if (!merged.approval || merged.status !== 'waiting') delete merged.approval;
  if (k >= 0) list[k] = merged;
  else list.push(merged);
  return merged;
}

/** Told when a journal cannot be written (a full or read-only disk) and when it can again. */
export interface JournalHealth {
  problem(err: Error): void;
  recovered(): void;
}

/** A failure to write what is kept of a conversation (the disk is full or read-only). */
export class StorageError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

/** Plain words for a write error: what is not being saved and why. */
export function storageProblemText(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? l10n.t('the disk is full')
      : code === 'EROFS'
        ? l10n.t('the disk is read-only')
        : code === 'EACCES' || code === 'EPERM'
          ? l10n.t('the conversation file cannot be written (permission denied)')
          : (err.message.split('\n')[0] ?? String(err));
  return why;
}

/**
 * Appends records to one conversation file. Each append checks that the file ends with a newline
 * (a torn record from a crash never swallows the next one), takes back a partial write when it
 * fails (a full disk), and keeps what could not be written in memory, in order, to write it when
 * the disk has room again (retried every few seconds and at every append). Appending never throws:
 * the live answer goes on, and `health` says what is not saved and when it is again.
 */
export class Journal {
  private held: string[] = [];
  private failing: Error | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly path: string,
    private readonly health?: JournalHealth,
    /** Records that could not be written when the journal was made (a conversation created on a full disk). */
    pending: JournalRecord[] = [],
  ) {
    this.held = pending.map((r) => frameLine(JSON.stringify(r)));
    if (this.held.length) this.flush();
  }

  /** Why the journal cannot be written now (undefined: it can). */
  get problem(): Error | undefined {
    return this.failing;
  }

  /** Records kept in memory because they could not be written yet. */
  get unsaved(): number {
    return this.held.length;
  }

  append(rec: JournalRecord): void {
    // Synchronous: a reload or crash right after an event loses nothing that arrived.
    this.held.push(frameLine(JSON.stringify(rec)));
    this.flush();
  }

  appendMany(recs: JournalRecord[]): void {
    if (!recs.length) return;
    for (const r of recs) this.held.push(frameLine(JSON.stringify(r)));
    this.flush();
  }

  /** Write what is held; true when nothing is left unwritten. */
  flush(): boolean {
    if (!this.held.length) return true;
    try {
      appendDurably(this.path, this.held.join('\n') + '\n');
      this.held = [];
      const was = this.failing;
      this.failing = undefined;
      if (this.retry) clearTimeout(this.retry);
      this.retry = undefined;
      if (was) this.health?.recovered();
      return true;
    } catch (err) {
      const first = !this.failing;
      this.failing = err as Error;
      if (first) this.health?.problem(err as Error);
      this.retry ??= setTimeout(() => {
        this.retry = undefined;
        this.flush();
      }, 3000);
      this.retry.unref?.();
      return false;
    }
  }

  /** Stop retrying (the conversation is closed); what is still held is lost with the window. */
  dispose(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
  }
}

/**
 * Append `data` to a file on a line of its own: a newline first when the file does not end with
 * one (a torn record), and a failed write taken back when nobody else wrote meanwhile.
 */
export function appendDurably(path: string, data: string): void {
  const fd = openSync(path, 'a+');
  try {
    const size = fstatSync(fd).size;
    let buf = Buffer.from(data, 'utf8');
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) buf = Buffer.concat([Buffer.from('\n'), buf]);
    }
    let written = 0;
    try {
      while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written);
    } catch (err) {
      if (written > 0) {
        try {
          if (fstatSync(fd).size === size + written) ftruncateSync(fd, size);
        } catch {
          /* the next append starts on a fresh line anyway */
        }
      }
      throw err;
    }
  } finally {
    closeSync(fd);
  }
}

export class ConversationStore {
  constructor(
    readonly dir: string,
    /** Told when a conversation file is damaged (logged; the conversation shows what was lost). */
    private readonly onDamage?: (id: string, damage: JournalDamage) => void,
  ) {}

  private ensureDir(): void {
    if (!existsSync(this.dir)) mkdirSync(this.dir, { recursive: true });
  }

  private file(id: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`invalid conversation id ${id}`);
    return join(this.dir, `${id}.jsonl`);
  }

  /**
   * A new conversation's file with its first record. Throws StorageError when it cannot be
   * written; with `keepUnsaved` the journal is returned anyway, holding its records in memory
   * until the disk has room (the user chose to go on without saving).
   */
  create(meta: { id: string; mode: ConversationMode; model: string; title?: string; created?: number }, health?: JournalHealth, keepUnsaved = false): Journal {
    const path = this.file(meta.id);
    const rec: JournalRecord = { r: 'meta', v: 1, id: meta.id, created: meta.created ?? Date.now(), mode: meta.mode, model: meta.model, title: meta.title ?? 'New chat' };
    try {
      this.ensureDir();
      writeFileSync(path, frameLine(JSON.stringify(rec)) + '\n', { flag: 'wx' });
    } catch (err) {
      if (!keepUnsaved) throw new StorageError(storageProblemText(err as Error), (err as NodeJS.ErrnoException).code);
      const j = new Journal(path, health, [rec]);
      return j;
    }
    return new Journal(path, health);
  }

  /** Whether a new conversation could be saved now (a probe write in the folder). */
  writable(): Error | undefined {
    try {
      this.ensureDir();
      const probe = join(this.dir, `.probe-${process.pid}`);
      writeFileSync(probe, 'x');
      unlinkSync(probe);
      return undefined;
    } catch (err) {
      return err as Error;
    }
  }

  exists(id: string): boolean {
    return existsSync(this.file(id));
  }

  journal(id: string, health?: JournalHealth): Journal {
    return new Journal(this.file(id), health);
  }

  load(id: string): ConversationData | undefined {
    const path = this.file(id);
    if (!existsSync(path)) return undefined;
    const data = replayJournal(readFileSync(path, 'utf8'), id);
    if (data?.damage) this.onDamage?.(id, data.damage);
    return data;
  }

  /** The file's size and modification time, to notice another window's writes (undefined: no file). */
  stamp(id: string): string | undefined {
    try {
      const st = statSync(this.file(id));
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return undefined;
    }
  }

  /** When the conversation's file last changed (another window may be writing it). */
  mtime(id: string): number | undefined {
    try {
      return statSync(this.file(id)).mtimeMs;
    } catch {
      return undefined;
    }
  }

  readText(id: string): string | undefined {
    const path = this.file(id);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  }

  delete(id: string): void {
    const path = this.file(id);
    if (existsSync(path)) unlinkSync(path);
  }

  /** Flush a file to disk (used before a deliberate reload in tests). */
  sync(id: string): void {
    const fd = openSync(this.file(id), 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
