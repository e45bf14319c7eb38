/**
 * The names of a workspace's files, for `#file:` completion as the user types: listed once by
 * ripgrep into a file (never held in memory: half a million names are 25 MB), then searched by
 * ripgrep for each keystroke, which reads that file in milliseconds where a walk of the tree
 * takes seconds. Files created or deleted since the listing are kept aside (a few) and merged
 * into each answer; many changes, or a folder's, make the next query list the tree again in the
 * background while the old list still answers.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IndexRoot {
  /** How its files are named in the list: `''` for a single root, else the folder's name and a slash. */
  prefix: string;
  path: string;
}

/** Changes kept aside before the tree is listed again. */
const MAX_CHANGES = 500;
/** Folders never listed (as the mention completion always left out). */
const EXCLUDED = ['!**/node_modules/**', '!**/.git/**'];

/** A regular expression for names whose last segment has `chars` in order (any case). */
export function nameRegex(chars: string[]): string {
  const esc = (c: string) => c.replace(/[\\^$.*+?()[\]{}|]/g, (m) => `\\${m}`);
  return `(^|/)[^/]*${chars.map(esc).join('[^/]*')}[^/]*$`;
}

export class FileIndex {
  private dir: string | undefined;
  private list: string | undefined;
  private building: Promise<void> | undefined;
  private stale = true;
  private readonly added = new Set<string>();
  private readonly removed = new Set<string>();

  constructor(
    private readonly rg: string,
    private readonly roots: IndexRoot[],
  ) {}

  /** A file was created or deleted (a display name as the list names it). */
  changed(name: string, kind: 'add' | 'remove'): void {
    if (kind === 'add') {
      this.removed.delete(name);
      this.added.add(name);
    } else {
      this.added.delete(name);
      this.removed.add(name);
    }
    if (this.added.size + this.removed.size > MAX_CHANGES) this.stale = true;
  }

  /** The tree changed in a way the kept changes cannot say (a folder moved): list it again. */
  invalidate(): void {
    this.stale = true;
  }

  /**
   * Up to `limit` names whose last segment has `chars` in order, or undefined while there is no
   * list yet (the first listing runs in the background; the caller asks another way meanwhile).
   */
  async query(chars: string[], limit: number): Promise<string[] | undefined> {
    if (this.stale && !this.building)
      this.building = this.build()
        // ripgrep could not list the tree: the next query tries again (meanwhile VS Code's search answers).
        .catch(() => void (this.stale = true))
        .finally(() => (this.building = undefined));
    if (!this.list) return undefined;
    const re = nameRegex(chars);
    const found = await this.search(this.list, re, limit);
    const test = new RegExp(re, 'i');
    const gone = (n: string) => this.removed.has(n) || [...this.removed].some((r) => n.startsWith(`${r}/`));
    const out = found.filter((n) => !gone(n) && !this.added.has(n));
    for (const n of this.added) if (test.test(n)) out.push(n);
    return out.slice(0, limit);
  }

  private async build(): Promise<void> {
    this.stale = false;
    const dir = (this.dir ??= await mkdtemp(join(tmpdir(), 'gemini-files-')));
    const next = join(dir, `files-${Date.now()}.txt`);
    const out = createWriteStream(next);
    const changes = { added: new Set(this.added), removed: new Set(this.removed) };
    try {
      for (const root of this.roots) await this.listRoot(root, out);
    } finally {
      await new Promise<void>((r) => out.end(r));
    }
    const old = this.list;
    this.list = next;
    // What changed while the tree was listed stays aside; what came before is in the new list.
    for (const n of changes.added) if (this.added.has(n)) this.added.delete(n);
    for (const n of changes.removed) if (this.removed.has(n)) this.removed.delete(n);
    if (old) await rm(old, { force: true });
  }

  private listRoot(root: IndexRoot, out: NodeJS.WritableStream): Promise<void> {
    return new Promise((resolve, reject) => {
      const args = ['--files', '--hidden', '--no-ignore', '--no-messages', '--path-separator', '/', ...EXCLUDED.flatMap((g) => ['-g', g])];
      const child = spawn(this.rg, args, { cwd: root.path, stdio: ['ignore', 'pipe', 'ignore'] });
      let rest = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (text: string) => {
        if (!root.prefix) {
          out.write(text);
          return;
        }
        const lines = (rest + text).split('\n');
        rest = lines.pop() ?? '';
        if (lines.length) out.write(lines.map((l) => root.prefix + l).join('\n') + '\n');
      });
      child.on('error', reject);
      // ripgrep exits 1 when there is no file at all, 2 when some could not be read: the list stands.
      child.on('close', () => {
        if (rest) out.write(`${root.prefix}${rest}\n`);
        resolve();
      });
    });
  }

  private search(list: string, re: string, limit: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.rg, ['--no-filename', '--no-line-number', '--ignore-case', '--max-count', String(limit), '-e', re, '--', list], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let text = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (t: string) => (text += t));
      child.on('error', reject);
      child.on('close', () => resolve(text.split('\n').filter(Boolean)));
    });
  }

  dispose(): void {
    if (this.dir) void rm(this.dir, { recursive: true, force: true });
  }
}
