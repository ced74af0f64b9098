import { describeWebhookConformance } from 'hookgate/vitest';
import { createApp } from './receiver.mjs';

// One vitest test per hookgate check. hookgate serves the app on 127.0.0.1 itself, signs with a
// secret it generates, and serves OptiPick's REST API for the app's fetch-back (apiUrl, apiKey).
describeWebhookConformance({
  provider: 'optipick',
  createApp: ({ secret, apiUrl, apiKey }) => createApp({ secret, apiUrl, apiKey }),
  runs: 20,
});
