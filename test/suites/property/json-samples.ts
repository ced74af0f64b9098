// Shared test inputs and a tiny JSON scanner for the property-suite tests.
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../../fixtures/profile.js';
import { extrasArb } from '../../../suites/property/json-spelling.js';

/** Any JSON value without lone surrogates, normalised through JSON so -0 becomes 0 (as the harness sends). */
export const anyJson: fc.Arbitrary<JsonValue> = fc
  .oneof(fc.jsonValue({ stringUnit: 'grapheme' }), fc.jsonValue({ stringUnit: 'grapheme-ascii' }), fc.jsonValue())
  .map((v) => JSON.parse(JSON.stringify(v)) as JsonValue);

const money = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 10_000_000 }).map((c) => c / 100));

/** A webhook-shaped body: envelope, data with ids/amounts/items/customer, and extras one level inside data. */
export const realisticBody: fc.Arbitrary<JsonObject> = fc
  .record({
    type: fc.constantFrom('order.paid', 'item.scanned', 'cluster.optimized.wh-1.5f0c2a9b8d7e6f5a4b3c2d1e'),
    timestamp: fc.constant('2025-03-04T05:06:07Z'),
    data: fc.record({
      order_id: fc.stringMatching(/^ord_[a-z0-9]{8}$/),
      amount: money,
      currency: fc.constantFrom('EUR', 'USD', 'JPY'),
      paid: fc.boolean(),
      items: fc.array(fc.record({ sku: fc.stringMatching(/^[A-Z]{3}-\d{3}$/), qty: fc.nat(20), price: money }), { maxLength: 3 }),
      customer: fc.record({ name: fc.constantFrom('Zoë Müller', 'Ana', '山田太郎'), email: fc.constant('a.b@example.com') }),
      note: fc.oneof(fc.constant(null), fc.string({ unit: 'grapheme', maxLength: 10 })),
    }),
  })
  .chain((body) => extrasArb().map((extras) => ({ ...body, data: { ...body.data, extras } })));

export const sampleJson: fc.Arbitrary<JsonValue> = fc.oneof(anyJson, realisticBody);

export interface Scan {
  numbers: string[];
  /** Each string literal decoded to UTF-16 code units (escapes resolved). */
  strings: number[][];
  /** Code units written as `\u` escapes, in order, per string. */
  escapes: number[][];
}

/** Walks JSON text token by token; assumes the text is valid JSON (JSON.parse checks that separately). */
export function scanJson(text: string): Scan {
  const scan: Scan = { numbers: [], strings: [], escapes: [] };
  const short: Record<string, number> = { '"': 0x22, '\\': 0x5c, '/': 0x2f, b: 8, f: 12, n: 10, r: 13, t: 9 };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      const units: number[] = [];
      const escapes: number[] = [];
      i++;
      while (text[i] !== '"') {
        if (text[i] === '\\') {
          if (text[i + 1] === 'u') {
            const unit = parseInt(text.slice(i + 2, i + 6), 16);
            units.push(unit);
            escapes.push(unit);
            i += 6;
          } else {
            units.push(short[text[i + 1]]);
            i += 2;
          }
        } else {
          units.push(text.charCodeAt(i));
          i++;
        }
      }
      i++;
      scan.strings.push(units);
      scan.escapes.push(escapes);
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))!;
      scan.numbers.push(m[0]);
      i += m[0].length;
    } else {
      i++;
    }
  }
  return scan;
}

/** Index of the first lone surrogate in a code-unit sequence, or -1. */
export function loneSurrogateAt(units: number[]): number {
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    if (u >= 0xd800 && u <= 0xdbff) {
      if (!(units[i + 1] >= 0xdc00 && units[i + 1] <= 0xdfff)) return i;
      i++;
    } else if (u >= 0xdc00 && u <= 0xdfff) return i;
  }
  return -1;
}
