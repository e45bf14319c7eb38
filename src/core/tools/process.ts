/**
 * Commands run in an extension-owned child process (never a terminal's shell integration, so
 * nothing waits on prompt detection): own process group, stdin closed, pagers and prompts off,
 * the API key removed from the environment, a timeout that kills the whole group, output capped.
 */
import { spawn } from 'node:child_process';
import type { CommandResult, ProcessPort } from '../ports';

/** Environment variables never passed to commands the model runs. */
const SECRET_ENV = /^(GEMINI_API_KEY|GOOGLE_API_KEY|GOOGLE_GENAI_API_KEY|VSCODE_GIT_ASKPASS_.*|VSCODE_GIT_IPC_HANDLE)$/;

export class ChildProcessRunner implements ProcessPort {
  constructor(private readonly shell = process.platform === 'win32' ? process.env.ComSpec || 'cmd.exe' : '/bin/sh') {}

  run(commandLine: string, o: Parameters<ProcessPort['run']>[1]): Promise<CommandResult> {
    const started = Date.now();
    return new Promise<CommandResult>((resolve) => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SECRET_ENV.test(k)) env[k] = v;
      Object.assign(env, { PAGER: 'cat', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', TERM: 'dumb', NO_COLOR: '1', CI: env.CI ?? '1' });
      const args = process.platform === 'win32' ? ['/d', '/s', '/c', commandLine] : ['-c', commandLine];
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(this.shell, args, { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32', windowsHide: true });
      } catch (err) {
        resolve({ exitCode: null, signal: null, output: `Could not start the command: ${(err as Error).message}`, truncated: false, timedOut: false, killed: false, durationMs: 0 });
        return;
      }
      const half = Math.max(1024, Math.floor(o.maxOutputBytes / 2));
      let head = '';
      let tail = '';
      let total = 0;
      let timedOut = false;
      let killed = false;
      let settled = false;
      const decoder = new TextDecoder();
      const onData = (buf: Buffer) => {
        const text = decoder.decode(buf, { stream: true });
        total += buf.length;
        if (head.length < half) {
          const take = text.slice(0, half - head.length);
          head += take;
          tail += text.slice(take.length);
        } else tail += text;
        if (tail.length > half * 2) tail = tail.slice(-half);
        o.onOutput(text);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      const killTree = (sig: NodeJS.Signals) => {
        try {
          if (child.pid && process.platform !== 'win32') process.kill(-child.pid, sig);
          else child.kill(sig);
        } catch {
          /* already gone */
        }
      };
      const stop = () => {
        killTree('SIGTERM');
        setTimeout(() => killTree('SIGKILL'), 2000).unref();
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
      const finish = (exitCode: number | null, signal: NodeJS.Signals | null, error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        o.signal.removeEventListener('abort', onAbort);
        const truncated = total > o.maxOutputBytes;
        let output = truncated ? `${head}\n… [${total - head.length - Math.min(tail.length, half)} characters omitted] …\n${tail.slice(-half)}` : head + tail;
        if (error) output += `${output ? '\n' : ''}Could not run the command: ${error.message}`;
        resolve({ exitCode, signal, output, truncated, timedOut, killed, durationMs: Date.now() - started });
      };
      child.on('error', (err) => finish(null, null, err));
      child.on('close', (code, sig) => finish(code, sig));
    });
  }
}
