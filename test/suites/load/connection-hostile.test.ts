// The load client's connection against the hostile receivers of test/hostile/kinds.ts (issue 13 item 5).
import { afterEach, describe, expect, it } from 'vitest';
import { LoadConnection } from '../../../suites/load/connection.js';
import type { RequestOutcome } from '../../../suites/load/types.js';
import { KINDS, type Hostile, type KindName } from '../../hostile/kinds.js';

const open: Hostile[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

const REQUEST = Buffer.from('POST /webhook HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');

async function once(kind: KindName): Promise<RequestOutcome> {
  const h = await KINDS[kind]();
  open.push(h);
  const c = new LoadConnection({ host: '127.0.0.1', port: Number(new URL(h.url).port) });
  const sweep = setInterval(() => c.expire(performance.now()), 20);
  try {
    return await new Promise<RequestOutcome>((resolve) => c.send(REQUEST, 1000, (o) => resolve(o)));
  } finally {
    clearInterval(sweep);
    c.close();
  }
}

describe('LoadConnection against hostile receivers', () => {
  it('a 200 whose body ends before its Content-Length counts as a 200 (cut short), not a parse error', async () => {
    expect(await once('short-body')).toEqual({ kind: 'response', status: 200, cutShort: true });
  });

  it.each(['huge', 'endless'] as const)('%s body: a 200 once the status is in, not read past 64 KiB', async (kind) => {
    expect(await once(kind)).toEqual({ kind: 'response', status: 200 });
  });

  it('5,000 response headers: a parse error saying the headers are too large', async () => {
    expect(await once('headers')).toEqual({ kind: 'error', error: 'parse', message: 'response headers too large (over 16 KiB)' });
  });

  it('garbage: not a valid HTTP response', async () => {
    expect(await once('garbage')).toMatchObject({ kind: 'error', error: 'parse', message: expect.stringMatching(/^not a valid HTTP response/) });
  });

  it('half-close: closed without an answer; RST: reset; silent: timeout', async () => {
    expect(await once('half-close')).toMatchObject({ kind: 'error', error: 'closed', message: 'the receiver closed the connection without an answer' });
    expect(await once('reset')).toMatchObject({ kind: 'error', error: 'reset' });
    expect(await once('silent')).toEqual({ kind: 'timeout' });
  });
});
