/** The host <-> webview protocol: both sides reject what they did not expect. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostMessage, parseWebviewMessage } from '../../src/shared/protocol';
import { citationsFor, presentChanges } from '../../src/core/conversation/present';
import { citedAnswer } from '../fake-api/library';

test('webview messages: valid ones pass, anything else is dropped', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi' }), { type: 'send', text: 'hi' });
  assert.deepEqual(parseWebviewMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
  for (const bad of [
    null,
    'send',
    { type: 'send' },
    { type: 'send', text: 3 },
    { type: 'runCommand', command: 'workbench.action.terminal.new' },
    { type: 'setToggle', name: 'rm -rf', value: true },
    { type: 'codeAction', action: 'exec', code: 'x', language: 'sh' },
    { type: 'image', action: 'open', turnId: 't', step: -1, content: 0 },
    { type: 'approval', requestId: 'r', decision: 'always' },
    { type: 'attachData', name: 'a', mimeType: 'x', data: '<script>' },
    { type: 'setThinking', level: 'extreme' },
  ]) {
    assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
  }
});

test('host messages: malformed changes are rejected as a whole', () => {
  assert.ok(parseHostMessage({ type: 'turnChanges', turnId: 't', changes: [{ k: 'text', s: 0, c: 0, t: 'x' }] }));
  assert.equal(parseHostMessage({ type: 'turnChanges', turnId: 't', changes: [{ k: 'text', s: 0, c: 0 }] }), undefined);
  assert.equal(parseHostMessage({ type: 'turnChanges', turnId: 't', changes: [{ k: 'eval', code: 'x' }] }), undefined);
  assert.equal(parseHostMessage({ type: 'state', state: { hasKey: 'yes' } }), undefined);
  assert.equal(parseHostMessage({ type: 'nope' }), undefined);
});

test('citations: byte offsets become string indices of the cited span', () => {
  const c = citedAnswer();
  const [view] = citationsFor(c.text, [c.annotation as never]);
  assert.equal(c.text.slice(view!.start, view!.end), c.cited);
  assert.equal(view!.url, 'https://www.uefa.com/euro2024/final');
});

test('presentChanges merges adjacent text appends and maps annotations with the current text', () => {
  const c = citedAnswer();
  const steps = [{ type: 'model_output', content: [{ type: 'text', text: c.text }] }] as never;
  const ui = presentChanges(
    [
      { kind: 'text.append', step: 0, content: 0, text: 'a' },
      { kind: 'text.append', step: 0, content: 0, text: 'b' },
      { kind: 'annotations.add', step: 0, content: 0, annotations: [c.annotation as never] },
      { kind: 'step.done', step: 0, value: steps[0] },
    ],
    steps,
  );
  assert.deepEqual(ui[0], { k: 'text', s: 0, c: 0, t: 'ab' });
  assert.equal(ui[1]!.k, 'cite');
  assert.deepEqual(ui[2], { k: 'done', s: 0 }, 'a finished answer is not re-sent');
});
