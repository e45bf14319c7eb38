// `npm run demo`: build, start the fake Interactions API (or use the real API when
// GEMINI_API_KEY is set), start a real VS Code workbench (code-server) with the extension and a
// sample workspace, and print the URL to open. Ctrl+C stops everything.
/* global fetch */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, ensureWorkbench, installExtension, startCodeServer, writeUserSettings, freePort, portIsFree, ROOT } from './workbench.mjs';

const realKey = process.env.GEMINI_API_KEY?.trim();
let fakeProc;
const port = Number(process.env.PORT ?? 8080);

function fail(message) {
  console.error(`\n  The demo could not start: ${message}\n`);
  fakeProc?.kill();
  process.exit(1);
}
if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`PORT=${process.env.PORT} is not a port number.`);
if (!(await portIsFree(port))) fail(`port ${port} is already in use on 127.0.0.1. Stop what uses it, or choose another port: PORT=${port + 1} npm run demo`);

function build() {
  for (const args of [['esbuild.mjs', '--production'], ['scripts/build-tests.mjs']]) {
    const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: ROOT });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

build();
ensureWorkbench();
const base = join(cacheDir(), '..', 'demo');
const workspace = join(base, 'workspace');
const userDataDir = join(base, 'user-data');
const extensionsDir = join(base, 'extensions');
if (!existsSync(workspace)) {
  mkdirSync(base, { recursive: true });
  cpSync(join(ROOT, 'demo', 'workspace'), workspace, { recursive: true });
  try {
    const env = { ...process.env, GIT_AUTHOR_NAME: 'Demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'Demo', GIT_COMMITTER_EMAIL: 'demo@example.com' };
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: workspace, env });
    execFileSync('git', ['add', '-A'], { cwd: workspace, env });
    execFileSync('git', ['commit', '-q', '-m', 'Demo workspace'], { cwd: workspace, env });
  } catch {
    /* git is optional */
  }
}
rmSync(extensionsDir, { recursive: true, force: true });
mkdirSync(extensionsDir, { recursive: true });
installExtension(extensionsDir);

let apiBaseUrl;
if (realKey) {
  apiBaseUrl = 'https://generativelanguage.googleapis.com';
  console.log('GEMINI_API_KEY is set: the demo talks to the real Gemini API.');
} else {
  let fakePort = await freePort();
  // Never the workbench's port (freePort may hand out any free one).
  while (fakePort === port) fakePort = await freePort();
  fakeProc = spawn(process.execPath, [join(ROOT, 'out/test/fake-api/cli.js'), String(fakePort)], { stdio: ['ignore', 'inherit', 'inherit'] });
  apiBaseUrl = `http://127.0.0.1:${fakePort}`;
  const exited = new Promise((r) => fakeProc.once('exit', (code) => r(code)));
  // Wait until it answers (a health check, not a guess), or report why it stopped.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const up = await fetch(`${apiBaseUrl}/v1beta/models`, { headers: { 'x-goog-api-key': 'demo-key' } }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 150))]);
    if (code !== undefined) fail(`the fake API exited (code ${code}) before it listened on ${fakePort}.`);
    if (Date.now() > deadline) fail(`the fake API did not answer on ${fakePort} within 15 s.`);
  }
}
writeUserSettings(userDataDir, {
  'gemini.apiBaseUrl': apiBaseUrl,
  'gemini.useEnvironmentKey': true,
  'workbench.colorTheme': 'Default Dark Modern',
});
const server = await startCodeServer({
  workspace,
  userDataDir,
  extensionsDir,
  port,
  env: { GEMINI_API_KEY: realKey || 'demo-key' },
}).catch((err) => fail(`the workbench (code-server) did not start: ${err.message}`));
const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
console.log(`\n  Gemini Interactions demo is running${realKey ? ' against the real API' : ' offline against the fake API'}.`);
console.log(`  Open: ${url}\n  (Click the ✦ Gemini icon in the activity bar. Ctrl+C to stop.)\n`);

const stop = async () => {
  await server.stop();
  fakeProc?.kill();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
