import { isAbsolute, resolve as resolvePath } from 'node:path';
import type { CommandResult } from '../../ports';
import { changeLine, changeReason, changesDiff, countsOf, decide } from '../admission';
import { CoalescedOutput } from '../coalesce';
import { maskUrlCredentials } from '../redactUrls';
import { sandboxFailureHint } from '../sandbox';
import { classifyCommand } from '../shell';
import type { Transaction, TxChange } from '../transaction';
import { ToolError, type ToolContext, type ToolDefinition } from '../types';

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
    'Commands run in an OS sandbox on a copy of the workspace: when the command ends, ordinary files it wrote land in the workspace at once, while files that other programs run or load (git internals, editor/CI/agent configuration, manifests, build files, env files, shims) wait for the user; the result says which. ' +
    'Outside the workspace everything is read-only, HOME is an empty private folder with the toolchains, secret files are hidden, and there is no network. ' +
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
    // Without a transaction the sandbox still holds what the command sees, but its writes land as they happen: every command asks.
    const transactional = sandboxed && status.transactional;
    const escalations: string[] = [];
    if (sandboxed && args.network) escalations.push('network access (services on this machine, such as local databases and dev servers, are reachable too)');
    const writable: string[] = [];
    for (const w of args.writable_paths ?? []) {
      if (typeof w !== 'string' || !isAbsolute(w)) throw new ToolError(`"writable_paths" must hold absolute paths; got ${JSON.stringify(w)}.`);
      const abs = resolvePath(w);
      if (abs === '/' || abs.split('/').filter(Boolean).length < 2) throw new ToolError(`"${w}" is too broad to make writable.`);
      writable.push(abs);
    }
    if (sandboxed && writable.length)
      escalations.push(`write access to ${writable.map((w) => `“${w}”`).join(', ')}, outside the workspace, directly (not reviewed before it lands)`);
    if (status.available && wantsOut) escalations.push('running without the OS sandbox (no protection for your files, secrets or network)');
    const noSandboxNote = status.available
      ? sandboxed && !transactional
        ? `The sandbox cannot hold this command's writes for review here (${status.why ?? 'no copy-on-write'}), so they land as they happen.`
        : undefined
      : `There is no OS sandbox: ${status.reason}. ${status.howTo}`.trim();
    const c = await classifyCommand(args.command, ctx.settings.commandPolicy, {
      cwd: dir.abs,
      roots,
      sandboxed: transactional,
      noSandboxReason: noSandboxNote ? `${noSandboxNote} Every command asks.` : undefined,
    });
    const gate = await ctx.approvals.command(
      ctx.callId,
      args.command,
      dir.display || 'the workspace root',
      c,
      { sandboxed, escalations, note: transactional ? undefined : noSandboxNote, network: sandboxed ? args.network === true : true, transactional },
      ctx.signal,
    );
    if (!gate.run) throw new ToolError(gate.reason);
    if (gate.reason) ctx.note(gate.reason);
    const timeoutMs = Math.min((args.timeout_seconds ?? ctx.settings.commandTimeoutMs / 1000) * 1000, ctx.settings.commandTimeoutMs * 10);
    const prepared = sandboxed && ctx.sandbox && status.available ? await ctx.sandbox.prepare(roots, { network: args.network === true, writable }) : undefined;
    const tx = prepared?.transaction;
    try {
      const mirror = ctx.terminal?.start(args.command, dir.abs);
      // A long-running command (a watcher, a dev server): its ordinary files land while it runs.
      const seen = new Map<string, string>();
      let interim: ReturnType<typeof setInterval> | undefined;
      // One landing at a time; the final admission waits for the one in flight.
      let inflight: Promise<unknown> | undefined;
      const landNow = () => {
        if (inflight || !tx) return;
        inflight = tx
          .interim((ch) => !changeReason(ch), ctx.undo, seen)
          .then((n) => {
            // A command that writes thousands of files is not a watcher: its files land when it ends.
            if (n < 0) clearInterval(interim);
          })
          .catch(() => 0)
          .finally(() => (inflight = undefined));
      };
      const startInterim = tx
        ? setTimeout(() => {
            landNow();
            interim = setInterval(landNow, 2000);
          }, 5000)
        : undefined;
      // Shown in the chat and the mirror terminal in few pieces (a pipe delivers a chatty command's lines one write at a time).
      const shown = new CoalescedOutput((t) => {
        ctx.output(maskUrlCredentials(t));
        mirror?.write(t);
      });
      let result: CommandResult;
      try {
        result = await ctx.process.run(args.command, {
          cwd: dir.abs,
          timeoutMs,
          maxOutputBytes: ctx.settings.maxCommandOutputBytes,
          limitBytes: ctx.settings.commandOutputLimitBytes,
          signal: ctx.signal,
          onOutput: (t) => shown.write(t),
          sandbox: prepared && status.available ? { status, policy: prepared.policy, env: prepared.env } : undefined,
        });
      } finally {
        shown.end();
        clearTimeout(startInterim);
        clearInterval(interim);
        await inflight;
      }
      mirror?.end(result);
      const policy = prepared?.policy;
      const secs = (result.durationMs / 1000).toFixed(1);
      const where = policy ? `in the sandbox${policy.network ? ' (with network)' : ''}` : 'without the sandbox';
      const output = maskUrlCredentials(result.output);
      const out = output.trim() ? `\nOutput${result.truncated ? ' (truncated: the middle was cut)' : ''}:\n${output}` : '\n(no output)';
      const hint = policy && (result.exitCode ?? 1) !== 0 ? sandboxFailureHint(result.output, policy) : undefined;
      const tail = hint ? `\n${hint}` : '';
      // What the command wrote: admitted by the write policy (a stopped command's writes are all discarded).
      const changes = tx ? (result.killed ? `\nStopped: nothing the command wrote in the workspace was kept.` : `\n${await admit(tx, ctx)}`) : '';
      if (result.timedOut) {
        return {
          text: `The command was stopped after ${Math.round(timeoutMs / 1000)} s (timeout), with every process it started; it may wait for input or run forever. Ran ${where}.${out}${tail}${changes}`,
          isError: true,
          summary: `Stopped by timeout after ${secs} s`,
        };
      }
      if (result.killed) return { text: `The command was stopped by the user.${out}${changes}`, isError: true, summary: 'Stopped' };
      return {
        text: `Exit code ${result.exitCode ?? `signal ${result.signal}`} after ${secs} s (ran ${where}).${out}${tail}${changes}`,
        summary: `Exit code ${result.exitCode ?? result.signal} after ${secs} s${policy ? ' · sandboxed' : ''}`,
      };
    } finally {
      await tx?.discard();
    }
  },
};

/**
 * Admit a finished command's change set: ordinary files land now; the rest waits for the user
 * (one card with the diff). Returns the lines the model reads about it.
 */
async function admit(tx: Transaction, ctx: ToolContext): Promise<string> {
  const all = await tx.changes();
  if (!all.length) return 'Workspace changes: none.';
  const d = await decide(all);
  const lines: string[] = [];
  const first = await tx.land(d.ordinary, ctx.undo, all);
  const landedNames = (l: TxChange[]) => {
    const shown = l.filter((c) => c.op !== 'mkdir').map((c) => c.rel);
    return `${shown.slice(0, 12).join(', ')}${shown.length > 12 ? `, and ${shown.length - 12} more` : ''}`;
  };
  if (first.landed.length) lines.push(`Workspace changes that landed (${countsOf(first.landed)}): ${landedNames(first.landed)}.`);
  if (d.pending.length) {
    const list = d.pending.map((p) => changeLine(p.change, p.reason)).join('\n');
    const gate = await ctx.approvals.changes(
      ctx.callId,
      {
        count: d.pending.length,
        lines: list,
        diff: await changesDiff(
          d.pending.map((p) => p.change),
          1500,
          ctx.signal,
        ),
        landed: first.landed.length,
      },
      ctx.signal,
    );
    if (gate.run) {
      const second = await tx.land(
        d.pending.map((p) => p.change),
        ctx.undo,
        all,
      );
      lines.push(`These waited for the user, who approved them; ${second.landed.length} landed:\n${list}`);
      for (const f of second.failed) first.failed.push(f);
    } else lines.push(`These waited for the user, who rejected them; they were discarded (do not retry them unless the user asks):\n${list}`);
  }
  for (const f of first.failed) lines.push(`Not landed: ${f.change.rel} (${f.why}).`);
  for (const x of d.dropped) lines.push(`Not landed: ${x.change.rel} (${x.reason}).`);
  return lines.join('\n');
}
