import { describe, expect, it } from 'vitest';
import { HookgateError } from '../../fixtures/hookgate-error.js';
import { describeWebhookConformance } from '../../vitest/index.js';

/*
 * Bad options are one HookgateError, thrown when the file is collected (before any server starts),
 * with a hint that says what to pass instead; a secret given is never echoed.
 */

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const app = (_req: unknown, res: { end(): void }) => res.end();

function errorOf(options: Record<string, unknown>): HookgateError {
  try {
    describeWebhookConformance(options as never);
  } catch (e) {
    expect(e).toBeInstanceOf(HookgateError);
    return e as HookgateError;
  }
  throw new Error('no error');
}

describe('describeWebhookConformance: bad input', () => {
  it.each([
    [{ provider: 'optipick', secret }, /^no target given$/, /exactly one of url/],
    [{ provider: 'optipick', secret, url: 'http://127.0.0.1:1/webhook', app }, /^give one target, not url and app$/, /exactly one of url/],
    [{ provider: 'optipick', app }, /^no secret given/, /createApp/],
    [{ provider: 'optipick', secret: 'not-a-secret', app }, /secret/i, /./],
    [{ provider: 'optipik', secret, app }, /optipik/, /optipick/],
    [{ provider: 'optipick', secret, app, only: ['signature.raw-bdy'] }, /signature\.raw-bdy/, /did you mean "signature\.raw-body"/],
    [{ provider: 'optipick', secret, app: 42 }, /app is neither a request listener nor an http\.Server/, /handler/],
    [{ provider: 'optipick', secret, handler: {} }, /handler is not a function/, /Request/],
    [{ provider: 'optipick', createApp: 'x' }, /createApp is not a function/, /secret, apiUrl, apiKey/],
    [{ provider: 'optipick', secret, url: 'http://127.0.0.1:1/webhook', path: '/x' }, /path is for an in-process app/, /put the path in url/],
    [{ provider: 'optipick', secret, app, path: 'webhook' }, /does not start with "\/"/, /path: '\/api\/webhooks'/],
    [{ provider: 'optipick', secret, app, should: 'error' }, /neither 'warn' nor 'fail'/, /should: 'fail'/],
    [{ provider: 'optipick', secret, app, timeout: -1 }, /not a positive number/, /timeout: 120_000/],
  ])('%o', (options, message, hint) => {
    const e = errorOf(options);
    expect(e.message).toMatch(message);
    expect(e.hint).toMatch(hint);
    expect(e.message + e.hint).not.toContain(secret);
  });
});
