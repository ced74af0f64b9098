import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../fixtures/profile.js';
import {
  MAX_BODY_DEPTH,
  STRINGIFY_SPELLING,
  describeSpelling,
  effectiveSpelling,
  extrasArb,
  isStringifyForm,
  jsonDepth,
  jsonEqual,
  render,
  spellNumber,
  spelling,
  spellingArb,
  spellingDifferences,
  type NumberStyle,
} from '../../../suites/property/json-spelling.js';
import { anyJson, loneSurrogateAt, realisticBody, sampleJson, scanJson } from './json-samples.js';

const RAW_LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const PLAIN_INTEGER = /^-?(0|[1-9]\d*)$/;
const runs = { numRuns: 300 };

describe('render', () => {
  it('round-trips: JSON.parse gives back the value', () => {
    fc.assert(
      fc.property(sampleJson, spellingArb(), (v, p) => {
        const parsed = JSON.parse(render(v, p)) as JsonValue;
        expect(jsonEqual(parsed, v)).toBe(true);
        expect(parsed).toEqual(v);
      }),
      runs,
    );
  });

  it('spells every integer as plain digits, and re-spelled non-integers parse to the same double', () => {
    fc.assert(
      fc.property(sampleJson, spellingArb(), (v, p) => {
        for (const tok of scanJson(render(v, p)).numbers) {
          if (Number.isInteger(Number(tok))) expect(tok).toMatch(PLAIN_INTEGER);
          else expect(tok).toMatch(/[.eE]/);
        }
      }),
      runs,
    );
  });

  it('never produces the JSON.stringify form, nor a text a re-serialising receiver would reproduce', () => {
    fc.assert(
      fc.property(sampleJson, spellingArb(), (v, p) => {
        const text = render(v, p);
        expect(text).not.toBe(JSON.stringify(v));
        expect(text).not.toBe(JSON.stringify(JSON.parse(text)));
        expect(isStringifyForm(v, text)).toBe(false);
      }),
      runs,
    );
  });

  it('never emits a lone surrogate, raw or escaped', () => {
    fc.assert(
      fc.property(sampleJson, spellingArb(), (v, p) => {
        const text = render(v, p);
        expect(text).not.toMatch(RAW_LONE_SURROGATE);
        const scan = scanJson(text);
        for (const units of scan.strings) expect(loneSurrogateAt(units)).toBe(-1);
        for (const units of scan.escapes) expect(loneSurrogateAt(units)).toBe(-1);
      }),
      runs,
    );
  });

  it('is deterministic, and the effective plan renders the same text with something nameable left', () => {
    fc.assert(
      fc.property(sampleJson, spellingArb(), (v, p) => {
        const text = render(v, p);
        expect(render(v, structuredClone(p))).toBe(text);
        const eff = effectiveSpelling(v, p);
        expect(render(v, eff)).toBe(text);
        expect(spellingDifferences(eff).filter((f) => f !== 'keyOrder').length).toBeGreaterThan(0);
        expect(describeSpelling(eff)).not.toBe('identical to JSON.stringify');
      }),
      runs,
    );
  });

  it('refuses values with no faithful spelling', () => {
    expect(() => render({ a: 'x\uD800' }, spelling({ afterColon: ' ' }))).toThrow(RangeError);
    expect(() => render(['\uDC00y'], spelling({ astral: 'escaped' }))).toThrow(RangeError);
    expect(() => render([Number.NaN], spelling())).toThrow(RangeError);
  });

  it('applies each option as described', () => {
    const v = { id: 'évt/1', amount: 1.5, n: 100, big: 1e21, emoji: '😀', list: [1, 2] };
    expect(render(v, spelling({ afterColon: ' ' }))).toBe(
      '{"id": "évt/1","amount":1.5,"n":100,"big":1000000000000000000000,"emoji":"😀","list":[1,2]}',
    );
    const all = render(v, spelling({ escapeSlash: true, nonAscii: 'escaped', astral: 'escaped', hexCase: 'upper' }));
    expect(all).toContain('"\\u00E9vt\\/1"');
    expect(all).toContain('"\\uD83D\\uDE00"');
    expect(render(v, spelling({ asciiEscapes: 'first-letter' }))).toMatch(/^\{"\\u0069d":"évt\/1","amount"/);
    expect(render(v, spelling({ numberStyle: 'integer-mantissa', numberScope: 'all' }))).toContain('"amount":15e-1,"n":100');
    expect(render(v, spelling({ keyOrder: 'reversed', trailing: '\r\n' }))).toMatch(/^\{"list":\[1,2\],"emoji".*"id":"évt\/1"\}\r\n$/);
    expect(render({ a: [1] }, spelling({ indent: { unit: '\t', newline: '\r\n' }, afterColon: ' ' }))).toBe(
      '{\r\n\t"a": [\r\n\t\t1\r\n\t]\r\n}',
    );
    // Nothing in a bare `true` for letter escapes to act on: a trailing newline stands in.
    expect(render(true, spelling({ asciiEscapes: 'letters' }))).toBe('true\n');
    expect(describeSpelling(effectiveSpelling(true, spelling({ asciiEscapes: 'letters' })))).toBe('a trailing newline');
    // A reorder alone would be reproduced by a re-serialising receiver.
    expect(render({ a: 1, b: 2 }, spelling({ keyOrder: 'reversed' }))).toBe('{"b":2,"a":1}\n');
  });

  it('describes the differences briefly', () => {
    const p = spelling({ indent: { unit: '  ', newline: '\n' }, keyOrder: 'reversed', keyScope: 'all', asciiEscapes: 'letters' });
    expect(describeSpelling(p)).toBe('\\u-escaped ASCII letters, keys reversed in every object, 2-space indentation');
    expect(describeSpelling(spelling({ afterColon: ' ' }))).toBe('a space after the first colon');
    expect(describeSpelling(STRINGIFY_SPELLING)).toBe('identical to JSON.stringify');
  });
});

describe('spellNumber', () => {
  it('re-spells 1.5 in each style and leaves integers alone', () => {
    const styles: [NumberStyle, string][] = [
      ['trailing-zero', '1.50'],
      ['integer-mantissa', '15e-1'],
      ['fraction-mantissa', '0.15E+1'],
      ['scientific', '1.5E+0'],
    ];
    for (const [style, want] of styles) expect(spellNumber(1.5, style, style === 'integer-mantissa' ? 'e' : 'E+')).toBe(want);
    expect(spellNumber(1e-7, 'trailing-zero')).toBe('1.0e-7');
    expect(spellNumber(-0.001, 'scientific')).toBe('-1e-3');
    for (const n of [0, -0, 100, -42, 1e21, 2 ** 60]) expect(spellNumber(n, 'scientific')).toMatch(PLAIN_INTEGER);
    expect(spellNumber(1e21, 'plain')).toBe('1000000000000000000000');
  });

  it('keeps every non-integer the same double in valid JSON grammar', () => {
    const styles = fc.constantFrom<NumberStyle>('trailing-zero', 'integer-mantissa', 'fraction-mantissa', 'scientific');
    const marks = fc.constantFrom('e', 'E', 'e+', 'E+' as const);
    const nonInt = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x));
    fc.assert(
      fc.property(nonInt, styles, marks, (x, style, mark) => {
        const s = spellNumber(x, style, mark);
        expect(s).toMatch(/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/);
        expect(JSON.parse(s)).toBe(x);
        expect(s).toMatch(/[.eE]/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('spellingArb', () => {
  it('never yields the stringify plan', () => {
    fc.assert(fc.property(spellingArb(), (p) => spellingDifferences(p).length > 0), { numRuns: 1000 });
  });

  it('shrinks a failing property to a one-difference plan', () => {
    const out = fc.check(
      fc.property(anyJson, spellingArb(), (v, p) => render(v, p) === JSON.stringify(v)),
      { seed: 42 },
    );
    expect(out.failed).toBe(true);
    const [v, p] = out.counterexample!;
    expect(spellingDifferences(p)).toHaveLength(1);
    expect(describeSpelling(effectiveSpelling(v, p)).length).toBeLessThan(40);
  });

  it('shrinks a receiver that verifies re-serialised JSON down to "a space after the first colon"', () => {
    const secret = 'whsec_test';
    const sign = (s: string) => createHmac('sha256', secret).update(s).digest('base64');
    const body = fc.sample(realisticBody, { seed: 7, numRuns: 1 })[0];
    const out = fc.check(
      fc.property(spellingArb(), (p) => {
        const text = render(body, p);
        return sign(JSON.stringify(JSON.parse(text))) === sign(text); // what the buggy receiver compares
      }),
      { seed: 1234 },
    );
    expect(out.failed).toBe(true);
    const [p] = out.counterexample!;
    expect(describeSpelling(effectiveSpelling(body, p))).toBe('a space after the first colon');
  });

  it('catches the re-serialising receiver on every sample: HMACs over the sent bytes and over JSON.stringify differ', () => {
    const hmac = (s: string) => createHmac('sha256', 'whsec_k').update(Buffer.from(s, 'utf8')).digest('hex');
    fc.assert(
      fc.property(sampleJson, spellingArb(), (v, p) => {
        const text = render(v, p);
        expect(hmac(text)).not.toBe(hmac(JSON.stringify(JSON.parse(text))));
      }),
      runs,
    );
  });
});

describe('extrasArb', () => {
  it('is small, stays within the depth budget, and carries what the spellings need', () => {
    fc.assert(
      fc.property(extrasArb(), (x) => {
        expect(Buffer.byteLength(JSON.stringify(x))).toBeLessThan(2048);
        expect(jsonDepth(x)).toBeLessThanOrEqual(MAX_BODY_DEPTH - 2);
        expect(JSON.stringify(x)).toMatch(/[^\x00-\x7f]/);
        expect((x.hookgate_amounts as number[]).every((n) => !Number.isInteger(n))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps realistic bodies at depth ≤ 32 and reaches 32 exactly', () => {
    const depths = fc.sample(realisticBody, { seed: 3, numRuns: 300 }).map(jsonDepth);
    expect(Math.max(...depths)).toBe(MAX_BODY_DEPTH);
    expect(fc.sample(extrasArb({ maxDepth: 5 }), 200).every((x) => jsonDepth(x) <= 5)).toBe(true);
    expect(() => extrasArb({ maxDepth: 0 })).toThrow(RangeError);
  });
});
