// Lint: TypeScript rules plus the architecture boundaries of design.md, enforced as errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noExtension = { group: ['**/extension', '**/extension.ts', '**/extension.js'], message: 'Nothing imports src/extension.ts (wiring only).' };
const noVscode = { name: 'vscode', message: 'src/core and src/shared never import vscode (not even types); use a port.' };

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Type-aware rules: a forgotten await, and a switch that misses a case of a union.
    files: ['src/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          ignoreVoid: true,
          allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
        },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noExtension] }],
      // One helper turns anything thrown into text (a thrown string or object has no `.message`).
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='message'][object.type='TSAsExpression'][object.typeAnnotation.typeName.name='Error']",
          message: 'Use errorText(err) from src/shared/errorText.ts.',
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            noExtension,
            { group: ['**/vscode/*', '../vscode', '../../vscode', '**/webview/*'], message: 'src/core does not depend on the VS Code adapters or the webview.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            noExtension,
            { group: ['**/core/*', '**/vscode/*', '**/webview/*', 'node:*'], message: 'src/shared is the protocol both sides import: types and validators only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview runs in a browser: it imports only src/shared.' }],
          patterns: [
            noExtension,
            { group: ['**/core/*', '**/core', '**/vscode/*', '**/vscode', '**/test/*', 'node:*'], message: 'src/webview imports only src/shared (and browser packages).' },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'esbuild.mjs', 'eslint.config.mjs', '.ci/**'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        SharedArrayBuffer: 'readonly',
        Int32Array: 'readonly',
        Atomics: 'readonly',
        URL: 'readonly',
      },
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/ban-ts-comment': 'off' },
  },
);
