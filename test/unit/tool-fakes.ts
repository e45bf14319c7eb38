/** In-memory / temp-dir fakes of the ports the workspace tools use. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { ApprovalRequest, ToolActivity } from '../../src/shared/protocol';
import {
  VersionConflictError,
  type ActivityPort,
  type ApprovalDecision,
  type ApprovalPort,
  type DocumentsPort,
  type GitPort,
  type LanguagePort,
  type LiveDocument,
} from '../../src/core/ports';
import { PathResolver } from '../../src/core/tools/paths';
import { ChildProcessRunner } from '../../src/core/tools/process';
import { CommandSandbox } from '../../src/core/tools/commandSandbox';
import type { SandboxStatus } from '../../src/core/tools/sandbox';
import { WorkspaceToolRunner, type ToolEnvironment } from '../../src/core/tools/registry';
import { RipgrepSearch } from '../../src/core/tools/ripgrep';
import { DEFAULT_COMMAND_POLICY } from '../../src/core/tools/shell';
import type { ToolSettings } from '../../src/core/tools/types';

/** Files on disk plus simulated editor buffers (versions, unsaved changes). */
export class FakeDocs implements DocumentsPort {
  readonly open = new Map<string, { text: string; version: number; dirty: boolean }>();
  async read(abs: string): Promise<LiveDocument | undefined> {
    const ed = this.open.get(abs);
    if (ed) return { ...ed, open: true };
    if (!existsSync(abs)) return undefined;
    if (statSync(abs).isDirectory()) throw new Error('it is a directory');
    const bytes = readFileSync(abs);
    const binary = bytes.subarray(0, 8000).includes(0);
    return { text: binary ? '' : bytes.toString('utf8'), version: 0, dirty: false, open: false, binary };
  }
  async write(abs: string, text: string, expected: number): Promise<{ saved: boolean }> {
    const ed = this.open.get(abs);
    if (ed) {
      if (ed.version !== expected) throw new VersionConflictError(abs);
      ed.text = text;
      ed.version++;
      if (ed.dirty) return { saved: false };
    }
    writeFileSync(abs, text);
    return { saved: true };
  }
  async create(abs: string, text: string): Promise<void> {
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text, { flag: 'wx' });
  }
  async delete(abs: string): Promise<void> {
    unlinkSync(abs);
  }
}

export class FakeApprovals implements ApprovalPort {
  readonly requests: ApprovalRequest[] = [];
  constructor(public decisions: ApprovalDecision[] = []) {}
  async ask(_callId: string, request: ApprovalRequest): Promise<ApprovalDecision> {
    this.requests.push(request);
    return this.decisions.shift() ?? 'reject';
  }
}

export class FakeActivity implements ActivityPort {
  readonly updates: ToolActivity[] = [];
  readonly outputs: string[] = [];
  update(a: ToolActivity): void {
    this.updates.push(a);
  }
  output(_id: string, text: string): void {
    this.outputs.push(text);
  }
}

export const fakeLanguage: LanguagePort = {
  async diagnostics() {
    return [
      { path: '', line: 3, column: 7, endLine: 3, endColumn: 12, severity: 'error', message: "Type 'string' is not assignable to type 'number'.", source: 'ts', code: '2322' },
    ];
  },
  async openEditors() {
    return [];
  },
  async documentSymbols() {
    return [{ name: 'greet', kind: 'Function', path: '', line: 1, endLine: 4 }];
  },
  async workspaceSymbols() {
    return [];
  },
  async definition() {
    return [];
  },
  async references() {
    return [];
  },
};

export const noGit: GitPort = {
  async available() {
    return false;
  },
  async status() {
    return [];
  },
  async diff() {
    return '';
  },
};

/**
 * The ripgrep that ships with VS Code, from the workbench cache (`npm test` passes its folder and
 * prepares it first; then a missing binary is an error, not a skip).
 */
export function findRipgrep(): string | undefined {
  const workbench = process.env.GEMINI_TEST_WORKBENCH || join(process.env.HOME ?? '', '.cache/gemini-interactions-e2e/code-server-4.139.1-node-24.21.0');
  const base = join(workbench, 'cs/node_modules/code-server/lib/vscode/node_modules/@vscode');
  for (const p of [join(base, `ripgrep-universal/bin/linux-${process.arch}/rg`), join(base, 'ripgrep/bin/rg')]) if (existsSync(p)) return p;
  if (process.env.GEMINI_REQUIRE_RIPGREP) throw new Error(`VS Code's ripgrep is not in the prepared workbench (${base})`);
  return undefined;
}

export const SETTINGS: ToolSettings = {
  autoApproveEdits: false,
  commandPolicy: DEFAULT_COMMAND_POLICY,
  commandTimeoutMs: 30_000,
  maxCommandOutputBytes: 64 * 1024,
  commandOutputLimitBytes: 2 * 1024 * 1024,
  maxReadBytes: 100_000,
  maxReadLines: 2000,
};

export interface Sandbox {
  /** The temporary folder (the workspace, a fake home and anything outside live below it). */
  root: string;
  ws: string;
  docs: FakeDocs;
  approvals: FakeApprovals;
  activity: FakeActivity;
  env: ToolEnvironment;
  runner(): WorkspaceToolRunner;
  file(rel: string, content: string | Buffer): string;
  read(rel: string): string;
}

/**
 * A temporary workspace with every tool port. Commands run in the real OS sandbox (bubblewrap)
 * unless `os: false`, or with a given status (e.g. unavailable). `home` is the $HOME the sandbox
 * hides secrets of (a fake one by default).
 */
export function sandbox(
  files: Record<string, string | Buffer> = {},
  opts: { settings?: Partial<ToolSettings>; rg?: boolean; folders?: string[]; os?: false | SandboxStatus; home?: string; workspace?: string } = {},
): Sandbox {
  // `workspace`: an existing folder (a benchmark's generated tree) instead of a new one.
  const root = opts.workspace ? dirname(realpathSync(opts.workspace)) : realpathSync(mkdtempSync(join(tmpdir(), 'tools-')));
  const names = opts.workspace ? [basename(opts.workspace)] : (opts.folders ?? ['ws']);
  for (const n of names) mkdirSync(join(root, n), { recursive: true });
  const ws = join(root, names[0]!);
  const file = (rel: string, content: string | Buffer) => {
    const p = join(ws, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    return p;
  };
  for (const [rel, content] of Object.entries(files)) file(rel, content);
  const docs = new FakeDocs();
  const approvals = new FakeApprovals();
  const activity = new FakeActivity();
  const env: ToolEnvironment = {
    paths: new PathResolver(() => names.map((n) => ({ name: n, path: join(root, n) }))),
    docs,
    language: fakeLanguage,
    git: noGit,
    search: new RipgrepSearch(opts.rg ? findRipgrep() : undefined),
    process: new ChildProcessRunner(),
    sandbox:
      opts.os === false
        ? undefined
        : new CommandSandbox({
            enabled: () => true,
            home: opts.home ?? join(root, 'home'),
            hiddenExtra: () => [],
            txBase: join(root, 'tx'),
            rgPath: findRipgrep(),
            detect: opts.os ? async () => opts.os as SandboxStatus : undefined,
          }),
    approvals,
    activity,
    settings: { ...SETTINGS, ...opts.settings },
    undoBackups: join(root, 'undo-blobs'),
  };
  return { root, ws, docs, approvals, activity, env, runner: () => new WorkspaceToolRunner(env), file, read: (rel) => readFileSync(join(ws, rel), 'utf8') };
}

/** Run one call and return the text and error flag. */
export async function call(
  s: Sandbox,
  name: string,
  args: Record<string, unknown>,
  runner = s.runner(),
  signal = new AbortController().signal,
): Promise<{ text: string; isError: boolean }> {
  const [out] = await runner.run([{ id: `c_${Math.random().toString(36).slice(2, 7)}`, name, arguments: args }], { signal });
  const r = out!.result;
  const text = typeof r === 'string' ? r : Array.isArray(r) ? r.map((c) => (c as { text?: string }).text ?? '').join('') : JSON.stringify(r);
  return { text, isError: out!.isError };
}
