// Counts the deliveries the app gets and writes the count to HOOKGATE_FIXTURE_OUT, so the suite
// can tell a run narrowed to the tests vitest selected (-t) from a full one.
import { writeFileSync } from 'node:fs';
import { afterAll } from 'vitest';
import { describeWebhookConformance } from 'hookgate/vitest';
import { createApp } from '../../../examples/receivers/svix-correct.mjs';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const app = createApp({ secret });
let requests = 0;
describeWebhookConformance({
  provider: 'optipick',
  secret,
  app: (req, res) => {
    requests++;
    app(req, res);
  },
  runs: 5,
});
afterAll(() => writeFileSync(process.env.HOOKGATE_FIXTURE_OUT, JSON.stringify({ requests })));
