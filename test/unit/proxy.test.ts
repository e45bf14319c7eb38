/** Proxy selection (http.proxy, HTTPS_PROXY/HTTP_PROXY/NO_PROXY) and a real request through a local proxy. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createDispatcher, describeProxy, isNoProxy, resolveProxy } from '../../src/core/client/proxy';
import { TurnAccumulator } from '../../src/core/conversation/accumulator';
import type { FakeApi } from '../fake-api/server';
import { textReply } from '../fake-api/library';
import { clientFor, startFake } from './helpers';

let fake: FakeApi;
let proxy: Server;
let proxyUrl = '';
const tunnels: string[] = [];
const forwarded: string[] = [];

before(async () => {
  fake = await startFake();
  proxy = createServer((req, res) => {
    // Plain forward proxy (absolute-form request line).
    forwarded.push(req.url ?? '');
    const target = new URL(req.url ?? '');
    const up = httpRequest({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  proxy.on('connect', (req, socket, head) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const up = connect(Number(port), host!, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
after(async () => {
  await fake.close();
  proxy.closeAllConnections();
  await new Promise<void>((r) => proxy.close(() => r()));
});

test('http.proxy wins; HTTPS_PROXY for https, HTTP_PROXY for http; NO_PROXY excludes', () => {
  const env = { HTTPS_PROXY: 'http://secure:1', HTTP_PROXY: 'http://plain:2', NO_PROXY: 'localhost,.internal.example,10.0.0.1:8080' };
  assert.equal(resolveProxy('https://generativelanguage.googleapis.com', { env }), 'http://secure:1');
  assert.equal(resolveProxy('http://api.example.com', { env }), 'http://plain:2');
  assert.equal(resolveProxy('https://generativelanguage.googleapis.com', { env, proxy: 'http://vscode:3' }), 'http://vscode:3');
  assert.equal(resolveProxy('http://localhost:9999', { env, proxy: 'http://vscode:3' }), undefined);
  assert.equal(resolveProxy('https://a.internal.example', { env }), undefined);
  assert.equal(resolveProxy('http://10.0.0.1:8080/x', { env }), undefined);
  assert.equal(resolveProxy('http://10.0.0.1:9090/x', { env }), 'http://plain:2');
  assert.equal(resolveProxy('https://x.com', { env: { https_proxy: 'http://lower:4' } }), 'http://lower:4');
  assert.equal(resolveProxy('https://x.com', { env: {} }), undefined);
  assert.ok(isNoProxy(new URL('https://anything'), '*'));
  assert.equal(describeProxy('http://user:secret@proxy.corp:8080'), 'http://proxy.corp:8080');
});

test('a streamed interaction through a local proxy (http.proxy)', async () => {
  fake.setScenario({ replies: [textReply('through the proxy')] });
  const { dispatcher, proxy: used } = createDispatcher(fake.url, { proxy: proxyUrl, env: {} });
  assert.equal(used, proxyUrl);
  const { client } = clientFor(fake, { dispatcher });
  const acc = new TurnAccumulator();
  for await (const ev of client.stream({ model: 'm', input: 'x' })) acc.apply(ev);
  assert.equal(acc.status, 'completed');
  assert.ok(tunnels.length + forwarded.length >= 1, 'the proxy carried the request');
  await dispatcher.close();
});

test('HTTP_PROXY from the environment is used, NO_PROXY bypasses it', async () => {
  const before = tunnels.length + forwarded.length;
  fake.setScenario({ replies: [textReply('env proxy'), textReply('direct')] });
  const viaEnv = createDispatcher(fake.url, { env: { HTTP_PROXY: proxyUrl } });
  assert.equal(viaEnv.proxy, proxyUrl);
  await clientFor(fake, { dispatcher: viaEnv.dispatcher })
    .client.get('missing')
    .catch(() => undefined);
  assert.ok(tunnels.length + forwarded.length > before);
  const direct = createDispatcher(fake.url, { env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } });
  assert.equal(direct.proxy, undefined);
  await Promise.all([viaEnv.dispatcher.close(), direct.dispatcher.close()]);
});

test("undici's body timeout is off by default (long streams survive); the option is plumbed", async () => {
  // A 1.5 s stall: a dispatcher with a 500 ms body timeout fails, ours (0 = off) succeeds.
  const reply = { ...textReply('slow but fine'), faults: { stall: { afterEvents: 2, ms: 1500 } } };
  fake.setScenario({ replies: [reply] });
  const ours = createDispatcher(fake.url, { env: {} });
  const acc = new TurnAccumulator();
  for await (const ev of clientFor(fake, { dispatcher: ours.dispatcher, idleTimeoutMs: 60_000 }).client.stream({ model: 'm', input: 'x' })) acc.apply(ev);
  assert.equal(acc.status, 'completed');
  fake.reset();
  fake.setScenario({ replies: [reply] });
  const strict = createDispatcher(fake.url, { env: {}, bodyTimeoutMs: 500 });
  const resumes: unknown[] = [];
  const acc2 = new TurnAccumulator();
  for await (const ev of clientFor(fake, { dispatcher: strict.dispatcher, idleTimeoutMs: 60_000 }).client.stream({ model: 'm', input: 'x' }, { onResume: (i) => resumes.push(i) }))
    acc2.apply(ev);
  assert.ok(resumes.length >= 1, 'a body timeout cut the stream (and the client resumed it)');
  await Promise.all([ours.dispatcher.close(), strict.dispatcher.close()]);
});
