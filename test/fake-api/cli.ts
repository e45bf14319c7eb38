// `npm run fake-api`: the fake Interactions API on its own (default port 8787).
// Control it over HTTP: POST /__fake/scenario {replies:[…]}, POST /__fake/push [reply…],
// GET /__fake/requests, POST /__fake/reset. Without a scenario it answers with demo replies.
import { FakeApi } from './server';
import { demoResponder } from './demo-responder';

// The port argument first; FAKE_API_PORT otherwise. Never PORT: that one is the demo's workbench port.
const port = Number(process.argv[2] ?? process.env.FAKE_API_PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`fake Interactions API: not a port: ${process.argv[2] ?? process.env.FAKE_API_PORT}`);
  process.exit(2);
}
const fake = new FakeApi({ port, responder: demoResponder, keys: process.env.FAKE_API_KEYS?.split(',') });
fake.start().then(
  (url) => {
    console.log(`fake Interactions API listening on ${url} (any key starting with "test-", or "demo-key")`);
    console.log(`  point the extension at it: "gemini.apiBaseUrl": "${url}"`);
  },
  (err: Error) => {
    console.error(`fake Interactions API: cannot listen on port ${port}: ${err.message}`);
    process.exit(1);
  },
);
const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
