/**
 * Commands run in an extension-owned child process (never a terminal's shell integration, so
 * nothing waits on prompt detection): bash (or sh), stdin closed, pagers and prompts off, secrets
 * removed from the environment, inside the OS sandbox when one is given. Output is capped at the
 * source: at most `limitBytes` is kept for the chat and the terminal mirror (the cut is marked),
 * the model gets the head and the tail, and a command that floods its output (`yes`) is read at a
 * bounded rate until its timeout, so the editor stays responsive. A timeout or Stop ends the
 * whole process tree: in the sandbox its PID namespace, outside it the process group.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { formatBytes } from '../attachments';
import type { CommandResult, ProcessPort, RunOptions } from '../ports';
import { sandboxedCommand } from './sandbox';
import { errorText } from '../../shared/errorText';

/** Environment variables never passed to commands the model runs, sandboxed or not. */
const SECRET_ENV = /^(GEMINI_API_KEY|GOOGLE_API_KEY|GOOGLE_GENAI_API_KEY|VSCODE_GIT_ASKPASS_.*|VSCODE_GIT_IPC_HANDLE|VSCODE_IPC_HOOK.*)$/;

/** The shell commands run in: bash (the grammar the classifier reads), else sh. */
export function defaultShell(): string {
  if (process.platform === 'win32') return process.env.ComSpec || 'cmd.exe';
  for (const b of ['/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash']) if (existsSync(b)) return b;
  return '/bin/sh';
}

/** How much lower than the editor's a command's CPU priority is (its whole tree inherits it). */
export const COMMAND_NICENESS = 10;
const NICE = process.platform === 'win32' ? undefined : ['/usr/bin/nice', '/bin/nice'].find((p) => existsSync(p));

/**
 * The command started through `nice`, which lowers its priority and then becomes it (the same
 * process: its group, its sandbox and the kill on Stop are unchanged): a build the agent runs
 * yields the CPU to the editor, the extension host and the visible conversation. Raising a
 * priority back takes a privilege no command here has.
 */
function niced(c: { file: string; args: string[] }): { file: string; args: string[] } {
  return NICE ? { file: NICE, args: ['-n', String(COMMAND_NICENESS), c.file, ...c.args] } : c;
}

export class ChildProcessRunner implements ProcessPort {
  constructor(private readonly shell = defaultShell()) {}

  run(commandLine: string, o: RunOptions): Promise<CommandResult> {
    const started = Date.now();
    return new Promise<CommandResult>((resolve) => {
      // In the sandbox: the allow-listed environment only. Outside it (the user approved that): ours minus the key and the editor's back channels.
      const env: Record<string, string> = {};
      if (o.sandbox) Object.assign(env, o.sandbox.env);
      else for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SECRET_ENV.test(k)) env[k] = v;
      Object.assign(env, { PAGER: 'cat', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', TERM: 'dumb', NO_COLOR: '1', CI: env.CI ?? '1' });
      if (o.sandbox && process.platform === 'linux') Object.assign(env, { TMPDIR: '/tmp' });
      const shellArgs = process.platform === 'win32' ? ['/d', '/s', '/c', commandLine] : ['-c', commandLine];
      const plain = o.sandbox ? sandboxedCommand(o.sandbox.status, o.sandbox.policy, o.cwd, [this.shell, ...shellArgs]) : { file: this.shell, args: shellArgs };
      const { file, args } = niced(plain);
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(file, args, { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32', windowsHide: true });
      } catch (err) {
        resolve({
          exitCode: null,
          signal: null,
          output: `Could not start the command: ${errorText(err)}`,
          truncated: false,
          timedOut: false,
          killed: false,
          durationMs: 0,
          outputBytes: 0,
          cut: false,
          sandboxed: !!o.sandbox,
        });
        return;
      }
      const half = Math.max(1024, Math.floor(o.maxOutputBytes / 2));
      let head = '';
      /** The whole output while it fits what the model gets. */
      let small: string | undefined = '';
      /** The last bytes written (kept across the cut, so the model sees how it ended). */
      let tailChunks: Buffer[] = [];
      let tailBytes = 0;
      let total = 0;
      let kept = 0;
      let cut = false;
      let timedOut = false;
      let killed = false;
      let settled = false;
      const decoder = new TextDecoder();
      const onData = (stream: NodeJS.ReadableStream) => (buf: Buffer) => {
        total += buf.length;
        tailChunks.push(buf);
        tailBytes += buf.length;
        while (tailChunks.length > 1 && tailBytes - tailChunks[0]!.length >= half) tailBytes -= tailChunks.shift()!.length;
        if (small !== undefined && total > o.maxOutputBytes) small = undefined;
        if (!cut) {
          const room = o.limitBytes - kept;
          const part = buf.length <= room ? buf : buf.subarray(0, Math.max(0, room));
          kept += part.length;
          const text = decoder.decode(part, { stream: part.length === buf.length });
          if (head.length < half) head += text.slice(0, half - head.length);
          if (small !== undefined) small = total <= o.maxOutputBytes ? small + text : undefined;
          if (text) o.onOutput(text);
          if (part.length < buf.length) {
            cut = true;
            o.onOutput(`\n… [output cut at ${formatBytes(o.limitBytes)}: the command writes more than that; the rest is counted, not kept] …\n`);
          }
          return;
        }
        // Past the cut: read at a bounded rate (the command waits on its pipe meanwhile).
        stream.pause();
        setTimeout(() => stream.resume(), 10).unref();
      };
      child.stdout!.on('data', onData(child.stdout!));
      child.stderr!.on('data', onData(child.stderr!));
      const killTree = (sig: NodeJS.Signals) => {
        try {
          if (child.pid && process.platform !== 'win32') process.kill(-child.pid, sig);
          else child.kill(sig);
        } catch {
          /* already gone */
        }
      };
      const stop = () => {
        if (o.sandbox && !o.sandbox.policy.overlays) {
          // bwrap dies at once; its sandbox (and every process in its PID namespace) goes with it.
          killTree('SIGKILL');
          return;
        }
        // With a transaction, the first stage kills bwrap (and its PID namespace) on SIGTERM and
        // then reads which folders the command replaced, with the overlays still mounted.
        killTree('SIGTERM');
        setTimeout(() => killTree('SIGKILL'), o.sandbox ? 5000 : 2000).unref();
      };
      const timer = setTimeout(() => {
        timedOut = true;
        stop();
      }, o.timeoutMs);
      const onAbort = () => {
        killed = true;
        stop();
      };
      o.signal.addEventListener('abort', onAbort, { once: true });
      let lingering: string | undefined;
      const finish = (exitCode: number | null, signal: NodeJS.Signals | null, error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        o.signal.removeEventListener('abort', onAbort);
        const tail = new TextDecoder().decode(Buffer.concat(tailChunks)).slice(-half);
        tailChunks = [];
        const truncated = small === undefined;
        let output = truncated
          ? `${head}\n… [${formatBytes(Math.max(0, total - Buffer.byteLength(head) - Buffer.byteLength(tail)))} of output omitted] …\n${tail}`
          : (small ?? '') + decoder.decode();
        if (lingering) output += `${output ? '\n' : ''}${lingering}`;
        if (error) output += `${output ? '\n' : ''}Could not run the command: ${error.message}`;
        resolve({ exitCode, signal, output, truncated, timedOut, killed, durationMs: Date.now() - started, outputBytes: total, cut, sandboxed: !!o.sandbox });
      };
      child.on('error', (err) => finish(null, null, err));
      child.on('close', (code, sig) => finish(code, sig));
      // The shell exited but a descendant still holds the output open (a daemon): do not wait for it.
      child.on('exit', (code, sig) => {
        setTimeout(() => {
          if (settled) return;
          lingering = '(A background process the command started kept its output open; it was stopped.)';
          killTree('SIGKILL');
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish(code, sig);
        }, 500).unref();
      });
    });
  }
}
