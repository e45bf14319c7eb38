/**
 * Path safety: what always asks (sensitive, case-insensitively), what holds secrets, the Windows
 * name tricks refused on every platform, escapes through `..` and symlinks, and the re-check at the
 * moment of writing. Inputs include the classes Copilot Chat's path-safety rules guard against.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PathError, PathResolver, secretReason, sensitiveReason } from '../../src/core/tools/paths';
import { bwrapArgs, seatbeltProfile, sandboxFailureHint, type SandboxPolicy } from '../../src/core/tools/sandbox';
import { call, sandbox } from './tool-fakes';

const SENSITIVE = [
  '.vscode/settings.json',
  '.VSCode/settings.json',
  '.vscode/tasks.json',
  'sub/.vscode/launch.json',
  '.git/config',
  '.GIT/hooks/pre-commit',
  '.git/hooks/post-checkout',
  '.gitattributes',
  '.gitmodules',
  '.husky/pre-commit',
  'a.code-workspace',
  'A.CODE-WORKSPACE',
  '.env',
  '.ENV',
  '.env.local',
  '.env.production',
  'config/.env',
  '.npmrc',
  '.pypirc',
  '.netrc',
  '.yarnrc.yml',
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'Cargo.lock',
  'go.sum',
  'poetry.lock',
  'uv.lock',
  'package.json',
  'Package.JSON',
  'pyproject.toml',
  'setup.py',
  'setup.cfg',
  'requirements.txt',
  'requirements-dev.txt',
  'Makefile',
  'makefile',
  'GNUmakefile',
  'rules.mk',
  'Cargo.toml',
  'build.rs',
  'go.mod',
  'build.gradle',
  'build.gradle.kts',
  'settings.gradle',
  'gradlew',
  'pom.xml',
  'App.csproj',
  'lib/x.fsproj',
  'Directory.Build.props',
  'CMakeLists.txt',
  'meson.build',
  'Gemfile',
  'my.gemspec',
  'Rakefile',
  'composer.json',
  'deno.json',
  'Dockerfile',
  'docker-compose.yml',
  '.envrc',
  '.devcontainer/devcontainer.json',
  '.github/workflows/ci.yml',
  '.github/dependabot.yml',
  '.gitlab-ci.yml',
  '.circleci/config.yml',
  '.travis.yml',
  'azure-pipelines.yml',
  'Jenkinsfile',
  '.buildkite/pipeline.yml',
  'AGENTS.md',
  'agents.md',
  'GEMINI.md',
  'CLAUDE.md',
  'sub/AGENTS.md',
  '.github/copilot-instructions.md',
  '.github/instructions/a.instructions.md',
  '.cursorrules',
  '.cursor/rules/x.mdc',
  '.claude/settings.json',
  '.gemini/settings.json',
  '.clinerules',
  '.windsurfrules',
  '.continue/config.json',
  '.mcp.json',
  '.aider.conf.yml',
  '.github/prompts/fix.prompt.md',
  '.roo/rules.md',
  '.kilocode/x',
  'justfile',
  'Taskfile.yml',
  'tox.ini',
  'noxfile.py',
  'conftest.py',
  'bunfig.toml',
  '.pre-commit-config.yaml',
  'id_rsa',
  'keys/server.pem',
  'cert.key',
  'store.p12',
  'credentials.json',
  'service-account-prod.json',
  'terraform.tfvars',
  'secrets.yaml',
  '.aws/credentials',
  '.ssh/config',
];
const NOT_SENSITIVE = [
  'src/app.ts',
  'README.md',
  'docs/guide.md',
  'src/env.ts',
  'environment.ts',
  'src/package.ts',
  'lib/makefile-parser.ts',
  '.env.example',
  '.env.sample',
  'vscode.ts',
  'gitignore.txt',
  'docs/agents.txt',
  'test/keys.test.ts',
];
const SECRET = ['.env', '.ENV.local', '.npmrc', '.netrc', 'id_ed25519', 'a/b/server.key', '.aws/credentials', 'service_account.json', '.git-credentials'];
const NOT_SECRET = ['package.json', '.vscode/settings.json', 'AGENTS.md', '.env.example', 'src/app.ts', '.git/config', 'Makefile'];

test('sensitive files always ask, whatever the case of the name', () => {
  for (const p of SENSITIVE) assert.ok(sensitiveReason(p), `${p} should be sensitive`);
  for (const p of NOT_SENSITIVE) assert.equal(sensitiveReason(p), undefined, `${p} should not be sensitive`);
  assert.ok(SENSITIVE.length > 100);
});

test('secret files (reads ask, hidden in the sandbox, left out of snapshots) are a subset', () => {
  for (const p of SECRET) assert.ok(secretReason(p), `${p} should be secret`);
  for (const p of NOT_SECRET) assert.equal(secretReason(p), undefined, `${p} should not be secret`);
});

test('Windows name tricks and other non-paths are refused on every platform', async () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'paths-')));
  const paths = new PathResolver(() => [{ name: 'ws', path: root }]);
  const refused = [
    'settings.json::$DATA',
    '.vscode/settings.json::$DATA',
    'a.txt:stream',
    '.vscode./settings.json',
    '.git./config',
    'file.txt.',
    '.vscode /settings.json',
    'dir /x',
    'CON',
    'con.txt',
    'NUL',
    'nul.json',
    'aux',
    'COM1',
    'com9.log',
    'LPT1',
    'lpt3.txt',
    'PRN',
    'CONIN$',
    'PROGRA~1/x',
    'VSCODE~1/settings.json',
    'GIT~1/config',
    '..\\..\\etc\\passwd',
    '../../etc/passwd',
    '/etc/passwd',
    '~/.ssh/id_rsa',
    '~root',
    'C:\\Windows\\system32',
    'c:/x',
    '\\\\server\\share\\x',
    '//server/share',
    '\\\\?\\C:\\x',
    '\\\\.\\pipe\\x',
    'file:///etc/passwd',
    'https://example.com/x',
    'a\u0000b',
    'a<b',
    'a>b',
    'a|b',
    'a?b',
    'a*b',
    'a"b',
    'new\u0007bell',
  ];
  for (const p of refused) await assert.rejects(paths.resolve(p), PathError, p);
  for (const ok of ['src/app.ts', './src/../README.md', 'a b/c.txt', '..foo/bar', 'x...y']) await paths.resolve(ok);
  rmSync(root, { recursive: true, force: true });
});

test('a symlink out of the workspace is refused; the re-check catches a swap after approval', async () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'paths-')));
  mkdirSync(join(root, 'ws'));
  writeFileSync(join(root, 'outside.txt'), 'x');
  writeFileSync(join(root, 'ws/notes.txt'), 'x');
  symlinkSync(join(root, 'outside.txt'), join(root, 'ws/link'));
  const paths = new PathResolver(() => [{ name: 'ws', path: join(root, 'ws') }]);
  await assert.rejects(paths.resolve('link'), /outside the workspace/);
  const approved = await paths.resolve('notes.txt');
  await paths.recheck('notes.txt', approved);
  rmSync(join(root, 'ws/notes.txt'));
  symlinkSync(join(root, 'outside.txt'), join(root, 'ws/notes.txt'));
  await assert.rejects(paths.recheck('notes.txt', approved), /changed while the change waited for approval/);
  rmSync(root, { recursive: true, force: true });
});

test('edit_file and create_file write nothing when the target changed during the approval', async () => {
  const s = sandbox({ 'notes.txt': 'hello\n', 'dir/a.txt': 'a\n' });
  writeFileSync(join(s.root, 'outside.txt'), 'outside\n');
  mkdirSync(join(s.root, 'elsewhere'));
  // The "user" approves, and meanwhile the file is replaced by a symlink to a file outside.
  s.approvals.ask = async (_id, req) => {
    s.approvals.requests.push(req);
    rmSync(join(s.ws, 'notes.txt'));
    symlinkSync(join(s.root, 'outside.txt'), join(s.ws, 'notes.txt'));
    return 'accept';
  };
  const r = await call(s, 'edit_file', { path: 'notes.txt', edits: [{ search: 'hello', replace: 'pwned' }] });
  assert.equal(r.isError, true);
  assert.match(r.text, /changed while the change waited for approval|outside the workspace/);
  assert.equal(realpathSync(join(s.root, 'outside.txt')) && (await import('node:fs')).readFileSync(join(s.root, 'outside.txt'), 'utf8'), 'outside\n');
  s.approvals.ask = async (_id, req) => {
    s.approvals.requests.push(req);
    rmSync(join(s.ws, 'dir'), { recursive: true });
    symlinkSync(join(s.root, 'elsewhere'), join(s.ws, 'dir'));
    return 'accept';
  };
  const c = await call(s, 'create_file', { path: 'dir/new.txt', content: 'x\n' });
  assert.equal(c.isError, true);
  assert.equal((await import('node:fs')).existsSync(join(s.root, 'elsewhere/new.txt')), false);
});

test('a secret file is not read or searched without asking; package.json is', async () => {
  const s = sandbox({ '.env': 'TOKEN=abc123\n', 'package.json': '{"name":"x","token":"abc123"}\n', 'src/a.ts': 'const token = "abc123";\n' }, { rg: true });
  s.approvals.decisions = ['reject'];
  const env = await call(s, 'read_file', { path: '.env' });
  assert.equal(env.isError, true);
  assert.equal(s.approvals.requests[0]!.kind, 'read');
  const pkg = await call(s, 'read_file', { path: 'package.json' });
  assert.equal(pkg.isError, false, 'reading a manifest does not ask');
  const found = await call(s, 'search_text', { query: 'abc123' });
  assert.match(found.text, /src\/a\.ts/);
  assert.doesNotMatch(found.text, /\.env/);
});

test('the sandbox argument lists hide and protect what they should', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'bw-')));
  mkdirSync(join(root, 'ws/.git/hooks'), { recursive: true });
  writeFileSync(join(root, 'ws/.git/config'), '');
  mkdirSync(join(root, 'home/.ssh'), { recursive: true });
  writeFileSync(join(root, 'ws/.env'), 'x');
  const policy: SandboxPolicy = {
    roots: [join(root, 'ws')],
    writable: [],
    readOnly: [join(root, 'ws/.git/hooks'), join(root, 'ws/.git/config'), join(root, 'ws/.vscode')],
    hidden: [join(root, 'home/.ssh'), join(root, 'ws/.env'), join(root, 'home/missing'), root],
    network: false,
    home: join(root, 'home'),
    visible: [],
    scratch: [],
    private: [],
    sockets: [],
  };
  const args = bwrapArgs(policy, join(root, 'ws'), ['/bin/bash', '-c', 'ls']);
  const s = args.join(' ');
  assert.match(s, /--unshare-net/);
  assert.match(s, /--unshare-pid/);
  assert.match(s, /--die-with-parent/);
  assert.match(s, /^--unshare-user --cap-drop ALL --disable-userns /, 'a user namespace of its own, every capability dropped, no further user namespaces');
  assert.match(s, /--tmpfs \/tmp /);
  assert.match(s, /--tmpfs \/run /);
  // The workspace comes back after the folders hiding it (it is below /tmp here), without a transaction writable in place.
  assert.ok(args.lastIndexOf(join(root, 'ws')) > args.indexOf('/tmp'));
  assert.match(s, new RegExp(`--bind ${join(root, 'ws')} ${join(root, 'ws')}`));
  assert.match(s, new RegExp(`--ro-bind ${join(root, 'ws/.git/hooks')} `));
  assert.match(s, new RegExp(`--ro-bind /dev/null ${join(root, 'ws/.env')}`));
  assert.doesNotMatch(s, /home\/missing/, 'a path that does not exist is skipped');
  assert.deepEqual(args.slice(-4), ['--', '/bin/bash', '-c', 'ls']);
  assert.doesNotMatch(bwrapArgs({ ...policy, network: true }, join(root, 'ws'), ['sh']).join(' '), /--unshare-net/);
  const profile = seatbeltProfile(policy);
  assert.match(profile, /\(deny network\*\)/);
  assert.match(profile, /\(deny file-write\*\)/);
  assert.match(profile, /\(deny file-read\* file-write\* .*home\/\.ssh/);
  assert.match(sandboxFailureHint('curl: (6) Could not resolve host: example.com', policy) ?? '', /"network": true/);
  assert.match(sandboxFailureHint("touch: cannot touch '/usr/x': Read-only file system", policy) ?? '', /writable_paths/);
  rmSync(root, { recursive: true, force: true });
});
