import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { providerApiHandlers, signedRequest } from 'hookgate/msw';
import { createReceiver } from './receiver.mjs';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const apiUrl = 'https://api.optipick.test';

// OptiPick's REST API in-process: the answers `hookgate check` serves, counted per request id.
const optipick = providerApiHandlers({ provider: 'optipick', baseUrl: apiUrl });
const server = setupServer(...optipick.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const receiver = createReceiver({ secret, apiUrl, apiKey: 'test-key' });
const delivery = (options) => signedRequest({ provider: 'optipick', type: 'cluster.optimized', secret, ...options });

describe('OptiPick webhook receiver', () => {
  it('accepts a signed delivery and fetches its result once', async () => {
    const d = delivery();
    const res = await receiver(d.request);
    expect(res.status).toBe(200);
    expect(optipick.fetchCount(d.entityId)).toBe(1);
  });

  it('processes a redelivery (same id, re-signed later) once', async () => {
    const first = delivery();
    expect((await receiver(first.request)).status).toBe(200);
    const retry = delivery({ id: first.id, data: first.data, timestamp: first.timestamp + 5 });
    expect((await receiver(retry.request)).status).toBe(200);
    expect(optipick.fetchCount(first.entityId)).toBe(1);
  });

  it.each([
    'wrong-secret',
    'stale-timestamp',
    'future-timestamp',
    'tampered-body',
    'missing-signature',
    'missing-timestamp',
    'missing-id',
    'malformed-signature',
  ])('refuses a delivery with %s (4xx) and fetches nothing', async (variant) => {
    const d = delivery({ variant });
    const res = await receiver(d.request);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(optipick.fetchCount(d.entityId)).toBe(0);
  });
});
