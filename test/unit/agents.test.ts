/** Remote agents: the snapshot, the tar, the three-way comparison and merge, and the run watcher. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { classify, merge3, remoteToLocal } from '../../src/core/agents/results';
import { FINISHED, RunStore, RunWatcher, type RunRecord } from '../../src/core/agents/runs';
import { buildSnapshot, planSnapshot, SnapshotTooLargeError, type SnapshotOptions, type WorkspaceSnapshot } from '../../src/core/agents/snapshot';
import { readTar, writeTar } from '../../src/core/agents/tar';
import type { InteractionsClient } from '../../src/core/client/client';
import { collectChanges } from '../../src/core/agents/collect';
import { launchPrompt, prepareRun } from '../../src/core/agents/launch';
import type { FakeApi } from '../fake-api/server';
import { clientFor, useFake } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);

/** A snapshot written into a temporary file, with the archive read back and the paths it holds. */
async function snapshot(dir: string, opts: Omit<SnapshotOptions, 'out'>): Promise<WorkspaceSnapshot & { tar: Buffer; paths: string[] }> {
  const out = join(mkdtempSync(join(tmpdir(), 'snap-out-')), 'snapshot.tar.gz');
  const snap = await buildSnapshot(dir, { ...opts, out });
  const archive = readFileSync(out);
  assert.equal(archive.length, snap.archiveBytes);
  const paths = readTar(gunzipSync(archive)).map((e) => e.path);
  assert.equal(paths.length, snap.files, 'the count is what the archive holds');
  return { ...snap, tar: archive, paths };
}

function repo(files: Record<string, string | Buffer>, opts: { git?: boolean } = {}): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'snap-')));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  if (opts.git !== false) {
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'init');
  }
  return dir;
}

describe('snapshot', () => {
  test('tracked files with uncommitted changes and untracked-but-not-ignored files; ignored ones excluded; index untouched', async () => {
    const dir = repo({ '.gitignore': 'build/\n*.log\n', 'src/a.ts': 'committed\n', 'README.md': '# r\n', 'gone.ts': 'deleted in the working tree\n' });
    writeFileSync(join(dir, 'src/a.ts'), 'uncommitted change\n');
    rmSync(join(dir, 'gone.ts'));
    writeFileSync(join(dir, 'new.ts'), 'untracked\n');
    mkdirSync(join(dir, 'build'));
    writeFileSync(join(dir, 'build/out.js'), 'ignored');
    writeFileSync(join(dir, 'debug.log'), 'ignored');
    const indexBefore = readFileSync(join(dir, '.git/index'));
    const headBefore = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' });
    const snap = await snapshot(dir, { maxBytes: 1e6 });
    assert.equal(snap.usedGit, true);
    assert.deepEqual([...snap.paths].sort(), ['.gitignore', 'README.md', 'new.ts', 'src/a.ts']);
    assert.deepEqual([...snap.tar.subarray(0, 2)], [0x1f, 0x8b], 'sent gzipped');
    const entries = new Map(readTar(gunzipSync(snap.tar)).map((e) => [e.path, e]));
    assert.deepEqual([...entries.keys()].sort(), ['.gitignore', 'README.md', 'new.ts', 'src/a.ts'], 'the archive holds exactly the list');
    assert.equal(new TextDecoder().decode(entries.get('src/a.ts')!.data), 'uncommitted change\n');
    assert.deepEqual(readFileSync(join(dir, '.git/index')), indexBefore, 'the index is not touched');
    assert.equal(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }), headBefore);
    assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' }).includes('A '), false, 'nothing was staged');
  });

  test('binary files travel byte for byte; the `tar` package reads our archive', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255, 0, 0]);
    const dir = repo({ 'img/logo.png': png, 'a.txt': 'hello\n' });
    const snap = await snapshot(dir, { maxBytes: 1e6 });
    const out = mkdtempSync(join(tmpdir(), 'snap-x-'));
    await pipeline(Readable.from([Buffer.from(snap.tar)]), tar.x({ cwd: out, strict: true }));
    assert.deepEqual(readFileSync(join(out, 'img/logo.png')), png);
    assert.equal(readFileSync(join(out, 'a.txt'), 'utf8'), 'hello\n');
  });

  test('symbolic links inside are kept as links; links out of the workspace are not followed', async () => {
    const dir = repo({ 'src/real.ts': 'x\n' }, { git: false });
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'SECRET');
    symlinkSync(join(dir, 'src/real.ts'), join(dir, 'link-in.ts'));
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'link-out.txt'));
    symlinkSync(outside, join(dir, 'dir-out'));
    const snap = await snapshot(dir, { maxBytes: 1e6 });
    assert.equal(snap.usedGit, false);
    assert.deepEqual(snap.skipped.map((s) => s.path).sort(), ['dir-out', 'link-out.txt']);
    assert.ok(!gunzipSync(snap.tar).includes(Buffer.from('SECRET')));
    const link = readTar(gunzipSync(snap.tar)).find((e) => e.path === 'link-in.ts')!;
    assert.equal(link.type, 'symlink');
  });

  test('the size limit applies to what is sent (compressed) and names the largest files', async () => {
    // Incompressible files over the limit: refused with the largest named.
    const dir = repo({ 'big.bin': randomBytes(300_000), 'medium.dat': randomBytes(200_000), 'small.txt': 'x' });
    await assert.rejects(
      () => snapshot(dir, { maxBytes: 400_000 }),
      (e: unknown) => e instanceof SnapshotTooLargeError && /big\.bin \(293\.0 KB\), medium\.dat/.test(e.message) && /gemini\.agents\.maxSnapshotMB/.test(e.message),
    );
    // The same sizes of compressible content fit: the limit is on the compressed archive.
    const text = repo({ 'big.txt': 'a line of text\n'.repeat(20_000), 'medium.txt': 'more text\n'.repeat(20_000) });
    const snap = await snapshot(text, { maxBytes: 400_000 });
    assert.ok(snap.bytes > 400_000 && snap.tar.length < 400_000, `${snap.bytes} bytes of files sent as ${snap.tar.length}`);
  });

  test('progress counts files; a cancelled snapshot stops', async () => {
    const files: Record<string, string> = {};
    for (let k = 0; k < 450; k++) files[`f${k}.txt`] = `file ${k}\n`;
    const dir = repo(files);
    const seen: string[] = [];
    await snapshot(dir, { maxBytes: 1e7, onProgress: (p) => seen.push(`${p.files}`) });
    assert.equal(seen.at(-1), '450', seen.join(', '));
    const ctrl = new AbortController();
    ctrl.abort();
    await assert.rejects(() => snapshot(dir, { maxBytes: 1e7, signal: ctrl.signal }));
  });

  test('a failed or cancelled snapshot leaves no archive behind', async () => {
    const dir = repo({ 'big.bin': randomBytes(300_000), 'b.txt': 'b\n' });
    const folder = mkdtempSync(join(tmpdir(), 'snap-fail-'));
    await assert.rejects(() => buildSnapshot(dir, { maxBytes: 100_000, out: join(folder, 'a.tar.gz') }), SnapshotTooLargeError);
    const ctrl = new AbortController();
    const run = buildSnapshot(dir, { maxBytes: 1e7, out: join(folder, 'b.tar.gz'), signal: ctrl.signal });
    ctrl.abort();
    await assert.rejects(run, /cancelled/);
    assert.deepEqual(readdirSync(folder), []);
  });

  test('a long listing in many pieces, an unmerged path, a file too large to read ahead, a link never followed at the moment of reading', async () => {
    const files: Record<string, string | Buffer> = {};
    // About 400 KB of names: git's output arrives in many chunks, names cut between them.
    for (let k = 0; k < 3000; k++) files[`deep/${'segment-'.repeat(12)}${k}/file-${k}.ts`] = `export const v${k} = ${k};\n`;
    files['conflict.txt'] = 'base\n';
    const dir = repo(files);
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', ...a], { cwd: dir, stdio: 'ignore' });
    git('checkout', '-q', '-b', 'other');
    writeFileSync(join(dir, 'conflict.txt'), 'theirs\n');
    git('commit', '-qam', 'theirs');
    git('checkout', '-q', 'main');
    writeFileSync(join(dir, 'conflict.txt'), 'ours\n');
    git('commit', '-qam', 'ours');
    assert.throws(() => git('merge', '-q', 'other'));
    assert.equal(execFileSync('git', ['ls-files', '--cached', 'conflict.txt'], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean).length, 3, 'three stages in the index');
    const big = randomBytes(5 * 1024 * 1024);
    writeFileSync(join(dir, 'big.bin'), big);
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'SECRET');
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'sneaky.npmrc.txt'));
    const snap = await snapshot(dir, { maxBytes: 1e8 });
    assert.equal(snap.paths.filter((p) => p === 'conflict.txt').length, 1, 'an unmerged path is sent once');
    assert.equal(snap.paths.filter((p) => p.startsWith('deep/')).length, 3000);
    assert.equal(new Set(snap.paths).size, snap.paths.length, 'no name twice');
    const entries = new Map(readTar(gunzipSync(snap.tar)).map((e) => [e.path, e]));
    assert.deepEqual(Buffer.from(entries.get('big.bin')!.data!), big, 'streamed byte for byte');
    assert.equal(new TextDecoder().decode(entries.get(`deep/${'segment-'.repeat(12)}2999/file-2999.ts`)!.data), 'export const v2999 = 2999;\n');
    assert.deepEqual(snap.skipped, [{ path: 'sneaky.npmrc.txt', reason: 'symbolic link to a place outside the workspace' }]);
    assert.ok(!gunzipSync(snap.tar).includes(Buffer.from('SECRET')));
    // From a subfolder: its paths, relative to it.
    const sub = await snapshot(join(dir, 'deep'), { maxBytes: 1e8 });
    assert.equal(sub.files, 3000);
    assert.ok(sub.paths.every((p) => p.startsWith('segment-')));
  });

  test('a hostile repository config (core.fsmonitor) never runs while the snapshot lists files', async () => {
    const dir = repo({ 'a.ts': 'x\n' });
    writeFileSync(join(dir, 'untracked.ts'), 'y\n');
    const marker = join(dir, '..', `fsmonitor-ran-${Date.now()}`);
    execFileSync('git', ['config', 'core.fsmonitor', `touch ${marker}; echo`], { cwd: dir });
    // Control: git itself would run it for this very listing.
    execFileSync('git', ['ls-files', '--others', '--exclude-standard'], { cwd: dir });
    assert.equal(existsSync(marker), true, 'the hook runs for a plain git ls-files');
    rmSync(marker);
    const snap = await snapshot(dir, { maxBytes: 1e6 });
    assert.deepEqual([...snap.paths].sort(), ['a.ts', 'untracked.ts']);
    assert.equal(existsSync(marker), false, 'the snapshot never ran it');
    await planSnapshot(dir, join(mkdtempSync(join(tmpdir(), 'plan-')), 'files.txt'));
    assert.equal(existsSync(marker), false);
  });

  test('secret files are left out unless included; configuration that may hold a credential goes without its values; the plan lists both', async () => {
    const yarnrc = 'yarnPath: .yarn/releases/yarn-4.1.0.cjs\nnpmScopes:\n  babel:\n    npmAuthToken: "npm_SECRET1"\n    npmAlwaysAuth: true\n';
    const dir = repo({
      'src/a.ts': 'x\n',
      '.env': 'TOKEN=1\n',
      '.env.example': 'TOKEN=\n',
      'config/.npmrc': 'registry=https://r.example/\n//r/:_authToken=SECRET2\n',
      '.yarnrc.yml': yarnrc,
      'gradle.properties': 'org.gradle.jvmargs=-Xmx2g\nsigning.password=SECRET3\n',
      'plain/.npmrc': 'save-exact=true\n',
      'keys/server.pem': 'KEY',
      id_ed25519: 'k',
    });
    const plan = await planSnapshot(dir, join(mkdtempSync(join(tmpdir(), 'plan-')), 'files.txt'));
    assert.deepEqual(plan.secrets.sort(), ['.env', 'id_ed25519', 'keys/server.pem']);
    assert.deepEqual(plan.redacted.sort(), ['.yarnrc.yml', 'config/.npmrc', 'gradle.properties']);
    const listed = readFileSync(plan.list, 'utf8').split('\n').filter(Boolean);
    assert.equal(listed.length, plan.files);
    assert.ok(listed.includes('.env.example') && listed.includes('src/a.ts') && listed.includes('.yarnrc.yml') && listed.includes('plain/.npmrc'));
    const snap = await snapshot(dir, { maxBytes: 1e6 });
    assert.deepEqual(snap.secrets.sort(), plan.secrets.sort());
    assert.equal(snap.files, plan.files, 'the plan counts what the snapshot sends');
    assert.deepEqual([...snap.paths].sort(), readFileSync(plan.list, 'utf8').split('\n').filter(Boolean).sort(), 'and lists the same names');
    assert.deepEqual(snap.redacted.sort(), plan.redacted.sort());
    const entries = new Map(readTar(gunzipSync(snap.tar)).map((e) => [e.path, new TextDecoder().decode(e.data)]));
    assert.ok(![...entries.keys()].some((p) => p === '.env' || p.endsWith('.pem')));
    const raw = gunzipSync(snap.tar);
    for (const secret of ['TOKEN=1', 'SECRET1', 'SECRET2', 'SECRET3']) assert.ok(!raw.includes(Buffer.from(secret)), `${secret} never leaves`);
    assert.equal(entries.get('.yarnrc.yml'), yarnrc.replace('"npm_SECRET1"', '""'), 'the rest of the file is as it was: Yarn still finds its release');
    assert.equal(entries.get('config/.npmrc'), 'registry=https://r.example/\n//r/:_authToken=\n');
    assert.equal(entries.get('plain/.npmrc'), 'save-exact=true\n', 'nothing to remove: sent as it is');
    const all = await snapshot(dir, { maxBytes: 1e6, includeSecrets: true });
    const allEntries = new Map(readTar(gunzipSync(all.tar)).map((e) => [e.path, new TextDecoder().decode(e.data)]));
    assert.ok(allEntries.has('.env'));
    assert.equal(allEntries.get('.yarnrc.yml'), yarnrc, 'included on purpose: as it is');
    assert.deepEqual(all.redacted, []);
  });

  test('tar round-trip with long paths (PAX) and empty files', () => {
    const long = `${'deep/'.repeat(30)}file-with-a-long-name.ts`;
    const t = writeTar([
      { path: long, type: 'file', data: enc('long') },
      { path: 'empty', type: 'file', data: new Uint8Array() },
      { path: 'dir', type: 'directory' },
    ]);
    const back = readTar(t);
    assert.deepEqual(
      back.map((e) => [e.path, e.type, e.data ? new TextDecoder().decode(e.data) : undefined]),
      [
        [long, 'file', 'long'],
        ['empty', 'file', ''],
        ['dir', 'directory', undefined],
      ],
    );
  });
});

for (const engine of ['git merge-file', 'Myers fallback'] as const) {
  const git = engine === 'git merge-file';
  describe(`results: classification and three-way merge (${engine})`, () => {
    const classifyWith = (path: string, base: Uint8Array | undefined, theirs: Uint8Array | undefined, ours: Uint8Array | undefined) => classify(path, base, theirs, ours, { git });
    test('unchanged, added, modified, deleted', async () => {
      assert.equal(await classifyWith('a', enc('x'), enc('x'), enc('x')), undefined);
      assert.equal((await classifyWith('b', undefined, enc('new'), undefined))!.kind, 'added');
      const m = (await classifyWith('c', enc('old'), enc('new'), enc('old')))!;
      assert.equal(m.kind, 'modified');
      assert.equal(m.conflict, false);
      assert.equal((await classifyWith('d', enc('old'), undefined, enc('old')))!.kind, 'deleted');
    });

    test('a local edit since launch is a conflict, merged three-way', async () => {
      const base = 'a\nb\nc\nd\ne\n';
      const ours = 'a\nB-local\nc\nd\ne\n';
      const theirs = 'a\nb\nc\nd\nE-agent\n';
      const c = (await classifyWith('f.ts', enc(base), enc(theirs), enc(ours)))!;
      assert.equal(c.conflict, true);
      assert.deepEqual(c.merge, { text: 'a\nB-local\nc\nd\nE-agent\n', conflicts: 0 });
      const clash = (await classifyWith('g.ts', enc(base), enc('a\nB-agent\nc\nd\ne\n'), enc(ours)))!;
      assert.equal(clash.merge!.conflicts, 1);
      assert.equal(clash.merge!.text, 'a\n<<<<<<< local (your edits since launch)\nB-local\n||||||| snapshot (at launch)\nb\n=======\nB-agent\n>>>>>>> remote agent\nc\nd\ne\n');
    });

    test('the same change on both sides is not a conflict; a binary conflict has no merge', async () => {
      assert.equal((await classifyWith('h', enc('a\n'), enc('b\n'), enc('b\n')))!.conflict, false);
      const bin = (await classifyWith('i.png', Buffer.from([0, 1]), Buffer.from([0, 2]), Buffer.from([0, 3])))!;
      assert.equal(bin.conflict, true);
      assert.equal(bin.binary, true);
      assert.equal(bin.merge, undefined);
    });

    test('merge3: insertions at different places merge; at the same place they conflict', async () => {
      assert.deepEqual(await merge3('1\n2\n3\n', '0\n1\n2\n3\n', '1\n2\n3\n4\n', { git }), { text: '0\n1\n2\n3\n4\n', conflicts: 0 });
      assert.equal((await merge3('1\n2\n', '1\nx\n2\n', '1\ny\n2\n', { git })).conflicts, 1);
      // Without a final newline, as before.
      assert.deepEqual(await merge3('1\n2\n3', '0\n1\n2\n3', '1\n2\n3\n4', { git }), { text: '0\n1\n2\n3\n4', conflicts: 0 });
      assert.equal((await merge3('1\n2', '1\nx\n2', '1\ny\n2', { git })).conflicts, 1);
      // Edits on adjacent lines merge (git alone would call them a conflict).
      assert.deepEqual(await merge3('one\ntwo\nthree\n', 'one\ntwo\nTHREE\n', 'one\nTWO\nthree\n', { git }), { text: 'one\nTWO\nTHREE\n', conflicts: 0 });
    });

    test('a 20k-line file with a conflict and scattered clean edits merges quickly, with the same result', async () => {
      const base = Array.from({ length: 20_000 }, (_, i) => `const line${i} = ${i};`);
      const ours = [...base];
      const theirs = [...base];
      for (let k = 0; k < 20; k++) ours[100 + k * 997] = `// local edit ${k}`;
      for (let k = 0; k < 20; k++) theirs[600 + k * 991] = `// agent edit ${k}`;
      ours[15_000] = 'const clash = "local";';
      theirs[15_000] = 'const clash = "agent";';
      const t0 = performance.now();
      const r = await merge3(base.join('\n') + '\n', ours.join('\n') + '\n', theirs.join('\n') + '\n', { git });
      const ms = performance.now() - t0;
      assert.equal(r.conflicts, 1);
      const lines = r.text.split('\n');
      assert.ok(lines.includes('// local edit 7') && lines.includes('// agent edit 13'), 'both sides’ clean edits kept');
      assert.equal(lines.filter((l) => l.startsWith('<<<<<<< ')).length, 1);
      assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
    });
  });
}

describe('results: paths', () => {
  test('remote paths map into the workspace and never climb out', () => {
    assert.equal(remoteToLocal('workspace/src/a.ts'), 'src/a.ts');
    assert.equal(remoteToLocal('/workspace/a.ts'), 'a.ts');
    assert.equal(remoteToLocal('other/a.ts'), undefined);
    assert.equal(remoteToLocal('workspace/../etc/passwd'), undefined);
    assert.equal(remoteToLocal('workspace/.git/config'), undefined);
  });
});

describe('run watcher', () => {
  test('polls with adaptive intervals until the run finishes; one status model for all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runs-'));
    const store = new RunStore(join(dir, 'runs.json'));
    const statuses = ['in_progress', 'in_progress', 'completed'];
    let polls = 0;
    const client = { get: async () => ({ id: 'v1_x', status: statuses[Math.min(polls++, 2)], steps: [], usage: { total_tokens: 1000 * polls } }) } as unknown as InteractionsClient;
    const scheduled: number[] = [];
    const queue: Array<() => void> = [];
    const watcher = new RunWatcher(store, () => client, { setTimeout: (f, ms) => (scheduled.push(ms), queue.push(f), queue.length), clearTimeout: () => undefined });
    const changes: string[] = [];
    store.onDidChange((r, prev) => r && changes.push(`${prev}->${r.status}`));
    const run: RunRecord = { id: 'r1', task: 't', agent: 'a', created: 1, updated: 1, status: 'in_progress', root: '/x', lastInteractionId: 'v1_x' };
    store.add(run);
    watcher.resumeAll();
    assert.deepEqual(scheduled, [0]);
    await (queue.shift()!(), new Promise((r) => setTimeout(r, 10)));
    assert.equal(scheduled[1], RunWatcher.SLOW_MS, 'background runs are polled slowly');
    watcher.setOpen('r1', true);
    assert.equal(scheduled[2], 0, 'opening a run polls at once');
    queue.length = 0;
    await (watcher.poll('r1'), new Promise((r) => setTimeout(r, 10)));
    assert.equal(scheduled[scheduled.length - 1], RunWatcher.FAST_MS, 'an open run is polled fast');
    await (watcher.poll('r1'), new Promise((r) => setTimeout(r, 10)));
    assert.equal(store.get('r1')!.status, 'completed');
    assert.ok(FINISHED.has(store.get('r1')!.status));
    assert.equal(store.get('r1')!.tokens, 3000);
    assert.ok(changes.includes('in_progress->completed'));
    // Persisted: a new store (another window, or after a reload) sees the same runs.
    assert.equal(new RunStore(join(dir, 'runs.json')).get('r1')!.status, 'completed');
    watcher.dispose();
  });
});

describe('launch and collect (core, against the fake API)', () => {
  let fake: FakeApi;
  useFake((f) => (fake = f));

  function ports(store: RunStore, dir: string, client: InteractionsClient, messages: string[]) {
    return {
      client,
      store,
      snapshot: (root: string, o: SnapshotOptions) => buildSnapshot(root, o),
      snapshotFile: (runId: string) => join(dir, `${runId}.tar.gz`),
      progress: (m: string) => messages.push(m),
      log: (m: string) => messages.push(m),
    };
  }

  test('prepareRun: snapshot, environment, upload; the run record follows each stage; secrets stay home', async () => {
    const ws = repo({ 'src/a.ts': 'export const a = 1;\n', '.env': 'TOKEN=secret\n' });
    const dir = mkdtempSync(join(tmpdir(), 'launch-'));
    const store = new RunStore(join(dir, 'runs.json'));
    const messages: string[] = [];
    const { client } = clientFor(fake);
    const r = await prepareRun(
      { id: 'run1', task: 'Fix it', agent: 'antigravity-preview-05-2026', root: ws, network: 'disabled', maxSnapshotBytes: 1e6, includeSecrets: false, now: Date.now() },
      ports(store, dir, client, messages),
    );
    assert.equal(r.ok, true);
    const run = store.get('run1')!;
    assert.equal(run.status, 'queued');
    assert.ok(run.environmentId && run.snapshotPath && run.snapshotFiles === 1);
    assert.equal(readFileSync(join(fake.envDir(run.environmentId), 'workspace/src/a.ts'), 'utf8'), 'export const a = 1;\n');
    assert.equal(existsSync(join(fake.envDir(run.environmentId), 'workspace/.env')), false);
    assert.ok(messages.some((m) => /left out 1 secret file\(s\): \.env/.test(m)));
    const envReq = fake.requests.find((q) => q.method === 'POST' && q.path.endsWith('/environments'))!;
    assert.deepEqual(envReq.body, { network: 'disabled' });
    assert.match(launchPrompt('Fix it', 'ws'), /under workspace\/\.\)$/);
  });

  test('prepareRun: a failure leaves the run failed with the reason (no silent half-run)', async () => {
    const ws = repo({ 'big.bin': Buffer.alloc(2000, 1) });
    const dir = mkdtempSync(join(tmpdir(), 'launch-'));
    const store = new RunStore(join(dir, 'runs.json'));
    const { client } = clientFor(fake);
    const r = await prepareRun(
      { id: 'run2', task: 't', agent: 'a', root: ws, network: 'enabled', maxSnapshotBytes: 100, includeSecrets: false, now: Date.now() },
      ports(store, dir, client, []),
    );
    assert.equal(r.ok, false);
    assert.equal(store.get('run2')!.status, 'failed');
    assert.match(store.get('run2')!.error!, /snapshot is more than 100 B to send, compressed/);
    assert.equal(fake.requests.filter((q) => q.path.endsWith('/environments')).length, 0, 'nothing was created on the server');
  });

  test('collectChanges: added, modified, deleted and a conflict with a local edit', async () => {
    const ws = repo({ 'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'keep\n', 'c.txt': 'gone\n' });
    const dir = mkdtempSync(join(tmpdir(), 'collect-'));
    const store = new RunStore(join(dir, 'runs.json'));
    const { client } = clientFor(fake);
    const r = await prepareRun(
      { id: 'run3', task: 't', agent: 'a', root: ws, network: 'enabled', maxSnapshotBytes: 1e6, includeSecrets: false, now: Date.now() - 5000 },
      ports(store, dir, client, []),
    );
    assert.ok(r.ok);
    const envDir = fake.envDir(store.get('run3')!.environmentId!);
    writeFileSync(join(envDir, 'workspace/a.txt'), 'one\nTWO\nthree\n');
    writeFileSync(join(envDir, 'workspace/new.txt'), 'new\n');
    rmSync(join(envDir, 'workspace/c.txt'));
    writeFileSync(join(ws, 'a.txt'), 'one\ntwo\nTHREE (local)\n');
    const changes = await collectChanges(store.get('run3')!, {
      client,
      readSnapshot: (p) => new Uint8Array(readFileSync(p)),
      readLocal: async (root, rel) => (existsSync(join(root, rel)) ? new Uint8Array(readFileSync(join(root, rel))) : undefined),
    });
    assert.deepEqual(
      changes.map((c) => [c.path, c.kind, c.conflict]),
      [
        ['a.txt', 'modified', true],
        ['c.txt', 'deleted', false],
        ['new.txt', 'added', false],
      ],
    );
    assert.equal(changes[0]!.merge!.conflicts, 0, 'the two edits touch different lines');
    assert.equal(changes[0]!.merge!.text, 'one\nTWO\nTHREE (local)\n');
    await assert.rejects(
      collectChanges({ ...store.get('run3')!, snapshotPath: undefined }, { client, readSnapshot: () => undefined, readLocal: async () => undefined }),
      /no snapshot to compare with/,
    );
  });
});
