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
