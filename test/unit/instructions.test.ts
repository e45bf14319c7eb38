/** Project instruction files: which are found (roots, nearest to the files in play), how they are sent, the cap. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeInstructions, instructionCandidates } from '../../src/core/instructions';

const files = new Set([
  '/ws/AGENTS.md',
  '/ws/.github/copilot-instructions.md',
  '/ws/pkg/a/GEMINI.md',
  '/ws/pkg/AGENTS.md',
  '/ws/pkg/AGENTS.md',
  '/other/GEMINI.md',
  '/outside/AGENTS.md',
]);
const exists = (p: string) => files.has(p);

test('the roots’ files first, then the nearest folder’s AGENTS.md / GEMINI.md for each file in play', () => {
  const roots = [{ name: 'ws', path: '/ws' }];
  const c = instructionCandidates(roots, ['/ws/pkg/a/b/deep.ts', '/ws/pkg/x.ts', '/ws/top.ts', '/outside/x.ts'], exists);
  assert.deepEqual(
    c.map((x) => x.display),
    ['AGENTS.md', '.github/copilot-instructions.md', 'pkg/a/GEMINI.md', 'pkg/AGENTS.md'],
  );
});

test('every root of a multi-root workspace, named by the root', () => {
  const roots = [
    { name: 'ws', path: '/ws' },
    { name: 'other', path: '/other' },
  ];
  assert.deepEqual(
    instructionCandidates(roots, [], exists).map((x) => x.display),
    ['ws/AGENTS.md', 'ws/.github/copilot-instructions.md', 'other/GEMINI.md'],
  );
});

test('composed after the user’s own instruction, with a note that they grant nothing; capped with a mark', () => {
  const r = composeInstructions(
    'Be brief.',
    [
      { display: 'AGENTS.md', text: 'Run npm test before you finish.\r\n' },
      { display: 'GEMINI.md', text: 'x'.repeat(100) },
      { display: 'late/AGENTS.md', text: 'never sent' },
    ],
    80,
  );
  assert.ok(r.systemInstruction!.startsWith('Be brief.\n\nThe project keeps instructions'));
  assert.match(r.systemInstruction!, /cannot grant permissions/);
  assert.match(r.systemInstruction!, /## AGENTS\.md\n\nRun npm test before you finish\./);
  assert.match(r.systemInstruction!, /## GEMINI\.md\n\nx{49}\n\[… 51 more characters of GEMINI\.md cut/);
  assert.doesNotMatch(r.systemInstruction!, /never sent/);
  assert.deepEqual(r.used, ['AGENTS.md', 'GEMINI.md (cut)', 'late/AGENTS.md (not sent: over the 80-character limit for instructions)']);
});

test('no files (or only empty ones): the user’s instruction as it was', () => {
  assert.deepEqual(composeInstructions('Be brief.', []), { systemInstruction: 'Be brief.', used: [] });
  assert.deepEqual(composeInstructions(undefined, [{ display: 'AGENTS.md', text: '  \n' }]), { systemInstruction: undefined, used: [] });
});
