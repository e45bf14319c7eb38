/**
 * The sandbox service of the workspace tools: probes once whether commands can be sandboxed,
 * and builds each command's policy: the workspace folders writable (minus what steers git and
 * the editor), secret folders of $HOME, the editor's own data and the workspace's secret files
 * hidden, no network unless the user allowed it for that command.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { SandboxPort } from '../ports';
import { SECRET_GLOBS, secretReason } from './paths';
import { detectSandbox, HIDDEN_HOME_PATHS, HIDDEN_SYSTEM_PATHS, PROTECTED_IN_WORKSPACE, type SandboxPolicy, type SandboxStatus } from './sandbox';
import { l10n } from '../../shared/l10n';

export interface CommandSandboxOptions {
  /** The user's application-scoped switch (never a workspace setting). */
  enabled(): boolean;
  home: string;
  /** More paths to hide: the editor's user-data folder, this extension's storage. */
  hiddenExtra(): string[];
  /** ripgrep, to find the workspace's secret files quickly (a bounded walk otherwise). */
  rgPath?: string;
  detect?: () => Promise<SandboxStatus>;
  now?: () => number;
}

/** Folders never searched for secret files (dependencies and build output). */
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', 'build', 'target', '.venv', 'venv', '__pycache__', '.next', '.cache']);

export class CommandSandbox implements SandboxPort {
  private probed: Promise<SandboxStatus> | undefined;
  private secrets = new Map<string, { at: number; files: string[] }>();

  constructor(private readonly o: CommandSandboxOptions) {}

  status(): Promise<SandboxStatus> {
    if (!this.o.enabled()) {
      return Promise.resolve({
        available: false,
        reason: 'the sandbox is turned off in your settings (gemini.tools.sandbox.enabled)',
        howTo: l10n.t('Turn the setting back on to let read-only and build commands run without asking.'),
      });
    }
    this.probed ??= (this.o.detect ?? detectSandbox)();
    return this.probed;
  }

  async policy(roots: string[], extra: { network: boolean; writable: string[] }): Promise<SandboxPolicy> {
    const hidden = [...HIDDEN_HOME_PATHS.map((p) => join(this.o.home, p)), ...HIDDEN_SYSTEM_PATHS, ...this.o.hiddenExtra()];
    for (const r of roots) hidden.push(...(await this.secretFiles(r)));
    const readOnly = roots.flatMap((r) => PROTECTED_IN_WORKSPACE.map((p) => join(r, p)));
    return { writable: [...roots, ...extra.writable], readOnly, hidden, network: extra.network };
  }

  /** The secret files of a folder (cached for a few seconds: one search per burst of commands). */
  async secretFiles(root: string): Promise<string[]> {
    const now = (this.o.now ?? Date.now)();
    const hit = this.secrets.get(root);
    if (hit && now - hit.at < 5000) return hit.files;
    const found = this.o.rgPath ? await this.rgSecrets(root).catch(() => this.walkSecrets(root)) : await this.walkSecrets(root);
    const files = found.filter((f) => secretReason(relative(root, f).split(sep).join('/')));
    this.secrets.set(root, { at: now, files });
    return files;
  }

  private rgSecrets(root: string): Promise<string[]> {
    const globs = SECRET_GLOBS.filter((g) => !g.startsWith('!'));
    const args = [
      '--files',
      '--hidden',
      '--no-ignore',
      '--no-require-git',
      '--no-config',
      ...[...SKIP_DIRS].flatMap((d) => ['--glob', `!**/${d}/**`]),
      ...globs.flatMap((g) => ['--iglob', g.includes('/') ? `**/${g}` : `**/${g}`]),
      root,
    ];
    return new Promise((resolve, reject) => {
      const child = spawn(this.o.rgPath!, args, { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        out += d;
        if (out.length > 2_000_000) child.kill();
      });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 || code === 1 ? resolve(out.split('\n').filter(Boolean).slice(0, 5000)) : reject(new Error(`rg exited ${code}`))));
    });
  }

  private async walkSecrets(root: string): Promise<string[]> {
    const out: string[] = [];
    const stack = [root];
    let seen = 0;
    while (stack.length && seen < 200_000 && out.length < 5000) {
      const dir = stack.pop()!;
      for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        seen++;
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (SKIP_DIRS.has(e.name)) continue;
          if (secretReason(`${relative(root, p).split(sep).join('/')}/`)) out.push(p);
          else stack.push(p);
        } else if (secretReason(relative(root, p).split(sep).join('/'))) out.push(p);
      }
    }
    return out;
  }
}
