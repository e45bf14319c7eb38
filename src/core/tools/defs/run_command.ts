import { ToolError, type ToolDefinition } from '../types';

interface Args {
  command: string;
  cwd?: string;
  timeout_seconds?: number;
}

export const runCommand: ToolDefinition<Args> = {
  name: 'run_command',
  kind: 'run',
  description:
    'Run a shell command (POSIX sh) in a workspace folder and return its exit code and output (stdout and stderr, capped). ' +
    'Non-interactive: stdin is closed, so commands that wait for input get end-of-file. Commands have a timeout and are stopped when it expires. ' +
    'Unless the user allowed the command, they are asked first. Prefer short, specific commands (e.g. run one test file).',
  parameters: {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'The command line.' },
      cwd: { type: 'string', description: 'Working directory relative to the workspace root (default: the workspace root).' },
      timeout_seconds: { type: 'integer', minimum: 1, maximum: 3600, description: 'Stop the command after this many seconds (default from the user settings).' },
    },
    required: ['command'],
  },
  async run(args, ctx) {
    if (!args.command.trim()) throw new ToolError('"command" is empty.');
    const dir = await ctx.paths.resolve(args.cwd || '.');
    if (!dir.exists) throw new ToolError(`The working directory ${dir.display} does not exist.`);
    const gate = await ctx.approvals.command(ctx.callId, args.command, dir.display || 'the workspace root', ctx.signal);
    if (!gate.run) throw new ToolError(gate.reason);
    if (gate.reason) ctx.note(gate.reason);
    const timeoutMs = Math.min((args.timeout_seconds ?? ctx.settings.commandTimeoutMs / 1000) * 1000, ctx.settings.commandTimeoutMs * 10);
    const mirror = ctx.terminal?.start(args.command, dir.abs);
    const result = await ctx.process.run(args.command, {
      cwd: dir.abs,
      timeoutMs,
      maxOutputBytes: ctx.settings.maxCommandOutputBytes,
      signal: ctx.signal,
      onOutput: (t) => {
        ctx.output(t);
        mirror?.write(t);
      },
    });
    mirror?.end(result);
    const secs = (result.durationMs / 1000).toFixed(1);
    const out = result.output.trim() ? `\nOutput${result.truncated ? ' (truncated: the middle was cut)' : ''}:\n${result.output}` : '\n(no output)';
    if (result.timedOut) {
      return { text: `The command was stopped after ${Math.round(timeoutMs / 1000)} s (timeout); it may wait for input or run forever. Exit: killed.${out}`, isError: true, summary: `Stopped by timeout after ${secs} s` };
    }
    if (result.killed) return { text: `The command was stopped by the user.${out}`, isError: true, summary: 'Stopped' };
    return {
      text: `Exit code ${result.exitCode ?? `signal ${result.signal}`} after ${secs} s.${out}`,
      summary: `Exit code ${result.exitCode ?? result.signal} after ${secs} s`,
    };
  },
};
