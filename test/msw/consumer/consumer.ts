// Type-checked by test/msw/types.test.ts as a user project would: `hookgate/msw` resolved through package.json exports.
import { setupServer } from 'msw/node';
import { providerApiHandlers, signedRequest, type SignedWebhook } from 'hookgate/msw';
const api = providerApiHandlers({ provider: 'dimmy', baseUrl: 'https://d.test' });
const server = setupServer(...api.handlers);
const s: SignedWebhook = signedRequest({ provider: 'dimmy', type: 'items.scanned', secret: 'whsec_x', variant: 'stale-timestamp' });
const r: Request = s.request;
const n: number = api.fetchCount(s.entityId);
// @ts-expect-error not a variant
signedRequest({ provider: 'dimmy', type: 'items.scanned', secret: 'x', variant: 'stale' });
void server; void r; void n;
