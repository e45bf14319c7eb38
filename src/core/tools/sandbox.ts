/**
 * The OS sandbox for commands the model runs. Linux: bubblewrap (bwrap), called directly. macOS:
 * sandbox-exec with a generated profile. Inside: the workspace folders are writable (except the
 * files that steer git and the editor), the rest of the file system is read-only, the places that
 * hold secrets or steer the editor are not visible, there is no network unless the user allowed
 * it for that command, and (Linux) the command is PID 1's child in its own PID namespace, so a
 * timeout or Stop ends every descendant, `setsid` daemons included.
 */
import { execFile } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type SandboxStatus = { available: true; kind: 'bubblewrap' | 'sandbox-exec'; program: string } | { available: false; reason: string; howTo: string };

export interface SandboxPolicy {
  /** Real paths that are writable inside (the workspace folders; approved extra paths). */
  writable: string[];
  /** Paths inside writable folders that stay read-only (.git/hooks, .git/config, .vscode, …). */
  readOnly: string[];
  /** Paths that are not visible (directories appear empty, files cannot be read). */
  hidden: string[];
  network: boolean;
}

/** Folders and files below $HOME that hold secrets or steer the editor. */
export const HIDDEN_HOME_PATHS = [
  '.ssh',
  '.aws',
  '.gnupg',
  '.config/gcloud',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.docker',
  '.kube',
  '.azure',
  '.config/gh',
  '.config/hub',
  '.git-credentials',
  '.gitconfig-credentials',
  '.cargo/credentials',
  '.cargo/credentials.toml',
  '.gem/credentials',
  '.terraform.d',
  '.password-store',
  '.local/share/keyrings',
  '.config/op',
  '.vault-token',
  '.pgpass',
  '.my.cnf',
  '.s3cfg',
  '.boto',
  '.oci',
  '.config/doctl',
  '.config/heroku',
  // browser profiles
  '.config/google-chrome',
  '.config/chromium',
  '.config/BraveSoftware',
  '.config/microsoft-edge',
  '.config/vivaldi',
  '.mozilla',
  'snap/chromium',
  'snap/firefox',
  'Library/Application Support/Google/Chrome',
  'Library/Application Support/Firefox',
  'Library/Keychains',
  // VS Code and code-server user data (settings, secrets, extension storage)
  '.config/Code',
  '.config/Code - Insiders',
  '.config/VSCodium',
  '.vscode-server',
  '.vscode-server-insiders',
  '.local/share/code-server',
  '.config/code-server',
  'Library/Application Support/Code',
  'Library/Application Support/Code - Insiders',
  '.cursor-server',
  '.config/Cursor',
];

/** Sockets that would let a sandboxed command talk to a privileged or session service. */
export const HIDDEN_SYSTEM_PATHS = ['/run/user', '/var/run/docker.sock', '/run/docker.sock', '/run/containerd', '/run/podman', '/run/dbus', '/var/run/dbus', '/run/snapd.socket'];

/** Inside a workspace folder: what stays read-only for sandboxed commands. */
export const PROTECTED_IN_WORKSPACE = ['.git/hooks', '.git/config', '.git/info', '.vscode', '.husky', '.devcontainer', '.github'];

/** Environment variables never passed into the sandbox (secrets and editor back channels). */
export const SANDBOX_SECRET_ENV =
  /^(GEMINI_API_KEY|GOOGLE_API_KEY|GOOGLE_GENAI_API_KEY|SSH_AUTH_SOCK|SSH_AGENT_PID|GPG_AGENT_INFO|DBUS_SESSION_BUS_ADDRESS|VSCODE_.*|ELECTRON_.*|CODE_SERVER_.*|.*(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?|_AUTH)([_A-Z0-9]*)?)$/i;

function run(file: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs }, (err, _stdout, stderr) => {
      if (!err) return resolve({ code: 0, stderr: String(stderr) });
      const e = err as Error & { code?: unknown; killed?: boolean };
      resolve({ code: e.killed ? null : typeof e.code === 'number' ? e.code : 1, stderr: String(stderr || e.message) });
    });
  });
}

function findOnPath(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(':').filter(Boolean)) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  for (const p of [`/usr/bin/${name}`, `/bin/${name}`, `/usr/local/bin/${name}`]) if (existsSync(p)) return p;
  return undefined;
}

/** Whether commands can be sandboxed here (probed once: bwrap must run a trivial command). */
export async function detectSandbox(platform: NodeJS.Platform = process.platform): Promise<SandboxStatus> {
  if (platform === 'linux') {
    const bwrap = findOnPath('bwrap');
    if (!bwrap) {
      return {
        available: false,
        reason: 'bubblewrap (bwrap) is not installed',
        howTo: 'Install it (Debian/Ubuntu: sudo apt install bubblewrap; Fedora: sudo dnf install bubblewrap), then reload the window.',
      };
    }
    const probe = await run(
      bwrap,
      ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--unshare-net', '--die-with-parent', '--new-session', '--', 'true'],
      10_000,
    );
    if (probe.code === 0) return { available: true, kind: 'bubblewrap', program: bwrap };
    return {
      available: false,
      reason: `bubblewrap cannot create a sandbox here (${probe.stderr.trim().split('\n')[0] || `exit ${probe.code}`})`,
      howTo:
        'Unprivileged user namespaces may be off: enable them (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu 24.04+ an AppArmor profile for bwrap), then reload the window.',
    };
  }
  if (platform === 'darwin') {
    const se = existsSync('/usr/bin/sandbox-exec') ? '/usr/bin/sandbox-exec' : undefined;
    if (!se) return { available: false, reason: 'sandbox-exec is missing', howTo: 'It ships with macOS; check /usr/bin/sandbox-exec.' };
    const probe = await run(se, ['-p', '(version 1)(allow default)', '/usr/bin/true'], 10_000);
    if (probe.code === 0) return { available: true, kind: 'sandbox-exec', program: se };
    return {
      available: false,
      reason: `sandbox-exec failed (${probe.stderr.trim().split('\n')[0] || `exit ${probe.code}`})`,
      howTo: 'Check that sandbox-exec works in a terminal.',
    };
  }
  return {
    available: false,
    reason: `there is no OS sandbox for commands on ${platform === 'win32' ? 'Windows' : platform} yet`,
    howTo: 'Commands run only after you approve each one.',
  };
}

function realIfExists(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** The bubblewrap argument list for a policy (`command` is the shell and its arguments). */
export function bwrapArgs(policy: SandboxPolicy, cwd: string, command: string[]): string[] {
  const args = ['--die-with-parent', '--new-session', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
  if (!policy.network) args.push('--unshare-net');
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--tmpfs', '/var/tmp');
  const writable = policy.writable.map(realIfExists).filter((p): p is string => !!p);
  for (const w of writable) args.push('--bind', w, w);
  for (const p of policy.readOnly.map(realIfExists)) if (p) args.push('--ro-bind', p, p);
  for (const h of policy.hidden) {
    const p = realIfExists(h);
    if (!p || p === '/') continue;
    // A hidden path that is an ancestor of a writable folder would hide the workspace itself.
    if (writable.some((w) => w === p || w.startsWith(p + '/'))) continue;
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      continue;
    }
    if (dir) args.push('--tmpfs', p);
    else args.push('--ro-bind', '/dev/null', p);
  }
  args.push('--chdir', cwd, '--', ...command);
  return args;
}

function sbplString(p: string): string {
  return `"${p.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The sandbox-exec profile for a policy (later rules win). */
export function seatbeltProfile(policy: SandboxPolicy): string {
  const lines = ['(version 1)', '(allow default)'];
  if (!policy.network) lines.push('(deny network*)', '(allow network* (remote unix-socket))');
  lines.push('(deny file-write*)');
  const writable = [...policy.writable.map((p) => realIfExists(p) ?? p), '/private/tmp', '/private/var/folders', '/dev'];
  lines.push(`(allow file-write* ${writable.map((p) => `(subpath ${sbplString(p)})`).join(' ')})`);
  const ro = policy.readOnly.map((p) => realIfExists(p)).filter((p): p is string => !!p);
  if (ro.length) lines.push(`(deny file-write* ${ro.map((p) => `(subpath ${sbplString(p)})`).join(' ')})`);
  const hidden = policy.hidden.map((p) => realIfExists(p)).filter((p): p is string => !!p);
  if (hidden.length) lines.push(`(deny file-read* file-write* ${hidden.map((p) => `(subpath ${sbplString(p)})`).join(' ')})`);
  return lines.join('\n');
}

/** How to start `command` (shell + args) inside the sandbox. */
export function sandboxedCommand(status: Extract<SandboxStatus, { available: true }>, policy: SandboxPolicy, cwd: string, command: string[]): { file: string; args: string[] } {
  if (status.kind === 'bubblewrap') return { file: status.program, args: bwrapArgs(policy, cwd, command) };
  return { file: status.program, args: ['-p', seatbeltProfile(policy), ...command] };
}

/** Recognise output that says a command failed because of the sandbox. */
export function sandboxFailureHint(output: string, policy: SandboxPolicy): string | undefined {
  const o = output.slice(-20_000);
  if (
    !policy.network &&
    /(Could not resolve host|Temporary failure in name resolution|getaddrinfo (ENOTFOUND|EAI_AGAIN)|Network is unreachable|ENETUNREACH|EAI_AGAIN|network is unreachable|Name or service not known|connect: Connection refused|ECONNREFUSED)/.test(
      o,
    )
  ) {
    return 'This may have failed because the sandbox has no network. If the task needs the network, call run_command again with "network": true (the user will be asked).';
  }
  if (/(Read-only file system|EROFS)/.test(o)) {
    return 'This may have failed because the sandbox makes everything outside the workspace folders read-only. If a path outside must be written, call run_command again with that folder in "writable_paths" (the user will be asked).';
  }
  if (/(Permission denied|EACCES)/.test(o) && /(\.ssh|\.aws|\.gnupg|\.env|\.npmrc|credentials|\/run\/user)/.test(o)) {
    return 'This may have failed because the sandbox hides secret files and folders. Do not try to read them; ask the user if they are really needed.';
  }
  return undefined;
}
