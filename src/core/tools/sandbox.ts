/**
 * The OS sandbox for commands the model runs, judged by what a command leaves behind as well as by
 * what it can touch while it runs.
 *
 * Linux: a command runs in two stages. `unshare` makes a user namespace of ours (we are "root"
 * only there) and a mount namespace, mounts an overlay over each workspace folder (the real
 * folder is the lower layer, our transaction folder the upper one: `-o userxattr`, kernel 5.11 or
 * later), and then starts bubblewrap inside, which makes a second user namespace with every
 * capability dropped and no further user namespaces (`--disable-userns`), a PID namespace (a
 * timeout or Stop ends every descendant), no network unless allowed, a private /tmp, an empty
 * private HOME with only the toolchains a build needs (read-only) and package caches that are
 * writable only inside, no /run, no other users' folders, no sockets from outside. What the command
 * wrote is read from the upper layers after it ended and admitted by the write policy
 * (admission.ts). Bubblewrap 0.8 has no overlay option of its own, hence the first stage.
 *
 * macOS: sandbox-exec with a generated profile: writes only inside the workspace folders, and
 * never to an execution-relevant path (by pattern, which covers creating one too). Not tested on a
 * Mac here.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { within } from './paths';
import { errorText } from '../../shared/errorText';

export type SandboxStatus =
  | {
      available: true;
      kind: 'bubblewrap' | 'sandbox-exec';
      program: string;
      /** Writes are a transaction (copy-on-write, admitted afterwards); false: every command asks. */
      transactional: boolean;
      /** Why writes are not a transaction here (shown once), when they are not. */
      why?: string;
      /** util-linux's `unshare` (Linux, transactional only). */
      unshare?: string;
    }
  | { available: false; reason: string; howTo: string };

/** One workspace folder's copy-on-write view. */
export interface OverlayLayer {
  /** The real folder (the lower layer; where the command sees it). */
  root: string;
  /** The folder the overlay's options name as the lower layer (a link to `root` in our transaction folder). */
  lower: string;
  /** Empty stand-ins for the workspace's secret files and sockets, above the lower layer. */
  mask?: string;
  upper: string;
  work: string;
  merged: string;
}

/** A folder of $HOME writable inside the sandbox only (a package cache): its writes are discarded. */
export interface ScratchLayer {
  path: string;
  upper: string;
  work: string;
  merged: string;
}

export interface SandboxPolicy {
  /** Real paths of the workspace folders (copy-on-write when `overlays` is set, else writable in place). */
  roots: string[];
  /** Approved paths outside the workspace that are writable in place (the user was asked). */
  writable: string[];
  /** Paths inside the workspace that stay read-only when there is no transaction (.git/hooks, .vscode, …). */
  readOnly: string[];
  /** Paths that are not visible (directories appear empty, files cannot be read). */
  hidden: string[];
  network: boolean;
  /** The real HOME: replaced by an empty private folder. */
  home?: string;
  /** Folders mounted read-only into the private HOME and the hidden places (toolchains, PATH entries). */
  visible: string[];
  /** Package caches: writable inside, discarded after. */
  scratch: ScratchLayer[];
  /** Copy-on-write views of the workspace folders (the transaction). */
  overlays?: OverlayLayer[];
  /** Folders of ours that must stay invisible (the transaction's own folder). */
  private: string[];
  /** Sockets to cover (from /proc/net/unix), outside the folders already hidden. */
  sockets: string[];
  /** The uid and gid the command sees (the user's own). */
  uid?: number;
  gid?: number;
  /** Run by the first stage after the command, with the overlays still mounted (reads which folders it replaced). */
  post?: { node: string; script: string; arg: string };
}

/** Folders and files below $HOME that hold secrets or steer the editor (macOS profile; Linux hides all of HOME). */
export const HIDDEN_HOME_PATHS = [
  '.ssh',
  '.aws',
  '.gnupg',
  '.config',
  '.local/share',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.docker',
  '.kube',
  '.azure',
  '.git-credentials',
  '.gitconfig',
  '.cargo/credentials',
  '.cargo/credentials.toml',
  '.gem/credentials',
  '.terraform.d',
  '.password-store',
  '.vault-token',
  '.pgpass',
  '.my.cnf',
  '.s3cfg',
  '.boto',
  '.oci',
  '.m2/settings.xml',
  '.gradle/gradle.properties',
  '.bash_history',
  '.zsh_history',
  '.python_history',
  '.node_repl_history',
  '.mozilla',
  '.vscode-server',
  '.vscode-server-insiders',
  '.cursor-server',
  '.kaggle',
  '.pulumi',
  'Library/Application Support',
  'Library/Keychains',
  'Library/Cookies',
];

/**
 * Toolchains a build needs, below $HOME, mounted read-only into the private HOME when they exist:
 * version managers and their installs (Node, Rust, Python, Go, Java, Ruby, .NET, Haskell, Lean,
 * OCaml, Nix) and user-level bin folders.
 */
export const TOOLCHAIN_HOME_PATHS = [
  '.nvm',
  '.volta',
  '.fnm',
  '.local/share/fnm',
  '.n',
  '.nodenv',
  '.bun/bin',
  '.deno/bin',
  '.local/share/pnpm',
  '.asdf',
  '.local/share/mise',
  '.local/share/rtx',
  '.pyenv',
  '.local/pipx',
  '.local/share/uv/python',
  '.local/share/uv/tools',
  '.rbenv',
  '.rvm',
  '.rustup',
  '.cargo/bin',
  'go/bin',
  'sdk',
  '.go',
  '.goenv',
  '.sdkman',
  '.jdks',
  '.gradle/wrapper/dists',
  '.dotnet',
  '.ghcup',
  '.cabal/bin',
  '.elan',
  '.opam',
  '.juliaup',
  '.nix-profile',
  '.local/bin',
  'bin',
];

/** Package caches below $HOME: writable inside the sandbox only (an overlay discarded afterwards). */
export const CACHE_HOME_PATHS = [
  '.npm/_cacache',
  '.cache/yarn',
  '.yarn/berry/cache',
  '.cache/pnpm',
  '.local/share/pnpm/store',
  '.bun/install/cache',
  '.cache/deno',
  '.cache/pip',
  '.cache/uv',
  '.cache/pypoetry',
  '.cargo/registry',
  '.cargo/git',
  'go/pkg/mod',
  '.cache/go-build',
  '.m2/repository',
  '.gradle/caches',
  '.ivy2/cache',
  '.cache/coursier',
  '.nuget/packages',
  '.cache/node-gyp',
  '.cache/ms-playwright',
  '.cache/bazel',
];

/** Places outside HOME that hold other users' files, sessions or sockets: an empty folder inside. */
export const HIDDEN_SYSTEM_DIRS = ['/home', '/root', '/run', '/var/run', '/tmp', '/var/tmp', '/dev/shm', '/mnt', '/media', '/srv', '/var/lib/docker', '/var/lib/containers'];

/** Environment variables passed into the sandbox (by name; everything else is dropped). */
export const SANDBOX_ENV_NAMES = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'COLORTERM',
  'NVM_DIR',
  'NVM_BIN',
  'NVM_INC',
  'VOLTA_HOME',
  'FNM_DIR',
  'FNM_MULTISHELL_PATH',
  'N_PREFIX',
  'NODENV_ROOT',
  'PNPM_HOME',
  'BUN_INSTALL',
  'DENO_DIR',
  'DENO_INSTALL',
  'NODE_ENV',
  'NODE_PATH',
  'NODE_EXTRA_CA_CERTS',
  'ASDF_DIR',
  'ASDF_DATA_DIR',
  'MISE_DATA_DIR',
  'CARGO_HOME',
  'RUSTUP_HOME',
  'RUSTUP_TOOLCHAIN',
  'RUSTFLAGS',
  'CARGO_TARGET_DIR',
  'GOPATH',
  'GOROOT',
  'GOBIN',
  'GOCACHE',
  'GOMODCACHE',
  'GOFLAGS',
  'GO111MODULE',
  'GOTOOLCHAIN',
  'GOOS',
  'GOARCH',
  'CGO_ENABLED',
  'JAVA_HOME',
  'JDK_HOME',
  'MAVEN_HOME',
  'M2_HOME',
  'MAVEN_OPTS',
  'GRADLE_HOME',
  'GRADLE_USER_HOME',
  'GRADLE_OPTS',
  'SDKMAN_DIR',
  'SDKMAN_CANDIDATES_DIR',
  'ANDROID_HOME',
  'ANDROID_SDK_ROOT',
  'ANDROID_NDK_HOME',
  'PYENV_ROOT',
  'PYENV_VERSION',
  'VIRTUAL_ENV',
  'CONDA_PREFIX',
  'CONDA_DEFAULT_ENV',
  'CONDA_EXE',
  'PYTHONPATH',
  'PYTHONHOME',
  'PYTHONDONTWRITEBYTECODE',
  'PYTHONUNBUFFERED',
  'RBENV_ROOT',
  'RBENV_VERSION',
  'GEM_HOME',
  'GEM_PATH',
  'DOTNET_ROOT',
  'DOTNET_CLI_TELEMETRY_OPTOUT',
  'NUGET_PACKAGES',
  'CC',
  'CXX',
  'CPP',
  'LD',
  'AR',
  'CFLAGS',
  'CXXFLAGS',
  'CPPFLAGS',
  'LDFLAGS',
  'PKG_CONFIG_PATH',
  'LD_LIBRARY_PATH',
  'LIBRARY_PATH',
  'CPATH',
  'C_INCLUDE_PATH',
  'CPLUS_INCLUDE_PATH',
  'CMAKE_PREFIX_PATH',
  'MAKEFLAGS',
  'NIX_PATH',
  'NIX_PROFILES',
  'NIX_SSL_CERT_FILE',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'MANPATH',
  'CI',
  'DEBIAN_FRONTEND',
];
/** Locale variables (LC_ALL, LC_CTYPE, …). */
const LOCALE_ENV = /^LC_[A-Z_]+$/;
/** Proxies: passed only when the user allowed the network for that command, and never with credentials. */
const PROXY_ENV = /^(https?_proxy|all_proxy|no_proxy|HTTPS?_PROXY|ALL_PROXY|NO_PROXY)$/;
/** A value that carries credentials in a URL (`scheme://user:secret@host`). */
const CREDENTIAL_URL = /[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]+@/i;

/**
 * The environment a sandboxed command gets: names from the allow-list (and the user's additions),
 * proxies only with the network, and nothing whose value carries credentials in a URL.
 */
export function sandboxEnvironment(from: NodeJS.ProcessEnv, o: { network: boolean; extraNames?: string[] }): Record<string, string> {
  const names = new Set([...SANDBOX_ENV_NAMES, ...(o.extraNames ?? [])]);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(from)) {
    if (v === undefined) continue;
    const allowed = names.has(k) || LOCALE_ENV.test(k) || (o.network && PROXY_ENV.test(k));
    if (!allowed || CREDENTIAL_URL.test(v)) continue;
    env[k] = v;
  }
  // Build tools expect a login shell's SHELL; an editor started by a service manager has none (make then runs `$(shell …)` with an empty program)
  if (!env.SHELL) env.SHELL = '/bin/sh';
  return env;
}

function run(file: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout: String(stdout), stderr: String(stderr) });
      const e = err as Error & { code?: unknown; killed?: boolean };
      resolve({ code: e.killed ? null : typeof e.code === 'number' ? e.code : 1, stdout: String(stdout), stderr: String(stderr || e.message) });
    });
  });
}

function findOnPath(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(':').filter(Boolean)) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  for (const p of [`/usr/bin/${name}`, `/bin/${name}`, `/usr/sbin/${name}`, `/usr/local/bin/${name}`]) if (existsSync(p)) return p;
  return undefined;
}

/** Characters the overlay's mount options cannot carry in a path. */
export function unsafeForMountOptions(p: string): boolean {
  return /[,:\\\n"']/.test(p);
}

const NO_USERNS_HOWTO =
  'Unprivileged user namespaces may be off: enable them (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 23.10 and later, allow them for bwrap and unshare with an AppArmor profile, or sysctl kernel.apparmor_restrict_unprivileged_userns=0), then reload the window.';

/**
 * Whether commands can be sandboxed here, probed once with the whole stack: bubblewrap in a user
 * namespace with every capability dropped (it must read CapEff 0, also when the editor runs as
 * root), and for transactional writes an overlay mounted in a user namespace of ours with
 * `userxattr`, whose writes must land in the upper folder only. `txBase` is where transactions
 * will live (its file system must carry the overlay's upper layer).
 */
export async function detectSandbox(platform: NodeJS.Platform = process.platform, txBase?: string): Promise<SandboxStatus> {
  if (platform === 'linux') {
    const bwrap = findOnPath('bwrap');
    if (!bwrap) {
      return {
        available: false,
        reason: 'bubblewrap (bwrap) is not installed',
        howTo: 'Install it (Debian/Ubuntu: sudo apt install bubblewrap; Fedora: sudo dnf install bubblewrap), then reload the window.',
      };
    }
    const caps = await run(
      bwrap,
      [
        '--unshare-user',
        '--cap-drop',
        'ALL',
        '--ro-bind',
        '/',
        '/',
        '--dev',
        '/dev',
        '--proc',
        '/proc',
        '--unshare-pid',
        '--unshare-net',
        '--die-with-parent',
        '--',
        'cat',
        '/proc/self/status',
      ],
      10_000,
    );
    if (caps.code !== 0) {
      return { available: false, reason: `bubblewrap cannot create a user namespace here (${caps.stderr.trim().split('\n')[0] || `exit ${caps.code}`})`, howTo: NO_USERNS_HOWTO };
    }
    if (!/^CapEff:\s*0+$/m.test(caps.stdout)) {
      return { available: false, reason: 'bubblewrap could not drop every capability', howTo: 'Update bubblewrap (0.4 or later), then reload the window.' };
    }
    const unshare = findOnPath('unshare');
    const mount = findOnPath('mount');
    const base: SandboxStatus = { available: true, kind: 'bubblewrap', program: bwrap, transactional: false };
    if (!unshare || !mount) return { ...base, why: 'util-linux (unshare, mount) is not installed, so copy-on-write is not available' };
    if (!txBase) return { ...base, why: 'there is no folder for transactions' };
    const probe = await probeOverlay(bwrap, unshare, txBase);
    return probe ? { ...base, why: probe } : { ...base, transactional: true, unshare };
  }
  if (platform === 'darwin') {
    const se = existsSync('/usr/bin/sandbox-exec') ? '/usr/bin/sandbox-exec' : undefined;
    if (!se) return { available: false, reason: 'sandbox-exec is missing', howTo: 'It ships with macOS; check /usr/bin/sandbox-exec.' };
    const probe = await run(se, ['-p', '(version 1)(allow default)', '/usr/bin/true'], 10_000);
    if (probe.code === 0) return { available: true, kind: 'sandbox-exec', program: se, transactional: true };
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

/** Mount a small overlay the way a command's will be and write through it; undefined when it works, else why not. */
async function probeOverlay(bwrap: string, unshare: string, txBase: string): Promise<string | undefined> {
  let dir: string | undefined;
  try {
    mkdirSync(txBase, { recursive: true });
    dir = realpathSync(mkdtempSync(join(txBase, 'probe-')));
    if (unsafeForMountOptions(dir)) return `the transaction folder's path (${dir}) has characters an overlay cannot name`;
    const root = join(dir, 'root');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'sub', 'f'), 'x');
    for (const d of ['upper', 'work', 'merged']) mkdirSync(join(dir, d));
    const layer: OverlayLayer = { root, lower: root, upper: join(dir, 'upper'), work: join(dir, 'work'), merged: join(dir, 'merged') };
    const policy: SandboxPolicy = { roots: [root], writable: [], readOnly: [], hidden: [], network: false, visible: [], scratch: [], overlays: [layer], private: [], sockets: [] };
    const cmd = stagedCommand({ available: true, kind: 'bubblewrap', program: bwrap, transactional: true, unshare }, policy, root, [
      '/bin/sh',
      '-c',
      'rm -r sub && mkdir sub && echo y > sub/g && echo z > new && grep CapEff /proc/self/status',
    ]);
    const r = await run(cmd.file, cmd.args, 15_000);
    if (r.code !== 0)
      return `an overlay cannot be mounted in a user namespace here (${r.stderr.trim().split('\n').slice(-1)[0] || `exit ${r.code}`}; it needs Linux 5.11 or later)`;
    if (!/^CapEff:\s*0+$/m.test(r.stdout)) return 'the command kept capabilities inside the overlay';
    if (!existsSync(join(root, 'sub', 'f')) || existsSync(join(root, 'new'))) return 'writes through the overlay reached the real folder';
    if (!existsSync(join(layer.upper, 'new')) || !existsSync(join(layer.upper, 'sub', 'g'))) return 'writes through the overlay did not reach the upper folder';
    return undefined;
  } catch (err) {
    return `the transaction folder cannot be prepared (${errorText(err)})`;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

function realIfExists(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The bubblewrap argument list for a policy (`command` is the shell and its arguments). */
export function bwrapArgs(policy: SandboxPolicy, cwd: string, command: string[]): string[] {
  const args = [
    '--unshare-user',
    '--cap-drop',
    'ALL',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
  ];
  if (policy.uid !== undefined) args.push('--uid', String(policy.uid));
  if (policy.gid !== undefined) args.push('--gid', String(policy.gid));
  if (!policy.network) args.push('--unshare-net');
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc');
  // Empty folders over everything that holds other users' files, sessions, sockets, and our own state.
  const covered: string[] = [];
  const cover = (p: string) => {
    if (!p || p === '/' || covered.some((c) => within(c, p))) return;
    if (!isDir(p)) return;
    covered.push(p);
    args.push('--tmpfs', p);
  };
  for (const d of HIDDEN_SYSTEM_DIRS) cover(realIfExists(d) ?? d);
  if (policy.home) cover(realIfExists(policy.home) ?? policy.home);
  for (const p of policy.private) cover(realIfExists(p) ?? p);
  const hiddenFiles: string[] = [];
  for (const h of policy.hidden) {
    const p = realIfExists(h);
    if (!p || p === '/') continue;
    if (isDir(p)) cover(p);
    else hiddenFiles.push(p);
  }
  // What a build needs from the hidden places, read-only: toolchains, PATH entries.
  const roots = policy.roots.map((r) => realIfExists(r) ?? r);
  for (const v of policy.visible) {
    const p = realIfExists(v);
    if (!p || !covered.some((c) => within(c, v) || within(c, p))) continue;
    if (roots.some((r) => within(r, p) || within(p, r))) continue;
    args.push('--ro-bind', p, v);
  }
  for (const s of policy.scratch) args.push('--bind', s.merged, s.path);
  // The workspace folders: their copy-on-write views, or (without a transaction) the folders themselves.
  if (policy.overlays) for (const o of policy.overlays) args.push('--bind', o.merged, o.root);
  else for (const r of roots) args.push('--bind', r, r);
  for (const w of policy.writable.map(realIfExists)) if (w) args.push('--bind', w, w);
  if (!policy.overlays) for (const p of policy.readOnly.map(realIfExists)) if (p) args.push('--ro-bind', p, p);
  // Hidden files inside the workspace (without a transaction; with one they are masked in its view) or in what was brought back.
  const shownAgain = [...roots, ...policy.writable, ...policy.visible];
  for (const p of hiddenFiles) if (!covered.some((c) => within(c, p)) || shownAgain.some((r) => within(r, p))) args.push('--ro-bind', '/dev/null', p);
  for (const s of policy.sockets) if (!covered.some((c) => within(c, s)) && !roots.some((r) => within(r, s))) args.push('--ro-bind', '/dev/null', s);
  args.push('--chdir', cwd, '--', ...command);
  return args;
}

/**
 * Shell script of the first stage: mount each overlay given as (options, target) pairs, run the
 * rest (bubblewrap) as a child, and after it ended (or was ended: SIGTERM kills it) run the
 * post-step with the overlays still mounted. Exits with the command's status.
 */
const STAGE = [
  'set -e',
  'while [ "$1" != "--" ]; do mount -t overlay overlay -o "$1" "$2"; shift 2; done',
  'shift',
  'post_node="$1"; post_script="$2"; post_arg="$3"; shift 3',
  'set +e',
  '"$@" & pid=$!',
  "trap 'kill -KILL $pid 2>/dev/null' TERM INT HUP",
  'wait $pid; rc=$?',
  'while kill -0 $pid 2>/dev/null; do wait $pid; rc=$?; done',
  "trap '' TERM INT HUP",
  'if [ -n "$post_node" ]; then ELECTRON_RUN_AS_NODE=1 "$post_node" -e "$post_script" "$post_arg" </dev/null >/dev/null 2>&1; fi',
  'exit $rc',
].join('\n');

export function overlayOptions(l: { lower: string; mask?: string; upper: string; work: string }): string {
  const lower = l.mask ? `${l.mask}:${l.lower}` : l.lower;
  return `userxattr,lowerdir=${lower},upperdir=${l.upper},workdir=${l.work}`;
}

/**
 * The whole command line on Linux: with overlays, `unshare` (a user and mount namespace of ours)
 * mounts them and starts bubblewrap; without, bubblewrap alone.
 */
export function stagedCommand(status: Extract<SandboxStatus, { available: true }>, policy: SandboxPolicy, cwd: string, command: string[]): { file: string; args: string[] } {
  const bw = bwrapArgs(policy, cwd, command);
  const mounts = [...(policy.overlays ?? []), ...policy.scratch];
  if (!mounts.length || !status.unshare) return { file: status.program, args: bw };
  const pairs = mounts.flatMap((m) => [overlayOptions('root' in m ? m : { lower: m.path, upper: m.upper, work: m.work }), m.merged]);
  const post = policy.post ? [policy.post.node, policy.post.script, policy.post.arg] : ['', '', ''];
  return {
    file: status.unshare,
    args: ['--user', '--map-root-user', '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', STAGE, 'sh', ...pairs, '--', ...post, status.program, ...bw],
  };
}

function sbplString(p: string): string {
  return `"${p.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A case-insensitive SBPL regex fragment for a literal name. */
function ciRegex(name: string): string {
  return [...name].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : /[.+*?()[\]{}|^$\\]/.test(c) ? `\\${c}` : c)).join('');
}

/**
 * Names that are execution-relevant wherever they are (folders and files): on macOS a command
 * may not write, create or rename them. The same classes as execRelevant.ts, as Seatbelt patterns.
 */
const SEATBELT_DENY_NAMES = [
  '.git',
  '.gitmodules',
  '.gitattributes',
  '.husky',
  '.githooks',
  '.vscode',
  '.idea',
  '.devcontainer',
  '.devcontainer.json',
  '.github',
  '.gitlab-ci.yml',
  '.circleci',
  '.envrc',
  '.env',
  '.npmrc',
  '.yarnrc.yml',
  '.tool-versions',
  '.nvmrc',
  '.pre-commit-config.yaml',
  'lefthook.yml',
  'package.json',
  'package-lock.json',
  'pyproject.toml',
  'setup.py',
  'Makefile',
  'Cargo.toml',
  'build.gradle',
  'pom.xml',
  'tsconfig.json',
  'AGENTS.md',
  'GEMINI.md',
  'CLAUDE.md',
  'SKILL.md',
  '.cursor',
  '.claude',
  '.gemini',
  '.agents',
  'pyvenv.cfg',
];

/** The sandbox-exec profile for a policy (later rules win). */
export function seatbeltProfile(policy: SandboxPolicy): string {
  const lines = ['(version 1)', '(allow default)'];
  if (!policy.network) lines.push('(deny network*)', '(allow network* (remote unix-socket))');
  lines.push('(deny file-write*)');
  const writable = [...policy.roots, ...policy.writable].map((p) => realIfExists(p) ?? p);
  lines.push(`(allow file-write* ${[...writable, '/private/tmp', '/private/var/folders', '/dev'].map((p) => `(subpath ${sbplString(p)})`).join(' ')})`);
  const deny = SEATBELT_DENY_NAMES.map((n) => `(regex #"/${ciRegex(n)}(/|$)")`);
  deny.push('(regex #"/node_modules/\\.bin(/|$)")', '(regex #"/\\.?venv[^/]*/(bin|Scripts)(/|$)")', '(regex #"\\.code-workspace$")');
  lines.push(`(deny file-write* ${deny.join(' ')})`);
  const hidden = [...policy.hidden, ...(policy.home ? HIDDEN_HOME_PATHS.map((p) => join(policy.home!, p)) : [])].map((p) => realIfExists(p)).filter((p): p is string => !!p);
  if (hidden.length) lines.push(`(deny file-read* file-write* ${hidden.map((p) => `(subpath ${sbplString(p)})`).join(' ')})`);
  return lines.join('\n');
}

/** How to start `command` (shell + args) inside the sandbox. */
export function sandboxedCommand(status: Extract<SandboxStatus, { available: true }>, policy: SandboxPolicy, cwd: string, command: string[]): { file: string; args: string[] } {
  if (status.kind === 'bubblewrap') return stagedCommand(status, policy, cwd, command);
  return { file: status.program, args: ['-p', seatbeltProfile(policy), ...command] };
}

/** Path sockets bound on this machine (from /proc/net/unix), to cover inside the sandbox. */
export function boundSockets(): string[] {
  let text = '';
  try {
    text = readFileSync('/proc/net/unix', 'utf8');
  } catch {
    return [];
  }
  const out = new Set<string>();
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const p = cols[7];
    if (p && p.startsWith('/') && existsSync(p)) out.add(p);
  }
  return [...out].slice(0, 2000);
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
  if (/(No such file or directory|ENOENT|Permission denied|EACCES)/.test(o) && /(\.ssh|\.aws|\.gnupg|\.env|\.npmrc|credentials|\/run\/|\.config\/|\.docker|\.kube)/.test(o)) {
    return 'This may have failed because the sandbox gives commands an empty private home folder and hides secret files. Do not try to read them; ask the user if they are really needed.';
  }
  return undefined;
}

/** The folder a transaction keeps for a workspace folder's layer (names only; created by transaction.ts). */
export function layerPaths(txDir: string, k: number): { lower: string; mask: string; upper: string; work: string; merged: string } {
  return { lower: join(txDir, `l${k}`), mask: join(txDir, `k${k}`), upper: join(txDir, `u${k}`), work: join(txDir, `w${k}`), merged: join(txDir, `m${k}`) };
}
