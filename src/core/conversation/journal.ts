/**
 * The persisted conversation format: one append-only JSON-lines file per conversation.
 * A turn is journaled as it streams (the raw normal-form events, one record per network read),
 * so replaying the journal through the accumulator reproduces exactly what arrived, even when
 * the window reloaded mid-stream. A finished turn also gets a compact `end` record that lets
 * loading skip its events.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolActivity } from '../../shared/protocol';
import type { ConversationMode, KnownTurnState, ThinkingChoice, GenerationChoices } from '../../shared/vocab';
import { cleanGeneration } from '../../shared/vocab';
import type { Content, InteractionEvent, Step, Usage } from '../protocol/types';
import { TurnAccumulator } from './accumulator';

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
  | { r: 'end'; t: string; at: number; state: TurnState; error?: TurnError; chain?: string; steps: Step[]; usage?: Usage; ids: string[] }
  | { r: 'title'; title: string }
  | { r: 'truncate'; from: string }
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

/** Rebuild a conversation from its journal lines. Finished turns skip their events. */
export function replayJournal(text: string): ConversationData | undefined {
  const lines = text.split('\n');
  // Pass 1: which turns have an end record (their events need no parsing).
  const ended = new Set<string>();
  for (const line of lines) {
    if (line.startsWith('{"r":"end"')) {
      const m = /^\{"r":"end","t":"([^"]+)"/.exec(line);
      if (m) ended.add(m[1]!);
    }
  }
  let data: ConversationData | undefined;
  const accs = new Map<string, TurnAccumulator>();
  const byId = new Map<string, TurnRecord>();
  for (const line of lines) {
    if (!line) continue;
    if (line.startsWith('{"r":"ev","t":"')) {
      const m = /^\{"r":"ev","t":"([^"]+)"/.exec(line);
      if (m && ended.has(m[1]!)) continue;
    }
    let rec: JournalRecord;
    try {
      rec = JSON.parse(line) as JournalRecord;
    } catch {
      continue; // a torn last line (crash mid-write) is skipped, the rest survives
    }
    if (rec.r === 'meta') {
      data = { meta: { id: rec.id, title: rec.title, created: rec.created, updated: rec.created, mode: rec.mode, model: rec.model, turns: 0 }, turns: [] };
      continue;
    }
    if (!data) continue;
    switch (rec.r) {
      case 'turn': {
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
        data.turns.push(turn);
        byId.set(rec.t, turn);
        data.meta.updated = rec.at;
        if (!ended.has(rec.t)) accs.set(rec.t, new TurnAccumulator());
        break;
      }
      case 'ev': {
        const acc = accs.get(rec.t);
        if (acc) for (const e of rec.e) acc.apply(e);
        break;
      }
      case 'begin':
        accs.get(rec.t)?.beginInteraction(rec.k);
        break;
      case 'local':
        accs.get(rec.t)?.addLocalStep(rec.step);
        break;
      case 'note':
        byId.get(rec.t)?.notices.push(rec.text);
        break;
      case 'undo': {
        const t = byId.get(rec.t);
        if (t) t.undo = { available: rec.available, files: rec.files };
        break;
      }
      case 'tool': {
        const t = byId.get(rec.t);
        if (t) mergeToolActivity((t.tools ??= []), rec.a);
        break;
      }
      case 'ins': {
        const t = byId.get(rec.t);
        if (t && Array.isArray(rec.files)) t.instructions = rec.files.filter((f): f is string => typeof f === 'string').slice(0, 50);
        break;
      }
      case 'composer':
        data.meta.composer = { ...data.meta.composer, ...rec.c };
        // Model settings go into requests: only values within bounds are taken from a file.
        if (rec.c.generation !== undefined) data.meta.composer.generation = cleanGeneration(rec.c.generation);
        break;
      case 'end': {
        const t = byId.get(rec.t);
        if (!t) break;
        t.state = rec.state;
        t.steps = rec.steps;
        t.usage = rec.usage;
        t.error = rec.error;
        t.chainFrom = rec.chain;
        t.interactionIds = rec.ids;
        data.meta.updated = rec.at;
        accs.delete(rec.t);
        break;
      }
      case 'title':
        data.meta.title = rec.title;
        break;
      case 'mode':
        data.meta.mode = rec.mode;
        break;
      case 'truncate': {
        const k = data.turns.findIndex((t) => t.id === rec.from);
        if (k >= 0) {
          for (const t of data.turns.splice(k)) {
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
  if (!data) return undefined;
  // Turns without an end record were interrupted (window reload, crash): keep what arrived.
  for (const [id, acc] of accs) {
    const t = byId.get(id);
    if (!t) continue;
    t.steps = acc.steps;
    t.usage = acc.usage;
    t.interactionIds = [...acc.interactionIds];
    t.state = 'interrupted';
    if (acc.interactionId) t.resume = { interactionId: acc.interactionId, lastEventId: acc.lastEventId };
  }
  data.meta.turns = data.turns.length;
  return data;
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

export class Journal {
  constructor(readonly path: string) {}

  append(rec: JournalRecord): void {
    // Synchronous append: a reload or crash right after an event loses nothing that arrived.
    appendFileSync(this.path, JSON.stringify(rec) + '\n');
  }

  appendMany(recs: JournalRecord[]): void {
    if (recs.length) appendFileSync(this.path, recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
}

export class ConversationStore {
  constructor(readonly dir: string) {}

  private ensureDir(): void {
    if (!existsSync(this.dir)) mkdirSync(this.dir, { recursive: true });
  }

  private file(id: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`invalid conversation id ${id}`);
    return join(this.dir, `${id}.jsonl`);
  }

  create(meta: { id: string; mode: ConversationMode; model: string; title?: string; created?: number }): Journal {
    this.ensureDir();
    const path = this.file(meta.id);
    const rec: JournalRecord = { r: 'meta', v: 1, id: meta.id, created: meta.created ?? Date.now(), mode: meta.mode, model: meta.model, title: meta.title ?? 'New chat' };
    writeFileSync(path, JSON.stringify(rec) + '\n', { flag: 'wx' });
    return new Journal(path);
  }

  exists(id: string): boolean {
    return existsSync(this.file(id));
  }

  journal(id: string): Journal {
    return new Journal(this.file(id));
  }

  load(id: string): ConversationData | undefined {
    const path = this.file(id);
    if (!existsSync(path)) return undefined;
    return replayJournal(readFileSync(path, 'utf8'));
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
