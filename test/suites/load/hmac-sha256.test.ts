import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha256 } from '../../../suites/load/hmac-sha256.js';

describe('HmacSha256', () => {
  it('equals createHmac for every key length, prefix and body (incl. keys longer than a block, bodies past the first buffer)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.uint8Array({ maxLength: 5000 }),
        fc.constantFrom('base64' as const, 'hex' as const),
        (key, prefix, body, enc) => {
          const h = new HmacSha256(Buffer.from(key));
          const want = createHmac('sha256', Buffer.from(key)).update(prefix).update(body).digest(enc);
          expect(h.sign(Buffer.from(prefix), Buffer.from(body), enc)).toBe(want);
          // In place, into a buffer that also holds the body (as the request does), between two guard bytes.
          const out = Buffer.concat([Buffer.from('<'), Buffer.alloc(want.length, 0x30), Buffer.from('>'), Buffer.from(body)]);
          const end = h.signInto(Buffer.from(prefix), out.subarray(want.length + 2), enc, out, 1);
          expect(end).toBe(want.length + 1);
          expect(out.toString('latin1', 0, want.length + 2)).toBe(`<${want}>`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays correct when reused: a short message after a long one, and the reverse', () => {
    const key = Buffer.from('k'.repeat(32));
    const h = new HmacSha256(key);
    const ref = (b: Buffer) => createHmac('sha256', key).update(b).digest('hex');
    for (const n of [3000, 10, 70000, 0, 64, 65]) {
      const b = Buffer.alloc(n, n & 0xff);
      expect(h.sign(Buffer.alloc(0), b, 'hex')).toBe(ref(b));
    }
  });
});
