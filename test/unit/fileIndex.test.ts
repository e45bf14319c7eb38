/** The list of a workspace's files for `#file:` completion: ripgrep lists it into a file once, and searches that file per keystroke. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileIndex, nameRegex } from '../../src/core/fileIndex';
import { mentionChars } from '../../src/core/mentions';
import { findRipgrep } from './tool-fakes';

const RG = findRipgrep();

function tree(files: string[]): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'files-')));
  for (const f of files) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), 'x');
  }
  return dir;
}

/** The first query starts the listing and answers undefined; the list answers once it is made. */
async function ask(index: FileIndex, query: string): Promise<string[]> {
  for (let k = 0; k < 200; k++) {
    const r = await index.query(mentionChars(query), 2000);
    if (r) return r.sort();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the list was never made');
}

test('names whose last segment holds the characters in order, any case; node_modules and .git left out, dotfiles and ignored files kept', { skip: !RG }, async () => {
  const dir = tree([
    'src/parser.ts',
    'src/Parse/util.ts',
    'docs/PARSING.md',
    'node_modules/pkg/parser.js',
    '.git/parser',
    '.github/parse.yml',
    'build/parser.out',
    'a/b/c/deep-pars.txt',
  ]);
  writeFileSync(join(dir, '.gitignore'), 'build/\n');
  const index = new FileIndex(RG!, [{ prefix: '', path: dir }]);
  try {
    assert.deepEqual(await ask(index, 'pars'), ['.github/parse.yml', 'a/b/c/deep-pars.txt', 'build/parser.out', 'docs/PARSING.md', 'src/parser.ts']);
    // A path query: its last segment's characters find the names (the ranking then weighs the folders).
    assert.deepEqual(await ask(index, 'src/prs'), await ask(index, 'prs'));
    assert.deepEqual(await ask(index, 'gsy'), [], 'g, s and y in order in one name: none');
    assert.deepEqual(await ask(index, 'util'), ['src/Parse/util.ts']);
    // Characters a regular expression gives a meaning to are plain characters here.
    assert.deepEqual(await ask(index, 'p(a).'), []);
  } finally {
    index.dispose();
  }
});

test('files made or deleted since the listing are merged in; a deleted folder takes its files; many changes or a new folder list the tree again', { skip: !RG }, async () => {
  const dir = tree(['src/one.ts', 'src/two.ts', 'lib/one-more.ts']);
  const index = new FileIndex(RG!, [{ prefix: '', path: dir }]);
  try {
    assert.deepEqual(await ask(index, 'one'), ['lib/one-more.ts', 'src/one.ts']);
    writeFileSync(join(dir, 'src/one-new.ts'), 'x');
    index.changed('src/one-new.ts', 'add');
    index.changed('src/one.ts', 'remove');
    assert.deepEqual(await ask(index, 'one'), ['lib/one-more.ts', 'src/one-new.ts']);
    index.changed('lib', 'remove');
    assert.deepEqual(await ask(index, 'one'), ['src/one-new.ts']);
    // A folder moved in: the next query lists the tree again (the old list answers meanwhile).
    mkdirSync(join(dir, 'moved'));
    writeFileSync(join(dir, 'moved/one-moved.ts'), 'x');
    index.invalidate();
    let got: string[] = [];
    for (let k = 0; k < 200 && !got.includes('moved/one-moved.ts'); k++) {
      got = (await index.query(['o', 'n', 'e'], 2000)) ?? [];
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(got.includes('moved/one-moved.ts') && got.includes('src/one-new.ts'), got.join(', '));
  } finally {
    index.dispose();
  }
});

test('several folders: each name starts with its folder, as VS Code names them', { skip: !RG }, async () => {
  const a = tree(['src/app.ts']);
  const b = tree(['lib/apple.ts', 'x.txt']);
  const index = new FileIndex(RG!, [
    { prefix: 'front/', path: a },
    { prefix: 'back/', path: b },
  ]);
  try {
    assert.deepEqual(await ask(index, 'app'), ['back/lib/apple.ts', 'front/src/app.ts']);
  } finally {
    index.dispose();
  }
});

test('the name pattern: the characters in order within the last segment', () => {
  const re = new RegExp(nameRegex(['p', '.', 'r']), 'i');
  assert.ok(re.test('src/P.r'));
  assert.ok(re.test('a/xp.yr.z'));
  assert.ok(!re.test('p/.r'), 'across a folder boundary: no');
  assert.ok(!re.test('src/pxr'), 'a dot is a dot');
});

test('ripgrep missing or failing: no list, no unhandled failure; each query tries again (the caller asks VS Code)', async () => {
  const dir = tree(['a.ts']);
  const index = new FileIndex(join(dir, 'no-such-rg'), [{ prefix: '', path: dir }]);
  try {
    for (let k = 0; k < 3; k++) {
      assert.equal(await index.query(['a'], 10), undefined);
      await new Promise((r) => setTimeout(r, 30));
    }
  } finally {
    index.dispose();
  }
});
