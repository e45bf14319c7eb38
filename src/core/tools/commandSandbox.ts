/**
 * The sandbox service of the workspace tools: probes once whether commands can be sandboxed (and
 * whether their writes can be a transaction), and prepares each command's sandbox: a copy-on-write
 * view of every workspace folder with its secret files and sockets masked at any depth, an empty
 * private HOME with the toolchains a build needs, package caches writable inside only, the
 * environment by allow-list, no network unless the user allowed it for that command.
 */
import { spawn } from 'node:child_process';
import { realpathSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { PreparedSandbox, SandboxPort } from '../ports';
import { SECRET_GLOBS, secretReason, within } from './paths';
import {
  boundSockets,
  CACHE_HOME_PATHS,
  detectSandbox,
  HIDDEN_HOME_PATHS,
  sandboxEnvironment,
  TOOLCHAIN_HOME_PATHS,
  type SandboxPolicy,
  type SandboxStatus,
  type ScratchLayer,
} from './sandbox';
import { Transaction } from './transaction';
import { l10n } from '../../shared/l10n';

export interface CommandSandboxOptions {
  /** The user's application-scoped switch (never a workspace setting). */
  enabled(): boolean;
  home: string;
  /** More paths to hide: the editor's user-data folder, this extension's storage. */
  hiddenExtra(): string[];
  /** Where transactions live (the extension's own storage; hidden from commands). */
  txBase: string;
  /** The user's additions (user settings only): folders below HOME to show read-only, environment variable names to pass. */
  additions?(): { homePaths: string[]; envNames: string[] };
  /** ripgrep, to find the workspace's secret files quickly (a bounded walk otherwise). */
  rgPath?: string;
  /** The Node binary the first stage runs after a command (to read which folders it replaced). */
  node?: string;
  detect?: () => Promise<SandboxStatus>;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
}

/** Inside a workspace folder: what stays read-only when writes cannot be a transaction. */
export const PROTECTED_IN_WORKSPACE = ['.git/hooks', '.git/config', '.git/info', '.vscode', '.husky', '.devcontainer', '.github'];

/** Folders never searched for secret files: git's own store only (dependencies are searched: a .env can hide in node_modules). */
const SKIP_DIRS = new Set(['.git']);
/** At most this many secret files are masked per folder (more: the rest is found by the next search). */
const MAX_SECRETS = 100_000;

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

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
    this.probed ??= (this.o.detect ?? (() => detectSandbox(process.platform, this.o.txBase)))();
    return this.probed;
  }

  async prepare(roots: string[], extra: { network: boolean; writable: string[] }): Promise<PreparedSandbox> {
    const status = await this.status();
    const env = this.o.env ?? process.env;
    const home = real(this.o.home);
    const add = this.o.additions?.() ?? { homePaths: [], envNames: [] };
    const realRoots = [...new Set(roots.map(real))].filter((r, k, all) => !all.some((o, j) => j !== k && o !== r && within(o, r)));
    // What a build needs from HOME, read-only; PATH entries wherever they are hidden.
    const visible = [
      ...TOOLCHAIN_HOME_PATHS.map((p) => join(home, p)),
      ...add.homePaths.filter((p) => !isAbsolute(p) && !p.split(/[\\/]/).includes('..')).map((p) => join(home, p)),
      ...(env.PATH ?? '').split(':').filter((p) => isAbsolute(p)),
    ].filter((p) => isDir(p) && !this.secretHomePath(home, p));
    const transactional = status.available && status.kind === 'bubblewrap' && status.transactional;
    const policy: SandboxPolicy = {
      roots: realRoots,
      writable: extra.writable,
      readOnly: realRoots.flatMap((r) => PROTECTED_IN_WORKSPACE.map((p) => join(r, p))),
      hidden: this.o.hiddenExtra(),
      network: extra.network,
      home,
      visible: [...new Set(visible)],
      scratch: [],
      private: [this.o.txBase],
      sockets: [],
      uid: process.getuid?.(),
      gid: process.getgid?.(),
    };
    if (!transactional) {
      for (const r of realRoots) policy.hidden.push(...(await this.secretFiles(r)));
      return { policy, env: this.environment(env, home, extra.network, add.envNames) };
    }
    const sockets = boundSockets();
    const masks = new Map<string, string[]>();
    for (const r of realRoots) masks.set(r, [...(await this.secretFiles(r)), ...sockets.filter((s) => within(r, s))]);
    const tx = await Transaction.create(this.o.txBase, realRoots, masks);
    policy.overlays = tx.layers;
    policy.sockets = sockets.filter((s) => !realRoots.some((r) => within(r, s)));
    policy.post = tx.postStep(this.o.node ?? process.execPath);
    policy.scratch = CACHE_HOME_PATHS.map((p) => join(home, p))
      .filter(isDir)
      .map((path, k): ScratchLayer => ({ path, upper: join(tx.dir, `cu${k}`), work: join(tx.dir, `cw${k}`), merged: join(tx.dir, `cm${k}`) }));
    await tx.prepareScratch(policy.scratch);
    return { policy, env: this.environment(env, home, extra.network, add.envNames), transaction: tx };
  }

  private environment(from: NodeJS.ProcessEnv, home: string, network: boolean, extraNames: string[]): Record<string, string> {
    return { ...sandboxEnvironment(from, { network, extraNames }), HOME: home };
  }

  /** A PATH entry or addition that is itself a secret place of HOME (never shown). */
  private secretHomePath(home: string, p: string): boolean {
    const r = real(p);
    return HIDDEN_HOME_PATHS.some((h) => {
      const hp = join(home, h);
      return within(hp, r) && !TOOLCHAIN_HOME_PATHS.some((t) => within(join(home, t), r));
    });
  }

  /** The secret files of a folder, at any depth (cached for a few seconds: one search per burst of commands). */
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
    const args = ['--files', '--hidden', '--no-ignore', '--no-require-git', '--no-config', '--glob', '!**/.git/**', ...globs.flatMap((g) => ['--iglob', `**/${g}`]), root];
    return new Promise((resolve, reject) => {
      const child = spawn(this.o.rgPath!, args, { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        out += d;
        if (out.length > 64_000_000) child.kill();
      });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 || code === 1 ? resolve(out.split('\n').filter(Boolean).slice(0, MAX_SECRETS)) : reject(new Error(`rg exited ${code}`))));
    });
  }

  private async walkSecrets(root: string): Promise<string[]> {
    const out: string[] = [];
    const stack = [root];
    let seen = 0;
    while (stack.length && seen < 2_000_000 && out.length < MAX_SECRETS) {
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
