/**
 * The sandbox holds what a command does, not only the command: with real bubblewrap and a real
 * overlay, as the user CI runs as (root). Each test tries a class, not one example:
 * - persistence through git: a rebuilt, moved or new `.git`, a nested repository, a submodule, a
 *   bare repository, a `.git` file; afterwards git runs on the host and no planted program runs;
 * - every kind of execution-relevant file, existing and not yet existing, from a command and from
 *   a file tool with edits auto-approved;
 * - secrets in HOME, in the environment, behind sockets, deep in the workspace (thousands of them);
 * - privileges (CapEff 0 as root; remounting and unmounting fail);
 * - hard links, from a command and under a file tool;
 * - ordinary writes landing as a batch, undo, a stop that discards, a long-running command.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { executionRelevance, foldName } from '../../src/core/tools/execRelevant';
import { COMMAND_NICENESS } from '../../src/core/tools/process';
import { sandboxEnvironment } from '../../src/core/tools/sandbox';
import { maskUrlCredentials } from '../../src/core/tools/redactUrls';
import { call, sandbox, type Sandbox } from './tool-fakes';

const bwrapHere = (() => {
  try {
    execFileSync('bwrap', ['--version']);
    return true;
  } catch {
    return false;
  }
})();
const opts = { skip: bwrapHere ? false : 'bubblewrap is not installed' } as const;

const cleanups: Array<() => void> = [];
after(() => cleanups.forEach((f) => f()));

function gitRepo(files: Record<string, string> = {}): Sandbox {
  const s = sandbox({ 'README.md': '# project\n', ...files });
  execFileSync('git', ['init', '-q', s.ws]);
  execFileSync('git', ['-C', s.ws, 'add', '-A']);
  execFileSync('git', ['-C', s.ws, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'init']);
  cleanups.push(() => rmSync(s.root, { recursive: true, force: true }));
  return s;
}

/** Run git on the host as VS Code would, then say whether any planted program ran. */
function hostGitRuns(s: Sandbox, marker: string): boolean {
  for (const args of [['status'], ['diff'], ['log', '-1'], ['submodule', 'status'], ['-C', 'sub', 'status'], ['-C', 'nested', 'status']]) {
    try {
      execFileSync('git', ['-C', s.ws, ...args], { stdio: 'ignore', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, timeout: 10_000 });
    } catch {
      /* a failing git is fine: only the marker matters */
    }
  }
  return existsSync(marker);
}

describe('execution-relevant paths: one function, names folded as file systems fold them', () => {
  const relevant = [
    '.git/config',
    '.git/hooks/pre-commit',
    'sub/.git',
    'vendor/lib/.git/HEAD',
    '.gitmodules',
    '.gitattributes',
    '.husky/pre-commit',
    '.githooks/pre-push',
    'lefthook.yml',
    '.pre-commit-config.yaml',
    '.vscode/settings.json',
    '.vscode/tasks.json',
    'app.code-workspace',
    '.devcontainer.json',
    '.devcontainer/devcontainer.json',
    '.idea/workspace.xml',
    '.github/workflows/ci.yml',
    '.gitlab-ci.yml',
    '.circleci/config.yml',
    'AGENTS.md',
    'docs/GEMINI.md',
    'CLAUDE.md',
    '.github/copilot-instructions.md',
    '.github/skills/deploy/SKILL.md',
    '.claude/skills/x/SKILL.md',
    '.agents/skills/y/helper.py',
    '.cursor/rules/a.mdc',
    '.envrc',
    '.env',
    '.env.local',
    '.tool-versions',
    '.nvmrc',
    'mise.toml',
    'devbox.json',
    'flake.nix',
    'shell.nix',
    'Vagrantfile',
    'package.json',
    'packages/a/package.json',
    'package-lock.json',
    'pnpm-lock.yaml',
    'Makefile',
    'build.gradle.kts',
    'Cargo.toml',
    'build.rs',
    'pyproject.toml',
    'setup.py',
    'conftest.py',
    'Dockerfile',
    'docker-compose.yml',
    'tsconfig.json',
    'eslint.config.mjs',
    '.eslintrc.json',
    '.prettierrc',
    'vite.config.ts',
    '.npmrc',
    '.yarnrc.yml',
    '.yarn/releases/yarn-4.js',
    'node_modules/.bin/tsc',
    '.venv/bin/python',
    'venv/bin/activate',
    '.venv/lib/python3.11/site-packages/evil.pth',
    'sitecustomize.py',
    '.cargo/config.toml',
    '.mvn/wrapper/maven-wrapper.properties',
    'gradle/wrapper/gradle-wrapper.properties',
  ];
  const ordinary = [
    'src/index.ts',
    'README.md',
    'docs/guide.md',
    'dist/bundle.js',
    'node_modules/left-pad/index.js',
    'build/output.o',
    'target/debug/app',
    '.gitignore',
    'tests/test_app.py',
  ];
  for (const p of relevant) test(`relevant: ${p}`, () => assert.ok(executionRelevance(p), p));
  for (const p of ordinary) test(`ordinary: ${p}`, () => assert.equal(executionRelevance(p), undefined, p));
  test('a folder named like a build file is not one (build/ holds output; BUILD is Bazel’s file)', () => {
    assert.equal(executionRelevance('build/'), undefined);
    assert.ok(executionRelevance('BUILD'));
    assert.ok(executionRelevance('.git/'));
  });
  test('look-alikes that case-insensitive, normalising file systems fold', () => {
    for (const p of [
      '.GIT/config',
      '.Git/hooks/x',
      '.g\u200cit/config',
      '.gi\u200dt/HEAD',
      '.git\ufeff/config',
      '.git./config',
      '.git /config',
      '.git::$INDEX_ALLOCATION/config',
      'GIT~1/config',
      '.VSCODE/settings.json',
      '.\u212Aeep/../.vscode/x',
      'PACKAGE.JSON',
      'Makefile.',
      'AGENTS.MD',
      'ａｇｅｎｔｓ.md',
      '.env\u00ad',
    ]) {
      assert.ok(executionRelevance(p), `${JSON.stringify(p)} folds onto a protected name`);
    }
    assert.equal(foldName('\u212A'), 'k', 'Kelvin sign');
    assert.equal(foldName('ſ'), 's', 'long s');
  });
});

/** A make invocation the built-in rules let run unasked (a build), whose command-line variable runs a shell at parse time. */
const makeRuns = (script: string) => `make -s 'X:=$(shell ${script.replace(/'/g, "'\\''")})'`;

describe('the sandbox: a command’s writes are a transaction', opts, () => {
  test('ordinary files land at once as a batch, moved in; the result says what landed', async () => {
    const s = gitRepo({ 'src/a.txt': 'a\n', 'old.txt': 'old\n' });
    s.approvals.decisions = ['accept'];
    const r = await call(s, 'run_command', { command: 'mkdir -p out/deep && echo built > out/deep/x.js && echo changed > src/a.txt && rm old.txt && echo n > new.txt' });
    assert.equal(r.isError, false, r.text);
    assert.match(r.text, /Workspace changes that landed \(2 new, 1 changed, 1 deleted, 2 new folders\): /);
    assert.equal(s.read('out/deep/x.js'), 'built\n');
    assert.equal(s.read('src/a.txt'), 'changed\n');
    assert.equal(existsSync(join(s.ws, 'old.txt')), false);
    assert.equal(s.approvals.requests.length, 1, 'only the command itself asked (it redirects into files)');
  });

  test('git persistence through a build rule: a rebuilt, moved or new .git, nested and bare repositories, submodules, a .git file; rejected, nothing runs on the host', async () => {
    const s = gitRepo({ 'src/a.txt': 'a\n', 'sub/keep.txt': 'k\n' });
    const marker = join(s.root, 'PWNED');
    const plant = `printf '#!/bin/sh\\ntouch ${marker}\\n' > /tmp/hook && chmod +x /tmp/hook`;
    const script = [
      plant,
      // the repository rebuilt under a new name, then made again with a planted fsmonitor, hooks, pager, alias, filters
      'mv .git .git-old && cp -r .git-old .git',
      'git config core.fsmonitor /tmp/hook || true',
      `printf '[core]\\n\\tfsmonitor = ${marker}-fs\\n\\tpager = touch ${marker}\\n[alias]\\n\\tst = !touch ${marker}\\n' >> .git/config`,
      'mkdir -p .git/hooks && cp /tmp/hook .git/hooks/post-checkout && cp /tmp/hook .git/hooks/pre-commit',
      `echo '* filter=pwn' > .gitattributes && echo '[submodule "x"]' > .gitmodules`,
      // a nested repository, a bare one, and a .git file pointing elsewhere
      'git init -q nested && git -C nested config core.fsmonitor /tmp/hook',
      'git init -q --bare bare.git',
      'mkdir -p sub && echo "gitdir: ../.git-old" > sub/.git',
      'echo ordinary > src/ok.txt',
    ].join(' && ');
    const r = await call(s, 'run_command', { command: makeRuns(script) });
    assert.equal(s.approvals.requests.length, 1, `the command ran unasked (a build); only its changes asked: ${r.text}`);
    const card = s.approvals.requests[0]!;
    assert.match(card.title, /changes to \d+ file\(s\) that other programs run or load/);
    for (const p of ['.git/config', '.git/hooks/post-checkout', '.gitattributes', '.gitmodules', 'nested/.git/config', 'bare.git/config', 'sub/.git']) {
      assert.ok(card.detail.includes(p), `${p} waits for the user:\n${card.detail}`);
    }
    assert.match(r.text, /who rejected them; they were discarded/);
    assert.equal(readFileSync(join(s.ws, 'src/ok.txt'), 'utf8'), 'ordinary\n', 'the ordinary file landed');
    assert.equal(existsSync(join(s.ws, 'nested')), true, 'the folder itself is ordinary');
    assert.equal(existsSync(join(s.ws, 'nested/.git')), false);
    assert.equal(existsSync(join(s.ws, 'bare.git/config')), false);
    assert.equal(existsSync(join(s.ws, 'sub/.git')), false);
    assert.doesNotMatch(readFileSync(join(s.ws, '.git/config'), 'utf8'), /fsmonitor|alias/);
    assert.equal(existsSync(join(s.ws, '.git/hooks/post-checkout')), false);
    assert.equal(hostGitRuns(s, marker), false, 'git on the host ran nothing the command planted');
    assert.equal(existsSync(`${marker}-fs`), false);
  });

  test('every kind of execution-relevant file, existing or not, waits for the user; approved, it lands', async () => {
    const existing = ['package.json', 'Makefile', '.vscode/settings.json', 'AGENTS.md', '.github/workflows/ci.yml'];
    const missing = [
      '.devcontainer.json',
      'app.code-workspace',
      '.envrc',
      '.env',
      '.npmrc',
      '.husky/pre-commit',
      '.vscode/tasks.json',
      '.venv/bin/python',
      'node_modules/.bin/tsc',
      'GEMINI.md',
      '.github/skills/x/SKILL.md',
      'lefthook.yml',
      '.idea/workspace.xml',
      'flake.nix',
      'Vagrantfile',
      'devbox.json',
      'mise.toml',
      'eslint.config.js',
      '.pre-commit-config.yaml',
    ];
    const s = gitRepo(Object.fromEntries(existing.map((p) => [p, 'original\n'])));
    const all = [...existing, ...missing];
    const script = `${all.map((p) => `mkdir -p "$(dirname '${p}')" && echo planted > '${p}'`).join(' && ')} && echo fine > plain.txt`;
    s.approvals.decisions = ['accept', 'reject'];
    await call(s, 'run_command', { command: script });
    const card = s.approvals.requests[1]!;
    for (const p of all) assert.ok(card.detail.includes(p), `${p} waits:\n${card.detail}`);
    assert.match(card.diff ?? '', /-original\n\+planted/);
    for (const p of existing) assert.equal(s.read(p), 'original\n', `${p} is unchanged after Reject`);
    for (const p of missing) assert.equal(existsSync(join(s.ws, p)), false, `${p} was not created`);
    assert.equal(s.read('plain.txt'), 'fine\n');
    // Approved, the same changes land.
    s.approvals.decisions = ['accept', 'accept'];
    const r = await call(s, 'run_command', { command: script });
    assert.match(r.text, /who approved them/);
    for (const p of all) assert.equal(s.read(p), 'planted\n', p);
  });

  test('symbolic links and hard links never land silently; approved, a hard link lands as its own copy', async () => {
    const s = gitRepo({ 'a.txt': 'shared\n' });
    s.approvals.decisions = ['accept', 'reject'];
    await call(s, 'run_command', { command: 'ln a.txt b.txt && ln -s /etc/passwd out.txt && ln -s a.txt in.txt' });
    const card = s.approvals.requests[1]!.detail;
    assert.match(card, /b\.txt — a hard link/);
    assert.match(card, /out\.txt → \/etc\/passwd — a symbolic link pointing outside the workspace/);
    assert.match(card, /in\.txt → a\.txt — a symbolic link/);
    assert.deepEqual(readdirSync(s.ws).sort(), ['.git', 'README.md', 'a.txt']);
    s.approvals.decisions = ['accept', 'accept'];
    await call(s, 'run_command', { command: 'ln a.txt b.txt' });
    assert.equal(s.read('b.txt'), 'shared\n');
    assert.equal(statSync(join(s.ws, 'b.txt')).nlink, 1, 'no link between workspace files');
    assert.equal(statSync(join(s.ws, 'a.txt')).nlink, 1);
  });

  test('a mass deletion of tracked files is shown and waits; a folder removed and made again replaces it', async () => {
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, k) => [`src/f${k}.ts`, `export const f${k} = ${k};\n`]));
    const s = gitRepo(files);
    s.approvals.decisions = ['accept', 'reject'];
    const r = await call(s, 'run_command', { command: 'rm -rf src' });
    assert.match(s.approvals.requests[1]!.detail, /src\/? \(30 files\) — the command deletes 30 files git tracks/);
    assert.match(r.text, /rejected/);
    assert.equal(readdirSync(join(s.ws, 'src')).length, 30);
    // A few files, removed with their folder and the folder made again: the old content goes, the new lands.
    const t = gitRepo({ 'lib/a.ts': 'a\n', 'lib/b.ts': 'b\n' });
    t.approvals.decisions = ['accept'];
    await call(t, 'run_command', { command: 'rm -rf lib && mkdir lib && echo c > lib/c.ts' });
    assert.deepEqual(readdirSync(join(t.ws, 'lib')), ['c.ts']);
  });

  test('a file somebody else changes while the command runs is not overwritten silently', async () => {
    const s = gitRepo({ 'notes.txt': 'v1\n' });
    s.approvals.decisions = ['accept', 'reject'];
    const running = call(s, 'run_command', { command: 'sleep 1.5; echo from-command > notes.txt' });
    await new Promise((r) => setTimeout(r, 700));
    writeFileSync(join(s.ws, 'notes.txt'), 'the user typed this\n');
    await running;
    assert.match(s.approvals.requests[1]!.detail, /notes\.txt — somebody else changed this file while the command ran/);
    assert.equal(s.read('notes.txt'), 'the user typed this\n');
  });

  test('Stop discards what the command wrote; a timeout keeps its ordinary files', async () => {
    const s = gitRepo();
    s.approvals.decisions = ['accept'];
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 800);
    const r = await call(s, 'run_command', { command: 'echo x > stopped.txt; sleep 20' }, undefined, ctrl.signal);
    assert.match(r.text, /nothing the command wrote in the workspace was kept/);
    assert.equal(existsSync(join(s.ws, 'stopped.txt')), false);
    s.approvals.decisions = ['accept'];
    const t = await call(s, 'run_command', { command: 'echo y > timed.txt; sleep 20', timeout_seconds: 1 });
    assert.match(t.text, /timeout/);
    assert.equal(s.read('timed.txt'), 'y\n');
  });

  test('a long-running command: ordinary files land while it runs; execution-relevant ones only after a prompt', async () => {
    const s = gitRepo();
    s.approvals.decisions = ['accept', 'reject'];
    const running = call(s, 'run_command', { command: 'for i in 1 2 3 4 5 6 7; do echo $i > live.txt; echo "export X=$i" > .envrc; sleep 1; done' });
    let seenLive = false;
    for (let k = 0; k < 80 && !seenLive; k++) {
      await new Promise((r) => setTimeout(r, 100));
      if (existsSync(join(s.ws, 'live.txt'))) seenLive = true;
      assert.equal(existsSync(join(s.ws, '.envrc')), false, '.envrc never lands while it runs');
    }
    assert.ok(seenLive, 'live.txt landed before the command ended');
    const r = await running;
    assert.equal(s.read('live.txt'), '7\n');
    assert.equal(existsSync(join(s.ws, '.envrc')), false);
    assert.match(r.text, /\.envrc — an environment loader/);
  });

  test('"Undo changes of this turn" restores what a command changed, deleted and made', async () => {
    const s = gitRepo({ 'keep.txt': 'before\n', 'gone/x.txt': 'x\n' });
    const runner = s.runner();
    s.approvals.decisions = ['accept'];
    await call(s, 'run_command', { command: 'echo after > keep.txt && rm -r gone && mkdir made && echo m > made/m.txt' }, runner);
    assert.equal(s.read('keep.txt'), 'after\n');
    const { restoreSnapshots } = await import('../../src/core/tools/undo');
    const { failed } = await restoreSnapshots(runner.undo.toJSON(), s.docs);
    assert.deepEqual(failed, []);
    assert.equal(s.read('keep.txt'), 'before\n');
    assert.equal(s.read('gone/x.txt'), 'x\n');
    assert.equal(existsSync(join(s.ws, 'made')), false);
  });
});

describe('the sandbox: what a command can see', opts, () => {
  test('a private, empty HOME: credentials, histories and other tools’ state are not there; toolchains are, read-only', async () => {
    const s = gitRepo();
    const home = join(s.root, 'home');
    const secrets: Record<string, string> = {
      '.git-credentials': 'https://u:ghp_aaaaaaaaaaaaaaaaaaaaaaaa@github.com',
      '.config/git/credentials': 'https://u:tok@example.com',
      '.gitconfig': '[url "https://x:tok@github.com"]\n',
      '.bash_history': 'export AWS_SECRET=abc',
      '.zsh_history': 'mysql -psecret',
      '.config/gh/hosts.yml': 'oauth_token: gho_secret',
      '.claude/.credentials.json': '{"token":"s"}',
      '.gemini/oauth_creds.json': '{"refresh":"s"}',
      '.m2/settings.xml': '<password>s</password>',
      '.gradle/gradle.properties': 'signing.password=s',
      '.yarnrc.yml': 'npmAuthToken: s',
      '.terraform.d/credentials.tfrc.json': '{"token":"s"}',
      '.config/rclone/rclone.conf': 'pass = s',
      '.pulumi/credentials.json': '{}',
      '.kaggle/kaggle.json': '{"key":"s"}',
      '.config/containers/auth.json': '{}',
      '.config/age/keys.txt': 'AGE-SECRET-KEY-1',
      '.config/Code/User/globalStorage/state.vscdb': 'secret-state',
    };
    for (const [p, v] of Object.entries(secrets)) {
      mkdirSync(join(home, p, '..'), { recursive: true });
      writeFileSync(join(home, p), v);
    }
    mkdirSync(join(home, '.nvm/versions/node/bin'), { recursive: true });
    writeFileSync(join(home, '.nvm/versions/node/bin/tool'), '#!/bin/sh\necho toolchain-ok\n');
    chmodSync(join(home, '.nvm/versions/node/bin/tool'), 0o755);
    s.approvals.decisions = ['accept'];
    const r = await call(s, 'run_command', {
      command: `for f in ${Object.keys(secrets)
        .map((p) => `"${join(home, p)}"`)
        .join(
          ' ',
        )}; do cat "$f" 2>/dev/null && echo "READ $f"; done; ls -A ${home}; echo "HOME=$HOME"; ${join(home, '.nvm/versions/node/bin/tool')}; touch ${join(home, '.nvm/x')} 2>&1 | head -1`,
    });
    assert.doesNotMatch(r.text, /READ /, r.text);
    for (const v of Object.values(secrets)) if (v.length > 8) assert.ok(!r.text.includes(v), `not read: ${v}`);
    assert.match(r.text, /toolchain-ok/);
    assert.match(r.text, /Read-only file system/);
    assert.match(r.text, new RegExp(`HOME=${home}`));
  });

  test('the environment is an allow-list: secret-valued variables the old name filter passed are gone', async () => {
    const s = gitRepo();
    const planted: Record<string, string> = {
      DATABASE_URL: 'postgres://app:hunter2@db/app',
      MYSQL_PWD: 'hunter2',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/XX',
      SENTRY_DSN: 'https://abc@o0.ingest.sentry.io/1',
      AWS_SECRET_ACCESS_KEY: 'abc',
      MY_RANDOM_SETTING: 'value-of-setting',
      GOPROXY: 'https://user:pass@proxy.example.com',
      HTTPS_PROXY: 'http://proxy.example.com:3128',
    };
    const saved = { ...process.env };
    Object.assign(process.env, planted, { LANG: 'C.UTF-8' });
    try {
      s.approvals.decisions = ['accept'];
      const r = await call(s, 'run_command', { command: 'env' });
      for (const k of Object.keys(planted)) assert.doesNotMatch(r.text, new RegExp(`^${k}=`, 'm'), `${k} is not passed`);
      assert.match(r.text, /^PATH=/m);
      assert.match(r.text, /^LANG=C\.UTF-8/m);
      const env = sandboxEnvironment({ ...planted, PATH: '/bin' }, { network: true });
      assert.equal(env.HTTPS_PROXY, 'http://proxy.example.com:3128', 'a proxy goes with the network');
      assert.equal(env.GOPROXY, undefined, 'never a value with credentials in it');
      assert.equal(sandboxEnvironment({ MY_RANDOM_SETTING: 'v' }, { network: false, extraNames: ['MY_RANDOM_SETTING'] }).MY_RANDOM_SETTING, 'v', 'the user’s additions');
      assert.equal(sandboxEnvironment({ PATH: '/bin' }, { network: false }).SHELL, '/bin/sh', 'an editor started without SHELL still gives builds a shell');
      assert.equal(sandboxEnvironment({ SHELL: '/bin/bash' }, { network: false }).SHELL, '/bin/bash');
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  test('sockets outside (under HOME, elsewhere on disk, in the workspace) and /run are out of reach', async () => {
    const s = gitRepo();
    const home = join(s.root, 'home');
    mkdirSync(home, { recursive: true });
    const outside = join(process.cwd(), `.sock-test-${process.pid}`);
    mkdirSync(outside, { recursive: true });
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
    const paths = [join(home, 'agent.sock'), join(outside, 'docker.sock'), join(s.ws, 'dev.sock')];
    const servers: Server[] = [];
    for (const p of paths) {
      const srv = createServer((c) => c.end('REACHED\n'));
      await new Promise<void>((r) => srv.listen(p, r));
      servers.push(srv);
    }
    try {
      s.approvals.decisions = ['accept'];
      const js = `for (const p of ${JSON.stringify(paths)}) require('net').connect(p).on('data', (d) => console.log('GOT ' + p + ' ' + d)).on('error', (e) => console.log('NO ' + e.code));`;
      const r = await call(s, 'run_command', { command: `node -e "${js.replace(/"/g, '\\"')}"; ls /run | wc -l` });
      assert.doesNotMatch(r.text, /GOT/, r.text);
      assert.equal((r.text.match(/NO /g) ?? []).length, 3, r.text);
      assert.match(r.text, /\n0\n/, '/run is empty');
    } finally {
      for (const srv of servers) srv.close();
    }
  });

  test('secret files deep in the workspace, node_modules included, stay hidden, also 3,000 of them', async () => {
    const files: Record<string, string> = {
      'node_modules/pkg/.env': 'NODE_MODULES_SECRET=1',
      'a/b/c/d/e/.env.production': 'DEEP_SECRET=1',
      'packages/x/id_ed25519': 'KEY_SECRET',
      'creds/service-account-prod.json': '{"private_key":"SA_SECRET"}',
    };
    for (let k = 0; k < 3000; k++) files[`fixtures/certs/k${k}.pem`] = `PEM_SECRET_${k}`;
    const s = gitRepo(files);
    s.approvals.decisions = ['accept'];
    const r = await call(s, 'run_command', {
      command: 'cat node_modules/pkg/.env a/b/c/d/e/.env.production packages/x/id_ed25519 creds/service-account-prod.json fixtures/certs/k1.pem fixtures/certs/k2999.pem; echo END',
    });
    assert.match(r.text, /END/, `the command ran: ${r.text}`);
    assert.doesNotMatch(r.text, /_SECRET/);
    assert.match(r.text, /Workspace changes: none/, 'hiding a file is not changing it');
  });

  test('the network, when allowed, is named on the card with what it includes', async () => {
    const s = gitRepo();
    s.approvals.decisions = ['reject'];
    await call(s, 'run_command', { command: 'ls', network: true });
    assert.match(s.approvals.requests[0]!.sensitive ?? '', /services on this machine/);
    assert.equal(s.approvals.requests[0]!.network, true);
  });
});

describe('the sandbox: no privileges, also as root', opts, () => {
  test('CapEff is 0, remounts and unmounts fail, no new user namespace', async () => {
    const s = gitRepo();
    s.approvals.decisions = ['accept'];
    const r = await call(s, 'run_command', {
      command: 'grep CapEff /proc/self/status; id -u; mount -o remount,rw / && echo REMOUNTED; umount /tmp && echo UNMOUNTED; unshare -Ur true && echo USERNS; echo end',
    });
    assert.match(r.text, /CapEff:\s*0000000000000000/);
    assert.doesNotMatch(r.text, /REMOUNTED|UNMOUNTED|USERNS/);
    assert.match(r.text, new RegExp(`\\n${process.getuid?.() ?? 0}\\n`), 'the command sees the user’s own uid');
  });

  test('a command runs at a lower CPU priority than the editor, and cannot raise it back', async () => {
    const s = gitRepo();
    s.approvals.decisions = ['accept'];
    const r = await call(s, 'run_command', { command: 'echo "nice=$(nice)"; echo "raised=$(nice -n -5 nice 2>/dev/null)"' });
    const expected = Math.min(19, getPriority() + COMMAND_NICENESS);
    assert.match(r.text, new RegExp(`nice=${expected}\\b`), r.text);
    assert.match(r.text, new RegExp(`raised=${expected}\\b`), 'asking for a higher priority changes nothing');
  });
});

describe('file tools never write through a link', opts, () => {
  test('a file with a second hard link is refused, also with edits auto-approved; a swap to a hard link while an approval waits is refused', async () => {
    const s = sandbox({ 'pkg.js': 'module.exports = 1;\n', 'notes.txt': 'notes\n' }, { settings: { autoApproveEdits: true } });
    const store = join(s.root, 'store-copy.js');
    linkSync(join(s.ws, 'pkg.js'), store);
    const r = await call(s, 'edit_file', { path: 'pkg.js', edits: [{ search: '1', replace: '2' }] });
    assert.equal(r.isError, true);
    assert.match(r.text, /hard links/);
    assert.equal(readFileSync(store, 'utf8'), 'module.exports = 1;\n', 'the other name is untouched');
    // Swap during a pending approval (auto-approval off): the re-check at the moment of writing refuses it.
    const t = sandbox({ 'notes.txt': 'notes\n' });
    const outside = join(t.root, 'outside.txt');
    writeFileSync(outside, 'outside\n');
    t.env.approvals = {
      ask: async () => {
        unlinkSync(join(t.ws, 'notes.txt'));
        linkSync(outside, join(t.ws, 'notes.txt'));
        return 'accept';
      },
    };
    const u = await call(t, 'edit_file', { path: 'notes.txt', edits: [{ search: 'notes', replace: 'EDITED' }] });
    assert.equal(u.isError, true, u.text);
    assert.equal(readFileSync(outside, 'utf8'), 'outside\n');
    // A symbolic link swapped in is refused the same way.
    const v = sandbox({ 'n.txt': 'n\n' });
    v.env.approvals = {
      ask: async () => {
        unlinkSync(join(v.ws, 'n.txt'));
        symlinkSync(outside, join(v.ws, 'n.txt'));
        return 'accept';
      },
    };
    assert.equal((await call(v, 'edit_file', { path: 'n.txt', edits: [{ search: 'n', replace: 'X' }] })).isError, true);
    assert.equal(readFileSync(outside, 'utf8'), 'outside\n');
  });

  test('execution-relevant files ask from the file tools too, existing or new, with edits auto-approved', async () => {
    const s = sandbox({ 'package.json': '{}\n' }, { settings: { autoApproveEdits: true } });
    for (const p of [
      '.git/hooks/pre-commit',
      '.devcontainer.json',
      '.venv/bin/python',
      'node_modules/.bin/x',
      'lefthook.yml',
      '.idea/x.xml',
      'flake.nix',
      '.github/skills/a/SKILL.md',
      '.GIT/config',
    ]) {
      s.approvals.decisions = ['reject'];
      const r = await call(s, 'create_file', { path: p, content: 'x\n' });
      assert.equal(r.isError, true, `${p}: ${r.text}`);
      assert.ok(s.approvals.requests.at(-1)!.sensitive, `${p} asked`);
    }
    s.approvals.decisions = ['reject'];
    assert.equal((await call(s, 'edit_file', { path: 'package.json', edits: [{ search: '{}', replace: '{"scripts":{}}' }] })).isError, true);
  });
});

test('credentials in URLs are masked in what the tools return: a file read, a command’s output', async () => {
  const s = sandbox({ 'remotes.txt': '[remote "origin"]\n\turl = https://bot:ghp_SECRETSECRET@github.com/x/y.git\n' });
  const r = await call(s, 'read_file', { path: 'remotes.txt' });
  assert.match(r.text, /https:\/\/bot:••••@github\.com/);
  assert.doesNotMatch(r.text, /SECRETSECRET/);
  if (bwrapHere) {
    s.approvals.decisions = ['accept'];
    const c = await call(s, 'run_command', { command: 'echo "cloning https://x-access-token:ghs_TOKENTOKEN@github.com/a/b"' });
    assert.doesNotMatch(c.text, /TOKENTOKEN/);
    assert.doesNotMatch(s.activity.outputs.join(''), /TOKENTOKEN/, 'nor in the chat');
  }
});

test('credentials in URLs are masked before the model sees them', () => {
  assert.equal(maskUrlCredentials('remote: https://user:ghp_secret@github.com/x.git'), 'remote: https://user:••••@github.com/x.git');
  assert.equal(maskUrlCredentials('https://ghp_abcdefghijklmnopqrstuv@github.com'), 'https://••••@github.com');
  assert.equal(maskUrlCredentials('git@github.com:x/y.git and https://github.com/x'), 'git@github.com:x/y.git and https://github.com/x');
  assert.equal(maskUrlCredentials('postgres://app:hunter2@db:5432/app'), 'postgres://app:••••@db:5432/app');
});
