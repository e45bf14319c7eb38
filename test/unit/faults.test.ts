/**
 * The client against hostile and broken servers, written here from raw sockets (independent of
 * test/fake-api): bounded memory, no hang, honest errors, and never a create nobody asked for.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InteractionsClient } from '../../src/core/client/client';
import { ApiError } from '../../src/core/client/errors';
import { createDispatcher } from '../../src/core/client/proxy';
import type { TransportOptions } from '../../src/core/client/http';
import { Leases } from '../../src/core/lease';
import { RunStore, RunWatcher, type RunRecord } from '../../src/core/agents/runs';
import { collect } from './helpers';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
interface Fault {
  url: string;
  hits: Array<{ method: string; path: string; key?: string }>;
  handler: Handler;
  closedSockets: number;
  server: Server;
}

async function faultServer(handler: Handler): Promise<Fault> {
  const f = { hits: [], handler, closedSockets: 0 } as unknown as Fault;
  f.server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      f.hits.push({ method: req.method ?? '', path: req.url ?? '', key: req.headers['x-goog-api-key'] as string | undefined });
      f.handler(req, res, body);
    });
  });
  f.server.on('connection', (s) => s.on('close', () => f.closedSockets++));
  await new Promise<void>((r) => f.server.listen(0, '127.0.0.1', r));
  f.url = `http://127.0.0.1:${(f.server.address() as { port: number }).port}`;
  return f;
}

function client(f: { url: string }, extra: Partial<TransportOptions> = {}): InteractionsClient {
  return new InteractionsClient({ baseUrl: f.url, apiVersion: 'v1beta', getApiKey: () => 'test-key-faults', retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...extra });
}

const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const servers: Server[] = [];
after(() => servers.forEach((s) => s.closeAllConnections?.() ?? s.close()));
async function fault(handler: Handler): Promise<Fault> {
  const f = await faultServer(handler);
  servers.push(f.server);
  return f;
}

describe('bounded memory', () => {
  test('an oversized event ends the stream with a clear error and closes the socket; the heap stays bounded', async () => {
    let written = 0;
    let sentBytes = 0;
    const f = await fault((_req, res) => {
      const sock = res.socket!;
      sock.once('close', () => (sentBytes = sock.bytesWritten));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse({ event_type: 'interaction.created', event_id: 'e1', interaction: { id: 'v1_big', status: 'in_progress' } }));
      res.write('data: {"event_type":"step.delta","index":0,"delta":{"type":"text","text":"');
      const chunk = 'x'.repeat(1024 * 1024);
      const pump = () => {
        while (written < 96 && res.write(chunk)) written++;
        if (written < 96 && !res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    global.gc?.();
    const before = process.memoryUsage();
    let peak = before.heapUsed + before.arrayBuffers;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers);
    }, 5);
    const err = await collect(client(f, { maxEventBytes: 8 * 1024 * 1024 }).stream({ model: 'm', input: 'x' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    clearInterval(sampler);
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, 'EVENT_TOO_LARGE');
    assert.match(err.message, /larger than 8 MB/);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(sentBytes < 48 * 1024 * 1024, `the socket was closed long before the 96 MiB went through (${(sentBytes / 1024 / 1024).toFixed(1)} MiB sent)`);
    const growth = (peak - before.heapUsed - before.arrayBuffers) / 1024 / 1024;
    assert.ok(growth < 48, `peak growth ${growth.toFixed(1)} MiB`);
    console.log(
      `# oversized event: peak heap + buffers growth ${growth.toFixed(1)} MiB for a 96 MiB event (limit 8 MiB); the server got ${(sentBytes / 1024 / 1024).toFixed(1)} MiB out before the socket closed`,
    );
  });
});

describe('no hang', () => {
  test('a server that never sends headers: a create times out and is not sent again; a GET is retried', async () => {
    const f = await fault(() => {
      /* never answers */
    });
    const c = client(f, { headersTimeoutMs: 300 });
    const t0 = Date.now();
    const err = await c.create({ model: 'm', input: 'x' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError && err.kind === 'timeout' && err.code === 'HEADERS_TIMEOUT', String(err));
    assert.match(err.message, /did not answer within 1 s/);
    assert.ok(Date.now() - t0 < 3000);
    assert.equal(f.hits.filter((h) => h.method === 'POST').length, 1, 'no second create');
    const get = await c.get('v1_x').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(get instanceof ApiError && get.kind === 'timeout');
    assert.ok(f.hits.filter((h) => h.method === 'GET').length > 1, 'reads are retried');
  });

  test('a stalled JSON poll (headers, then silence) ends with an idle timeout', async () => {
    const f = await fault((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"v1_x","sta');
    });
    const err = await client(f, { idleTimeoutMs: 300 })
      .get('v1_x', { noRetry: true })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof ApiError && err.kind === 'timeout' && err.code === 'IDLE_TIMEOUT', String(err));
  });
});

describe('errors that say what happened', () => {
  test('a proxy answering 407 is proxy authentication, not “Stopped”', async () => {
    const proxy = createServer();
    proxy.on('connect', (_req, socket) => socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    servers.push(proxy);
    const target = 'https://generativelanguage.googleapis.com';
    const { dispatcher } = createDispatcher(target, { proxy: `http://127.0.0.1:${(proxy.address() as { port: number }).port}` });
    const err = await client({ url: target }, { dispatcher })
      .create({ model: 'm', input: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.kind, 'proxy');
    assert.equal(err.status, 407);
    assert.match(err.message, /proxy requires authentication.*http\.proxy/);
    assert.doesNotMatch(err.message, /Stopped/);
  });

  test('a quota-exhausted 429 is not retried and says so, with the reset time; a per-minute limit is retried', async () => {
    const f = await fault((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            code: 429,
            status: 'RESOURCE_EXHAUSTED',
            message: 'You exceeded your current quota, please check your plan and billing details.',
            details: [
              {
                '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
                violations: [{ quotaMetric: 'generate_requests', quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }],
              },
            ],
          },
        }),
      );
    });
    const err = await client(f)
      .create({ model: 'm', input: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof ApiError && err.kind === 'quota', String(err));
    assert.equal(err.retryable, false);
    assert.match(err.message, /quota is used up/);
    assert.match(err.message, /Daily quotas reset/);
    assert.match(err.message, /exceeded your current quota/);
    assert.equal(f.hits.length, 1, 'not retried');
    let n = 0;
    const g = await fault((_req, res) => {
      if (n++ === 0) {
        res.writeHead(429, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: {
              code: 429,
              status: 'RESOURCE_EXHAUSTED',
              message: 'Quota exceeded for quota metric requests per minute.',
              details: [
                { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel' }] },
                { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.05s' },
              ],
            },
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'v1_ok', status: 'completed', steps: [] }));
    });
    const ok = await client(g).create({ model: 'm', input: 'x' });
    assert.equal(ok.id, 'v1_ok');
    assert.equal(g.hits.length, 2, 'a per-minute limit with a retry delay is waited out');
  });

  test('a self-signed certificate is a TLS error, not retried, with what to check', async () => {
    const dir = join(process.cwd(), 'test/fixtures');
    const tls = createTlsServer({ cert: readFileSync(join(dir, 'self-signed.cert.pem')), key: readFileSync(join(dir, 'self-signed.key.pem')) }, (_q, res) => res.end('{}'));
    let handshakes = 0;
    tls.on('tlsClientError', () => handshakes++);
    tls.on('secureConnection', () => handshakes++);
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    servers.push(tls);
    const url = `https://127.0.0.1:${(tls.address() as { port: number }).port}`;
    const { dispatcher } = createDispatcher(url, {});
    const err = await client({ url }, { dispatcher })
      .create({ model: 'm', input: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof ApiError && err.kind === 'tls', String(err));
    assert.equal(err.retryable, false);
    assert.match(err.message, /certificate of https:\/\/127\.0\.0\.1:\d+ could not be verified \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(handshakes, 1, 'one attempt, no retries');
  });
});

describe('resume', () => {
  test('a resumed stream that replays several events delivers each once (de-duplicated by event_id)', async () => {
    const events = [
      { event_type: 'interaction.created', event_id: 'e1', interaction: { id: 'v1_r', status: 'in_progress' } },
      { event_type: 'step.start', event_id: 'e2', index: 0, step: { type: 'model_output' } },
      { event_type: 'step.delta', event_id: 'e3', index: 0, delta: { type: 'text', text: 'Hello' } },
      { event_type: 'step.delta', event_id: 'e4', index: 0, delta: { type: 'text', text: ', world' } },
      { event_type: 'step.stop', event_id: 'e5', index: 0 },
      { event_type: 'interaction.completed', event_id: 'e6', interaction: { id: 'v1_r', status: 'completed' } },
    ];
    const f = await fault((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (req.method === 'POST') {
        for (const e of events.slice(0, 4)) res.write(sse(e));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      // The resume asked for last_event_id=e4, but this server replays from e2.
      assert.match(req.url ?? '', /last_event_id=e4/);
      for (const e of events.slice(1)) res.write(sse(e));
      res.end();
    });
    const got = await collect(client(f).stream({ model: 'm', input: 'x' }));
    const text = got
      .filter((e) => e.event_type === 'step.delta')
      .map((e) => (e as { delta: { text: string } }).delta.text)
      .join('');
    assert.equal(text, 'Hello, world');
    assert.deepEqual(
      got.map((e) => (e as { event_id?: string }).event_id),
      ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'],
    );
    assert.equal(f.hits.filter((h) => h.method === 'POST').length, 1);
  });

  test('resumes back off: a server that drops at once is not hammered', async () => {
    const f = await fault((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse({ event_type: 'interaction.created', event_id: 'e1', interaction: { id: 'v1_d', status: 'in_progress' } }));
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const waits: number[] = [];
    const c = client(f, {
      random: () => 1,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await assert.rejects(collect(c.stream({ model: 'm', input: 'x' })), /Resuming failed 3 times in a row/);
    assert.deepEqual(waits, [250, 500, 1000], 'exponential waits before each resume');
  });

  test('a refused resume before the first step keeps the turn and never creates again', async () => {
    const f = await fault((req, res) => {
      if (req.method === 'POST') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sse({ event_type: 'interaction.created', event_id: 'e1', interaction: { id: 'v1_gone', status: 'in_progress' } }));
        setTimeout(() => res.socket?.destroy(), 10);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 404, status: 'NOT_FOUND', message: 'Interaction v1_gone not found.' } }));
    });
    const err = await collect(client(f).stream({ model: 'm', input: 'x', previous_interaction_id: 'v1_prev' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError && err.code === 'RESUME_REFUSED', String(err));
    assert.match(err.message, /refused to resume the stream.*What arrived is kept/);
    assert.equal(f.hits.filter((h) => h.method === 'POST').length, 1, 'exactly one create');
  });

  test('stopping a background stream never cancels the run on the server', async () => {
    const f = await fault((req, res) => {
      if (req.url?.endsWith('/cancel')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"v1_bg","status":"cancelled"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse({ event_type: 'interaction.created', event_id: 'e1', interaction: { id: 'v1_bg', status: 'in_progress' } }));
    });
    const ctrl = new AbortController();
    const it = client(f).stream({ agent: 'a', input: 'x', background: true }, { signal: ctrl.signal });
    const first = await it.next();
    assert.equal((first.value as { event_type: string }).event_type, 'interaction.created');
    ctrl.abort();
    await assert.rejects(it.next(), /Stopped/);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(f.hits.filter((h) => h.path.endsWith('/cancel')).length, 0);
  });
});

describe('keys across windows', () => {
  test('each request reads the key: a rotated key is used by the next request; a deleted key asks, a running stream finishes', async () => {
    let key: string | undefined = 'test-key-a';
    const f = await fault((req, res) => {
      if (req.method === 'POST' && req.url?.includes('interactions')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sse({ event_type: 'interaction.created', event_id: 'e1', interaction: { id: 'v1_k', status: 'in_progress' } }));
        setTimeout(() => {
          res.write(sse({ event_type: 'interaction.completed', event_id: 'e2', interaction: { id: 'v1_k', status: 'completed' } }));
          res.end();
        }, 100);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"v1_k","status":"completed","steps":[]}');
    });
    const c = new InteractionsClient({ baseUrl: f.url, apiVersion: 'v1beta', getApiKey: () => key });
    await c.get('v1_k');
    key = 'test-key-b';
    await c.get('v1_k');
    assert.deepEqual(
      f.hits.map((h) => h.key),
      ['test-key-a', 'test-key-b'],
    );
    const stream = collect(c.stream({ model: 'm', input: 'x' }));
    await new Promise((r) => setTimeout(r, 30));
    key = undefined; // cleared in another window, mid-stream
    const events = await stream;
    assert.equal(events.at(-1)!.event_type, 'interaction.completed', 'the running stream finished');
    await assert.rejects(c.get('v1_k'), (e: unknown) => e instanceof ApiError && e.kind === 'auth' && e.code === 'NO_KEY');
  });
});

describe('background polling', () => {
  /** Virtual time: the watcher's timers run in order of due time; the clock jumps between them. */
  function virtualTimers() {
    let now = 0;
    let seq = 0;
    const queue: Array<{ at: number; id: number; fn: () => void }> = [];
    return {
      now: () => now,
      timers: {
        setTimeout: (fn: () => void, ms: number) => {
          const id = ++seq;
          queue.push({ at: now + ms, id, fn });
          return id;
        },
        clearTimeout: (h: unknown) => {
          const k = queue.findIndex((t) => t.id === h);
          if (k >= 0) queue.splice(k, 1);
        },
      },
      /** Run timers until the clock passes `until` (each poll's request is awaited). */
      async runUntil(until: number) {
        for (;;) {
          queue.sort((a, b) => a.at - b.at);
          const next = queue[0];
          if (!next || next.at > until) return;
          queue.shift();
          now = next.at;
          const waiting = queue.length;
          next.fn();
          // Let the poll's request finish: each poll schedules the next one when it is done.
          for (let k = 0; k < 300 && queue.length <= waiting; k++) await new Promise((r) => setTimeout(r, 10));
        }
      },
    };
  }

  function run(store: RunStore, id: string): RunRecord {
    return store.add({ id, task: 't', agent: 'a', created: 1, updated: 1, status: 'in_progress', root: '/x', lastInteractionId: `v1_${id}` });
  }

  test('an outage: polls back off exponentially with jitter (one request per poll), then recover without a burst', async () => {
    let down = true;
    const polls: number[] = [];
    const clock = virtualTimers();
    const f = await fault((_req, res) => {
      polls.push(clock.now());
      if (down) {
        res.socket?.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"v1_r1","status":"in_progress","steps":[]}');
    });
    const dir = mkdtempSync(join(tmpdir(), 'outage-'));
    const store = new RunStore(join(dir, 'runs.json'));
    run(store, 'r1');
    const c = client(f);
    const watcher = new RunWatcher(
      store,
      () => c,
      clock.timers,
      undefined,
      () => 0.5,
    );
    watcher.setOpen('r1', true);
    await clock.runUntil(60_000);
    const during = polls.length;
    const spacing = polls.slice(1).map((t, k) => t - polls[k]!);
    console.log(`# outage of 60 s (run open, 2 s interval): ${during} requests, spacing ${spacing.map((s) => `${(s / 1000).toFixed(1)}s`).join(', ')}`);
    assert.ok(during <= 7, `${during} requests in 60 s`);
    for (let k = 1; k < spacing.length; k++) assert.ok(spacing[k]! >= spacing[k - 1]! || spacing[k]! >= 45_000, `the waits grow: ${spacing.join(', ')}`);
    assert.ok(Math.max(...spacing) <= RunWatcher.MAX_BACKOFF_MS);
    down = false;
    await clock.runUntil(200_000);
    const after = polls.slice(during);
    const recovered = after.slice(1).map((t, k) => t - after[k]!);
    assert.ok(
      recovered.every((s) => s === RunWatcher.FAST_MS),
      `after recovery the normal interval: ${recovered.join(', ')}`,
    );
    assert.equal(watcher.failureCount('r1'), 0);
    watcher.dispose();
  });

  test('two windows watching one run: one polls it, the other follows', async () => {
    const clock = virtualTimers();
    const f = await fault((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"v1_r2","status":"in_progress","steps":[]}');
    });
    const dir = mkdtempSync(join(tmpdir(), 'lease-'));
    const storeA = new RunStore(join(dir, 'runs.json'));
    run(storeA, 'r2');
    const storeB = new RunStore(join(dir, 'runs.json'));
    const c = client(f);
    const a = new RunWatcher(
      storeA,
      () => c,
      clock.timers,
      new Leases(join(dir, 'leases'), 'window-a', 90_000, clock.now),
      () => 0.5,
    );
    const b = new RunWatcher(
      storeB,
      () => c,
      clock.timers,
      new Leases(join(dir, 'leases'), 'window-b', 90_000, clock.now),
      () => 0.5,
    );
    a.resumeAll();
    b.resumeAll();
    await clock.runUntil(60_000);
    assert.ok(f.hits.length >= 5, `${f.hits.length} polls`);
    assert.ok(f.hits.length <= 7, `one window polls (every 10 s): ${f.hits.length} polls in 60 s`);
    assert.equal(a.owns('r2') !== b.owns('r2'), true, 'exactly one owner');
    a.dispose();
    b.dispose();
  });
});

describe('every error shape the API sends is read for what it is', () => {
  const quota = (msg: string, details: unknown[] = []) => ({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: msg, details } });

  test('quota envelopes: an object, inside an array, or named only in the message, are quotas (not retried)', async () => {
    const bodies: unknown[] = [
      quota('Quota exceeded', [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel' }] }]),
      [quota('Quota exceeded', [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel' }] }])],
      quota('You exceeded your current quota, please check your plan and billing details.'),
      [quota("Quota exceeded for quota metric 'Generate Content API requests per day' and limit 'requests per day'.")],
    ];
    for (const body of bodies) {
      const f = await fault((_q, res) => res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
      const err = await client(f)
        .create({ model: 'm', input: 'x' })
        .catch((e: unknown) => e);
      assert.ok(err instanceof ApiError);
      assert.equal(err.kind, 'quota', `${JSON.stringify(body).slice(0, 80)} → ${err.message}`);
      assert.equal(f.hits.length, 1, 'not retried');
    }
    // A per-minute limit with a wait stays a rate limit (retried).
    const per = await fault((_q, res) =>
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' }).end(JSON.stringify(quota('Resource has been exhausted (e.g. check quota).'))),
    );
    await client(per, { retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetries: 2 } })
      .create({ model: 'm', input: 'x' })
      .catch(() => undefined);
    assert.equal(per.hits.length, 3, 'retried');
  });

  test('Retry-After: a date in the past backs off as usual (never a burst); one two hours away is shown with its time', async () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    const times: number[] = [];
    const f = await fault((_q, res) => {
      times.push(Date.now());
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': past }).end('{"error":{"code":503,"message":"busy"}}');
    });
    await client(f, { retry: { baseDelayMs: 40, maxDelayMs: 80, maxRetries: 3 } })
      .create({ model: 'm', input: 'x' })
      .catch(() => undefined);
    assert.equal(times.length, 4);
    assert.ok(times.at(-1)! - times[0]! >= 60, `4 requests over ${times.at(-1)! - times[0]!} ms (backoff, not a burst)`);
    const later = new Date(Date.now() + 2 * 3600_000).toUTCString();
    const g = await fault((_q, res) => res.writeHead(429, { 'content-type': 'application/json', 'retry-after': later }).end('{"error":{"code":429,"message":"slow down"}}'));
    const err = (await client(g)
      .create({ model: 'm', input: 'x' })
      .catch((e: unknown) => e)) as ApiError;
    assert.match(err.message, /Try again in (1 h 59 min|2 h 0 min), at /);
    assert.equal(g.hits.length, 1, 'a wait past the cap is shown, not waited out');
  });

  test('authentication failures in-band and as a 403 for a suspended key are authentication errors (the key screen)', async () => {
    const inband = await fault((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        sse({ event_type: 'interaction.created', interaction: { id: 'v1_x', status: 'in_progress' } }) +
          sse({ event_type: 'error', error: { code: 'UNAUTHENTICATED', message: 'API key expired.' } }),
      );
    });
    const { TurnEngine } = await import('../../src/core/conversation/engine');
    const out = await new TurnEngine(client(inband), undefined).runTurn(
      [{ type: 'text', text: 'hi' }],
      { model: 'm', mode: 'stateful', tools: [], maxSteps: 3 },
      {},
      {},
      new AbortController().signal,
    );
    assert.equal(out.error?.kind, 'auth', out.error?.message);
    for (const body of [
      { error: { code: 403, status: 'PERMISSION_DENIED', message: 'Permission denied: Consumer api_key:xyz has been suspended.', details: [{ reason: 'CONSUMER_SUSPENDED' }] } },
      { error: { code: 403, status: 'PERMISSION_DENIED', message: 'API key expired. Please renew the API key.' } },
    ]) {
      const f = await fault((_q, res) => res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
      const err = (await client(f)
        .create({ model: 'm', input: 'x' })
        .catch((e: unknown) => e)) as ApiError;
      assert.equal(err.kind, 'auth', err.message);
      assert.match(err.message, /Set API Key/);
    }
    // A plain 403 (the API not enabled) stays a permission error.
    const plain = await fault((_q, res) =>
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"error":{"code":403,"message":"Generative Language API has not been used in project 1"}}'),
    );
    assert.equal(
      (
        (await client(plain)
          .create({ model: 'm', input: 'x' })
          .catch((e: unknown) => e)) as ApiError
      ).kind,
      'permission',
    );
  });

  test('SSE: an unknown event name with data that is no interaction event is passed over; lone CR line endings deliver each event at once', async () => {
    const { SseEventDecoder } = await import('../../src/core/client/sse');
    const d = new SseEventDecoder();
    const enc = (s: string) => new TextEncoder().encode(s);
    assert.deepEqual(d.push(enc('event: keepalive\ndata: {}\n\n')), []);
    assert.equal(d.failure, undefined, 'a keep-alive under another name is no error');
    const got = d.push(enc('event: message\ndata: {"event_type":"step.stop","index":0}\n\n'));
    assert.equal(got.length, 1);
    // Lone CR: the event is complete at its second CR, in the same chunk.
    const cr = new SseEventDecoder();
    assert.equal(cr.push(enc('data: {"event_type":"step.stop","index":0}\r\r')).length, 1, 'delivered without waiting for the next byte');
    // CRLF split across chunks is still one line ending.
    const split = new SseEventDecoder();
    assert.equal(split.push(enc('data: {"event_type":"step.stop","index":0}\r')).length, 0);
    assert.equal(split.push(enc('\n\r\n')).length, 1);
    assert.equal(split.push(enc('data: {"event_type":"step.stop","index":1}\r\n\r\n')).length, 1);
  });

  test('a compressed body is decoded (gzip, deflate, br) or, if unreadable, named', async () => {
    const zlib = await import('node:zlib');
    const json = JSON.stringify({ id: 'v1_gz', status: 'completed', steps: [] });
    for (const [enc, body] of [
      ['gzip', zlib.gzipSync(json)],
      ['deflate', zlib.deflateSync(json)],
      ['br', zlib.brotliCompressSync(json)],
    ] as const) {
      let accepted = '';
      const f = await fault((q, res) => {
        accepted = String(q.headers['accept-encoding']);
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': enc }).end(body);
      });
      const inter = await client(f).get('v1_gz');
      assert.equal(inter.id, 'v1_gz', enc);
      assert.equal(accepted, 'identity', 'we ask for it uncompressed');
    }
    const stream = await fault((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
      res.end(
        zlib.gzipSync(
          sse({ event_type: 'interaction.created', interaction: { id: 'v1_s', status: 'in_progress' } }) +
            sse({ event_type: 'interaction.completed', interaction: { id: 'v1_s', status: 'completed' } }),
        ),
      );
    });
    const events = await collect(client(stream).stream({ model: 'm', input: 'x' }));
    assert.equal(events.length, 2);
    const zstd = await fault((_q, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'zstd' }).end('xx'));
    const err = (await client(zstd)
      .get('v1_x')
      .catch((e: unknown) => e)) as ApiError;
    assert.match(err.message, /compressed as “zstd”/);
  });

  test('a padded key the server echoes back is redacted in the error', async () => {
    const padded = '  AIzaPaddedKey0123456789\n';
    const f = await fault((q, res) =>
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 400, message: `Bad key ${q.headers['x-goog-api-key']} and AIzaPaddedKey0123456789` } })),
    );
    const c = new InteractionsClient({ baseUrl: f.url, apiVersion: 'v1beta', getApiKey: () => padded });
    const err = (await c.create({ model: 'm', input: 'x' }).catch((e: unknown) => e)) as ApiError;
    assert.doesNotMatch(err.message, /AIzaPaddedKey/);
    assert.equal(f.hits[0]!.key, 'AIzaPaddedKey0123456789', 'sent trimmed');
  });
});
