// The user's own msw server, strict (`onUnhandledRequest: 'error'`), in the same file as the
// conformance tests: hookgate's deliveries must still reach the apps, and the app's fetch-back to
// hookgate's API must get through (msw: server). The control tests show msw would refuse both.
import { once } from 'node:events';
import nodeHttp from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { describeWebhookConformance } from 'hookgate/vitest';
import { createApp as correctApp } from '../../../examples/receivers/svix-correct.mjs';
import { createApp } from '../../../examples/vitest/receiver.mjs';

const server = setupServer(http.get('https://api.example.test/rates', () => HttpResponse.json({ eur: 1 })));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const running = correctApp({ secret }).listen(0, '127.0.0.1');
await once(running, 'listening');
const url = `http://127.0.0.1:${running.address().port}/webhook`;
afterAll(() => running.close());

describe('control: msw is active in this thread', () => {
  it('answers the mocked API', async () => {
    expect(await (await fetch('https://api.example.test/rates')).json()).toEqual({ eur: 1 });
  });
  // Made as hookgate's sender makes its deliveries (http.request on node:http's default export).
  it('refuses an unhandled node:http request to the local receiver', async () => {
    const outcome = await new Promise((done) => {
      const r = nodeHttp.request(url, { method: 'POST' }, (res) => done(`HTTP ${res.statusCode}`));
      r.on('error', (e) => done(`error: ${e.message}`));
      r.end('{}');
    });
    expect(outcome).toMatch(/^error/);
  });
});

const only = ['signature.valid', 'signature.wrong-secret', 'dedup.redelivery'];
describeWebhookConformance({ name: 'url under msw', provider: 'optipick', secret, url, only, runs: 5 });
describeWebhookConformance({ name: 'createApp with fetch-back under msw', provider: 'optipick', createApp, msw: server, only, runs: 5 });
