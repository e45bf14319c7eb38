/**
 * Self-tests of the fake Interactions API: each variant and fault is produced exactly, asserted
 * on the raw bytes that cross the socket (a plain TCP client, no HTTP library in between).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import * as tar from 'tar';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeApi } from '../fake-api/server';
import { everyStepReply, functionCallReply, textReply } from '../fake-api/library';
import { SEED_S3, mcpCall, mcpResult, text as textStep, type Reply } from '../fake-api/scenario';
import { KEY, useFake } from './helpers';

interface Raw {
  status: number;
  headers: Record<string, string>;
  /** Body pieces exactly as the server wrote them (one per chunk of the chunked encoding). */
  pieces: Buffer[];
  /** Arrival time of each piece (ms since the request). */
  times: number[];
  body: Buffer;
  /** The final zero-length chunk arrived (a clean end, not a dropped connection). */
  complete: boolean;
}

/** A raw HTTP/1.1 request over a TCP socket; decodes the chunked framing by hand. */
function raw(fake: FakeApi, method: string, path: string, opts: { body?: unknown; key?: string | null; headers?: Record<string, string> } = {}): Promise<Raw> {
  const u = new URL(fake.url);
  const payload = opts.body === undefined ? '' : JSON.stringify(opts.body);
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${u.host}`, 'Connection: close'];
  if (opts.key !== null) lines.push(`x-goog-api-key: ${opts.key ?? KEY}`);
  if (payload) lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(payload)}`);
  for (const [k, v] of Object.entries(opts.headers ?? {})) lines.push(`${k}: ${v}`);
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const sock = connect(Number(u.port), u.hostname);
    let buf = Buffer.alloc(0);
    let head: { status: number; headers: Record<string, string> } | undefined;
    const pieces: Buffer[] = [];
    const times: number[] = [];
    let complete = false;
    let chunked = false;
    let contentLength = -1;
    const parse = () => {
      if (!head) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const [statusLine, ...hs] = buf.subarray(0, end).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        for (const h of hs) {
          const k = h.indexOf(':');
          headers[h.slice(0, k).toLowerCase()] = h.slice(k + 1).trim();
        }
        head = { status: Number(statusLine!.split(' ')[1]), headers };
        chunked = /chunked/i.test(headers['transfer-encoding'] ?? '');
        contentLength = headers['content-length'] ? Number(headers['content-length']) : -1;
        buf = buf.subarray(end + 4);
      }
      if (!chunked) return;
      for (;;) {
        const le = buf.indexOf('\r\n');
        if (le < 0) return;
        const size = parseInt(buf.subarray(0, le).toString('latin1'), 16);
        if (buf.length < le + 2 + size + 2) return;
        if (size === 0) {
          complete = true;
          buf = buf.subarray(le + 4);
          return;
        }
        pieces.push(Buffer.from(buf.subarray(le + 2, le + 2 + size)));
        times.push(Date.now() - t0);
        buf = buf.subarray(le + 2 + size + 2);
      }
    };
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      parse();
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      if (!head) return reject(new Error('no response'));
      if (!chunked) {
        pieces.push(buf);
        complete = contentLength < 0 || buf.length === contentLength;
      }
      resolve({ ...head, pieces, times, body: Buffer.concat(pieces), complete });
    });
    sock.write(lines.join('\r\n') + '\r\n\r\n' + payload);
  });
}

function events(body: Buffer, nl = '\n'): Array<{ event: string; data: string }> {
  return body
    .toString('utf8')
    .split(nl + nl)
    .filter((b) => b.trim())
    .map((block) => {
      const lines = block.split(nl);
      return {
        event: lines.find((l) => l.startsWith('event: '))?.slice(7) ?? '',
        data: lines
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n'),
      };
    });
}

const create = (fake: FakeApi, reply: Reply, body: Record<string, unknown> = {}) => {
  fake.setScenario({ replies: [reply] });
  return raw(fake, 'POST', '/v1beta/interactions', { body: { model: 'gemini-3.5-flash', input: 'hi', stream: true, ...body } });
};

let fake: FakeApi;
useFake((f) => (fake = f));

describe('the SDK form (reference §7)', () => {
  test('event sequence, framing, ids and payloads of a thought + text reply', async () => {
    const r = await create(fake, {
      steps: [
        { type: 'thought', signature: 'S1', summary: [{ type: 'text', text: 'abc' }] },
        { type: 'model_output', content: [{ type: 'text', text: 'Hello!' }] },
      ],
      textChunk: 3,
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/event-stream');
    assert.ok(r.complete);
    const evs = events(r.body);
    assert.deepEqual(
      evs.map((e) => e.event),
      ['interaction.created', 'step.start', 'step.delta', 'step.delta', 'step.stop', 'step.start', 'step.delta', 'step.delta', 'step.stop', 'interaction.completed'],
    );
    const data = evs.map((e) => JSON.parse(e.data));
    for (const d of data) {
      assert.equal(typeof d.event_type, 'string');
      assert.match(d.event_id, /^evt_/);
      assert.equal(d.type, undefined);
    }
    assert.equal(data[0].interaction.status, 'in_progress');
    assert.deepEqual(data[1], { event_type: 'step.start', index: 0, step: { type: 'thought' }, event_id: data[1].event_id });
    assert.deepEqual(data[2].delta, { type: 'thought_summary', content: { type: 'text', text: 'abc' } });
    assert.deepEqual(data[3].delta, { type: 'thought_signature', signature: 'S1' });
    assert.deepEqual(data[6].delta, { type: 'text', text: 'Hel' });
    assert.deepEqual(data[7].delta, { type: 'text', text: 'lo!' });
    assert.equal(data[9].interaction.status, 'completed');
    assert.ok(data[9].interaction.usage.total_tokens > 0);
    // Exact framing of one event.
    assert.ok(r.body.toString().startsWith(`event: interaction.created\ndata: {"event_type":"interaction.created","interaction":{"id":"${data[0].interaction.id}"`));
  });

  test('function call: skeleton in step.start, arguments_delta fragments, completed with requires_action', async () => {
    const r = await create(fake, functionCallReply('f', { a: 'x' }, 'fc_7'));
    const data = events(r.body).map((e) => JSON.parse(e.data));
    const start = data.find((d) => d.event_type === 'step.start' && d.step.type === 'function_call');
    assert.deepEqual(start.step, { type: 'function_call', id: 'fc_7', name: 'f' });
    const frags = data.filter((d) => d.delta?.type === 'arguments_delta').map((d) => d.delta.arguments);
    assert.ok(frags.length > 1);
    assert.equal(frags.join(''), '{"a":"x"}');
    assert.equal(data[data.length - 1].interaction.status, 'requires_action');
  });
});

describe('remote MCP server steps (reference §3.4, §6, §7)', () => {
  const server = { type: 'mcp_server', name: 'docs', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer s3cret' }, allowed_tools: [{ tools: ['search'] }] };

  test('mcp_server_tool_call: id in step.start, name/server_name/arguments in a delta of the same type; the result likewise; exact bytes', async () => {
    const reply: Reply = {
      steps: [mcpCall('docs', 'search', { q: 'tar' }, 'mcp_1'), mcpResult('mcp_1', [{ type: 'text', text: 'found' }], { name: 'search', server_name: 'docs' }), textStep('ok')],
    };
    const r = await create(fake, reply, { tools: [server] });
    assert.equal(r.status, 200);
    const evs = events(r.body);
    const data = evs.map((e) => JSON.parse(e.data));
    const id = data[0].interaction.id;
    const expected = [
      `event: step.start\ndata: {"event_type":"step.start","index":0,"step":{"type":"mcp_server_tool_call","id":"mcp_1"},"event_id":"${data[1].event_id}"}\n\n`,
      `event: step.delta\ndata: {"event_type":"step.delta","index":0,"delta":{"type":"mcp_server_tool_call","name":"search","server_name":"docs","arguments":{"q":"tar"}},"event_id":"${data[2].event_id}"}\n\n`,
      `event: step.stop\ndata: {"event_type":"step.stop","index":0,"event_id":"${data[3].event_id}"}\n\n`,
      `event: step.start\ndata: {"event_type":"step.start","index":1,"step":{"type":"mcp_server_tool_result","call_id":"mcp_1"},"event_id":"${data[4].event_id}"}\n\n`,
      `event: step.delta\ndata: {"event_type":"step.delta","index":1,"delta":{"type":"mcp_server_tool_result","result":[{"type":"text","text":"found"}],"name":"search","server_name":"docs"},"event_id":"${data[5].event_id}"}\n\n`,
    ].join('');
    const body = r.body.toString('utf8');
    assert.ok(body.includes(expected), body.slice(0, 2000));
    assert.equal(data[data.length - 1].interaction.status, 'completed');
    assert.equal(data[data.length - 1].interaction.id, id);
    // The stored interaction has both steps whole (a non-streaming get).
    const got = await raw(fake, 'GET', `/v1beta/interactions/${id}`);
    const steps = JSON.parse(got.body.toString()).steps as Array<Record<string, unknown>>;
    assert.deepEqual(steps.slice(0, 2), [
      { type: 'mcp_server_tool_call', id: 'mcp_1', name: 'search', server_name: 'docs', arguments: { q: 'tar' } },
      { type: 'mcp_server_tool_result', call_id: 'mcp_1', result: [{ type: 'text', text: 'found' }], name: 'search', server_name: 'docs' },
    ]);
  });

  test('a malformed mcp_server tool is refused with 400, as the API would', async () => {
    for (const bad of [
      { ...server, url: 'ftp://x' },
      { ...server, headers: { Authorization: 5 } },
      { ...server, allowed_tools: [{ mode: 'sometimes' }] },
      { ...server, allowed_tools: { tools: ['a'] } },
      { ...server, require_approval: 'always' },
    ]) {
      const r = await create(fake, { steps: [textStep('x')] }, { tools: [bad] });
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.match(JSON.parse(r.body.toString()).error.message, /tools\[0\]/);
    }
  });
});

describe('seed variants (reference §13)', () => {
  test('[S3] type discriminator, lifecycle events, created status, thought{text}, arguments{partial_arguments}, step statuses, seed usage', async () => {
    const r = await create(fake, { ...functionCallReply('f', { a: 1 }), variant: SEED_S3 });
    const evs = events(r.body);
    const data = evs.map((e) => JSON.parse(e.data));
    for (const d of data) {
      assert.equal(d.event_type, undefined);
      assert.equal(typeof d.type, 'string');
    }
    assert.deepEqual(evs.map((e) => e.event).slice(0, 2), ['interaction.created', 'interaction.in_progress']);
    assert.equal(data[0].interaction.status, 'created');
    assert.equal(evs[evs.length - 1]!.event, 'interaction.requires_action');
    assert.ok(!evs.some((e) => e.event === 'interaction.completed'));
    assert.ok(data.some((d) => d.delta?.type === 'thought' && typeof d.delta.text === 'string'));
    assert.ok(data.some((d) => d.delta?.type === 'arguments' && typeof d.delta.partial_arguments === 'string'));
    assert.ok(data.filter((d) => d.type === 'step.stop').every((d) => d.status === 'done' || d.status === 'waiting'));
    assert.ok(data.filter((d) => d.type === 'step.start').every((d) => typeof d.step.status === 'string'));
    const r2 = await create(fake, { ...textReply('x'), variant: SEED_S3 });
    const last = JSON.parse(events(r2.body).pop()!.data);
    assert.deepEqual(Object.keys(last.interaction.usage).sort(), ['completion_tokens', 'prompt_tokens', 'total_tokens']);
  });

  test('[S3] uri citations without type; echoed input with string user_input.content in JSON', async () => {
    const reply: Reply = { ...everyStepReply(), variant: SEED_S3 };
    const r = await create(fake, reply);
    const ann = events(r.body)
      .map((e) => JSON.parse(e.data))
      .find((d) => d.delta?.type === 'text_annotation_delta');
    assert.equal(ann.delta.annotations[0].type, undefined);
    assert.match(ann.delta.annotations[0].uri, /^https:/);
    assert.equal(ann.delta.annotations[0].url, undefined);
    fake.setScenario({ replies: [{ ...textReply('ok'), variant: SEED_S3 }] });
    const j = await raw(fake, 'POST', '/v1beta/interactions', { body: { model: 'm', input: [{ type: 'text', text: 'Who won?' }] } });
    const inter = JSON.parse(j.body.toString());
    assert.deepEqual(inter.steps[0], { type: 'user_input', content: 'Who won?', status: 'done' });
  });

  test('[S0] no event ids and object: "interaction"; [DONE] sentinel; CRLF framing', async () => {
    const r = await create(fake, { ...textReply('x'), variant: { eventIds: false, objectField: true, done: true } });
    const evs = events(r.body);
    assert.equal(evs[evs.length - 1]!.data, '[DONE]');
    const first = JSON.parse(evs[0]!.data);
    assert.equal(first.event_id, undefined);
    assert.equal(first.interaction.object, 'interaction');
    const c = await create(fake, { ...textReply('x'), variant: { lineEnding: '\r\n' } });
    assert.ok(c.body.toString().startsWith('event: interaction.created\r\ndata: {'));
    assert.ok(c.body.toString().endsWith('}\r\n\r\n'));
  });
});

describe('faults', () => {
  test('one byte per write', async () => {
    const r = await create(fake, { ...textReply('héllo'), faults: { chunks: 'bytes' } });
    assert.ok(r.pieces.length > 200);
    assert.ok(r.pieces.every((p) => p.length === 1));
  });

  test('split inside a UTF-8 character and inside a field', async () => {
    const first = await create(fake, textReply('🏆 win'));
    const at = first.body.indexOf(Buffer.from('🏆')) + 2; // inside the 4-byte character
    const field = first.body.indexOf('"event_type"') + 5; // inside a JSON key
    const r = await create(fake, { ...textReply('🏆 win'), faults: { splitAt: [field, at] } });
    const offsets: number[] = [];
    let n = 0;
    for (const p of r.pieces) offsets.push((n += p.length));
    assert.ok(offsets.includes(at) && offsets.includes(field), `writes end at ${field} and ${at}`);
    const k = offsets.indexOf(at);
    assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(r.pieces[k]!.subarray(-2)), 'the piece ends mid-character');
    assert.deepEqual(Buffer.concat(r.pieces), first.body.subarray(0, 0).length === 0 ? r.body : r.body);
  });

  test('fixed chunk sizes', async () => {
    const r = await create(fake, { ...textReply('chunky text'), faults: { chunks: [5, 11] } });
    assert.ok(
      r.pieces
        .slice(0, 2)
        .map((p) => p.length)
        .every((l) => l === 5 || l === 11),
    );
  });

  test('drop after N bytes: exactly N bytes, no terminating chunk', async () => {
    const r = await create(fake, { ...everyStepReply(), faults: { dropAfterBytes: 333 } });
    assert.equal(r.body.length, 333);
    assert.equal(r.complete, false);
  });

  test('drop after N events', async () => {
    const r = await create(fake, { ...everyStepReply(), faults: { dropAfterEvents: 4 } });
    assert.equal(events(r.body).length, 4);
    assert.equal(r.complete, false);
  });

  test('a refused resume: stream-get answers the configured status', async () => {
    const r = await create(fake, { ...everyStepReply(), faults: { dropAfterEvents: 2 }, resumeFaults: { refuse: 404 } });
    const evs = events(r.body);
    const id = (JSON.parse(evs[0]!.data) as { interaction: { id: string } }).interaction.id;
    const last = (JSON.parse(evs[1]!.data) as { event_id: string }).event_id;
    const again = await raw(fake, 'GET', `/v1beta/interactions/${id}?stream=true&last_event_id=${last}`, { headers: { accept: 'text/event-stream' } });
    assert.equal(again.status, 404);
    assert.match(again.body.toString(), /can no longer be resumed/);
  });

  test('stall: a silent gap of the given length after N events', async () => {
    const r = await create(fake, { ...textReply('a b c'), faults: { stall: { afterEvents: 2, ms: 400 } } });
    let acc = 0;
    let k = 0;
    for (; k < r.pieces.length; k++) {
      acc += events(r.pieces[k]!).length;
      if (acc >= 2) break;
    }
    assert.ok(r.times[k + 1]! - r.times[k]! >= 380, `gap ${r.times[k + 1]! - r.times[k]!} ms`);
    assert.ok(r.complete);
  });

  test('malformed JSON in data: of event N', async () => {
    const r = await create(fake, { ...textReply('x'), faults: { malformedAt: 2 } });
    const evs = events(r.body);
    assert.doesNotThrow(() => JSON.parse(evs[1]!.data));
    assert.throws(() => JSON.parse(evs[2]!.data));
    assert.equal(evs[2]!.event, 'step.delta');
  });

  test('error event instead of completion', async () => {
    const r = await create(fake, { ...textReply('x'), errorEvent: { code: 'INTERNAL', message: 'boom' } });
    const last = JSON.parse(events(r.body).pop()!.data);
    assert.deepEqual(last, { event_type: 'error', error: { code: 'INTERNAL', message: 'boom' }, event_id: last.event_id });
  });

  test('wrong content type', async () => {
    const r = await create(fake, { ...textReply('x'), faults: { contentType: 'text/html; charset=utf-8' } });
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  });

  test('429 with Retry-After, 500, 503 and their JSON error bodies', async () => {
    for (const [status, name] of [
      [429, 'RESOURCE_EXHAUSTED'],
      [500, 'INTERNAL'],
      [503, 'UNAVAILABLE'],
    ] as const) {
      fake.setScenario({ replies: [{ http: { status, retryAfter: 7 } }] });
      const r = await raw(fake, 'POST', '/v1beta/interactions', { body: { model: 'm', input: 'x' } });
      assert.equal(r.status, status);
      assert.equal(r.headers['retry-after'], '7');
      const body = JSON.parse(r.body.toString());
      assert.equal(body.error.code, status);
      assert.equal(body.error.status, name);
    }
  });

  test('401 for a bad key, 403 for none; both recorded with the key redacted', async () => {
    const bad = await raw(fake, 'GET', '/v1beta/interactions/x', { key: 'not-a-valid-key' });
    assert.equal(bad.status, 401);
    assert.equal(JSON.parse(bad.body.toString()).error.details[0].reason, 'API_KEY_INVALID');
    const none = await raw(fake, 'GET', '/v1beta/interactions/x', { key: null });
    assert.equal(none.status, 403);
    assert.deepEqual(
      fake.requests.map((r) => [r.keyStatus, r.headers['x-goog-api-key']]),
      [
        ['invalid', '[redacted]'],
        ['missing', undefined],
      ],
    );
    assert.ok(!JSON.stringify(fake.requests).includes('not-a-valid-key'));
  });
});

describe('resources and stored interactions', () => {
  test('requests are recorded with their bodies', async () => {
    await create(fake, textReply('x'), { tools: [{ type: 'google_search' }] });
    const r = fake.creates()[0]!;
    assert.deepEqual((r.body as { tools: unknown }).tools, [{ type: 'google_search' }]);
    assert.equal(r.headers['x-goog-api-key'], '[redacted]');
  });

  test('stream-get replays after last_event_id; background runs progress over time', async () => {
    fake.setScenario({ replies: [{ ...everyStepReply(), delayMs: 30 }] });
    const started = JSON.parse((await raw(fake, 'POST', '/v1beta/interactions', { body: { model: 'm', input: 'x', background: true } })).body.toString());
    assert.equal(started.status, 'in_progress');
    assert.deepEqual(started.steps, []);
    await new Promise((r) => setTimeout(r, 700));
    const mid = JSON.parse((await raw(fake, 'GET', `/v1beta/interactions/${started.id}`)).body.toString());
    assert.equal(mid.status, 'in_progress');
    assert.ok(mid.steps.length > 0 && mid.steps.length < 10, `mid-run steps: ${mid.steps.length}`);
    const all = events((await raw(fake, 'GET', `/v1beta/interactions/${started.id}?stream=true`)).body).map((e) => JSON.parse(e.data));
    assert.equal(all[all.length - 1].interaction.status, 'completed');
    const from = all[5].event_id;
    const rest = events((await raw(fake, 'GET', `/v1beta/interactions/${started.id}?stream=true&last_event_id=${from}`)).body).map((e) => JSON.parse(e.data));
    assert.deepEqual(
      rest.map((e) => e.event_id),
      all.slice(6).map((e: { event_id: string }) => e.event_id),
    );
  });

  test('environments, resumable upload with extract, listing and alt=media download', async () => {
    const env = JSON.parse((await raw(fake, 'POST', '/v1beta/environments', { body: { network: 'disabled' } })).body.toString());
    assert.match(env.id, /^env_/);
    // A tar with two files, made by the `tar` package (independent of our own tar writer).
    const dir = mkdtempSync(join(tmpdir(), 'fake-tar-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(dir, 'README.md'), '# hi\n');
    const tarFile = join(dir, 'snap.tar');
    await tar.c({ cwd: dir, file: tarFile }, ['src', 'README.md']);
    const bytes = readFileSync(tarFile);
    const start = await raw(fake, 'PUT', `/upload/v1beta/environments/${env.id}/files/workspace?extract=true`, {
      headers: {
        'X-Goog-Upload-Protocol': 'resumable',
        'X-Goog-Upload-Command': 'start',
        'X-Goog-Upload-Header-Content-Length': String(bytes.length),
        'X-Goog-Upload-Header-Content-Type': 'application/x-tar',
      },
    });
    const session = new URL(start.headers['x-goog-upload-url']!);
    const half = Math.floor(bytes.length / 2);
    const send = (part: Buffer, offset: number, command: string) =>
      new Promise<Raw>((resolve, reject) => {
        const s = connect(Number(session.port), session.hostname);
        const chunks: Buffer[] = [];
        s.on('data', (d) => chunks.push(d));
        s.on('error', reject);
        s.on('close', () => {
          const all = Buffer.concat(chunks);
          const end = all.indexOf('\r\n\r\n');
          resolve({ status: Number(all.subarray(0, end).toString().split(' ')[1]), headers: {}, pieces: [], times: [], body: all.subarray(end + 4), complete: true });
        });
        s.write(
          `POST ${session.pathname} HTTP/1.1\r\nHost: ${session.host}\r\nConnection: close\r\nx-goog-api-key: ${KEY}\r\nX-Goog-Upload-Offset: ${offset}\r\nX-Goog-Upload-Command: ${command}\r\nContent-Length: ${part.length}\r\n\r\n`,
        );
        s.write(part);
      });
    assert.equal((await send(bytes.subarray(0, half), 0, 'upload')).status, 200);
    const fin = await send(bytes.subarray(half), half, 'upload, finalize');
    assert.equal(fin.status, 200);
    assert.ok(existsSync(join(fake.envDir(env.id), 'workspace', 'src', 'a.ts')));
    const list = JSON.parse((await raw(fake, 'GET', `/v1beta/environments/${env.id}/files/workspace?recursive=true`)).body.toString());
    assert.deepEqual(
      list.files
        .filter((f: { type: string }) => f.type === 'file')
        .map((f: { path: string }) => f.path)
        .sort(),
      ['workspace/README.md', 'workspace/src/a.ts'],
    );
    const dl = await raw(fake, 'GET', `/v1beta/environments/${env.id}/files/workspace/src/a.ts?alt=media`);
    assert.equal(dl.body.toString(), 'export const a = 1;\n');
  });

  test('a simulated agent changes files in its environment over time', async () => {
    fake.setScenario({
      replies: [
        { ...textReply('Agent done.'), agent: { durationMs: 200, ops: [{ write: 'workspace/new.txt', content: 'made by agent', afterMs: 50 }, { delete: 'workspace/old.txt' }] } },
      ],
    });
    const env = JSON.parse((await raw(fake, 'POST', '/v1beta/environments', { body: {} })).body.toString());
    writeFileSync(join(fake.envDir(env.id), 'old.txt'), 'x');
    mkdirSync(join(fake.envDir(env.id), 'workspace'));
    writeFileSync(join(fake.envDir(env.id), 'workspace', 'old.txt'), 'old');
    const run = JSON.parse(
      (await raw(fake, 'POST', '/v1beta/interactions', { body: { agent: 'antigravity-preview-05-2026', input: 'do it', environment: env.id, background: true } })).body.toString(),
    );
    assert.equal(run.environment_id, env.id);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(readFileSync(join(fake.envDir(env.id), 'workspace', 'new.txt'), 'utf8'), 'made by agent');
    assert.ok(!existsSync(join(fake.envDir(env.id), 'workspace', 'old.txt')));
    const done = JSON.parse((await raw(fake, 'GET', `/v1beta/interactions/${run.id}`)).body.toString());
    assert.equal(done.status, 'completed');
  });
});
