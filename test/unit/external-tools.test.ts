/**
 * Tools we did not write (MCP servers through VS Code, other extensions) as function tools:
 * schema conversion for Gemini, names, approvals, deadlines, result caps; and the remote
 * `mcp_server` tool entry.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { externalTools, resultOf, type ExternalInvoker, type ExternalPart } from '../../src/core/tools/external';
import { ALL_TOOLS, WorkspaceToolRunner } from '../../src/core/tools/registry';
import { checkRemoteServer, remoteServerTool } from '../../src/core/tools/remoteMcp';
import { functionName, toGeminiParameters } from '../../src/core/tools/schema';
import { chatTurnSettings } from '../../src/core/conversation/session';
import { sandbox } from './tool-fakes';

describe('JSON Schema → Gemini parameters', () => {
  test('$ref/$defs resolved, type arrays → nullable, const → enum, numeric enum described, unknown keywords named', () => {
    const r = toGeminiParameters({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { level: { type: 'integer', enum: [1, 2, 3] } },
      properties: {
        label: { type: ['string', 'null'] },
        level: { $ref: '#/$defs/level' },
        kind: { const: 'echo' },
        extra: { type: 'object', additionalProperties: { type: 'string' } },
        when: { type: 'string', format: 'date-time', minLength: 3 },
        many: { type: ['string', 'number'] },
        list: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
      },
      required: ['label', 'missing'],
      additionalProperties: false,
    });
    assert.ok(r.ok);
    assert.deepEqual(r.parameters, {
      type: 'object',
      properties: {
        label: { type: 'string', nullable: true },
        level: { type: 'integer', description: '(one of: 1, 2, 3)' },
        kind: { type: 'string', enum: ['echo'] },
        extra: { type: 'object', properties: {} },
        when: { type: 'string', format: 'date-time' },
        many: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        list: { type: 'array', items: { type: 'string', nullable: true } },
      },
      required: ['label'],
    });
    assert.match(r.notes.join(' '), /additionalProperties/);
    assert.match(r.notes.join(' '), /non-string enum/);
    assert.doesNotMatch(r.notes.join(' '), /minLength|\$schema/);
  });

  test('a recursive schema is cut (free-form there), not followed forever', () => {
    const r = toGeminiParameters({
      type: 'object',
      $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } },
      properties: { root: { $ref: '#/$defs/node' } },
    });
    assert.ok(r.ok);
    assert.deepEqual(r.parameters.properties, { root: { type: 'object', properties: { child: {} } } });
    assert.match(r.notes.join(' '), /recursive/);
  });

  test('no schema → an empty object; a non-object input is refused with a reason', () => {
    assert.deepEqual(toGeminiParameters(undefined), { ok: true, parameters: { type: 'object', properties: {} }, notes: [] });
    assert.deepEqual(toGeminiParameters({}), { ok: true, parameters: { type: 'object', properties: {} }, notes: [] });
    const s = toGeminiParameters({ type: 'string' });
    assert.equal(s.ok, false);
    assert.match((s as { reason: string }).reason, /object of named arguments/);
    assert.equal(toGeminiParameters('nope').ok, false);
    assert.equal(toGeminiParameters([1]).ok, false);
  });

  test('function names fit Gemini (letters, digits, _ . : -, ≤ 64) and never shadow a taken one', () => {
    assert.equal(functionName('mcp_notes_lookup', new Set()), 'mcp_notes_lookup');
    assert.equal(functionName('read_file', new Set(['read_file'])), 'read_file_2');
    assert.equal(functionName('9 bad/name!', new Set()), '_9_bad_name_');
    const long = functionName('x'.repeat(80), new Set(['x'.repeat(64)]));
    assert.equal(long.length, 64);
    assert.ok(long.endsWith('_2'));
  });
});

describe('results', () => {
  const opts = { maxResultChars: 1000, maxImageBytes: 100 };
  test('text joined; images inline; oversize text cut with a mark; oversize media left out with a mark', () => {
    const parts: ExternalPart[] = [
      { kind: 'text', text: 'a'.repeat(1500) },
      { kind: 'data', mimeType: 'image/png', data: new Uint8Array(50) },
      { kind: 'data', mimeType: 'image/png', data: new Uint8Array(80) },
      { kind: 'data', mimeType: 'application/json', data: new TextEncoder().encode('{"k":1}') },
      { kind: 'data', mimeType: 'application/x-thing', data: new Uint8Array(3) },
    ];
    const r = resultOf(parts, opts);
    const content = r.content!;
    assert.equal(content.length, 2);
    const text = (content[0] as { text: string }).text;
    assert.ok(text.startsWith('a'.repeat(1000)));
    assert.match(text, /more characters cut: the result was 1508 characters/);
    assert.match(text, /a image\/png of 80 bytes was left out/);
    assert.match(text, /3 bytes of application\/x-thing were left out/);
    assert.deepEqual(content[1], { type: 'image', data: Buffer.alloc(50).toString('base64'), mime_type: 'image/png' });
    assert.match(r.text, /\[1 attachment \(image\/png\)\]/);
  });
  test('an empty result says so', () => {
    assert.deepEqual(resultOf([], opts).content, [{ type: 'text', text: '(empty result)' }]);
  });
});

describe('calls through the approval policy', () => {
  const infos = [
    { id: 'mcp_notes_lookup', description: 'Look up', inputSchema: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] }, source: 'MCP server notes' },
    { id: 'mcp_notes_hang', description: 'Hangs', inputSchema: { type: 'object', properties: {} }, source: 'MCP server notes' },
    { id: 'mcp_notes_throws', description: 'Throws', inputSchema: { type: 'object', properties: {} }, source: 'MCP server notes' },
    { id: 'mcp_notes_slow', description: 'Answers late', inputSchema: { type: 'object', properties: {} }, source: 'MCP server notes' },
    { id: 'bad_input', description: 'String input', inputSchema: { type: 'string' }, source: 'the extension X' },
    { id: 'read_file', description: 'Shadows ours', inputSchema: {}, source: 'the extension Y' },
  ];
  function setup(preapproved?: string) {
    const calls: Array<{ id: string; input: unknown }> = [];
    const invoker: ExternalInvoker = {
      invoke: (id, input, signal) => {
        calls.push({ id, input });
        if (id === 'mcp_notes_hang') return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
        if (id === 'mcp_notes_throws') return Promise.reject(new Error('server exploded'));
        if (id === 'mcp_notes_slow') return new Promise((r) => setTimeout(() => r([{ kind: 'text', text: 'slow but here' }]), 450));
        return Promise.resolve([{ kind: 'text', text: `meaning of ${String((input as { word?: string }).word)}` }]);
      },
    };
    const built = externalTools(infos, invoker, {
      taken: new Set(ALL_TOOLS.map((t) => t.name)),
      preapproved: () => preapproved,
      timeoutMs: 200,
      maxResultChars: 1000,
      maxImageBytes: 1000,
    });
    const s = sandbox({}, { os: false });
    const runner = new WorkspaceToolRunner(s.env, [...ALL_TOOLS, ...built.tools]);
    const run = async (name: string, args: Record<string, unknown>) => {
      const [out] = await runner.run([{ id: `c_${name}_${Math.random()}`, name, arguments: args }], { signal: new AbortController().signal });
      const r = out!.result as Array<{ text?: string }> | string;
      return { text: typeof r === 'string' ? r : r.map((c) => c.text ?? '').join(''), isError: out!.isError };
    };
    return { built, calls, s, run, runner };
  }

  test('a tool that is not an object schema is skipped with a note; a name that shadows ours is renamed', () => {
    const { built } = setup();
    const names = built.tools.map((t) => t.name);
    assert.deepEqual(names, ['mcp_notes_lookup', 'mcp_notes_hang', 'mcp_notes_throws', 'mcp_notes_slow', 'read_file_2']);
    assert.match(built.notes.join('\n'), /bad_input \(the extension X\) is not offered/);
  });

  test('every call asks first (kind tool, the arguments shown); rejected: not called', async () => {
    const { s, calls, run } = setup();
    s.approvals.decisions = ['reject'];
    const r = await run('mcp_notes_lookup', { word: 'zed' });
    assert.equal(r.isError, true);
    assert.match(r.text, /declined/);
    assert.equal(calls.length, 0);
    assert.equal(s.approvals.requests[0]!.kind, 'tool');
    assert.match(s.approvals.requests[0]!.detail, /"word": "zed"/);
    assert.match(s.approvals.requests[0]!.title, /mcp_notes_lookup \(MCP server notes\)/);
  });

  test('accepted: the tool runs and its result goes back; "allow for this turn" skips the next ask of the same tool only', async () => {
    const { s, calls, run } = setup();
    s.approvals.decisions = ['acceptAll'];
    assert.deepEqual(await run('mcp_notes_lookup', { word: 'zed' }), { text: 'meaning of zed', isError: false });
    assert.deepEqual(await run('mcp_notes_lookup', { word: 'yak' }), { text: 'meaning of yak', isError: false });
    assert.equal(s.approvals.requests.length, 1);
    assert.equal(calls.length, 2);
    const r = await run('mcp_notes_throws', {});
    assert.equal(s.approvals.requests.length, 2, 'another tool asks again');
    assert.equal(r.isError, true);
  });

  test('the user allow list (user settings) runs it without asking, and says why', async () => {
    const { s, run } = setup('Ran without asking: your user settings allow it.');
    assert.equal((await run('mcp_notes_lookup', { word: 'a' })).isError, false);
    assert.equal(s.approvals.requests.length, 0);
    assert.ok(s.activity.updates.some((u) => /user settings allow/.test(u.reason ?? '')));
  });

  test('a call that ended lets go of the turn’s Stop signal (a turn of many calls does not hold each one)', async () => {
    const { runner } = setup('pre');
    const stop = new AbortController();
    for (let k = 0; k < 3; k++) {
      const [out] = await runner.run([{ id: `c_${k}`, name: 'mcp_notes_lookup', arguments: { word: 'a' } }], { signal: stop.signal });
      assert.equal(out!.isError, false);
    }
    assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
  });

  test('bad arguments: a clear error, nothing called', async () => {
    const { s, calls, run } = setup('pre');
    const r = await run('mcp_notes_lookup', { word: 5 });
    assert.equal(r.isError, true);
    assert.match(r.text, /"word" must be a string/);
    const m = await run('mcp_notes_lookup', {});
    assert.match(m.text, /Missing required argument "word"/);
    // Arguments the schema does not name go to the tool (it checks its own input).
    assert.equal((await run('mcp_notes_lookup', { word: 'x', extra: 1 })).isError, false);
    assert.equal(calls.length, 1);
    void s;
  });

  test('past the deadline the user is asked (VS Code may be asking them): Cancel ends the call; one that throws reports its error; the turn goes on', async () => {
    const { run, s } = setup('pre');
    const t0 = Date.now();
    const h = await run('mcp_notes_hang', {});
    assert.equal(h.isError, true);
    assert.match(h.text, /did not answer within 0 s and the user cancelled it/);
    assert.ok(Date.now() - t0 < 2000);
    const asked = s.approvals.requests.at(-1)!;
    assert.match(asked.title, /mcp_notes_hang has not answered for 0 s/);
    assert.equal(asked.acceptLabel, 'Keep waiting');
    assert.equal(asked.rejectLabel, 'Cancel the call');
    const e = await run('mcp_notes_throws', {});
    assert.match(e.text, /mcp_notes_throws failed: server exploded/);
  });

  test('keep waiting: no deadline counts the time a person takes to decide; a late answer is the result and takes the question away', async () => {
    const { run, s } = setup('pre');
    s.approvals.decisions.push('accept', 'accept', 'accept');
    const r = await run('mcp_notes_slow', {});
    assert.equal(r.isError, false, r.text);
    assert.match(r.text, /slow but here/);
    const states = s.activity.updates.filter((u) => u.name === 'mcp_notes_slow').map((u) => u.status);
    assert.ok(!states.includes('rejected'), states.join(','));
    assert.equal(states.at(-1), 'done');
  });
});

describe('remote MCP servers', () => {
  test('the mcp_server tool entry is exactly the reference shape', () => {
    const s = { id: 'i1', name: 'docs', url: 'https://mcp.example.com/mcp', headerNames: ['Authorization'], allowedTools: ['search', 'fetch'] };
    assert.deepEqual(remoteServerTool(s, { Authorization: 'Bearer x' }), {
      type: 'mcp_server',
      name: 'docs',
      url: 'https://mcp.example.com/mcp',
      headers: { Authorization: 'Bearer x' },
      allowed_tools: [{ tools: ['search', 'fetch'] }],
    });
    assert.deepEqual(remoteServerTool({ ...s, headerNames: [], allowedTools: [] }, {}), { type: 'mcp_server', name: 'docs', url: 'https://mcp.example.com/mcp' });
    const settings = chatTurnSettings(
      { model: 'm', thinkingLevel: 'default', googleSearch: false, urlContext: false, codeExecution: false, mode: 'stateful', maxSteps: 5 },
      [],
      [remoteServerTool(s, {})],
    );
    assert.deepEqual(settings.tools, [{ type: 'mcp_server', name: 'docs', url: 'https://mcp.example.com/mcp', allowed_tools: [{ tools: ['search', 'fetch'] }] }]);
  });

  test('entries are checked: https only (http for loopback), no credentials in the URL, a plain name', () => {
    const ok = { id: 'i', name: 'docs', url: 'https://a.example/mcp', headerNames: [] };
    assert.equal(checkRemoteServer(ok), undefined);
    assert.equal(checkRemoteServer({ ...ok, url: 'http://localhost:8080/mcp' }), undefined);
    assert.match(checkRemoteServer({ ...ok, url: 'http://a.example/mcp' })!, /https/);
    assert.match(checkRemoteServer({ ...ok, url: 'https://u:p@a.example/mcp' })!, /credentials/);
    assert.match(checkRemoteServer({ ...ok, url: 'javascript:alert(1)' })!, /https/);
    assert.match(checkRemoteServer({ ...ok, name: 'has space' })!, /name/);
    assert.match(checkRemoteServer({ ...ok, headerNames: 'x' })!, /headers/);
    assert.ok(checkRemoteServer(null));
  });
});

test('an MCP tool shows under the server name the user gave (its mcp.json key) when it matches, else under the first part of its name, never a split guess', async () => {
  const { mcpServerName } = await import('../../src/core/tools/mcpNames');
  assert.equal(mcpServerName('mcp_catalog_close_branches', []), 'catalog');
  assert.equal(mcpServerName('mcp_catalog_list_issues', ['catalog']), 'catalog');
  assert.equal(mcpServerName('mcp_my_files_read_dir', ['my-files', 'my']), 'my-files', 'the longest configured name wins');
  assert.equal(mcpServerName('mcp_My_Files_read', ['my files']), 'my files');
  assert.equal(mcpServerName('mcp_notes_lookup_word', ['notesrv']), 'notes', 'a key that is not in the name is not guessed');
});
