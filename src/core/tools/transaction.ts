/**
 * A sandboxed command's writes as a transaction. Each workspace folder gets a copy-on-write view
 * (an overlay: the real folder below, an upper folder of ours above, see sandbox.ts). When the
 * command and every process it started are gone, the upper folders hold exactly what it did:
 * new and changed files, deletions (whiteouts: 0/0 character devices), folders it removed and
 * made again (opaque), links, modes. This module reads that change set and lands the parts the
 * write policy admits (admission.ts decides which), checked at the moment of writing: never
 * through a link, never outside the folder, moved rather than copied where it can be.
 */
import { spawn } from 'node:child_process';
import { constants, existsSync, type Stats } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, mkdtemp, open, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { layerPaths, type OverlayLayer } from './sandbox';
import { within } from './paths';
import { errorText } from '../../shared/errorText';

export type EntryType = 'none' | 'file' | 'dir' | 'symlink' | 'other';

export interface TxChange {
  layer: number;
  /** Real path of the workspace folder. */
  root: string;
  /** Path relative to the folder, `/`-separated. */
  rel: string;
  /** The real path it lands at. */
  abs: string;
  op: 'write' | 'mkdir' | 'symlink' | 'delete' | 'special';
  /** Where the new content is (the upper folder). */
  source?: string;
  /** What the real path held when the change set was read. */
  before: EntryType;
  /** Regular files: the source's link count (more than 1: a hard link). */
  links?: number;
  size?: number;
  mode?: number;
  /** Symbolic links: where it points. */
  target?: string;
  /** A new folder none of whose content existed before (it can land in one rename). */
  fresh?: boolean;
  /** Deletions (and replaced folders): the files that go with it, relative to the folder (bounded). */
  gone?: string[];
  /** How many files go with it in all. */
  goneCount?: number;
  /** The real file changed after the command started: somebody else wrote it meanwhile. */
  conflict?: boolean;
}

/** Where "Undo changes of this turn" keeps what a landing replaces. */
export interface UndoSink {
  /**
   * Called before `abs` is replaced or removed. The sink keeps the current entry (moving it away
   * is allowed: the caller then finds nothing there) the first time in a turn; later calls do
   * nothing. Returns whether the entry was moved away.
   */
  preserve(abs: string, display: string): Promise<boolean>;
}

export interface LandResult {
  landed: TxChange[];
  failed: Array<{ change: TxChange; why: string }>;
}

/** Node, run by the sandbox's first stage after the command: which upper folders are opaque (the command removed and remade them). */
const OPAQUE_SCAN = `
const fs = require('fs'), path = require('path');
const tx = process.argv[1];
const { layers, started } = JSON.parse(fs.readFileSync(path.join(tx, 'layers.json'), 'utf8'));
const out = [];
layers.forEach((l, k) => {
  const walk = (rel, depth) => {
    if (depth > 200) return;
    let names;
    try { names = fs.readdirSync(path.join(l.upper, rel), { withFileTypes: true }); } catch { return; }
    for (const d of names) {
      if (!d.isDirectory()) continue;
      const r = rel ? rel + '/' + d.name : d.name;
      let low;
      try { low = fs.lstatSync(path.join(l.root, r)); } catch {}
      if (!low || !low.isDirectory()) continue;
      let hidden = false;
      let kids = [];
      try { kids = fs.readdirSync(path.join(l.root, r)); } catch {}
      for (const c of kids) {
        // Only what existed before the command started: a file that appeared in the real folder since
        // (the user, or a landing while it ran) may not show through the overlay, and must never be taken as removed.
        let st;
        try { st = fs.lstatSync(path.join(l.root, r, c)); } catch { continue; }
        if (st.ctimeMs >= started || st.mtimeMs >= started) continue;
        try { fs.lstatSync(path.join(l.merged, r, c)); continue; } catch {}
        let up;
        try { up = fs.lstatSync(path.join(l.upper, r, c)); } catch {}
        if (!(up && up.isCharacterDevice() && up.rdev === 0)) { hidden = true; break; }
      }
      if (hidden) out.push([k, r]); else walk(r, depth + 1);
    }
  };
  walk('', 0);
});
fs.writeFileSync(path.join(tx, 'opaque.json'), JSON.stringify(out));
`;

function typeOf(st: Stats | undefined): EntryType {
  if (!st) return 'none';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  return 'other';
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p);
  } catch {
    return undefined;
  }
}

const isWhiteout = (st: Stats) => st.isCharacterDevice() && st.rdev === 0;

/**
 * Run `fn` over `items` with at most `n` at a time. Work that finishes without waiting for I/O
 * only yields microtasks, so every few hundred items the event loop is let turn (no long stall).
 */
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  let turned = performance.now();
  // One shared pause: after 8 ms of work all workers wait for the same next turn of the loop (each
  // waiting on its own would let the workers run one after another within one turn).
  let gate: Promise<void> | undefined;
  const pause = () =>
    (gate ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        gate = undefined;
        turned = performance.now();
        resolve();
      }),
    ));
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      for (;;) {
        if (performance.now() - turned > 8) await pause();
        if (next >= items.length) return;
        await fn(items[next++]!);
      }
    }),
  );
}

/** Files below `dir` (relative to `base`), at most `max` listed; also counts them all. */
async function listFiles(dir: string, base: string, max: number): Promise<{ files: string[]; count: number }> {
  const files: string[] = [];
  let count = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else {
        count++;
        if (files.length < max) files.push(relative(base, p).split(sep).join('/'));
      }
    }
  }
  return { files, count };
}

interface UpperEntry {
  rel: string;
  depth: number;
  /** find's %y: f, d, l, c, b, p, s. */
  type: string;
  links: number;
  mode: number;
  size: number;
  target: string;
}

/**
 * Everything below an upper folder, listed by `find` in one pass (a C walk: no stat call per entry
 * from the extension host). Names may hold any byte but NUL, so the fields are NUL-separated.
 */
async function listTree(dir: string): Promise<UpperEntry[]> {
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const child = spawn('find', [dir, '-mindepth', '1', '-printf', '%y\\0%n\\0%m\\0%s\\0%P\\0%l\\0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`find exited ${code} listing the command's changes`))));
  });
  const fields = Buffer.concat(chunks).toString('utf8').split('\0');
  const out: UpperEntry[] = [];
  for (let i = 0; i + 5 < fields.length; i += 6) {
    const rel = fields[i + 4]!;
    let depth = 0;
    for (let j = rel.indexOf('/'); j >= 0; j = rel.indexOf('/', j + 1)) depth++;
    out.push({ type: fields[i]!, links: Number(fields[i + 1]), mode: parseInt(fields[i + 2]!, 8), size: Number(fields[i + 3]), rel, depth, target: fields[i + 5]! });
    if (i % 12_000 === 0) await new Promise((r) => setImmediate(r));
  }
  return out;
}

/** Files equal byte for byte (only called when the sizes match). */
async function sameContent(a: string, b: string): Promise<boolean> {
  const [fa, fb] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const ba = Buffer.alloc(1 << 20);
    const bb = Buffer.alloc(1 << 20);
    for (;;) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, ba.length, null), fb.read(bb, 0, bb.length, null)]);
      if (ra.bytesRead !== rb.bytesRead) return false;
      if (ra.bytesRead === 0) return true;
      if (!ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
    }
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

/** A running command whose upper folder holds more entries than this lands nothing until it ends. */
const INTERIM_MAX_ENTRIES = 2000;

export class Transaction {
  /** Files landed while the command ran (`layer:rel`). */
  private readonly interimLanded = new Set<string>();

  private constructor(
    readonly dir: string,
    readonly layers: OverlayLayer[],
    /** When the command started (ms since epoch): real files changed after it conflict. */
    readonly started: number,
  ) {}

  /**
   * A transaction folder under `base` with a layer per workspace folder. `masks` names, per
   * folder, the real paths the command must not see (secret files, sockets): an empty file
   * stands in for each, above the real folder.
   */
  static async create(base: string, roots: string[], masks: Map<string, string[]> = new Map()): Promise<Transaction> {
    await mkdir(base, { recursive: true });
    const dir = await mkdtemp(join(base, 'tx-'));
    const layers: OverlayLayer[] = [];
    for (const [k, root] of roots.entries()) {
      const p = layerPaths(dir, k);
      await Promise.all([mkdir(p.upper), mkdir(p.work), mkdir(p.merged)]);
      // The overlay's options name the real folder through a link of ours: its path may hold characters they cannot.
      await symlink(root, p.lower);
      const masked = (masks.get(root) ?? []).filter((m) => within(root, m) && m !== root);
      if (masked.length) {
        await mkdir(p.mask);
        for (const m of masked) {
          const target = join(p.mask, relative(root, m));
          await mkdir(dirname(target), { recursive: true }).catch(() => undefined);
          await writeFile(target, '', { flag: 'wx' }).catch(() => undefined);
        }
      }
      layers.push({ root, lower: p.lower, mask: masked.length ? p.mask : undefined, upper: p.upper, work: p.work, merged: p.merged });
    }
    const started = Date.now();
    await writeFile(join(dir, 'layers.json'), JSON.stringify({ started, layers: layers.map((l) => ({ root: l.root, upper: l.upper, merged: l.merged })) }));
    return new Transaction(dir, layers, started);
  }

  /** Folders for the package caches' overlays (their writes are discarded with the transaction). */
  async prepareScratch(layers: Array<{ upper: string; work: string; merged: string }>): Promise<void> {
    for (const l of layers) await Promise.all([mkdir(l.upper), mkdir(l.work), mkdir(l.merged)]);
  }

  /** The post-step the sandbox's first stage runs after the command (with the overlays still mounted). */
  postStep(node: string): { node: string; script: string; arg: string } {
    return { node, script: OPAQUE_SCAN, arg: this.dir };
  }

  private async opaque(): Promise<Set<string>> {
    try {
      const list = JSON.parse(await readFile(join(this.dir, 'opaque.json'), 'utf8')) as Array<[number, string]>;
      return new Set(list.map(([k, r]) => `${k}:${r}`));
    } catch {
      return new Set();
    }
  }

  /** Read what the command did (call when every process of it is gone). */
  async changes(): Promise<TxChange[]> {
    const opaque = await this.opaque();
    const out: TxChange[] = [];
    for (const [k, layer] of this.layers.entries()) {
      // Parents before children: a folder's state (new, or merged with the real one) decides how its content is read.
      const byDepth: UpperEntry[][] = [];
      for (const e of await listTree(layer.upper)) (byDepth[e.depth] ??= []).push(e);
      const fresh = new Set<string>();
      for (const wave of byDepth) {
        if (!wave) continue;
        await pool(wave, 32, async (e) => {
          const r = e.rel;
          const slash = r.lastIndexOf('/');
          const parentFresh = slash > 0 && fresh.has(r.slice(0, slash));
          const source = join(layer.upper, r);
          const abs = join(layer.root, r);
          const real = parentFresh ? undefined : await lstatOrUndefined(abs);
          const before = typeOf(real);
          const base = { layer: k, root: layer.root, rel: r, abs, before };
          const goneOf = async () => (before === 'dir' ? await listFiles(abs, layer.root, 20_000) : before === 'none' ? { files: [], count: 0 } : { files: [r], count: 1 });
          if (e.type === 'c' && (await lstatOrUndefined(source).then((st) => !!st && isWhiteout(st)))) {
            if (before !== 'none') {
              const g = await goneOf();
              out.push({ ...base, op: 'delete', gone: g.files, goneCount: g.count });
            }
            return;
          }
          if (e.type === 'd') {
            const replaces = before === 'dir' ? opaque.has(`${k}:${r}`) : before !== 'none';
            if (before === 'dir' && !replaces) return;
            if (replaces) {
              const g = await goneOf();
              out.push({ ...base, op: 'delete', gone: g.files, goneCount: g.count });
            }
            fresh.add(r);
            out.push({ ...base, before: 'none', op: 'mkdir', source, mode: e.mode, fresh: true });
            return;
          }
          if (before === 'dir') {
            const g = await goneOf();
            out.push({ ...base, op: 'delete', gone: g.files, goneCount: g.count });
          }
          const landedBefore = before === 'dir' ? 'none' : before;
          if (e.type === 'l') {
            out.push({ ...base, before: landedBefore, op: 'symlink', source, target: e.target });
            return;
          }
          if (e.type !== 'f') {
            out.push({ ...base, before: landedBefore, op: 'special', source });
            return;
          }
          const change: TxChange = { ...base, before: landedBefore, op: 'write', source, links: e.links, size: e.size, mode: e.mode };
          if (real?.isFile()) {
            // A copy-up without a change (touch, a no-op chmod, a read through a write handle) lands nothing.
            if (e.links === 1 && real.size === e.size && (real.mode & 0o7777) === e.mode && e.size <= 8 << 20 && (await sameContent(source, abs))) return;
            // The real file changed after the command started, and not by our own landing while it ran.
            if (real.mtimeMs > this.started + 1 && !this.interimLanded.has(`${k}:${r}`)) change.conflict = true;
          }
          out.push(change);
        });
      }
    }
    return out;
  }

  /**
   * Land `changes` (already admitted) in order: deletions, folders, files and links. A new folder
   * whose whole content is admitted moves in one rename. Every target's parents are checked at
   * the moment of writing: a link among them, or a path that left the folder, is refused.
   * `all` is the whole change set (to know whether a folder's content is all admitted).
   */
  async land(changes: TxChange[], undo: UndoSink | undefined, all: TxChange[] = changes): Promise<LandResult> {
    const admitted = new Set(changes);
    const landed: TxChange[] = [];
    const failed: Array<{ change: TxChange; why: string }> = [];
    const verified = new Set<string>();
    // A new folder can move in whole when everything below it lands now as a plain file or folder.
    const notWhole = new Set<string>();
    await sliced(all, (x) => {
      if (admitted.has(x) && (x.op === 'write' || x.op === 'mkdir') && (x.links ?? 1) <= 1) return;
      for (let i = x.rel.lastIndexOf('/'); i > 0; i = x.rel.lastIndexOf('/', i - 1)) notWhole.add(`${x.layer}:${x.rel.slice(0, i)}`);
    });
    const movedWhole = new Set<string>();
    const insideMoved = (c: TxChange) => {
      for (let i = c.rel.lastIndexOf('/'); i > 0; i = c.rel.lastIndexOf('/', i - 1)) if (movedWhole.has(`${c.layer}:${c.rel.slice(0, i)}`)) return true;
      return false;
    };
    let done = 0;
    for (const c of await landingOrder(changes)) {
      if (++done % 2000 === 0) await new Promise((r) => setImmediate(r));
      if (insideMoved(c)) {
        landed.push(c);
        continue;
      }
      try {
        await this.checkParents(c, verified);
        const display = c.rel;
        if (c.op === 'delete') {
          if (!(await undo?.preserve(c.abs, display))) await rm(c.abs, { recursive: true, force: true });
        } else if (c.op === 'mkdir') {
          const cur = await lstatOrUndefined(c.abs);
          if (cur && !cur.isDirectory()) {
            if (!(await undo?.preserve(c.abs, display))) await rm(c.abs, { recursive: true, force: true });
          } else if (!cur) await undo?.preserve(c.abs, display);
          const whole = c.fresh && !notWhole.has(`${c.layer}:${c.rel}`) && !(await lstatOrUndefined(c.abs));
          if (whole && c.source) {
            try {
              await rename(c.source, c.abs);
              movedWhole.add(`${c.layer}:${c.rel}`);
              landed.push(c);
              continue;
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
            }
          }
          await mkdir(c.abs).catch((err: NodeJS.ErrnoException) => {
            if (err.code !== 'EEXIST') throw err;
          });
          if (c.mode !== undefined) await chmod(c.abs, c.mode & 0o7777).catch(() => undefined);
          verified.add(c.abs);
        } else if (c.op === 'write' || c.op === 'symlink') {
          const cur = await lstatOrUndefined(c.abs);
          if (cur?.isDirectory()) throw new Error('a folder is in its place now');
          await undo?.preserve(c.abs, display);
          if (c.op === 'symlink') {
            const tmp = `${c.abs}.gemini-${process.pid}-${Date.now().toString(36)}`;
            await symlink(c.target!, tmp);
            await rename(tmp, c.abs);
          } else await this.placeFile(c);
        } else throw new Error('special files (FIFOs, sockets, devices) are never landed');
        landed.push(c);
      } catch (err) {
        failed.push({ change: c, why: errorText(err) });
      }
    }
    return { landed, failed };
  }

  /** Move (or, across file systems and for hard links, copy) a file into place; never writes through what is there. */
  private async placeFile(c: TxChange): Promise<void> {
    const src = c.source!;
    if ((c.links ?? 1) <= 1) {
      try {
        await rename(src, c.abs);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      }
    }
    const tmp = `${c.abs}.gemini-${process.pid}-${Date.now().toString(36)}`;
    await copyFile(src, tmp, constants.COPYFILE_EXCL);
    try {
      if (c.mode !== undefined) await chmod(tmp, c.mode & 0o7777);
      await rename(tmp, c.abs);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /**
   * Copy the admitted files that changed since the last call into place while the command still
   * runs (a watcher, a dev server). The upper folder stays as it is (the overlay is mounted);
   * the final landing moves the same files again. Returns how many landed.
   */
  async interim(admit: (c: TxChange) => boolean, undo: UndoSink | undefined, seen: Map<string, string>): Promise<number> {
    // Walk first: a command writing thousands of files (an install, a build) is not a watcher, and its files wait for the end.
    const files: Array<{ k: number; layer: OverlayLayer; r: string }> = [];
    let entries = 0;
    for (const [k, layer] of this.layers.entries()) {
      const stack = [''];
      while (stack.length) {
        const rel = stack.pop()!;
        const list = await readdir(join(layer.upper, rel), { withFileTypes: true }).catch(() => []);
        entries += list.length;
        if (entries > INTERIM_MAX_ENTRIES) return -1;
        for (const e of list) {
          const r = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) stack.push(r);
          else if (e.isFile()) files.push({ k, layer, r });
        }
      }
    }
    let n = 0;
    for (const { k, layer, r } of files) {
      const source = join(layer.upper, r);
      const st = await lstatOrUndefined(source);
      // Only files that have settled (not written in the last second) and have one name.
      if (!st || st.nlink > 1 || Date.now() - st.mtimeMs < 1000) continue;
      const stamp = `${st.size}:${st.mtimeMs}`;
      const key = `${k}:${r}`;
      if (seen.get(key) === stamp) continue;
      const abs = join(layer.root, r);
      const real = await lstatOrUndefined(abs);
      const c: TxChange = { layer: k, root: layer.root, rel: r, abs, op: 'write', source, before: typeOf(real), links: 1, size: st.size, mode: st.mode & 0o7777 };
      if (real && !real.isFile()) continue;
      // Somebody else changed it since the command started: the final admission asks.
      if (real && real.mtimeMs > this.started + 1 && !seen.has(key)) continue;
      if (!admit(c)) continue;
      try {
        await this.checkParents(c, new Set(), true);
        await undo?.preserve(abs, r);
        const tmp = `${abs}.gemini-${process.pid}-${Date.now().toString(36)}`;
        await copyFile(source, tmp, constants.COPYFILE_EXCL);
        await chmod(tmp, c.mode!);
        await rename(tmp, abs);
        seen.set(key, stamp);
        this.interimLanded.add(key);
        n++;
      } catch {
        /* the final landing reports it */
      }
    }
    return n;
  }

  /**
   * The parents of a target, from the workspace folder down: each must be a real folder (not a
   * link) inside it. Missing ones are made when `create` (or when the change needs them).
   */
  private async checkParents(c: TxChange, verified: Set<string>, create = true): Promise<void> {
    const target = resolve(c.abs);
    if (!within(c.root, target) || target === c.root) throw new Error('it is not inside the workspace folder');
    const parts = relative(c.root, dirname(target)).split(sep).filter(Boolean);
    let cur = c.root;
    for (const part of parts) {
      cur = join(cur, part);
      if (verified.has(cur)) continue;
      const st = await lstatOrUndefined(cur);
      if (!st) {
        if (!create) throw new Error(`${relative(c.root, cur)} is missing`);
        await mkdir(cur);
      } else if (st.isSymbolicLink()) throw new Error(`${relative(c.root, cur).split(sep).join('/')} is a link now; nothing is written through a link`);
      else if (!st.isDirectory()) throw new Error(`${relative(c.root, cur).split(sep).join('/')} is not a folder`);
      verified.add(cur);
    }
  }

  /** Remove the transaction folder (what was not landed is discarded). */
  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true, maxRetries: 2 }).catch(() => undefined);
  }

  exists(): boolean {
    return existsSync(this.dir);
  }
}

/**
 * Deletions first, then folders (shallower first, so a folder exists before what goes in it), then
 * files and links. Bucketed, not sorted: linear in the size of the change set.
 */
export async function landingOrder(changes: TxChange[]): Promise<TxChange[]> {
  const deletes: TxChange[] = [];
  const dirs: TxChange[][] = [];
  const rest: TxChange[] = [];
  await sliced(changes, (c) => {
    if (c.op === 'delete') deletes.push(c);
    else if (c.op === 'mkdir') {
      let depth = 0;
      for (let i = c.rel.indexOf('/'); i >= 0; i = c.rel.indexOf('/', i + 1)) depth++;
      (dirs[depth] ??= []).push(c);
    } else rest.push(c);
  });
  const out = deletes;
  for (const d of dirs) if (d) for (const c of d) out.push(c);
  for (const c of rest) out.push(c);
  return out;
}

/** Run `fn` over `items`, letting the event loop turn every few thousand (a large change set never holds the host). */
export async function sliced<T>(items: readonly T[], fn: (t: T) => void, every = 2000): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    if (i && i % every === 0) await new Promise((r) => setImmediate(r));
    fn(items[i]!);
  }
}
