/**
 * The chat history's list and search, without holding the extension host: each conversation's
 * searchable text (title, prompts, answers) is kept in a plain-text file beside an index of
 * metadata (`index/`), rebuilt only for conversations whose journal changed, one at a time with
 * the event loop free in between. Search runs ripgrep (the one VS Code ships) over those files in
 * its own process and streams hits as they come; without ripgrep the files are read here, a few at a time.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Content } from '../protocol/types';
import { replayJournal, type ConversationMeta } from './journal';

export interface SearchHit {
  meta: ConversationMeta;
  /** A short excerpt around the first match. */
  excerpt: string;
}

interface IndexEntry {
  mtime: number;
  size: number;
  meta: ConversationMeta;
}

const INDEX_VERSION = 1;
/** Journals replayed into the index at once. */
const REBUILD_AT_ONCE = 8;
const yieldNow = () => new Promise<void>((r) => setImmediate(r));

export class HistoryIndex {
  private entries = new Map<string, IndexEntry>();
  private loaded = false;
  private refreshing: Promise<void> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** The folder of the journals (`<id>.jsonl`). */
    readonly dir: string,
    /** Where ripgrep is (asked when a search first needs it). */
    private readonly findRipgrep: () => string | undefined,
  ) {}
  private rg: { path: string | undefined } | undefined;
  private get rgPath(): string | undefined {
    return (this.rg ??= { path: this.findRipgrep() }).path;
  }

  private get indexDir(): string {
    return join(this.dir, 'index');
  }
  private textFile(id: string): string {
    return join(this.indexDir, `${id}.txt`);
  }

  /** Every conversation, newest first. */
  async list(): Promise<ConversationMeta[]> {
    await this.refresh();
    return [...this.entries.values()].map((e) => e.meta).sort((a, b) => b.updated - a.updated);
  }

  /** The index brought up to date with the journals (only changed ones are read again). */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    if (!this.loaded) await this.load();
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => n.endsWith('.jsonl'));
    const ids = new Set(names.map((n) => n.slice(0, -'.jsonl'.length)));
    for (const id of [...this.entries.keys()]) if (!ids.has(id)) await this.forget(id);
    let changed = false;
    // Stat a bounded number at once; rebuild the changed ones of each batch a few at a time
    // (each is one journal's replay, a few milliseconds at most), yielding between them.
    const list = [...ids];
    await mkdir(this.indexDir, { recursive: true }).catch(() => undefined);
    for (let k = 0; k < list.length; k += 64) {
      const batch = list.slice(k, k + 64);
      const stats = await Promise.all(batch.map((id) => stat(join(this.dir, `${id}.jsonl`)).catch(() => undefined)));
      const stale: Array<[string, number, number]> = [];
      for (let j = 0; j < batch.length; j++) {
        const id = batch[j]!;
        const st = stats[j];
        if (!st) continue;
        const e = this.entries.get(id);
        if (e && e.mtime === st.mtimeMs && e.size === st.size) continue;
        stale.push([id, st.mtimeMs, st.size]);
      }
      for (let j = 0; j < stale.length; j += REBUILD_AT_ONCE) {
        await Promise.all(stale.slice(j, j + REBUILD_AT_ONCE).map(([id, mtime, size]) => this.rebuild(id, mtime, size)));
        changed = true;
        await yieldNow();
      }
    }
    if (changed) this.scheduleSave();
  }

  private async rebuild(id: string, mtime: number, size: number): Promise<void> {
    const text = await readFile(join(this.dir, `${id}.jsonl`), 'utf8').catch(() => undefined);
    const data = text === undefined ? undefined : replayJournal(text, id);
    if (!data) return;
    // Searchable text: the title, prompts and answers, one paragraph per line.
    const parts: string[] = [data.meta.title];
    for (const t of data.turns) {
      for (const c of t.input) if (c.type === 'text') parts.push(c.text);
      for (const s of t.steps) if (s.type === 'model_output') for (const c of (s as { content?: Content[] }).content ?? []) if (c.type === 'text') parts.push(c.text);
    }
    await writeFile(this.textFile(id), parts.map((p) => p.replace(/\s*\n\s*/g, ' ')).join('\n') + '\n');
    this.entries.set(id, { mtime, size, meta: data.meta });
  }

  async forget(id: string): Promise<void> {
    this.entries.delete(id);
    await rm(this.textFile(id), { force: true }).catch(() => undefined);
    this.scheduleSave();
  }

  private async load(): Promise<void> {
    this.loaded = true;
    try {
      const raw = JSON.parse(await readFile(join(this.indexDir, 'meta.json'), 'utf8')) as { v?: number; entries?: Record<string, IndexEntry> };
      if (raw.v === INDEX_VERSION && raw.entries) this.entries = new Map(Object.entries(raw.entries));
    } catch {
      /* no index yet, or unreadable: rebuilt */
    }
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, 500);
    this.saveTimer.unref?.();
  }

  async save(): Promise<void> {
    await mkdir(this.indexDir, { recursive: true }).catch(() => undefined);
    await writeFile(join(this.indexDir, 'meta.json'), JSON.stringify({ v: INDEX_VERSION, entries: Object.fromEntries(this.entries) })).catch(() => undefined);
  }

  /**
   * Conversations whose title, prompts or answers contain `query` (case-insensitive, literal).
   * Hits arrive through `onHit` as they are found; resolves with all of them, in the order found.
   */
  async search(query: string, onHit: (h: SearchHit) => void, signal?: AbortSignal): Promise<SearchHit[]> {
    const q = query.trim();
    await this.refresh();
    if (signal?.aborted) return [];
    const hits: SearchHit[] = [];
    const found = new Set<string>();
    const hit = (id: string, line: string, at: number, len: number) => {
      const meta = this.entries.get(id)?.meta;
      if (!meta || found.has(id)) return;
      found.add(id);
      const from = Math.max(0, at - 40);
      const h = { meta, excerpt: (from > 0 ? '…' : '') + line.slice(from, at + len + 60).trim() };
      hits.push(h);
      onHit(h);
    };
    if (!q) {
      for (const meta of await this.list()) hit(meta.id, '', 0, 0);
      return hits;
    }
    if (this.rgPath) await this.searchWithRipgrep(q, hit, signal);
    else await this.searchHere(q, hit, signal);
    return hits;
  }

  private searchWithRipgrep(q: string, hit: (id: string, line: string, at: number, len: number) => void, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const args = ['--json', '--ignore-case', '--fixed-strings', '--max-count', '1', '--no-config', '--no-ignore', '--hidden', '--glob', '*.txt', '--', q, this.indexDir];
      const child = spawn(this.rgPath!, args, { stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });
      const stop = () => child.kill();
      signal?.addEventListener('abort', stop, { once: true });
      let buf = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        buf += d;
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.includes('"type":"match"')) continue;
          try {
            const m = JSON.parse(line) as { data: { path: { text?: string }; lines: { text?: string }; submatches: Array<{ start: number; end: number }> } };
            const path = m.data.path.text ?? '';
            const id = basename(path.replace(/\\/g, '/'), '.txt');
            const text = m.data.lines.text ?? '';
            const sub = m.data.submatches[0];
            // ripgrep reports byte offsets; the excerpt is cut from the decoded line.
            const at = sub ? Buffer.from(text).subarray(0, sub.start).toString().length : 0;
            hit(id, text.replace(/\n$/, ''), at, q.length);
          } catch {
            /* a line that is not ripgrep JSON */
          }
        }
      });
      child.on('error', () => resolve());
      child.on('close', () => {
        signal?.removeEventListener('abort', stop);
        resolve();
      });
    });
  }

  private async searchHere(q: string, hit: (id: string, line: string, at: number, len: number) => void, signal?: AbortSignal): Promise<void> {
    const needle = q.toLowerCase();
    for (const id of this.entries.keys()) {
      if (signal?.aborted) return;
      const text = await readFile(this.textFile(id), 'utf8').catch(() => '');
      const k = text.toLowerCase().indexOf(needle);
      if (k >= 0) {
        const start = text.lastIndexOf('\n', k) + 1;
        const end = text.indexOf('\n', k);
        hit(id, text.slice(start, end < 0 ? undefined : end), k - start, q.length);
      }
    }
  }
}
