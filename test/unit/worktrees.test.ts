import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  branches,
  commitWorktree,
  createWorktree,
  gitShow,
  mergeIntoMain,
  removeWorktree,
  repoRoot,
  unmergedWork,
  worktreeChanges,
  worktreeDir,
} from '../../src/core/git/worktrees';
import { CliGit } from '../../src/core/git/cliGit';

const ENV = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e' };
function repo(): { dir: string; git: (...a: string[]) => string; done(): void } {
  const top = mkdtempSync(join(tmpdir(), 'gemini-wt-'));
  const dir = join(top, 'project');
  mkdirSync(dir);
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, env: ENV, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'a.txt'), 'one\ntwo\n');
  writeFileSync(join(dir, 'b.txt'), 'bee\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  return { dir, git, done: () => rmSync(top, { recursive: true, force: true }) };
}

test('a worktree beside the repository, its changes against the base, a clean merge into the main tree, then removal', async () => {
  const r = repo();
  try {
    assert.equal(await repoRoot(join(r.dir)), r.dir);
    assert.deepEqual(await branches(r.dir), { current: 'main', all: ['main'] });
    const w = await createWorktree(r.dir, 'abc123', 'main');
    assert.equal(w.dir, worktreeDir(r.dir, 'abc123'));
    assert.ok(!w.dir.startsWith(r.dir + '/'), 'outside the workspace folder');
    assert.equal(w.branch, 'gemini/abc123');
    writeFileSync(join(w.dir, 'a.txt'), 'one\nTWO\n');
    writeFileSync(join(w.dir, 'new.txt'), 'fresh\n');
    rmSync(join(w.dir, 'b.txt'));
    assert.deepEqual(await worktreeChanges(w), [
      { path: 'a.txt', kind: 'modified' },
      { path: 'b.txt', kind: 'deleted' },
      { path: 'new.txt', kind: 'added' },
    ]);
    assert.equal((await gitShow(r.dir, w.base, 'a.txt'))?.toString(), 'one\ntwo\n');
    assert.equal(await gitShow(r.dir, '--output=/tmp/x', 'a.txt'), undefined, 'only a commit or a stage');
    const status = await new CliGit(w.dir).status();
    assert.equal(status[0]!.branch, 'gemini/abc123');
    assert.deepEqual(status[0]!.changes.map((c) => `${c.status} ${c.path.slice(w.dir.length + 1)}`).sort(), ['deleted b.txt', 'modified a.txt', 'untracked new.txt']);
    assert.deepEqual(await unmergedWork(w), { commits: 0, files: 3 });
    assert.equal(await commitWorktree(w, 'work'), true);
    assert.equal(await commitWorktree(w, 'again'), false, 'nothing left to commit');
    assert.deepEqual(await unmergedWork(w), { commits: 1, files: 0 });
    assert.equal(r.git('status', '--porcelain'), '', 'the main tree untouched so far');
    const out = await mergeIntoMain(w);
    assert.deepEqual(out, { conflicts: [], upToDate: false });
    assert.equal(readFileSync(join(r.dir, 'a.txt'), 'utf8'), 'one\nTWO\n');
    assert.ok(existsSync(join(r.dir, 'new.txt')) && !existsSync(join(r.dir, 'b.txt')));
    assert.match(r.git('status', '--porcelain'), /^M {2}a\.txt$/m, 'staged, not committed');
    r.git('commit', '-q', '-m', 'merged');
    await removeWorktree(w);
    assert.ok(!existsSync(w.dir));
    assert.equal(r.git('branch', '--list', 'gemini/*'), '');
  } finally {
    r.done();
  }
});

test('a conflicting merge leaves the conflicts for the merge editor; the repository’s hooks never run', async () => {
  const r = repo();
  try {
    // A hook that would leave a mark if git ran it.
    const mark = join(r.dir, '..', 'hook-ran');
    for (const h of ['pre-commit', 'post-commit', 'post-merge', 'post-checkout', 'prepare-commit-msg'])
      writeFileSync(join(r.dir, '.git', 'hooks', h), `#!/bin/sh\ntouch ${JSON.stringify(mark)}\n`, { mode: 0o755 });
    const w = await createWorktree(r.dir, 'conf1', 'main');
    writeFileSync(join(w.dir, 'a.txt'), 'one\nworktree\n');
    writeFileSync(join(r.dir, 'a.txt'), 'one\nmain\n');
    r.git('-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-am', 'main changes the same line');
    await commitWorktree(w, 'worktree changes it too');
    const out = await mergeIntoMain(w);
    assert.deepEqual(out.conflicts, ['a.txt']);
    assert.match(readFileSync(join(r.dir, 'a.txt'), 'utf8'), /<<<<<<<[\s\S]*main[\s\S]*=======[\s\S]*worktree[\s\S]*>>>>>>>/);
    assert.equal((await gitShow(r.dir, ':2', 'a.txt'))?.toString(), 'one\nmain\n');
    assert.equal((await gitShow(r.dir, ':3', 'a.txt'))?.toString(), 'one\nworktree\n');
    assert.ok(!existsSync(mark), 'no hook ran');
    r.git('-c', 'core.hooksPath=/dev/null', 'merge', '--abort');
    assert.deepEqual(await unmergedWork(w), { commits: 1, files: 0 });
    await removeWorktree(w);
    assert.ok(!existsSync(mark));
  } finally {
    r.done();
  }
});

test('removal waits out another git’s lock, and removes the branch of a worktree whose folder is already gone', async () => {
  const r = repo();
  try {
    const w = await createWorktree(r.dir, 'lock1', 'main');
    // Another git holds the branch's ref lock for a moment (VS Code's git extension, a terminal).
    const lock = join(r.dir, '.git', 'refs', 'heads', 'gemini', 'lock1.lock');
    writeFileSync(lock, '');
    setTimeout(() => rmSync(lock, { force: true }), 400);
    await removeWorktree(w);
    assert.ok(!existsSync(w.dir));
    assert.equal(r.git('branch', '--list', 'gemini/*'), '');
    const gone = await createWorktree(r.dir, 'gone1', 'main');
    rmSync(gone.dir, { recursive: true, force: true });
    await removeWorktree(gone);
    assert.equal(r.git('branch', '--list', 'gemini/*'), '', 'the branch went with the record');
    assert.doesNotMatch(r.git('worktree', 'list'), /gone1/);
    // A lock that stays is an error that says so, not a silent leftover.
    const w2 = await createWorktree(r.dir, 'lock2', 'main');
    writeFileSync(join(r.dir, '.git', 'refs', 'heads', 'gemini', 'lock2.lock'), '');
    await assert.rejects(removeWorktree(w2), /Deleting the branch gemini\/lock2/);
  } finally {
    r.done();
  }
});

test('a folder outside any repository has no worktree; a bad base is git’s own message', async () => {
  const top = mkdtempSync(join(tmpdir(), 'gemini-nowt-'));
  try {
    assert.equal(await repoRoot(top), undefined);
    const r = repo();
    try {
      await assert.rejects(createWorktree(r.dir, 'x1', 'no-such-branch'), /Reading no-such-branch/);
    } finally {
      r.done();
    }
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});
