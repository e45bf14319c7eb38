import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationTokens, needsUser, sessionStatus } from '../../src/core/conversation/status';
import type { TurnRecord } from '../../src/core/conversation/journal';

const turn = (state: string, extra: Partial<TurnRecord> = {}): TurnRecord => ({
  id: 't',
  created: 0,
  input: [],
  model: 'm',
  state,
  steps: [],
  interactionIds: [],
  notices: [],
  ...extra,
});

test('a conversation’s status: approvals first, then answering, then how its last turn ended', () => {
  assert.equal(sessionStatus(undefined, false, 0), 'new');
  assert.equal(sessionStatus([], false, 0), 'new');
  assert.equal(sessionStatus([turn('completed')], true, 0), 'streaming');
  assert.equal(sessionStatus([turn('completed')], true, 1), 'approval');
  assert.equal(sessionStatus([turn('completed')], false, 0), 'done');
  assert.equal(sessionStatus([turn('completed', { plan: true })], false, 0), 'input');
  assert.equal(sessionStatus([turn('completed', { research: 'plan' })], false, 0), 'input');
  assert.equal(sessionStatus([turn('completed', { research: 'run' })], false, 0), 'done');
  assert.equal(sessionStatus([turn('requires_action')], false, 0), 'input');
  assert.equal(sessionStatus([turn('streaming')], false, 0), 'streaming', 'another window answers');
  for (const s of ['stopped', 'cancelled', 'interrupted']) assert.equal(sessionStatus([turn(s)], false, 0), 'stopped', s);
  for (const s of ['error', 'failed', 'budget_exceeded', 'something_new']) assert.equal(sessionStatus([turn(s)], false, 0), 'failed', s);
  assert.equal(sessionStatus([turn('error'), turn('completed')], false, 0), 'done', 'only the last turn counts');
});

test('who needs the user, and the tokens a conversation used', () => {
  assert.deepEqual((['new', 'streaming', 'approval', 'input', 'done', 'failed', 'stopped'] as const).filter(needsUser), ['approval', 'input', 'failed']);
  assert.equal(
    conversationTokens([turn('completed', { usage: { total_tokens: 100 } }), turn('completed', { usage: { total_input_tokens: 5, total_output_tokens: 7 } }), turn('error')]),
    112,
  );
  assert.equal(conversationTokens(undefined), 0);
});
