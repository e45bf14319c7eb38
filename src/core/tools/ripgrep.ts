/**
 * File listing and text search with the ripgrep that ships with VS Code (respects .gitignore);
 * the user's files.exclude / search.exclude globs are passed as negated globs. Falls back to a
 * plain directory walk when no ripgrep binary is found.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { SearchPort } from '../ports';
import { SECRET_GLOBS, secretReason } from './paths';

/** Secret files are never searched (their lines would go to the model unasked). */
const NO_SECRETS = SECRET_GLOBS.filter((g) => !g.startsWith('!')).flatMap((g) => ['--glob', `!${g}`]);

function isSecret(roots: string[], file: string): boolean {
  const root = roots.find((r) => file === r || file.startsWith(r + sep));
  return !!secretReason(root ? relative(root, file).split(sep).join('/') : file);
}

export class RipgrepSearch implements SearchPort {
  constructor(
    private readonly rgPath: string | undefined,
    private readonly excludes: () => string[] = () => [],
  ) {}

  private rg(args: string[], signal: AbortSignal, onLine: (line: string) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.rgPath!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let buf = '';
      let stopped = false;
      let err = '';
      const stop = () => {
        stopped = true;
        child.kill();
      };
      signal.addEventListener('abort', stop, { once: true });
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        if (stopped) return;
        buf += d;
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!onLine(line)) {
            stop();
            break;
          }
          nl = buf.indexOf('\n');
        }
      });
      child.stderr.on('data', (d) => (err += String(d)));
      child.on('error', reject);
      child.on('close', (code) => {
        signal.removeEventListener('abort', stop);
        if (buf && !stopped) onLine(buf);
        // 0: matches, 1: no match, 2: some files unreadable (still results).
        if (stopped || code === 0 || code === 1 || code === 2) resolve();
        else reject(new Error(err.trim() || `ripgrep exited with ${code}`));
      });
    });
  }

  private excludeArgs(): string[] {
    return this.excludes().flatMap((g) => ['--glob', `!${g}`]);
  }

  async files(roots: string[], glob: string | undefined, max: number, signal: AbortSignal): Promise<{ files: string[]; truncated: boolean }> {
    if (!this.rgPath) return this.walkFiles(roots, glob, max);
    const files: string[] = [];
    let truncated = false;
    const args = ['--files', '--hidden', '--no-require-git', '--glob', '!.git', ...this.excludeArgs(), ...(glob ? ['--glob', glob] : []), ...roots];
    await this.rg(args, signal, (line) => {
      if (!line) return true;
      if (files.length >= max) {
        truncated = true;
        return false;
      }
      files.push(line);
      return true;
    });
    return { files: files.sort(), truncated };
  }

  async text(roots: string[], query: string, o: { regex: boolean; caseSensitive: boolean; glob?: string; maxResults: number }, signal: AbortSignal) {
    if (!this.rgPath) return this.walkText(roots, query, o);
    const matches: Array<{ path: string; line: number; text: string }> = [];
    let total = 0;
    const args = [
      '--json',
      '--hidden',
      '--no-require-git',
      '--glob',
      '!.git',
      ...NO_SECRETS,
      ...this.excludeArgs(),
      ...(o.glob ? ['--glob', o.glob] : []),
      o.caseSensitive ? '--case-sensitive' : '--smart-case',
      ...(o.regex ? [] : ['--fixed-strings']),
      '--max-columns',
      '1000',
      '-e',
      query,
      ...roots,
    ];
    await this.rg(args, signal, (line) => {
      if (!line.startsWith('{"type":"match"')) return true;
      const m = JSON.parse(line) as { data: { path: { text?: string }; line_number: number; lines: { text?: string }; submatches: unknown[] } };
      if (isSecret(roots, m.data.path.text ?? '')) return true;
      total += Math.max(1, m.data.submatches.length);
      if (matches.length < o.maxResults) matches.push({ path: m.data.path.text ?? '', line: m.data.line_number, text: (m.data.lines.text ?? '').replace(/\r?\n$/, '') });
      return total < 100_000;
    });
    return { matches, total, truncated: total > matches.length };
  }

  // ---------------------------------------------------------------- fallback without ripgrep

  private async walk(root: string, out: string[], limit: number): Promise<void> {
    const stack = [root];
    while (stack.length && out.length < limit) {
      const dir = stack.pop()!;
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (e.name === '.git' || e.name === 'node_modules') continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) stack.push(p);
        else if (e.isFile()) out.push(p);
      }
    }
  }

  private globToRegex(glob: string): RegExp {
    let re = '';
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i]!;
      if (c === '*' && glob[i + 1] === '*') {
        re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += glob[i + 2] === '/' ? 2 : 1;
      } else if (c === '*') re += '[^/]*';
      else if (c === '?') re += '[^/]';
      else re += /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
    }
    return new RegExp(glob.includes('/') ? `^${re}$` : `(^|/)${re}$`);
  }

  private async walkFiles(roots: string[], glob: string | undefined, max: number) {
    const all: string[] = [];
    for (const r of roots) await this.walk(r, all, 50_000);
    const re = glob ? this.globToRegex(glob) : undefined;
    const hit = all
      .filter(
        (f) =>
          !re ||
          re.test(
            relative(
              roots.find((r) => f.startsWith(r))!,
              f,
            )
              .split(sep)
              .join('/'),
          ),
      )
      .sort();
    return { files: hit.slice(0, max), truncated: hit.length > max };
  }

  private async walkText(roots: string[], query: string, o: { regex: boolean; caseSensitive: boolean; glob?: string; maxResults: number }) {
    const { files } = await this.walkFiles(roots, o.glob, 50_000);
    const re = new RegExp(o.regex ? query : query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), o.caseSensitive ? 'g' : 'gi');
    const matches: Array<{ path: string; line: number; text: string }> = [];
    let total = 0;
    for (const f of files) {
      if (isSecret(roots, f)) continue;
      const text = await readFile(f, 'utf8').catch(() => '');
      if (text.includes('\u0000')) continue;
      text.split('\n').forEach((l, k) => {
        re.lastIndex = 0;
        const n = (l.match(re) ?? []).length;
        if (!n) return;
        total += n;
        if (matches.length < o.maxResults) matches.push({ path: f, line: k + 1, text: l });
      });
    }
    return { matches, total, truncated: total > matches.length };
  }
}
