// `npm run fake-api`: the fake Interactions API on its own (default port 8787).
// Control it over HTTP: POST /__fake/scenario {replies:[…]}, POST /__fake/push [reply…],
// GET /__fake/requests, POST /__fake/reset. Without a scenario it answers with demo replies.
import { FakeApi } from './server';
import { demoResponder } from './demo-responder';

const port = Number(process.env.PORT ?? process.argv[2] ?? 8787);
const fake = new FakeApi({ port, responder: demoResponder, keys: process.env.FAKE_API_KEYS?.split(',') });
void fake.start().then((url) => {
  console.log(`fake Interactions API listening on ${url} (any key starting with "test-", or "demo-key")`);
  console.log(`  point the extension at it: "gemini.apiBaseUrl": "${url}"`);
});
const stop = () => void fake.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
