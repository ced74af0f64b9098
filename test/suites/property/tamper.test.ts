import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyTamper,
  changesContent,
  describeTamper,
  effectiveTamper,
  tamperArb,
  type Tamper,
} from '../../../suites/property/tamper.js';
import { anyJson, realisticBody } from './json-samples.js';

const compact = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');

/** Bodies as the negative checks send them (compact JSON.stringify), plus arbitrary bytes. */
const bodies = fc.oneof(realisticBody.map(compact), anyJson.map(compact), fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)));

/** A body paired with one of its tampers. */
const bodyAndTamper = bodies.chain((body) => tamperArb(body).map((t) => [body, t] as const));

/** Plans that need not fit the body at all: wrong paths, out-of-range bytes, empty appends. */
const anyTamper: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ kind: fc.constant('flip-bit' as const), byte: fc.integer({ min: -2, max: 100 }), bit: fc.integer({ min: -1, max: 9 }) }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.array(fc.nat(255), { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('truncate' as const), drop: fc.integer({ min: -1, max: 100 }) }),
  fc.record({ kind: fc.constant('remove-key' as const), path: fc.array(fc.constantFrom('data', 0, 'a')), key: fc.constantFrom('type', 'id', 'x') }),
  fc.record({ kind: fc.constant('add-key' as const), path: fc.array(fc.constantFrom('data', 0)), key: fc.constantFrom('type', 'new'), value: anyJson }),
  fc.record({
    kind: fc.constant('change-leaf' as const),
    path: fc.array(fc.constantFrom('data', 'amount', 0, 'length')),
    from: fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.boolean()),
    to: fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.boolean()),
  }),
);

describe('applyTamper', () => {
  it('changes the content of every body for every generated plan, deterministically', () => {
    fc.assert(
      fc.property(bodyAndTamper, ([body, t]) => {
        const before = Buffer.from(body);
        const out = applyTamper(body, t);
        expect(out.equals(body)).toBe(false);
        expect(changesContent(body, out)).toBe(true);
        expect(applyTamper(body, structuredClone(t)).equals(out)).toBe(true);
        expect(body.equals(before)).toBe(true); // the signed body itself is never mutated
        expect(effectiveTamper(body, t)).toEqual(t); // generated plans always fit their body
      }),
      { numRuns: 500 },
    );
  });

  it('differs byte-wise even for plans that do not fit the body', () => {
    fc.assert(
      fc.property(bodies, anyTamper, (body, t) => {
        const out = applyTamper(body, t);
        expect(out.equals(body)).toBe(false);
        expect(applyTamper(body, t).equals(out)).toBe(true);
        expect(applyTamper(body, effectiveTamper(body, t)).equals(out)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('applies and describes each kind', () => {
    const body = compact({ type: 'order.paid', data: { amount: 99.99, 'odd key': [true] } });
    const cases: [Tamper, string, string][] = [
      [
        { kind: 'change-leaf', path: ['data', 'amount'], from: 99.99, to: 100.99 },
        '{"type":"order.paid","data":{"amount":100.99,"odd key":[true]}}',
        'changed data.amount from 99.99 to 100.99',
      ],
      [
        { kind: 'change-leaf', path: ['data', 'odd key', 0], from: true, to: false },
        '{"type":"order.paid","data":{"amount":99.99,"odd key":[false]}}',
        'changed data["odd key"][0] from true to false',
      ],
      [{ kind: 'remove-key', path: [], key: 'type' }, '{"data":{"amount":99.99,"odd key":[true]}}', 'removed type'],
      [
        { kind: 'add-key', path: ['data'], key: 'hookgate', value: 1 },
        '{"type":"order.paid","data":{"amount":99.99,"odd key":[true],"hookgate":1}}',
        'added data.hookgate = 1',
      ],
      [{ kind: 'truncate', drop: 2 }, body.toString().slice(0, -2), 'cut off the last 2 bytes'],
      [{ kind: 'append', bytes: [0x78, 0] }, `${body}x\u0000`, 'appended 2 bytes "x\\x00"'],
    ];
    for (const [t, text, description] of cases) {
      expect(applyTamper(body, t).toString()).toBe(text);
      expect(describeTamper(t)).toBe(description);
    }
    const flipped = applyTamper(body, { kind: 'flip-bit', byte: 41, bit: 3 });
    expect(flipped[41]).toBe(body[41] ^ 8);
    expect(describeTamper({ kind: 'flip-bit', byte: 41, bit: 3 })).toBe('flipped bit 3 of byte 41');
    // A stale `from` would make the description false, so the plan falls back to a bit flip.
    const stale: Tamper = { kind: 'change-leaf', path: ['data', 'amount'], from: 5, to: 6 };
    expect(effectiveTamper(body, stale)).toEqual({ kind: 'flip-bit', byte: body.length - 1, bit: 0 });
    expect(applyTamper(Buffer.alloc(0), { kind: 'truncate', drop: 1 }).toString()).toBe('x');
  });

  it('does not count a change that leaves the JSON the same', () => {
    const body = compact([1e-7, '\u001f']);
    expect(changesContent(body, Buffer.from('[1E-7,"\\u001f"]'))).toBe(false);
    expect(changesContent(body, Buffer.from('[1e-7,"\\u001F"]'))).toBe(false);
    expect(changesContent(body, Buffer.concat([body, Buffer.from(' \n')]))).toBe(false);
    expect(changesContent(body, Buffer.from('[1e-7,"\\u001e"]'))).toBe(true);
    const samples = fc.sample(tamperArb(body), { seed: 9, numRuns: 2000 });
    expect(samples.every((t) => changesContent(body, applyTamper(body, t)))).toBe(true);
  });
});

describe('tamperArb', () => {
  const body = compact({ type: 'order.paid', data: { order_id: 'ord_1', amount: 99.99 } });

  it('shrinks toward changing the first leaf', () => {
    const out = fc.check(fc.property(tamperArb(body), () => false), { seed: 42 });
    expect(out.counterexample![0]).toEqual({ kind: 'change-leaf', path: ['type'], from: 'order.paid', to: 'order.paie' });
  });

  it('shrinks a byte-level failure to a one-line change', () => {
    // A receiver that only notices changes which keep the body valid JSON.
    const stillJson = (b: Buffer) => {
      try {
        JSON.parse(b.toString());
        return true;
      } catch {
        return false;
      }
    };
    const out = fc.check(fc.property(tamperArb(body), (t) => stillJson(applyTamper(body, t))), { seed: 42 });
    expect(out.failed).toBe(true);
    const [t] = out.counterexample!;
    expect(['flip-bit', 'append', 'truncate']).toContain(t.kind);
    expect(describeTamper(t)).toMatch(/^(flipped bit 0 of byte 0|appended 1 byte "x"|cut off the last 1 byte)$/);
  });

  it('changes a number by one, keeping its spelling short', () => {
    const amount = fc
      .sample(tamperArb(body), { seed: 1, numRuns: 3000 })
      .find((t) => t.kind === 'change-leaf' && t.path.join('.') === 'data.amount' && t.to === 100.99);
    expect(amount && describeTamper(amount)).toBe('changed data.amount from 99.99 to 100.99');
  });

  it('offers only byte-level changes for a body that is not JSON, and an append for an empty one', () => {
    const notJson = Buffer.from([0xff, 0x7b, 0x22]);
    expect(fc.sample(tamperArb(notJson), 300).every((t) => ['flip-bit', 'append', 'truncate'].includes(t.kind))).toBe(true);
    expect(fc.sample(tamperArb(Buffer.alloc(0)), 50).every((t) => t.kind === 'append')).toBe(true);
  });

  it('always breaks an HMAC over the signed bytes', () => {
    const sign = (b: Buffer) => createHmac('sha256', 'whsec_k').update(b).digest('hex');
    fc.assert(fc.property(bodyAndTamper, ([b, t]) => sign(applyTamper(b, t)) !== sign(b)), { numRuns: 300 });
  });
});
