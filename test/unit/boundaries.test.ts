// The architecture boundaries are enforced by lint: these cases must fail, and their mirror images pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

// The probe files below are not part of any tsconfig project: lint them without type information
// (the boundary rules do not need it).
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/switch-exhaustiveness-check': 'off' },
  },
});

async function errors(filePath: string, code: string): Promise<string[]> {
  const [res] = await eslint.lintText(code, { filePath });
  return (res?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('src/core may not import vscode, even types', async () => {
  assert.equal((await errors('src/core/x.ts', "import type { Uri } from 'vscode';\nexport type U = Uri;\n")).length, 1);
  assert.equal((await errors('src/core/x.ts', "import { join } from 'node:path';\nexport const j = join;\n")).length, 0);
});

test('src/core may not import the VS Code adapters', async () => {
  assert.equal((await errors('src/core/conversation/x.ts', "import { Log } from '../../vscode/log';\nexport const l = Log;\n")).length, 1);
});

test('src/shared may not import vscode or core', async () => {
  assert.equal((await errors('src/shared/x.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n")).length, 1);
  assert.equal((await errors('src/shared/x.ts', "import { ApiError } from '../core/client/errors';\nexport const e = ApiError;\n")).length, 1);
});

test('src/webview imports only src/shared', async () => {
  assert.equal((await errors('src/webview/x.ts', "import { decodeEvent } from '../core/protocol/decode';\nexport const d = decodeEvent;\n")).length, 1);
  assert.equal((await errors('src/webview/x.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).length, 1);
  assert.equal((await errors('src/webview/x.ts', "import { parseHostMessage } from '../shared/protocol';\nexport const p = parseHostMessage;\n")).length, 0);
  // From the page's folders too.
  assert.equal((await errors('src/webview/turn/views/x.ts', "import { STEP_KINDS } from '../../../shared/stepKinds';\nexport const k = STEP_KINDS;\n")).length, 0);
  assert.equal((await errors('src/webview/turn/views/x.ts', "import { decodeEvent } from '../../../core/protocol/decode';\nexport const d = decodeEvent;\n")).length, 1);
  assert.equal((await errors('src/webview/composer/x.ts', "import { Log } from '../../vscode/log';\nexport const l = Log;\n")).length, 1);
});

test('nothing imports src/extension.ts', async () => {
  assert.equal((await errors('src/vscode/x.ts', "import { activate } from '../extension';\nexport const a = activate;\n")).length, 1);
});
