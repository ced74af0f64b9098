// Scripted receiver behaviour through nock. Kept apart from the real-socket tests because nock patches
// node:http for the whole worker; vitest gives each file its own.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeOutcome, isSuccess, send, type Attempt } from '../../mock-provider/sender.js';

// Promise.withResolvers for nock on Node 20: see test/setup/node20.ts.

const ORIGIN = 'http://receiver.test';
const req = (body = '{"type":"ping"}') => ({
  url: `${ORIGIN}/hook`,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(body),
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.abortPendingRequests();
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

function errorKind(a: Attempt): string | undefined {
  return a.outcome.kind === 'error' ? a.outcome.error : undefined;
}
function status(a: Attempt): number | undefined {
  return a.outcome.kind === 'response' ? a.outcome.status : undefined;
}

describe('responses', () => {
  it('reports each status of a sequence and counts only 2xx as success', async () => {
    nock(ORIGIN).post('/hook').reply(500).post('/hook').reply(429).post('/hook').reply(200, 'ok');
    const attempts = [await send(req(), { timeoutMs: 1000 }), await send(req(), { timeoutMs: 1000 }), await send(req(), { timeoutMs: 1000 })];
    expect(attempts.map(status)).toEqual([500, 429, 200]);
    expect(attempts.map(isSuccess)).toEqual([false, false, true]);
    expect(describeOutcome(attempts[0])).toMatch(/^HTTP 500 in \d+ ms$/);
  });

  it('does not follow a redirect: a 3xx is just a failed attempt', async () => {
    const scope = nock(ORIGIN).post('/hook').reply(301, '', { Location: `${ORIGIN}/elsewhere` });
    const elsewhere = nock(ORIGIN).post('/elsewhere').reply(200);
    const a = await send(req(), { timeoutMs: 1000 });
    expect(status(a)).toBe(301);
    expect(a.outcome.kind === 'response' && a.outcome.headers.location).toBe(`${ORIGIN}/elsewhere`);
    expect(isSuccess(a)).toBe(false);
    expect(scope.isDone()).toBe(true);
    expect(elsewhere.isDone()).toBe(false);
  });

  it('sends the body with a matching content-length and no chunking', async () => {
    const body = '{"a":"\u00e9"}';
    nock(ORIGIN, { badheaders: ['transfer-encoding'] })
      .matchHeader('content-length', String(Buffer.byteLength(body)))
      .post('/hook', body)
      .reply(204);
    expect(status(await send(req(body), { timeoutMs: 1000 }))).toBe(204);
  });

  it('truncates a large body at maxResponseBytes', async () => {
    nock(ORIGIN).post('/hook').reply(200, 'x'.repeat(5000));
    const a = await send(req(), { timeoutMs: 1000, maxResponseBytes: 1000 });
    expect(a.outcome).toMatchObject({ kind: 'response', truncated: true });
    expect(a.outcome.kind === 'response' && a.outcome.body.length).toBe(1000);
  });
});

describe('failures', () => {
  it('times out a delayed answer at timeoutMs', async () => {
    nock(ORIGIN).post('/hook').delay(2000).reply(200);
    const a = await send(req(), { timeoutMs: 150 });
    expect(errorKind(a)).toBe('timeout');
    expect(describeOutcome(a)).toBe('no response within 150 ms');
    expect(a.latencyMs).toBeLessThan(1000);
  });

  // Error instances, not plain { code, message } objects: under nock 15 a plain object passed to
  // replyWithError is never emitted on the request, which would look like a hang.
  const fail = (code: string, message: string) => Object.assign(new Error(message), { code });
  it.each([
    ['ECONNRESET', 'socket hang up', 'reset'],
    ['EPIPE', 'write EPIPE', 'reset'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443', 'refused'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND receiver.test', 'dns'],
    ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN receiver.test', 'dns'],
    ['EPROTO', 'tls handshake failed', 'other'],
  ])('maps %s (%s) to %s without rejecting', async (code, message, kind) => {
    nock(ORIGIN).post('/hook').replyWithError(fail(code, message));
    const a = await send(req(), { timeoutMs: 1000 });
    expect(errorKind(a)).toBe(kind);
    expect(a.outcome.kind === 'error' && a.outcome.message).toBe(message);
  });

  it('maps a bare "socket hang up" without a code to reset', async () => {
    nock(ORIGIN).post('/hook').replyWithError('socket hang up');
    expect(errorKind(await send(req(), { timeoutMs: 1000 }))).toBe('reset');
  });
});
