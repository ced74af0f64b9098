// A receiver that refuses Content-Type variants: a SHOULD finding. HOOKGATE_FIXTURE_SHOULD picks `should`.
import { describeWebhookConformance } from 'hookgate/vitest';
import { createApp } from '../../../examples/receivers/svix-strict-content-type.mjs';

describeWebhookConformance({
  provider: 'optipick',
  createApp: ({ secret }) => createApp({ secret }),
  only: ['signature.valid', 'status.content-type-variants'],
  runs: 5,
  ...(process.env.HOOKGATE_FIXTURE_SHOULD ? { should: process.env.HOOKGATE_FIXTURE_SHOULD } : {}),
});
