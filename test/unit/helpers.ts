import { after, before, beforeEach } from 'node:test';
import { InteractionsClient } from '../../src/core/client/client';
import type { RequestLogEntry, TransportOptions } from '../../src/core/client/http';
import { FakeApi, type FakeApiOptions } from '../fake-api/server';

export const KEY = 'test-key-0123456789';

export async function startFake(options: FakeApiOptions = {}): Promise<FakeApi> {
  const fake = new FakeApi({ quiet: true, ...options });
  await fake.start();
  return fake;
}

/** One fake server for a test file: started before its tests, reset before each, closed after. */
export function useFake(set: (fake: FakeApi) => void, options: FakeApiOptions = {}): void {
  let fake: FakeApi | undefined;
  before(async () => {
    fake = await startFake(options);
    set(fake);
  });
  beforeEach(() => fake?.reset());
  after(async () => {
    await fake?.close();
  });
}

export function clientFor(fake: FakeApi, extra: Partial<TransportOptions> = {}): { client: InteractionsClient; log: RequestLogEntry[] } {
  const log: RequestLogEntry[] = [];
  const client = new InteractionsClient({
    baseUrl: fake.url,
    apiVersion: 'v1beta',
    getApiKey: () => KEY,
    log: (e) => log.push(e),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...extra,
  });
  return { client, log };
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
