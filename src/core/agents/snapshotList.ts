/**
 * What a workspace snapshot lists and how it treats configuration that may hold a credential:
 * the packer's (`packWorker.ts`, for the snapshot and its plan alike), kept apart so that it
 * imports nothing that starts a thread (the packer's own source is bundled from it).
 */
import { constants } from 'node:fs';
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { safeGit as git, safeGitStream } from '../git/safeGit';
import { secretReason } from '../tools/paths';
import { redactConfig } from './credentialConfig';

async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (e.name === '.git' || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else out.push(relative(root, p).split(sep).join('/'));
    }
  }
  return out.sort();
}

/** NUL-separated names from a stream, a chunk's worth at a time (a name cut between chunks is joined). */
async function* nulSeparated(chunks: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<string[]> {
  let rest: Buffer | undefined;
  for await (const chunk of chunks) {
    const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    const names: string[] = [];
    let at = 0;
    for (let end = buf.indexOf(0, at); end >= 0; end = buf.indexOf(0, at)) {
      if (end > at) names.push(buf.toString('utf8', at, end));
      at = end + 1;
    }
    rest = at < buf.length ? Buffer.from(buf.subarray(at)) : undefined;
    if (names.length) yield names;
  }
  if (rest?.length) yield [rest.toString('utf8')];
}

/** The paths to send as they are listed, in batches; `stop` ends the listing early. */
export interface PathListing {
  usedGit: boolean;
  batches: AsyncIterable<string[]>;
  stop(): void;
}

/**
 * The files to send: git's view when the folder is a repository (tracked files as the index has
 * them, each once, then untracked files that are not ignored), else a walk. Git's two lists run at
 * once: the untracked one walks the tree (seconds on a monorepo) while the tracked one, read from
 * the index, is already being packed. Nothing is held but the untracked list while it waits.
 */
export async function listPaths(root: string): Promise<PathListing> {
  const inside = await git(root, ['rev-parse', '--is-inside-work-tree']);
  if (inside?.trim() !== 'true') {
    const all = await walk(root);
    return {
      usedGit: false,
      batches: (async function* () {
        for (let k = 0; k < all.length; k += 1024) yield all.slice(k, k + 1024);
      })(),
      stop: () => undefined,
    };
  }
  const prefix = (await git(root, ['rev-parse', '--show-prefix']))?.trim() ?? '';
  const cached = safeGitStream(root, ['ls-files', '-z', '--cached', '--full-name', '.']);
  const others = safeGitStream(root, ['ls-files', '-z', '--others', '--exclude-standard', '--full-name', '.']);
  const exited = (c: typeof cached) =>
    new Promise<number>((r) => {
      c.once('error', () => r(-1));
      c.once('close', (code) => r(code ?? -1));
    });
  const cachedExit = exited(cached);
  const othersExit = exited(others);
  const untracked: Buffer[] = [];
  others.stdout.on('data', (c: Buffer) => untracked.push(c));
  const strip = (names: string[]) => (prefix ? names.map((p) => (p.startsWith(prefix) ? p.slice(prefix.length) : p)) : names);
  async function* batches(): AsyncGenerator<string[]> {
    let last: string | undefined;
    for await (const names of nulSeparated(cached.stdout)) {
      // An unmerged path is in the index once per stage, one after another: sent once.
      const once = names.filter((p) => p !== last && ((last = p), true));
      yield strip(once);
    }
    if ((await cachedExit) !== 0) throw new Error('git could not list the tracked files');
    if ((await othersExit) !== 0) throw new Error('git could not list the untracked files');
    for await (const names of nulSeparated(untracked.splice(0))) yield strip(names);
  }
  return {
    usedGit: true,
    batches: batches(),
    stop: () => {
      cached.kill();
      others.kill();
    },
  };
}

/** Configuration files larger than this are not credentials files with some settings: left out whole if they hold one. */
const MAX_REDACTED_BYTES = 1024 * 1024;

/**
 * What is sent of a configuration file that may hold a credential, given its contents (undefined:
 * too large or unreadable as configuration): its text with the values removed, the file as it is
 * (nothing to remove), or nothing (a secret file that cannot be read as configuration).
 */
export function redaction(rel: string, data: Buffer | undefined): Buffer | 'as-is' | 'leave-out' {
  if (!data || data.length > MAX_REDACTED_BYTES) return secretReason(rel) ? 'leave-out' : 'as-is';
  const r = redactConfig(rel, data.toString('utf8'));
  return r.removed ? Buffer.from(r.text, 'utf8') : 'as-is';
}

const OPEN_NO_LINK = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * A configuration file as it is now (opened without following a link): its contents when it is
 * small enough to be configuration, its mode and time; undefined when it is not a regular file
 * (a link, gone: the packer says what it is).
 */
export async function readConfig(root: string, rel: string): Promise<{ data?: Buffer; mode: number; mtimeMs: number } | undefined> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(join(root, rel), OPEN_NO_LINK);
    const st = await fh.stat();
    if (!st.isFile()) return undefined;
    return { data: st.size <= MAX_REDACTED_BYTES ? await fh.readFile() : undefined, mode: st.mode, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  } finally {
    await fh?.close();
  }
}
