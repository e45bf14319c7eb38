import { isAbsolute, resolve as resolvePath } from 'node:path';
import { sandboxFailureHint } from '../sandbox';
import { classifyCommand } from '../shell';
import { ToolError, type ToolDefinition } from '../types';

interface Args {
  command: string;
  cwd?: string;
  timeout_seconds?: number;
  network?: boolean;
  writable_paths?: string[];
  sandbox?: boolean;
}

export const runCommand: ToolDefinition<Args> = {
  name: 'run_command',
  kind: 'run',
  description:
    'Run a bash command line in a workspace folder and return its exit code and output (stdout and stderr, capped). ' +
    'Commands run in an OS sandbox: the workspace folders are writable, everything else is read-only, secret files and folders are hidden, and there is no network. ' +
    'Read-only commands (ls, cat, grep, rg, git status/diff/log/show, …) and build/test commands (npm test, make, cargo test, pytest, …) run there without asking; others ask the user first. ' +
    'Non-interactive: stdin is closed. Commands have a timeout. Prefer short, specific commands (e.g. run one test file). ' +
    'If a command fails because of the sandbox, call it again asking for exactly what it needs: "network": true, "writable_paths" for folders outside the workspace, or "sandbox": false; the user is asked each time.',
  parameters: {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'The command line (bash).' },
      cwd: { type: 'string', description: 'Working directory relative to the workspace root (default: the workspace root).' },
      timeout_seconds: { type: 'integer', minimum: 1, maximum: 3600, description: 'Stop the command after this many seconds (default from the user settings).' },
      network: { type: 'boolean', description: 'Ask the user to allow network access for this command (default false).' },
      writable_paths: { type: 'array', items: { type: 'string' }, description: 'Absolute paths outside the workspace the command must write to (the user is asked).' },
      sandbox: { type: 'boolean', description: 'false asks the user to run this command outside the OS sandbox (only when the sandbox itself prevents the task).' },
    },
    required: ['command'],
  },
  async run(args, ctx) {
    if (!args.command.trim()) throw new ToolError('"command" is empty.');
    const dir = await ctx.paths.resolve(args.cwd || '.');
    if (!dir.exists) throw new ToolError(`The working directory ${dir.display} does not exist.`);
    const roots = (await ctx.paths.rootPaths()).map((r) => r.real);
    const status = ctx.sandbox ? await ctx.sandbox.status() : { available: false as const, reason: 'no sandbox is configured', howTo: '' };
    const wantsOut = args.sandbox === false;
    const sandboxed = status.available && !wantsOut;
    const escalations: string[] = [];
    if (sandboxed && args.network) escalations.push('network access');
    const writable: string[] = [];
    for (const w of args.writable_paths ?? []) {
      if (typeof w !== 'string' || !isAbsolute(w)) throw new ToolError(`"writable_paths" must hold absolute paths; got ${JSON.stringify(w)}.`);
      const abs = resolvePath(w);
      if (abs === '/' || abs.split('/').filter(Boolean).length < 2) throw new ToolError(`"${w}" is too broad to make writable.`);
      writable.push(abs);
    }
    if (sandboxed && writable.length) escalations.push(`write access to ${writable.map((w) => `“${w}”`).join(', ')}`);
    if (status.available && wantsOut) escalations.push('running without the OS sandbox (no protection for your files, secrets or network)');
    const noSandboxNote = status.available ? undefined : `There is no OS sandbox: ${status.reason}. ${status.howTo}`.trim();
    const c = await classifyCommand(args.command, ctx.settings.commandPolicy, {
      cwd: dir.abs,
      roots,
      sandboxed,
      noSandboxReason: noSandboxNote ? `${noSandboxNote} Every command asks.` : undefined,
    });
    const gate = await ctx.approvals.command(
      ctx.callId,
      args.command,
      dir.display || 'the workspace root',
      c,
      { sandboxed, escalations, note: sandboxed ? undefined : noSandboxNote },
      ctx.signal,
    );
    if (!gate.run) throw new ToolError(gate.reason);
    if (gate.reason) ctx.note(gate.reason);
    const timeoutMs = Math.min((args.timeout_seconds ?? ctx.settings.commandTimeoutMs / 1000) * 1000, ctx.settings.commandTimeoutMs * 10);
    const policy = sandboxed && ctx.sandbox && status.available ? await ctx.sandbox.policy(roots, { network: args.network === true, writable }) : undefined;
    const mirror = ctx.terminal?.start(args.command, dir.abs);
    const result = await ctx.process.run(args.command, {
      cwd: dir.abs,
      timeoutMs,
      maxOutputBytes: ctx.settings.maxCommandOutputBytes,
      limitBytes: ctx.settings.commandOutputLimitBytes,
      signal: ctx.signal,
      onOutput: (t) => {
        ctx.output(t);
        mirror?.write(t);
      },
      sandbox: policy && status.available ? { status, policy } : undefined,
    });
    mirror?.end(result);
    const secs = (result.durationMs / 1000).toFixed(1);
    const where = policy ? `in the sandbox${policy.network ? ' (with network)' : ''}` : 'without the sandbox';
    const out = result.output.trim() ? `\nOutput${result.truncated ? ' (truncated: the middle was cut)' : ''}:\n${result.output}` : '\n(no output)';
    const hint = policy && (result.exitCode ?? 1) !== 0 ? sandboxFailureHint(result.output, policy) : undefined;
    const tail = hint ? `\n${hint}` : '';
    if (result.timedOut) {
      return {
        text: `The command was stopped after ${Math.round(timeoutMs / 1000)} s (timeout), with every process it started; it may wait for input or run forever. Ran ${where}.${out}${tail}`,
        isError: true,
        summary: `Stopped by timeout after ${secs} s`,
      };
    }
    if (result.killed) return { text: `The command was stopped by the user.${out}`, isError: true, summary: 'Stopped' };
    return {
      text: `Exit code ${result.exitCode ?? `signal ${result.signal}`} after ${secs} s (ran ${where}).${out}${tail}`,
      summary: `Exit code ${result.exitCode ?? result.signal} after ${secs} s${policy ? ' · sandboxed' : ''}`,
    };
  },
};
