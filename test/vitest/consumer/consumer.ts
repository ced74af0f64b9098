// Type-checked by test/vitest/types.test.ts in a strict NodeNext project with hookgate and vitest installed.
import { createServer } from 'node:http';
import { describeWebhookConformance, type AppContext, type ConformanceOptions, type FetchHandler } from 'hookgate/vitest';

const handler: FetchHandler = async (request) => new Response(await request.text(), { status: 200 });
describeWebhookConformance({ provider: 'optipick', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', handler, path: '/api/webhooks', should: 'fail' });
describeWebhookConformance({ provider: 'dimmy', createApp: ({ secret, apiUrl, apiKey }: AppContext) => createServer((_req, res) => res.end(`${secret}${apiUrl}${apiKey}`)), runs: 10, only: ['signature.'] });
const options: ConformanceOptions = { provider: 'omnisales', url: 'http://127.0.0.1:3000/webhooks', secret: 'x', effectsUrl: 'http://127.0.0.1:3000/_effects' };
describeWebhookConformance(options);
// @ts-expect-error should is 'warn' or 'fail'
describeWebhookConformance({ provider: 'optipick', url: 'http://127.0.0.1:3000/webhook', secret: 'x', should: 'error' });
