// Real sockets on loopback, against the hostile receivers of test/hostile/kinds.ts (issue 13 item 5):
// what the one sender (send, check, serve) records for each, in-process.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeOutcome, isSuccess, send, type Attempt } from '../../mock-provider/sender.js';
import { KINDS, SHORT_BODY, SHORT_DECLARED, type Hostile } from '../hostile/kinds.js';

const open: Array<Hostile | net.Server> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => ('url' in h ? h.close() : new Promise<void>((r) => h.close(() => r())))));
});

async function against(h: Hostile): Promise<Attempt> {
  open.push(h);
  return send({ url: h.url, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"a":1}') }, { timeoutMs: 1000 });
}

/** A raw receiver that answers each connection with `bytes`, then FIN. */
async function answersWith(bytes: string): Promise<string> {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => s.end(bytes));
  });
  open.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

describe('a 200 whose body ends early (the connection closed cleanly) is an answer with a note', () => {
  it('Content-Length: the status counts, the note says how much came', async () => {
    const a = await against(await KINDS['short-body']());
    expect(a.outcome).toMatchObject({ kind: 'response', status: 200, truncated: false, cutShort: true, bodyBytes: SHORT_BODY.length });
    if (a.outcome.kind !== 'response') throw new Error('unreachable');
    expect(a.outcome.body.toString()).toBe(SHORT_BODY);
    expect(a.outcome.note).toBe(`body cut short: the receiver closed the connection after ${SHORT_BODY.length} of the ${SHORT_DECLARED} bytes its Content-Length announced`);
    expect(isSuccess(a)).toBe(true);
    expect(describeOutcome(a)).toMatch(/^HTTP 200 in \d+ ms \(body cut short: .*\)$/);
    expect(describeOutcome(a)).not.toMatch(/reset/);
  });

  it('chunked: the last chunk never came', async () => {
    const url = await answersWith('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n');
    const a = await send({ url, headers: {}, body: Buffer.from('{}') }, { timeoutMs: 1000 });
    expect(a.outcome).toMatchObject({ kind: 'response', status: 200, cutShort: true, note: 'body cut short: the receiver closed the connection before the chunked body ended' });
  });

  it('a 500 cut short is still a 500 (a failed attempt), not a reset', async () => {
    const url = await answersWith('HTTP/1.1 500 Internal Server Error\r\ncontent-length: 50\r\n\r\noops');
    const a = await send({ url, headers: {}, body: Buffer.from('{}') }, { timeoutMs: 1000 });
    expect(a.outcome).toMatchObject({ kind: 'response', status: 500, cutShort: true });
    expect(isSuccess(a)).toBe(false);
  });

  it('a whole answer carries neither flag nor note (the shape callers knew)', async () => {
    const url = await answersWith('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    const a = await send({ url, headers: {}, body: Buffer.from('{}') }, { timeoutMs: 1000 });
    expect(a.outcome).toMatchObject({ kind: 'response', status: 200, truncated: false });
    expect(a.outcome).not.toHaveProperty('cutShort');
    expect(a.outcome).not.toHaveProperty('note');
  });
});

describe('the other hostile kinds, as the sender records them', () => {
  it('5,000 response headers: a transport error saying the headers are too large', async () => {
    const a = await against(await KINDS.headers());
    expect(a.outcome).toMatchObject({ kind: 'error', error: 'other' });
    expect(describeOutcome(a)).toMatch(/^transport error: response headers too large \(over 16 KiB\): Parse Error: Header overflow$/);
  });

  it('garbage: not a valid HTTP response', async () => {
    const a = await against(await KINDS.garbage());
    expect(a.outcome).toMatchObject({ kind: 'error', error: 'other' });
    expect(describeOutcome(a)).toMatch(/^transport error: not a valid HTTP response \(Parse Error: .+\)$/);
  });

  it('half-close before any answer: closed without an answer (kind reset, as before)', async () => {
    const a = await against(await KINDS['half-close']());
    expect(a.outcome).toMatchObject({ kind: 'error', error: 'reset', message: 'socket hang up' });
    expect(describeOutcome(a)).toMatch(/^connection closed without an answer after \d+ ms$/);
  });

  it('RST instead of an answer: reset', async () => {
    const a = await against(await KINDS.reset());
    expect(a.outcome).toMatchObject({ kind: 'error', error: 'reset' });
    expect(describeOutcome(a)).toMatch(/^connection reset after \d+ ms$/);
  });

  it('a redirect is not followed and says so', async () => {
    const h = await KINDS.redirect();
    const a = await against(h);
    expect(a.outcome).toMatchObject({ kind: 'response', status: 302 });
    expect(isSuccess(a)).toBe(false);
    expect(describeOutcome(a)).toMatch(/^HTTP 302 in \d+ ms \(redirects are never followed: a 3xx is a failed delivery\)$/);
    expect(h.paths()).toEqual(['/webhook']);
  });

  it.each(['huge', 'endless'] as const)('%s body: a 200, read no further than the cap', async (kind) => {
    const a = await against(await KINDS[kind]());
    expect(a.outcome).toMatchObject({ kind: 'response', status: 200, truncated: true });
    if (a.outcome.kind === 'response') expect(a.outcome.body.length).toBe(64 * 1024);
  });
});
