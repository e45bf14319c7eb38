/**
 * git as the extension runs it on the user's behalf: configuration a repository could use to run
 * its own code when git only lists or reads (`core.fsmonitor` runs a hook on `ls-files --others`,
 * hooks, ssh, askpass, credential helpers, external diff, pagers) is overridden on the command
 * line, which wins over every config file.
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

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

/** Run git with SAFE_GIT_CONFIG in `root`; stdout, or undefined when it failed or is missing. */
export function safeGit(root: string, args: string[], opts: { signal?: AbortSignal } = {}): Promise<string | undefined> {
  return new Promise((res) => {
    execFile('git', [...SAFE_GIT_CONFIG, '-C', root, ...args], { maxBuffer: 256 * 1024 * 1024, signal: opts.signal, env: gitEnv() }, (err, stdout) =>
      res(err ? undefined : stdout),
    );
  });
}

/** The environment every git call gets: no optional locks, no prompts, no external diff. */
export function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_EXTERNAL_DIFF: '' };
}

/** git as `safeGit` runs it, with its output as a stream (a monorepo's file list is never held whole). */
export function safeGitStream(root: string, args: string[]): ChildProcessByStdio<null, Readable, null> {
  return spawn('git', [...SAFE_GIT_CONFIG, '-C', root, ...args], { stdio: ['ignore', 'pipe', 'ignore'], env: gitEnv() });
}
