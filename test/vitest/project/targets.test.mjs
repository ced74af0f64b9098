// Every kind of target, each through the same three checks: a URL, an Express app (a Node
// listener), an http.Server around it, a fetch-style handler, and factories of both.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { afterAll } from 'vitest';
import { describeWebhookConformance } from 'hookgate/vitest';
import { createApp } from '../../../examples/receivers/svix-correct.mjs';
import { createReceiver } from '../../../examples/msw/receiver.mjs';
import { Webhook } from 'svix';

/** A fetch-style receiver without fetch-back: verifies the raw text of the request, answers 204. */
const fetchReceiver = (secret) => async (request) => {
  try {
    new Webhook(secret).verify(await request.text(), Object.fromEntries(request.headers));
  } catch {
    return Response.json({ error: 'invalid signature' }, { status: 401 });
  }
  return new Response(null, { status: 204 });
};

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const common = { provider: 'optipick', only: ['signature.valid', 'signature.raw-body', 'signature.wrong-secret'], runs: 5 };

const running = createApp({ secret }).listen(0, '127.0.0.1');
await once(running, 'listening');
afterAll(() => running.close());

describeWebhookConformance({ ...common, name: 'url', secret, url: `http://127.0.0.1:${running.address().port}/webhook` });
describeWebhookConformance({ ...common, name: 'express app', secret, app: createApp({ secret }) });
describeWebhookConformance({ ...common, name: 'http.Server', secret, app: createServer(createApp({ secret })) });
describeWebhookConformance({ ...common, name: 'createApp', createApp: ({ secret }) => createApp({ secret }) });
describeWebhookConformance({ ...common, name: 'fetch handler', secret, path: '/api/webhooks', handler: fetchReceiver(secret) });
describeWebhookConformance({ ...common, name: 'createHandler', createHandler: async ({ secret, apiUrl, apiKey }) => createReceiver({ secret, apiUrl, apiKey }) });
