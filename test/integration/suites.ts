/**
 * Integration suites that run inside a real VS Code extension host (the adapters against the
 * real `vscode` API). Run by the test-runner extension in code-server (npm test) and by
 * @vscode/test-electron (npm run test:electron).
 */
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { VersionConflictError } from '../../src/core/ports';
import { PathResolver } from '../../src/core/tools/paths';
import { RipgrepSearch } from '../../src/core/tools/ripgrep';
import { VsDocuments, VsGit, VsLanguage, excludeGlobs, ripgrepPath } from '../../src/vscode/adapters';
import { ApiKeyStore } from '../../src/vscode/keys';

export interface Result {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

type Case = { name: string; fn: () => Promise<void> };

async function waitFor<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(v)?.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function cases(context: vscode.ExtensionContext): Case[] {
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const root = () => {
    if (!ws) throw new Error('the integration workspace has no folder');
    return ws;
  };
  const docs = new VsDocuments();
  return [
    {
      name: 'documents: a closed file is read from disk and written with a save',
      async fn() {
        const f = join(root(), 'closed.txt');
        writeFileSync(f, 'one\n');
        const d = await docs.read(f);
        assert.deepEqual(d, { text: 'one\n', version: 0, dirty: false, open: false });
        const r = await docs.write(f, 'two\n', 0);
        assert.equal(r.saved, true);
        assert.equal(readFileSync(f, 'utf8'), 'two\n');
      },
    },
    {
      name: 'documents: never writes behind a dirty editor (applied in the editor, not saved)',
      async fn() {
        const f = join(root(), 'dirty.txt');
        writeFileSync(f, 'disk\n');
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(f));
        await vscode.window.showTextDocument(doc);
        const e = new vscode.WorkspaceEdit();
        e.insert(doc.uri, new vscode.Position(0, 0), 'typed ');
        await vscode.workspace.applyEdit(e);
        assert.equal(doc.isDirty, true);
        const live = await docs.read(f);
        assert.equal(live!.text, 'typed disk\n');
        assert.equal(live!.dirty, true);
        const r = await docs.write(f, 'model edit\n', live!.version);
        assert.equal(r.saved, false);
        assert.equal(doc.getText(), 'model edit\n');
        assert.equal(readFileSync(f, 'utf8'), 'disk\n', 'the file on disk is untouched');
        await vscode.commands.executeCommand('workbench.action.files.revert');
      },
    },
    {
      name: 'documents: a version change between read and write is a conflict',
      async fn() {
        const f = join(root(), 'versioned.txt');
        writeFileSync(f, 'v1\n');
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(f));
        const before = await docs.read(f);
        const e = new vscode.WorkspaceEdit();
        e.insert(doc.uri, new vscode.Position(0, 0), 'x');
        await vscode.workspace.applyEdit(e);
        await assert.rejects(() => docs.write(f, 'late\n', before!.version), VersionConflictError);
        await doc.save();
      },
    },
    {
      name: 'documents: create and delete through WorkspaceEdit',
      async fn() {
        const f = join(root(), 'made', 'new.txt');
        await docs.create(f, 'created\n');
        assert.equal(readFileSync(f, 'utf8'), 'created\n');
        await docs.delete(f);
        assert.equal(existsSync(f), false);
      },
    },
    {
      name: 'paths: real workspace folders, symlink escapes refused',
      async fn() {
        const resolver = new PathResolver(() => (vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, path: f.uri.fsPath })));
        const outside = join(root(), '..', 'outside-it.txt');
        writeFileSync(outside, 'outside');
        const link = join(root(), 'escape-link');
        if (!existsSync(link)) symlinkSync(outside, link);
        await assert.rejects(() => resolver.resolve('escape-link'), /outside the workspace/);
        const ok = await resolver.resolve('src/app.ts');
        assert.equal(ok.rel, 'src/app.ts');
      },
    },
    {
      name: 'search: the ripgrep that ships with VS Code is found and respects .gitignore',
      async fn() {
        const rg = ripgrepPath();
        assert.ok(rg, `no ripgrep under ${vscode.env.appRoot}`);
        mkdirSync(join(root(), 'ignored'), { recursive: true });
        writeFileSync(join(root(), 'ignored', 'hidden.ts'), 'const needle = 1;\n');
        writeFileSync(join(root(), '.gitignore'), 'ignored/\n');
        const s = new RipgrepSearch(rg, excludeGlobs);
        const files = await s.files([root()], '**/*.ts', 100, new AbortController().signal);
        assert.ok(files.files.some((f) => f.endsWith(join('src', 'app.ts'))));
        assert.ok(!files.files.some((f) => f.includes('ignored')));
        const hits = await s.text([root()], 'greet', { regex: false, caseSensitive: true, maxResults: 10 }, new AbortController().signal);
        assert.ok(hits.total >= 1);
      },
    },
    {
      name: 'language: TypeScript diagnostics and document symbols through the language features',
      async fn() {
        const f = join(root(), 'src', 'app.ts');
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(f));
        await vscode.window.showTextDocument(doc);
        const lang = new VsLanguage();
        const diags = await waitFor(
          () => lang.diagnostics(f),
          (d) => d.length > 0,
          60_000,
        );
        assert.ok(
          diags.some((d) => d.severity === 'error' && /not assignable/.test(d.message)),
          JSON.stringify(diags),
        );
        const syms = await waitFor(
          () => lang.documentSymbols(f),
          (s) => s.length > 0,
          30_000,
        );
        assert.ok(syms.some((s) => s.name === 'greet'));
        const refs = await lang.references(f, 1, 17);
        assert.ok(refs.length >= 1);
      },
    },
    {
      name: 'git: status and diff through the built-in Git extension',
      async fn() {
        const git = new VsGit();
        await waitFor(
          () => git.available(),
          (a) => a,
          30_000,
        );
        writeFileSync(join(root(), 'README.md'), '# changed by the integration test\n');
        const status = await waitFor(
          () => git.status(),
          (s) => s.some((r) => r.changes.some((c) => c.path.endsWith('README.md'))),
          30_000,
        );
        assert.equal(status[0]!.branch, 'main');
        const diff = await git.diff({});
        assert.match(diff, /\+# changed by the integration test/);
        execFileSync('git', ['checkout', '--', 'README.md'], { cwd: root() });
      },
    },
    {
      name: 'secrets: the key store round-trips through the real SecretStorage',
      async fn() {
        const keys = new ApiKeyStore(context.secrets);
        await keys.set('test-key-integration-123456');
        assert.equal(await keys.get(), 'test-key-integration-123456');
        await keys.clear();
        assert.equal(await keys.has(), false);
        keys.dispose();
      },
    },
  ];
}

export async function runAll(context: vscode.ExtensionContext): Promise<Result[]> {
  const results: Result[] = [];
  for (const c of cases(context)) {
    const t0 = Date.now();
    try {
      await c.fn();
      results.push({ name: c.name, ok: true, ms: Date.now() - t0 });
    } catch (err) {
      results.push({ name: c.name, ok: false, ms: Date.now() - t0, error: (err as Error).stack ?? String(err) });
    }
  }
  return results;
}
