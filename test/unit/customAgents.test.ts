/**
 * Saved custom agents as documents: the document of an agent, reading one back (syntax,
 * the id, `{"secret": true}` variables taken out), where each server field violation is marked,
 * and the client's create/delete with the violations carried on the error.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeApi } from '../fake-api/server';
import { agentToDocument, fieldPath, newAgentDocument, parseAgentDocument, violationProblems } from '../../src/core/agents/customAgents';
import { ApiError } from '../../src/core/client/errors';
import type { Agent } from '../../src/core/protocol/types';
import { clientFor, useFake } from './helpers';

const marked = (text: string, p: { offset: number; length: number }) => text.slice(p.offset, p.offset + p.length);

describe('agent documents', () => {
  test('an agent becomes a document with its fields in order and its local secrets marked; reading it gives the agent back without them', () => {
    const agent: Agent = {
      tools: [{ type: 'google_search' }] as Agent['tools'],
      base_agent: 'antigravity-preview-05-2026',
      id: 'doc-writer',
      base_environment: { type: 'remote', env: { MODE: 'ci', DB: { credential: 'db-cred' } } },
      extra_field: 1,
    };
    const text = agentToDocument(agent, ['API_TOKEN']);
    assert.deepEqual(Object.keys(JSON.parse(text)), ['id', 'base_agent', 'tools', 'base_environment', 'extra_field']);
    assert.deepEqual(JSON.parse(text).base_environment.env, { MODE: 'ci', DB: { credential: 'db-cred' }, API_TOKEN: { secret: true } });
    const back = parseAgentDocument(text);
    assert.deepEqual(back.problems, []);
    assert.deepEqual(back.secrets, ['API_TOKEN']);
    assert.deepEqual(back.agent, agent, 'the secret is not part of what is sent');
    // An agent whose base environment is an id keeps it, with the secrets beside it.
    assert.deepEqual(JSON.parse(agentToDocument({ id: 'a', base_environment: 'env-1' }, ['K'])).base_environment, {
      type: 'remote',
      environment_id: 'env-1',
      env: { K: { secret: true } },
    });
  });

  test('the new-agent document is a valid agent', () => {
    const r = parseAgentDocument(newAgentDocument('antigravity-preview-05-2026'));
    assert.deepEqual(r.problems, []);
    assert.equal(r.agent?.base_agent, 'antigravity-preview-05-2026');
    assert.equal(r.agent?.id, 'my-agent');
  });

  test('syntax errors, a missing id and a malformed secret are problems at their place; nothing is sent', () => {
    const broken = '{\n  "id": "x",\n  "description": "a" "b"\n}';
    const r1 = parseAgentDocument(broken);
    assert.equal(r1.agent, undefined);
    assert.ok(r1.problems.length >= 1);
    assert.equal(marked(broken, r1.problems[0]!), '"b"');
    assert.match(r1.problems[0]!.message, /JSON/);

    const noId = '{"description": "a"}';
    const r2 = parseAgentDocument(noId);
    assert.equal(r2.agent, undefined);
    assert.match(r2.problems[0]!.message, /needs an id/);

    const secret = '{"id": "x", "base_environment": {"type": "remote", "env": {"A": {"secret": "hunter2"}, "1B": {"secret": true}}}}';
    const r3 = parseAgentDocument(secret);
    assert.equal(r3.agent, undefined);
    assert.deepEqual(
      r3.problems.map((p) => marked(secret, p)),
      ['{"secret": "hunter2"}', '"1B"'],
    );
    assert.equal(parseAgentDocument('[1]').agent, undefined);
    assert.equal(parseAgentDocument('').agent, undefined);
    assert.equal(parseAgentDocument('{"id": "x", // note\n}').agent, undefined, 'comments are not JSON');
  });

  test('field paths', () => {
    assert.deepEqual(fieldPath('base_environment.network.allowlist[0].domain'), ['base_environment', 'network', 'allowlist', 0, 'domain']);
    assert.deepEqual(fieldPath('tools[12].url'), ['tools', 12, 'url']);
    assert.deepEqual(fieldPath('id'), ['id']);
  });

  test('each violation is marked on its field: the value, or the key of an object, or the nearest field the document has', () => {
    const text = JSON.stringify(
      { id: 'Bad Id', tools: [{ type: 'google_search' }, { type: 'file_search' }], base_environment: { type: 'remote', network: { allowlist: [{ domain: 'not a domain' }] } } },
      null,
      2,
    );
    const ps = violationProblems(text, [
      { field: 'id', description: 'Use lowercase.' },
      { field: 'tools[1].type', description: 'Not allowed.' },
      { field: 'base_environment.network.allowlist[0].domain', description: 'Not a domain.' },
      { field: 'base_environment.network', description: 'Bad policy.' },
      { field: 'base_agent', description: 'Unknown base agent.' },
      { field: 'base_environment.sources[0].type', description: 'Missing.' },
    ]);
    assert.deepEqual(
      ps.map((p) => [marked(text, p), p.message, p.field]),
      [
        ['"Bad Id"', 'Use lowercase.', 'id'],
        ['"file_search"', 'Not allowed.', 'tools[1].type'],
        ['"not a domain"', 'Not a domain.', 'base_environment.network.allowlist[0].domain'],
        ['"network"', 'Bad policy.', 'base_environment.network'],
        ['{', 'base_agent: Unknown base agent.', 'base_agent'],
        ['"base_environment"', 'base_environment.sources[0].type: Missing.', 'base_environment.sources[0].type'],
      ],
    );
  });

  test('a violation named as proto JSON (camelCase) or under the request’s `agent.` lands on the same field', () => {
    const text = JSON.stringify({ id: 'a', base_environment: { type: 'remote', network: { allowlist: [{ domain: 'x y' }] }, env: { myVar: 1 } } }, null, 2);
    const ps = violationProblems(text, [
      { field: 'baseEnvironment.network.allowlist[0].domain', description: 'Not a domain.' },
      { field: 'agent.base_environment.env.myVar', description: 'A string.' },
      { field: 'agent.id', description: 'Taken.' },
    ]);
    assert.deepEqual(
      ps.map((p) => marked(text, p)),
      ['"x y"', '1', '"a"'],
    );
  });
});

describe('the client and saved agents', () => {
  let fake!: FakeApi;
  useFake((f) => (fake = f));

  test('create refused: the error carries the field violations; create, get and delete', async () => {
    const { client } = clientFor(fake);
    const err = await client.createAgent({ id: 'x', base_agent: 'nope', tools: [{ type: 'file_search' }] as Agent['tools'] }).catch((e: unknown) => e);
    assert.ok(err instanceof ApiError);
    assert.equal(err.kind, 'bad_request');
    assert.deepEqual(
      err.fieldViolations.map((v) => v.field),
      ['base_agent', 'tools[0].type'],
    );
    assert.match(err.fieldViolations[0]!.description, /Unknown base agent/);
    const agent: Agent = { id: 'doc-writer', base_agent: 'antigravity-preview-05-2026', description: 'Writes docs' };
    assert.deepEqual(await client.createAgent(agent), agent);
    assert.deepEqual(await client.getAgent('doc-writer'), agent);
    await client.deleteAgent('doc-writer');
    assert.ok(!fake.agents.some((a) => a.id === 'doc-writer'));
    const gone = await client.deleteAgent('doc-writer').catch((e: unknown) => e);
    assert.ok(gone instanceof ApiError && gone.kind === 'not_found');
  });

  test('an error without field violations has none; a hostile violation list is bounded', () => {
    assert.deepEqual(ApiError.fromResponse(400, { error: { message: 'bad' } }, undefined, 'x').fieldViolations, []);
    const many = Array.from({ length: 500 }, (_, k) => ({ field: `f${k}`, description: 'd'.repeat(10_000) }));
    const e = ApiError.fromResponse(400, { error: { message: 'bad', details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: many }] } }, undefined, 'x');
    assert.equal(e.fieldViolations.length, 50);
    assert.equal(e.fieldViolations[0]!.description.length, 500);
    const snake = ApiError.fromResponse(
      400,
      { error: { message: 'bad', details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', field_violations: [{ field: 'id', description: 'Taken.' }] }] } },
      undefined,
      'x',
    );
    assert.deepEqual(snake.fieldViolations, [{ field: 'id', description: 'Taken.' }]);
  });
});
