/**
 * The workspace snapshot sent to a remote agent: every tracked file as it is on disk
 * (uncommitted changes included) plus untracked files that are not ignored, read with
 * `git ls-files` (read-only: the branch and the index are never touched). Without git, the
 * folder is walked (skipping .git and node_modules). Symlinks that leave the folder are skipped,
 * and a size limit gives a clear message naming the largest files.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink, realpath } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { formatBytes } from '../attachments';
import { secretReason } from '../tools/paths';
import { writeTar, type TarEntry } from './tar';

export interface SnapshotFile {
  path: string;
  size: number;
  sha256: string;
  mode: number;
  mtimeMs: number;
  symlink?: string;
}

export interface WorkspaceSnapshot {
  root: string;
  files: SnapshotFile[];
  skipped: Array<{ path: string; reason: string }>;
  /** Secret files (.env*, keys, credentials) left out because the user did not include them. */
  secrets: string[];
  bytes: number;
  tar: Uint8Array;
  usedGit: boolean;
}

export class SnapshotTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    readonly limit: number,
    largest: Array<{ path: string; size: number }>,
  ) {
    super(
      `The workspace snapshot would be ${formatBytes(bytes)} (the limit is ${formatBytes(limit)}, setting “gemini.agents.maxSnapshotMB”). ` +
        `Largest files: ${largest.map((f) => `${f.path} (${formatBytes(f.size)})`).join(', ')}. Add large generated files to .gitignore, or raise the limit.`,
    );
    this.name = 'SnapshotTooLargeError';
  }
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Configuration a repository could use to run its own code when git only lists files
 * (`core.fsmonitor` runs a hook on `ls-files --others`): overridden on the command line, which
 * wins over every config file.
 */
export const SAFE_GIT_CONFIG = [
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.untrackedCache=false',
  '-c',
  'core.sshCommand=false',
  '-c',
  'core.askPass=',
  '-c',
  'credential.helper=',
  '-c',
  'diff.external=',
  '-c',
  'core.pager=cat',
];

function git(root: string, args: string[]): Promise<string | undefined> {
  return new Promise((res) => {
    execFile(
      'git',
      [...SAFE_GIT_CONFIG, '-C', root, ...args],
      { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_EXTERNAL_DIFF: '' } },
      (err, stdout) => res(err ? undefined : stdout),
    );
  });
}

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

/** List the files to send: git's view when the folder is a repository, else a walk. */
export async function listSnapshotFiles(root: string): Promise<{ paths: string[]; usedGit: boolean }> {
  const inside = await git(root, ['rev-parse', '--is-inside-work-tree']);
  if (inside?.trim() === 'true') {
    const out = await git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--full-name', '.']);
    const prefix = (await git(root, ['rev-parse', '--show-prefix']))?.trim() ?? '';
    if (out !== undefined) {
      const paths = [
        ...new Set(
          out
            .split('\0')
            .filter(Boolean)
            .map((p) => (prefix && p.startsWith(prefix) ? p.slice(prefix.length) : p)),
        ),
      ].sort();
      return { paths, usedGit: true };
    }
  }
  return { paths: await walk(root), usedGit: false };
}

/** What a snapshot would hold (no file is read): the files, their total size, the secrets left out. */
export async function planSnapshot(rootIn: string): Promise<{ files: string[]; secrets: string[]; bytes: number }> {
  const root = await realpath(rootIn);
  const { paths } = await listSnapshotFiles(root);
  const files: string[] = [];
  const secrets: string[] = [];
  let bytes = 0;
  for (const rel of paths) {
    if (secretReason(rel)) {
      secrets.push(rel);
      continue;
    }
    const st = await lstat(join(root, rel)).catch(() => undefined);
    if (!st) continue;
    files.push(rel);
    if (st.isFile()) bytes += st.size;
  }
  return { files, secrets, bytes };
}

export async function buildSnapshot(rootIn: string, opts: { maxBytes: number; includeSecrets?: boolean }): Promise<WorkspaceSnapshot> {
  const root = await realpath(rootIn);
  const { paths, usedGit } = await listSnapshotFiles(root);
  const secrets: string[] = [];
  const files: SnapshotFile[] = [];
  const skipped: Array<{ path: string; reason: string }> = [];
  const entries: TarEntry[] = [];
  let bytes = 0;
  const sizes: Array<{ path: string; size: number }> = [];
  for (const rel of paths) {
    if (!opts.includeSecrets && secretReason(rel)) {
      secrets.push(rel);
      continue;
    }
    const abs = join(root, rel);
    const st = await lstat(abs).catch(() => undefined);
    if (!st) continue; // deleted in the working tree: the agent sees it deleted too
    if (st.isSymbolicLink()) {
      const target = await readlink(abs);
      const resolvedTarget = await realpath(abs).catch(() => resolve(join(abs, '..'), target));
      const inside = resolvedTarget === root || resolvedTarget.startsWith(root + sep);
      if (!inside) {
        skipped.push({ path: rel, reason: 'symbolic link to a place outside the workspace' });
        continue;
      }
      files.push({ path: rel, size: 0, sha256: sha256(new TextEncoder().encode(`link:${target}`)), mode: st.mode, mtimeMs: st.mtimeMs, symlink: target });
      entries.push({ path: rel, type: 'symlink', linkTarget: target, mtime: Math.floor(st.mtimeMs / 1000) });
      continue;
    }
    if (!st.isFile()) {
      skipped.push({ path: rel, reason: st.isDirectory() ? 'a nested repository or folder entry' : 'not a regular file' });
      continue;
    }
    bytes += st.size;
    sizes.push({ path: rel, size: st.size });
    if (bytes > opts.maxBytes) continue; // keep counting for the message
    const data = await readFile(abs);
    files.push({ path: rel, size: data.length, sha256: sha256(data), mode: st.mode, mtimeMs: st.mtimeMs });
    entries.push({ path: rel, type: 'file', data, mode: st.mode & 0o777, mtime: Math.floor(st.mtimeMs / 1000) });
  }
  if (bytes > opts.maxBytes) throw new SnapshotTooLargeError(bytes, opts.maxBytes, sizes.sort((a, b) => b.size - a.size).slice(0, 3));
  return { root, files, skipped, secrets, bytes, tar: writeTar(entries), usedGit };
}
