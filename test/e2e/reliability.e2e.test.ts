/**
 * What the user sees when the network or the server misbehaves, in the real workbench: a proxy
 * asking for authentication, a used-up quota, a stream the server refuses to resume. The message
 * says what happened and what to do; the draft survives; nothing is created that was not asked for.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { Frame } from 'playwright-core';
import { sendChat, useWorkbench, waitForTurnState, type Workbench, type WorkbenchPage } from './harness';
import { textReply } from '../fake-api/library';

let wb: Workbench;
let p: WorkbenchPage;
let chat: Frame;
let proxy: Server;
let proxyPort = 0;
const tunnels: string[] = [];
/** The proxy first asks for authentication (407), then tunnels like a normal corporate proxy. */
let proxyMode: '407' | 'tunnel' = '407';

before(async () => {
  proxy = createServer();
  proxy.on('connect', (req, socket, head) => {
    tunnels.push(req.url ?? '');
    if (proxyMode === '407') {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
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
  proxyPort = (proxy.address() as { port: number }).port;
});
after(async () => {
  proxy.closeAllConnections();
  await new Promise<void>((r) => proxy.close(() => r()));
});
// Every request of this file goes through the proxy (http.proxy is read when the client is built).
// (A getter: the proxy's port is known once the hook above has run.)
useWorkbench(
  {
    get settings() {
      return { 'http.proxy': `http://127.0.0.1:${proxyPort}` };
    },
  },
  { chat: true },
  (t) => ({ wb, p, chat } = t),
);
beforeEach(async () => {
  wb.fake.reset();
  await chat.locator('#new-chat').click();
  await chat.waitForFunction(() => document.querySelectorAll('.turn').length === 0);
});

test('a proxy that wants authentication (407): the chat says so and what to set; the text is kept', async () => {
  await sendChat(chat, 'through the proxy');
  const footer = await waitForTurnState(chat, (t) => /proxy/.test(t), 20_000);
  assert.match(footer, /The proxy requires authentication \(407 Proxy Authentication Required\)\. Put the credentials in “http\.proxy”/);
  assert.doesNotMatch(footer, /Stopped/);
  assert.ok(tunnels.length >= 1, 'the request went to the proxy');
  assert.equal(wb.fake.creates().length, 0, 'nothing reached the API');
  assert.equal(await chat.locator('.retry-btn').count(), 1, 'Retry is offered');
  // The proxy is fixed: Retry goes through.
  proxyMode = 'tunnel';
  await chat.locator('.retry-btn').click();
  await waitForTurnState(chat, (t) => /Tokens/.test(t), 20_000);
  assert.equal(wb.fake.creates().length, 1);
});

test('a used-up quota (429 RESOURCE_EXHAUSTED): not retried, the server’s message and when it resets', async () => {
  wb.fake.setScenario({
    replies: [
      {
        http: {
          status: 429,
          body: {
            error: {
              code: 429,
              status: 'RESOURCE_EXHAUSTED',
              message: 'You exceeded your current quota, please check your plan and billing details.',
              details: [
                {
                  '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
                  violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_requests', quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }],
                },
              ],
            },
          },
        },
      },
    ],
  });
  await sendChat(chat, 'one more question');
  const footer = await waitForTurnState(chat, (t) => /quota/.test(t), 20_000);
  assert.match(footer, /Your Gemini API quota is used up \(429 RESOURCE_EXHAUSTED\)\. Daily quotas reset at midnight Pacific time\./);
  assert.match(footer, /exceeded your current quota, please check your plan and billing details/);
  assert.equal(wb.fake.creates().length, 1, 'not retried');
  assert.equal(await chat.locator('.notice').count(), 0, 'no “retrying” notices');
});

test('a stream the server refuses to resume: what arrived is kept, Retry is offered, and nothing is created again', async () => {
  wb.fake.setScenario({ replies: [textReply('First answer.')] });
  await sendChat(chat, 'first');
  await waitForTurnState(chat, (t) => /Tokens/.test(t));
  wb.fake.setScenario({
    replies: [{ ...textReply('A long answer that will be cut after its first words.'), textChunk: 6, faults: { dropAfterEvents: 4 }, resumeFaults: { refuse: 404 } }],
  });
  const before = wb.fake.creates().length;
  await sendChat(chat, 'second');
  const footer = await waitForTurnState(chat, (t) => /refused to resume/.test(t), 30_000);
  assert.match(footer, /The connection dropped and the API refused to resume the stream.*What arrived is kept; Retry sends the message again\./s);
  const kept = await chat.locator('.turn').last().locator('.model-output').innerText();
  assert.ok(kept.length > 0 && 'A long answer that will be cut after its first words.'.startsWith(kept.trim()), `partial answer kept: ${JSON.stringify(kept)}`);
  await p.page.waitForTimeout(1000);
  assert.equal(wb.fake.creates().length, before + 1, 'one create for the turn: no silent resend');
  assert.ok(
    wb.fake.requests.some((r) => r.method === 'GET' && r.query.stream === 'true'),
    'a resume was tried',
  );
  assert.equal(await chat.locator('.turn').last().locator('.retry-btn').count(), 1);
});
