import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { wholeResponse } from '../../../suites/load/connection.js';

const res = (head: string, body = '') => Buffer.from(`${head}\r\n\r\n${body}`, 'latin1');

describe('wholeResponse (the load client fast path)', () => {
  it('reads the status of one whole keep-alive response with a Content-Length, as frameworks send them', () => {
    expect(wholeResponse(res('HTTP/1.1 200 OK\r\ncontent-length: 2', 'ok'))).toBe(200);
    // node:http / Express: Connection: keep-alive and Keep-Alive headers.
    expect(wholeResponse(res('HTTP/1.1 401 Unauthorized\r\nX-Powered-By: Express\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 11\r\nETag: W/"b"\r\nDate: Mon, 30 Nov 2026 14:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5', '{"e":"sig"}'))).toBe(401);
    expect(wholeResponse(res('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0'))).toBe(503);
  });

  it('leaves everything else to the full parser', () => {
    expect(wholeResponse(res('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked', '2\r\nok\r\n0\r\n\r\n'))).toBe(0);
    expect(wholeResponse(res('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2', 'ok'))).toBe(0);
    expect(wholeResponse(res('HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3', 'ok'))).toBe(0);
    expect(wholeResponse(res('HTTP/1.1 204 No Content'))).toBe(0);
    expect(wholeResponse(res('HTTP/1.0 200 OK\r\ncontent-length: 2', 'ok'))).toBe(0);
    expect(wholeResponse(res('HTTP/1.1 200 OK\r\ncontent-length: 5', 'ok'))).toBe(0); // body cut short: not whole yet
    expect(wholeResponse(res('HTTP/1.1 200 OK\r\ncontent-length: 2', 'okHTTP/1.1'))).toBe(0); // bytes past the end
    expect(wholeResponse(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n'))).toBe(0); // head not complete
    expect(wholeResponse(Buffer.from('HELLO THERE\r\n\r\n'))).toBe(0);
  });

  it('is the status exactly when the chunk is one whole response, for any split (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304), fc.string({ maxLength: 300 }), fc.nat(), (status, body, cut) => {
        const whole = res(`HTTP/1.1 ${status} X\r\ncontent-length: ${Buffer.byteLength(body, 'latin1')}`, body);
        expect(wholeResponse(whole)).toBe(status);
        const at = cut % whole.length;
        if (at > 0) expect(wholeResponse(whole.subarray(0, at))).toBe(0);
      }),
    );
  });
});

/** The first fast path (string + regexes), kept as the oracle the byte scan must agree with. */
function reference(chunk: Buffer): number {
  if (chunk.length < 16 || !chunk.subarray(0, 9).equals(Buffer.from('HTTP/1.1 '))) return 0;
  const headEnd = chunk.indexOf('\r\n\r\n', 9);
  if (headEnd < 0) return 0;
  const m = /^HTTP\/1\.1 ([1-5]\d\d) /.exec(chunk.toString('latin1', 0, 13));
  if (!m) return 0;
  const status = Number(m[1]);
  if (status < 200 || status === 204 || status === 304) return 0;
  const head = chunk.toString('latin1', 0, headEnd + 2);
  if (/\r\ntransfer-encoding[ \t]*:/i.test(head) || /\r\nconnection[ \t]*:[^\r]*close/i.test(head)) return 0;
  if (/\r\ncontent-length[ \t]+:/i.test(head)) return 0;
  const lengths = [...head.matchAll(/\r\ncontent-length:[ \t]*(\d+)[ \t]*(?=\r\n)/gi)];
  const any = [...head.matchAll(/\r\ncontent-length:/gi)];
  if (lengths.length !== 1 || any.length !== 1 || lengths[0][1].length > 9) return 0;
  return headEnd + 4 + Number(lengths[0][1]) === chunk.length ? status : 0;
}

describe('wholeResponse byte scan', () => {
  const casing = (s: string) => fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((up) => [...s].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''));
  const header = fc.oneof(
    fc.tuple(casing('content-length'), fc.constantFrom(':', ': ', ':\t', ' :'), fc.oneof(fc.nat({ max: 40 }).map(String), fc.constantFrom('abc', '12a', '1234567890', '')), fc.constantFrom('', ' ', '\t')).map(([n, c, v, t]) => `${n}${c}${v}${t}`),
    fc.tuple(casing('connection'), fc.constantFrom(':', ': ', ' :'), fc.constantFrom('keep-alive', 'close', 'Keep-Alive, Close', 'upgrade')).map(([n, c, v]) => `${n}${c}${v}`),
    fc.tuple(casing('transfer-encoding'), fc.constantFrom(':', ' :'), fc.constantFrom(' chunked', ' gzip')).map(([n, c, v]) => `${n}${c}${v}`),
    fc.tuple(fc.constantFrom('x-content-length', 'content-type', 'date', 'content', 'conn', 'closed-by'), fc.constantFrom(': close', ': 5', ': text/plain')).map(([n, v]) => `${n}${v}`),
  );
  it('agrees with the regex reference on any head of common and odd headers (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(200, 201, 202, 400, 401, 404, 500, 503, 204, 304, 101), fc.array(header, { maxLength: 6 }), fc.string({ maxLength: 40 }), (status, headers, body) => {
        const chunk = Buffer.from(`HTTP/1.1 ${status} X${headers.map((h) => `\r\n${h}`).join('')}\r\n\r\n${body}`, 'latin1');
        expect(wholeResponse(chunk)).toBe(reference(chunk));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds whole responses in the property (the oracle is not always 0)', () => {
    const chunk = Buffer.from('HTTP/1.1 202 Accepted\r\nCONTENT-LENGTH:\t2 \r\nConnection: keep-alive\r\n\r\nok', 'latin1');
    expect(reference(chunk)).toBe(202);
    expect(wholeResponse(chunk)).toBe(202);
  });
});
