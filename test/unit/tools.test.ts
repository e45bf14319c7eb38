/** Every workspace tool through the runner: results, bad arguments, missing/binary/huge files, approvals, undo. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, utimesSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { UndoStore, restoreSnapshots } from '../../src/core/tools/undo';
import { tmpdir } from 'node:os';
import { PathResolver } from '../../src/core/tools/paths';
import { unifiedDiff } from '../../src/core/tools/diff';
import { call, findRipgrep, sandbox } from './tool-fakes';

const APP = 'export function greet(name: string): string {\n  const count: number = "three";\n  return `Hello, ${name}! (${count})`;\n}\n';

describe('read_file', () => {
  test('numbered lines, ranges and a truncation that says so', async () => {
    const big = Array.from({ length: 5000 }, (_, k) => `line ${k + 1}`).join('\n') + '\n';
    const s = sandbox({ 'src/app.ts': APP, 'big.txt': big });
    const r = await call(s, 'read_file', { path: 'src/app.ts' });
    assert.equal(r.isError, false);
    assert.match(r.text, /^src\/app\.ts \(4 lines\)\n1: export function greet/);
    const part = await call(s, 'read_file', { path: 'src/app.ts', start_line: 2, end_line: 3 });
    assert.match(part.text, /\n2: {3}const count[\s\S]*\n3: {3}return/);
    assert.doesNotMatch(part.text, /\n1: /);
    const t = await call(s, 'read_file', { path: 'big.txt' });
    assert.match(t.text, /\[Truncated: showed lines 1-2000 of 5000\. Call read_file with start_line 2001 to continue\.\]/);
  });

  test('unsaved editor changes are what it reads', async () => {
    const s = sandbox({ 'a.ts': 'on disk\n' });
    s.docs.open.set(join(s.ws, 'a.ts'), { text: 'in the editor\n', version: 3, dirty: true });
    assert.match((await call(s, 'read_file', { path: 'a.ts' })).text, /unsaved changes in the editor\)\n1: in the editor/);
  });

  test('missing, binary and directory paths fail clearly', async () => {
    const s = sandbox({ 'img.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]), 'dir/x.txt': 'x' });
    assert.match((await call(s, 'read_file', { path: 'nope.ts' })).text, /does not exist/);
    assert.match((await call(s, 'read_file', { path: 'img.png' })).text, /binary file/);
    const d = await call(s, 'read_file', { path: 'dir' });
    assert.equal(d.isError, true);
    assert.match(d.text, /directory/);
    assert.match((await call(s, 'read_file', { path: 'big.txt', start_line: 0 })).text, /at least 1/);
  });

  test('a sensitive file (.env) asks before its content leaves the machine', async () => {
    const s = sandbox({ '.env': 'SECRET=1\n' });
    s.approvals.decisions = ['reject'];
    const r = await call(s, 'read_file', { path: '.env' });
    assert.equal(r.isError, true);
    assert.match(r.text, /declined/);
    assert.match(s.approvals.requests[0]!.sensitive!, /environment file/);
    s.approvals.decisions = ['accept'];
    assert.match((await call(s, 'read_file', { path: '.env' })).text, /SECRET=1/);
  });
});

describe('path safety', () => {
  const escapes = [
    '../outside.txt',
    'src/../../outside.txt',
    '/etc/passwd',
    'C:\\Windows\\win.ini',
    'c:foo',
    '\\\\server\\share\\x',
    '//server/share',
    'file:///etc/passwd',
    '~/.ssh/id_rsa',
    'a\u0000b',
    '..\\..\\outside.txt',
    '',
  ];
  for (const p of escapes) {
    test(`refused: ${JSON.stringify(p)}`, async () => {
      const s = sandbox({ 'src/a.ts': 'x' });
      writeFileSync(join(s.root, 'outside.txt'), 'secret outside');
      const r = await call(s, 'read_file', { path: p });
      assert.equal(r.isError, true);
      assert.doesNotMatch(r.text, /secret outside|root:/);
    });
  }

  test('a symlink pointing outside is refused; one pointing inside works', async () => {
    const s = sandbox({ 'src/a.ts': 'inside\n' });
    writeFileSync(join(s.root, 'outside.txt'), 'secret outside');
    symlinkSync(join(s.root, 'outside.txt'), join(s.ws, 'link-out'));
    symlinkSync(join(s.ws, 'src'), join(s.ws, 'link-in'));
    const out = await call(s, 'read_file', { path: 'link-out' });
    assert.equal(out.isError, true);
    assert.match(out.text, /outside the workspace/);
    assert.match((await call(s, 'read_file', { path: 'link-in/a.ts' })).text, /1: inside/);
    const w = await call(s, 'create_file', { path: 'link-out', content: 'x', overwrite: true });
    assert.equal(w.isError, true);
    assert.equal(readFileSync(join(s.root, 'outside.txt'), 'utf8'), 'secret outside');
  });

  test('an absolute path inside the workspace is fine; multi-root picks the folder by name', async () => {
    const s = sandbox({}, { folders: ['front', 'back'] });
    mkdirSync(join(s.root, 'back', 'src'), { recursive: true });
    writeFileSync(join(s.root, 'back', 'src', 'server.ts'), 'back end\n');
    writeFileSync(join(s.root, 'front', 'index.ts'), 'front end\n');
    assert.match((await call(s, 'read_file', { path: 'back/src/server.ts' })).text, /^back\/src\/server\.ts .*\n1: back end/);
    assert.match((await call(s, 'read_file', { path: join(s.root, 'front', 'index.ts') })).text, /1: front end/);
    assert.match((await call(s, 'list_directory', {})).text, /front\/\nback\//);
  });
});

describe('arguments', () => {
  test('missing, mistyped and unknown arguments and broken JSON are reported to the model', async () => {
    const s = sandbox({ 'a.ts': 'x' });
    assert.match((await call(s, 'read_file', {})).text, /Missing required argument "path"/);
    assert.match((await call(s, 'read_file', { path: 3 })).text, /"path" must be a string/);
    assert.match((await call(s, 'read_file', { path: 'a.ts', lines: 3 })).text, /Unknown argument "lines"/);
    assert.match((await call(s, 'edit_file', { path: 'a.ts', edits: [{ search: 'x' }] })).text, /Missing required argument "replace"/);
    assert.match((await call(s, 'nope_tool', {})).text, /no tool named "nope_tool"/);
    const runner = s.runner();
    const [o] = await runner.run([{ id: 'c1', name: 'read_file', arguments: {}, argumentError: 'The arguments were not valid JSON (Unexpected end): {"path": "a' }], {
      signal: new AbortController().signal,
    });
    assert.equal(o!.isError, true);
    assert.match(String(o!.result), /not valid JSON/);
  });
});

describe('listing and search', () => {
  test('list_directory', async () => {
    const s = sandbox({ 'src/a.ts': 'abc', 'README.md': '# r' });
    const r = await call(s, 'list_directory', { path: '.' });
    assert.match(r.text, /README\.md \(3 bytes\)\nsrc\//);
    assert.match((await call(s, 'list_directory', { path: 'README.md' })).text, /is a file/);
    assert.match((await call(s, 'list_directory', { path: 'missing' })).text, /does not exist/);
  });

  for (const rg of [false, true]) {
    test(`find_files and search_text (${rg ? 'ripgrep' : 'fallback walk'})`, async (t) => {
      if (rg && !findRipgrep()) return t.skip('no ripgrep binary in the workbench cache yet');
      const s = sandbox(
        {
          'src/a.ts': 'const needle = 1;\nconst NEEDLE = 2;\n',
          'src/b.py': 'needle = 3\n',
          'docs/x.md': 'no match\n',
          '.gitignore': 'build/\n',
          'build/out.ts': 'needle in build\n',
        },
        { rg },
      );
      const f = await call(s, 'find_files', { pattern: '**/*.ts' });
      assert.match(f.text, /src\/a\.ts/);
      if (rg) assert.doesNotMatch(f.text, /build\/out\.ts/, '.gitignore is respected');
      const lit = await call(s, 'search_text', { query: 'needle', case_sensitive: true });
      assert.match(lit.text, /src\/a\.ts:1: const needle = 1;/);
      assert.match(lit.text, /src\/b\.py:1: needle = 3/);
      assert.doesNotMatch(lit.text, /NEEDLE/);
      const re = await call(s, 'search_text', { query: 'NEEDLE\\s=\\s\\d', regex: true, case_sensitive: true, include: '**/*.ts' });
      assert.match(re.text, /1 match\(es\)[\s\S]*src\/a\.ts:2/);
      const capped = await call(s, 'search_text', { query: 'e', max_results: 1 });
      assert.match(capped.text, /showing 1\./);
      assert.match((await call(s, 'search_text', { query: '(', regex: true })).text, /regular expression is invalid/);
      assert.match((await call(s, 'search_text', { query: 'zzzz-not-there' })).text, /No matches/);
    });
  }

  test('diagnostics and symbols come from the language port', async () => {
    const s = sandbox({ 'src/app.ts': APP });
    assert.match((await call(s, 'get_diagnostics', { path: 'src/app.ts' })).text, /error: Type 'string' is not assignable to type 'number'\. \[ts 2322\]/);
    assert.match((await call(s, 'document_symbols', { path: 'src/app.ts' })).text, /Function greet \(line 1-4\)/);
    assert.match((await call(s, 'git_status', {})).text, /Git is not available/);
  });
});

describe('edit_file', () => {
  test('the user sees a diff, approves, the file changes and the result says so', async () => {
    const s = sandbox({ 'src/app.ts': APP });
    s.approvals.decisions = ['accept'];
    const r = await call(s, 'edit_file', { path: 'src/app.ts', edits: [{ search: '  const count: number = "three";', replace: '  const count: number = 3;' }] });
    assert.equal(r.isError, false, r.text);
    assert.match(r.text, /Applied 1 edit\(s\) to src\/app\.ts \(2 line\(s\) changed\)\. The file was saved\./);
    assert.equal(s.read('src/app.ts'), APP.replace('"three"', '3'));
    const req = s.approvals.requests[0]!;
    assert.equal(req.kind, 'edit');
    assert.match(req.diff!, /^- {2}const count: number = "three";$/m);
    assert.match(req.diff!, /^\+ {2}const count: number = 3;$/m);
    assert.equal(req.allowAcceptAll, true);
  });

  test('a rejected edit leaves the file untouched and tells the model', async () => {
    const s = sandbox({ 'src/app.ts': APP });
    s.approvals.decisions = ['reject'];
    const r = await call(s, 'edit_file', { path: 'src/app.ts', edits: [{ search: '"three"', replace: '3' }] });
    assert.equal(r.isError, true);
    assert.match(r.text, /rejected this change to src\/app\.ts\. The file was not modified/);
    assert.equal(s.read('src/app.ts'), APP);
  });

  test('ambiguous and missing search text are refused precisely; nothing is applied', async () => {
    const s = sandbox({ 'a.ts': 'x = 1;\ny = 2;\nx = 1;\n' });
    const amb = await call(s, 'edit_file', { path: 'a.ts', edits: [{ search: 'x = 1;', replace: 'x = 9;' }] });
    assert.match(amb.text, /occurs 2 times in a\.ts \(lines 1, 3\)\. Include more surrounding lines/);
    const miss = await call(s, 'edit_file', { path: 'a.ts', edits: [{ search: 'y=2;', replace: 'y = 3;' }] });
    assert.match(miss.text, /not found in a\.ts\. The most similar line is 2: y = 2;/);
    const atomic = await call(s, 'edit_file', {
      path: 'a.ts',
      edits: [
        { search: 'y = 2;', replace: 'y = 3;' },
        { search: 'nope', replace: 'x' },
      ],
    });
    assert.match(atomic.text, /Edit 2 of 2: the search text was not found/);
    assert.equal(s.read('a.ts'), 'x = 1;\ny = 2;\nx = 1;\n');
    assert.match((await call(s, 'edit_file', { path: 'a.ts', edits: [{ search: '', replace: 'x' }] })).text, /"search" is empty/);
    assert.match((await call(s, 'edit_file', { path: 'a.ts', edits: [{ search: 'y = 2;', replace: 'y = 2;' }] })).text, /changes nothing/);
    assert.match((await call(s, 'edit_file', { path: 'new.ts', edits: [{ search: 'a', replace: 'b' }] })).text, /does not exist\. Use create_file/);
    assert.equal(s.approvals.requests.length, 0, 'nothing was proposed');
  });

  test('CRLF files are matched and stay CRLF', async () => {
    const s = sandbox({ 'w.txt': 'one\r\ntwo\r\nthree\r\n' });
    s.approvals.decisions = ['accept'];
    await call(s, 'edit_file', { path: 'w.txt', edits: [{ search: 'one\ntwo', replace: 'uno\ndos' }] });
    assert.equal(s.read('w.txt'), 'uno\r\ndos\r\nthree\r\n');
  });

  test('never writes behind a dirty editor: applied in the editor, not saved; a version change is a conflict', async () => {
    const s = sandbox({ 'a.ts': 'disk\n' });
    const abs = join(s.ws, 'a.ts');
    s.docs.open.set(abs, { text: 'buffer\n', version: 5, dirty: true });
    s.approvals.decisions = ['accept'];
    const r = await call(s, 'edit_file', { path: 'a.ts', edits: [{ search: 'buffer', replace: 'edited' }] });
    assert.match(r.text, /applied in the editor but not saved/);
    assert.equal(s.read('a.ts'), 'disk\n');
    assert.equal(s.docs.open.get(abs)!.text, 'edited\n');
    // The user types while the approval is pending: the version moved, the edit is refused.
    const realAsk = s.approvals.ask.bind(s.approvals);
    s.approvals.ask = async (...a) => {
      s.docs.open.get(abs)!.version++;
      return realAsk(...a);
    };
    s.approvals.decisions = ['accept'];
    const c = await call(s, 'edit_file', { path: 'a.ts', edits: [{ search: 'edited', replace: 'again' }] });
    assert.equal(c.isError, true);
    assert.match(c.text, /changed while the edit was waiting/);
    assert.equal(s.docs.open.get(abs)!.text, 'edited\n');
  });

  test('accept all for this turn; auto-approval; sensitive files always ask', async () => {
    const s = sandbox({ 'a.ts': 'a\n', 'b.ts': 'b\n', '.vscode/settings.json': '{}\n', 'package-lock.json': '{}\n' });
    s.approvals.decisions = ['acceptAll'];
    const runner = s.runner();
    await call(s, 'edit_file', { path: 'a.ts', edits: [{ search: 'a', replace: 'A' }] }, runner);
    const b = await call(s, 'edit_file', { path: 'b.ts', edits: [{ search: 'b', replace: 'B' }] }, runner);
    assert.equal(b.isError, false);
    assert.equal(s.approvals.requests.length, 1, 'the second edit ran without asking');
    assert.ok(
      s.activity.updates.some((u) => /accepted all edits for this turn/.test(u.reason ?? '')),
      'the chat says why it ran',
    );
    const sens = await call(s, 'edit_file', { path: '.vscode/settings.json', edits: [{ search: '{}', replace: '{"x":1}' }] }, runner);
    assert.equal(sens.isError, true, 'accept-all does not cover sensitive files');
    assert.match(s.approvals.requests[1]!.sensitive!, /editor, IDE or dev-container configuration/);
    assert.equal(s.approvals.requests[1]!.allowAcceptAll, false);
    const auto = sandbox({ 'a.ts': 'a\n', 'package-lock.json': '{}\n' }, { settings: { autoApproveEdits: true } });
    assert.equal((await call(auto, 'edit_file', { path: 'a.ts', edits: [{ search: 'a', replace: 'A' }] })).isError, false);
    assert.equal(auto.approvals.requests.length, 0);
    await call(auto, 'edit_file', { path: 'package-lock.json', edits: [{ search: '{}', replace: '{"a":1}' }] });
    assert.equal(auto.approvals.requests.length, 1, 'a lockfile asks even with auto-approval');
  });
});

describe('create_file, delete_file and undo', () => {
  test('create, refuse to overwrite, delete, then undo the turn', async () => {
    const s = sandbox({ 'keep.ts': 'original\n', 'gone.ts': 'will be deleted\n' });
    s.approvals.decisions = ['accept', 'accept', 'accept'];
    const runner = s.runner();
    assert.match((await call(s, 'create_file', { path: 'src/new/file.ts', content: 'export {};\n' }, runner)).text, /Created src\/new\/file\.ts/);
    assert.match((await call(s, 'create_file', { path: 'keep.ts', content: 'x' }, runner)).text, /already exists/);
    assert.equal(s.read('keep.ts'), 'original\n');
    await call(s, 'edit_file', { path: 'keep.ts', edits: [{ search: 'original', replace: 'changed' }] }, runner);
    assert.match((await call(s, 'delete_file', { path: 'gone.ts' }, runner)).text, /Deleted gone\.ts/);
    assert.equal(runner.undo.files, 3);
    const r = await restoreSnapshots(runner.undo.toJSON(), s.docs);
    assert.deepEqual(r.failed, []);
    assert.equal(existsSync(join(s.ws, 'src/new/file.ts')), false);
    assert.equal(s.read('keep.ts'), 'original\n');
    assert.equal(s.read('gone.ts'), 'will be deleted\n');
  });

  test('snapshots saved to disk restore after a "reload" (a new store), and only the newest are kept', async () => {
    const s = sandbox({ 'keep.ts': 'original\n' });
    s.approvals.decisions = ['accept'];
    const runner = s.runner();
    await call(s, 'edit_file', { path: 'keep.ts', edits: [{ search: 'original', replace: 'changed' }] }, runner);
    const dir = join(mkdtempSync(join(tmpdir(), 'undo-')), 'undo');
    new UndoStore(dir, 3).save('turn1', runner.undo.toJSON());
    const loaded = new UndoStore(dir, 3).load('turn1');
    assert.ok(loaded);
    assert.equal(loaded.length, 1);
    assert.equal(s.read('keep.ts'), 'changed\n');
    await restoreSnapshots(loaded, s.docs);
    assert.equal(s.read('keep.ts'), 'original\n');
    const store = new UndoStore(dir, 3);
    store.delete('turn1');
    assert.equal(store.load('turn1'), undefined);
    for (let k = 0; k < 5; k++) {
      store.save(`t${k}`, []);
      utimesSync(join(dir, `t${k}.json`), new Date(), new Date(Date.now() - (5 - k) * 60_000));
    }
    store.save('t5', []);
    assert.deepEqual(readdirSync(dir).sort(), ['t3.json', 't4.json', 't5.json']);
    assert.throws(() => store.load('../escape'), /Not a turn id/);
    writeFileSync(join(dir, 'bad.json'), '{"snapshots": 3}');
    assert.throws(() => store.load('bad'), /damaged/);
  });

  test('the resolver tells which snapshot paths are inside the workspace', async () => {
    const s = sandbox({ 'a.ts': 'x' });
    const paths = new PathResolver(() => [{ name: 'ws', path: s.ws }]);
    assert.equal(await paths.contains((await paths.resolve('a.ts')).abs), true);
    assert.equal(await paths.contains('/etc/passwd'), false);
    assert.equal(await paths.contains(join(s.ws, '..', 'other', 'a.ts')), false);
  });
});

describe('run_command', () => {
  test('a read-only command runs in the sandbox without asking, streams its output and says why it ran', async () => {
    const s = sandbox({ 'a.txt': 'hello\n' });
    const r = await call(s, 'run_command', { command: 'cat a.txt && ls' });
    assert.equal(r.isError, false, r.text);
    assert.match(r.text, /^Exit code 0 after [\d.]+ s \(ran in the sandbox\)\.\nOutput:\nhello\na\.txt/);
    assert.ok(s.activity.outputs.join('').includes('hello'));
    assert.ok(s.activity.updates.some((u) => /Ran in the sandbox without asking/.test(u.reason ?? '')));
    assert.equal(s.approvals.requests.length, 0);
  });

  test('other commands ask and show the command line; a rejection does not run it; deny never runs', async () => {
    const s = sandbox();
    s.approvals.decisions = ['reject'];
    const r = await call(s, 'run_command', { command: 'touch made-it' });
    assert.match(r.text, /declined to run this command/);
    assert.equal(s.approvals.requests[0]!.kind, 'command');
    assert.equal(s.approvals.requests[0]!.detail, 'touch made-it');
    assert.equal(s.approvals.requests[0]!.sandboxed, true);
    assert.match(s.approvals.requests[0]!.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'an unguessable nonce');
    assert.equal(existsSync(join(s.ws, 'made-it')), false);
    s.approvals.decisions = ['accept'];
    const ok = await call(s, 'run_command', { command: 'touch made-it; exit 3' });
    assert.match(ok.text, /^Exit code 3/);
    assert.equal(existsSync(join(s.ws, 'made-it')), true, 'the workspace is writable in the sandbox');
    const d = await call(s, 'run_command', { command: 'sudo rm -rf /' });
    assert.match(d.text, /denied by your command policy/);
  });

  test('a command that would run forever is stopped by the timeout; stdin is closed; the key is not in its environment', async () => {
    const s = sandbox();
    s.approvals.decisions = ['accept', 'accept'];
    const t0 = Date.now();
    const r = await call(s, 'run_command', { command: 'sleep 30', timeout_seconds: 1 });
    assert.equal(r.isError, true);
    assert.match(r.text, /stopped after 1 s \(timeout\)/);
    assert.ok(Date.now() - t0 < 5000);
    const cat = await call(s, 'run_command', { command: 'cat', timeout_seconds: 5 });
    assert.match(cat.text, /^Exit code 0/, 'cat got end-of-file instead of waiting');
    process.env.GEMINI_API_KEY = 'test-key-should-not-leak';
    process.env.GITHUB_TOKEN = 'ghp-should-not-leak';
    const env = await call(s, 'run_command', { command: 'printenv', timeout_seconds: 5 });
    delete process.env.GEMINI_API_KEY;
    delete process.env.GITHUB_TOKEN;
    assert.match(env.text, /^Exit code 0/);
    assert.doesNotMatch(env.text, /should-not-leak/);
  });

  test('the model gets the head and the tail; the chat gets at most the limit, with the cut marked', async () => {
    const s = sandbox({}, { settings: { maxCommandOutputBytes: 4096, commandOutputLimitBytes: 64 * 1024 } });
    s.approvals.decisions = ['accept', 'accept'];
    const r = await call(s, 'run_command', { command: 'seq 1 20000' });
    assert.match(r.text, /truncated/);
    assert.match(r.text, /\n1\n2\n3\n/);
    assert.match(r.text, /20000/);
    assert.ok(r.text.length < 9000);
    // A flood: `yes` until its timeout. The chat gets 64 KB and a visible cut, the host stays responsive.
    s.activity.outputs.length = 0;
    let ticks = 0;
    const tick = setInterval(() => ticks++, 20);
    const flood = await call(s, 'run_command', { command: 'yes', timeout_seconds: 2 });
    clearInterval(tick);
    const shown = s.activity.outputs.join('');
    assert.ok(shown.length <= 64 * 1024 + 200, `the chat got ${shown.length} characters`);
    assert.match(shown, /output cut at 64\.0 KB/);
    assert.match(flood.text, /stopped after 2 s \(timeout\)/);
    assert.match(flood.text, /y\ny\n/);
    assert.ok(ticks >= 60, `the event loop kept ticking (${ticks} ticks of 20 ms in 2 s)`);
  });

  test('a command that prints line by line reaches the chat in few pieces, whole and in order; a URL split across writes is masked whole', async () => {
    const s = sandbox();
    s.approvals.decisions = ['accept', 'accept'];
    const t0 = performance.now();
    const r = await call(s, 'run_command', { command: 'for i in $(seq 1 4000); do echo "line $i"; done' });
    const ms = performance.now() - t0;
    assert.match(r.text, /^Exit code 0/);
    const want = Array.from({ length: 4000 }, (_, k) => `line ${k + 1}\n`).join('');
    assert.equal(s.activity.outputs.join(''), want, 'nothing lost, nothing reordered');
    // 4,000 writes of one line each: at most one piece per 50 ms (and the first at once), not one per write.
    assert.ok(s.activity.outputs.length <= ms / 50 + 3, `${s.activity.outputs.length} pieces in ${ms.toFixed(0)} ms`);
    s.activity.outputs.length = 0;
    await call(s, 'run_command', {
      command: "printf 'clone https://deploy:'; sleep 0.02; printf 'hunter2-secret@example.com/repo.git\\n'; sleep 0.02; printf 'Password: '; sleep 0.3",
    });
    const shown = s.activity.outputs.join('');
    assert.doesNotMatch(shown, /hunter2/);
    assert.match(shown, /https:\/\/deploy:••••@example\.com/);
    assert.match(shown, /Password: $/, 'an unfinished line is shown too');
  });

  test('Stop kills a running command', async () => {
    const s = sandbox();
    s.approvals.decisions = ['accept'];
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 300);
    const t0 = Date.now();
    const r = await call(s, 'run_command', { command: 'sleep 20' }, undefined, ctrl.signal);
    assert.match(r.text, /stopped by the user|Stopped before/);
    assert.ok(Date.now() - t0 < 5000);
  });

  test('without a sandbox every command asks and the request says why', async () => {
    const s = sandbox({ 'a.txt': 'hi\n' }, { os: { available: false, reason: 'bubblewrap (bwrap) is not installed', howTo: 'Install it.' } });
    s.approvals.decisions = ['accept'];
    const r = await call(s, 'run_command', { command: 'cat a.txt' });
    assert.match(r.text, /^Exit code 0 after [\d.]+ s \(ran without the sandbox\)/);
    const req = s.approvals.requests[0]!;
    assert.equal(req.sandboxed, false);
    assert.match(req.title, /WITHOUT the OS sandbox/);
    assert.match(req.sensitive ?? '', /bubblewrap \(bwrap\) is not installed/);
  });
});

describe('the OS sandbox (bubblewrap)', () => {
  test('a sandboxed command cannot write outside the workspace, read secrets of $HOME or of the workspace, or change .git/config', async () => {
    const s = sandbox({ '.env': 'API_TOKEN=hunter2\n', '.git/config': '[core]\n', 'package.json': '{}\n' });
    const home = join(s.root, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh/id_rsa'), 'PRIVATE KEY\n');
    writeFileSync(join(s.root, 'outside.txt'), 'outside\n');
    s.approvals.decisions = ['accept'];
    const r = await call(s, 'run_command', {
      command: `echo pwned > ${join(s.root, 'outside.txt')}; echo pwned > /usr/gemini-test-outside; cat ${join(home, '.ssh/id_rsa')}; ls ${join(home, '.ssh')}; cat .env; echo x >> .git/config; echo inside > made.txt; echo done`,
    });
    // /usr is read-only; the folder holding the test (under /tmp) is the sandbox's own private /tmp.
    assert.match(r.text, /Read-only file system/);
    assert.equal(existsSync('/usr/gemini-test-outside'), false);
    assert.match(r.text, /\.git\/config — git internals/, 'the change to .git/config waited for the user (and was rejected)');
    assert.doesNotMatch(r.text, /PRIVATE KEY|hunter2/);
    assert.equal(readFileSync(join(s.root, 'outside.txt'), 'utf8'), 'outside\n');
    assert.equal(readFileSync(join(s.ws, '.git/config'), 'utf8'), '[core]\n');
    assert.equal(readFileSync(join(s.ws, 'made.txt'), 'utf8'), 'inside\n');
    assert.match(r.text, /done/);
  });

  test('no network unless the user allows it for that command; then the request names it', async () => {
    const server = createServer((_q, res) => res.end('reached'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    let hits = 0;
    server.on('request', () => hits++);
    try {
      const s = sandbox();
      const cmd = `node -e "fetch('http://127.0.0.1:${port}/').then(r => r.text()).then(t => console.log(t), e => { console.log('no network: ' + (e.cause?.code ?? e.message)); process.exit(7); })"`;
      s.approvals.decisions = ['accept'];
      const off = await call(s, 'run_command', { command: cmd });
      assert.match(off.text, /no network/);
      assert.match(off.text, /"network": true/, 'the result tells the model how to ask for the network');
      assert.equal(hits, 0);
      s.approvals.decisions = ['accept'];
      const on = await call(s, 'run_command', { command: cmd, network: true });
      assert.match(on.text, /reached/);
      assert.equal(hits, 1);
      assert.match(s.approvals.requests[1]!.sensitive ?? '', /network access/);
      assert.match(s.approvals.requests[1]!.title, /with more access/);
    } finally {
      server.close();
    }
  });

  test('an allowed command with network asks anyway (leaving the sandbox always asks)', async () => {
    const s = sandbox({ 'a.txt': 'x\n' });
    s.approvals.decisions = ['reject'];
    const r = await call(s, 'run_command', { command: 'cat a.txt', network: true });
    assert.match(r.text, /declined/);
    assert.equal(s.approvals.requests.length, 1);
  });

  test('a timeout ends every process the command started, setsid daemons included', async () => {
    const s = sandbox();
    const marker = `gemini-sandbox-daemon-${process.pid}-${Date.now()}`;
    s.approvals.decisions = ['accept'];
    const r = await call(s, 'run_command', { command: `setsid sh -c 'exec -a ${marker} sleep 600' & sleep 60`, timeout_seconds: 1 });
    assert.match(r.text, /stopped after 1 s \(timeout\)/);
    await new Promise((res) => setTimeout(res, 300));
    const ps = execFileSync('ps', ['-eo', 'args']).toString();
    assert.doesNotMatch(ps, new RegExp(marker));
  });

  test('a daemon that keeps the output open does not keep run_command waiting', async () => {
    const s = sandbox();
    s.approvals.decisions = ['accept'];
    const t0 = Date.now();
    const r = await call(s, 'run_command', { command: 'setsid sleep 600 & echo started', timeout_seconds: 60 });
    assert.match(r.text, /^Exit code 0/);
    assert.ok(Date.now() - t0 < 10_000, 'returned when the shell exited');
  });
});

test('reads run in parallel; writes run in order', async () => {
  const s = sandbox({ 'a.ts': 'a\n', 'b.ts': 'b\n' });
  s.approvals.decisions = ['accept', 'accept'];
  const outs = await s.runner().run(
    [
      { id: '1', name: 'edit_file', arguments: { path: 'a.ts', edits: [{ search: 'a', replace: 'A' }] } },
      { id: '2', name: 'read_file', arguments: { path: 'b.ts' } },
      { id: '3', name: 'edit_file', arguments: { path: 'a.ts', edits: [{ search: 'A', replace: 'AA' }] } },
    ],
    { signal: new AbortController().signal },
  );
  assert.deepEqual(
    outs.map((o) => o.isError),
    [false, false, false],
  );
  assert.equal(s.read('a.ts'), 'AA\n');
});

test('unified diff', async () => {
  assert.equal(await unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', 'f'), '--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c');
  assert.equal(await unifiedDiff('a\nb', 'a\nb\n', 'f'), '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b');
  assert.equal(await unifiedDiff('same', 'same', 'f'), '');
});

test('the approval diff is minimal on scattered edits in a 10k-line file, and quick', async () => {
  const lines = Array.from({ length: 10_000 }, (_, i) => `line ${i}: some code here`);
  const edited = [...lines];
  for (let k = 0; k < 10; k++) edited[400 + k * 953] = `edited line ${k}`;
  const t0 = performance.now();
  const d = await unifiedDiff(lines.join('\n') + '\n', edited.join('\n') + '\n', 'big.ts');
  const ms = performance.now() - t0;
  const body = d.split('\n').slice(2);
  assert.equal(body.filter((l) => l.startsWith('@@')).length, 10, 'ten hunks');
  assert.equal(body.filter((l) => l.startsWith('-') || l.startsWith('+')).length, 20, 'ten lines out, ten in');
  assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
  // Every other line changed (past jsdiff's budget on this thread): git's diff, still minimal.
  const alternate = lines.map((l, i) => (i % 2 ? `other ${i}` : l));
  const a = (await unifiedDiff(lines.join('\n') + '\n', alternate.join('\n') + '\n', 'big.ts')).split('\n').slice(2);
  assert.equal(a.filter((l) => l.startsWith('-')).length, 5000);
  assert.equal(a.filter((l) => l.startsWith('+')).length, 5000);
  assert.doesNotMatch(a[0]!, /rewritten/);
  // Without git, a rewrite is shown as replaced, and says so.
  const rewritten = lines.map((_l, i) => `other ${i}`).join('\n');
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    const t1 = performance.now();
    const r = await unifiedDiff(lines.join('\n'), rewritten, 'big.ts');
    assert.ok(performance.now() - t1 < 400);
    assert.match(r.split('\n')[2]!, /^@@ -1,10000 \+1,10000 @@ \(rewritten: shown as replaced\)/);
  } finally {
    process.env.PATH = path;
  }
});
