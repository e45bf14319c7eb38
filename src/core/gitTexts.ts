/**
 * Runs one of git's text engines (`merge-file`, `diff --no-index`) over in-memory texts: each text
 * is written to a private temporary folder, git runs there in its own process (never on the
 * extension host's thread) with no user or system configuration, and the folder is removed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GitTextsResult {
  /** git's exit status. */
  code: number;
  stdout: string;
}

/**
 * `git <args(paths)>` where `paths` are the temporary files holding `texts`, in order. Undefined
 * when git cannot run here or exits with a status `accept` refuses (or a signal).
 */
export async function gitOverTexts(
  texts: string[],
  args: (paths: string[]) => string[],
  accept: (code: number) => boolean,
  signal?: AbortSignal,
): Promise<GitTextsResult | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'gemini-git-'));
  try {
    const paths = texts.map((_t, k) => join(dir, String(k)));
    await Promise.all(texts.map((t, k) => writeFile(paths[k]!, t)));
    return await new Promise<GitTextsResult | undefined>((resolve) => {
      execFile(
        'git',
        args(paths),
        {
          cwd: dir,
          maxBuffer: 1024 * 1024 * 1024,
          signal,
          // No configuration but ours: a user's merge.conflictStyle, diff drivers or pager change nothing.
          env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: process.platform === 'win32' ? 'NUL' : '/dev/null', GIT_TERMINAL_PROMPT: '0', GIT_EXTERNAL_DIFF: '' },
          windowsHide: true,
        },
        (err, stdout) => {
          const code: unknown = err ? (err as { code?: unknown }).code : 0;
          resolve(typeof code === 'number' && accept(code) ? { code, stdout } : undefined);
        },
      );
    });
  } catch {
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
