// Low-level JSON spelling pieces shared by the spelling renderer and the tamper plans:
// number re-spellings that keep the value's type, structural equality, nesting depth.
import type { JsonValue } from '../../fixtures/profile.js';

/** Ways to re-spell a non-integer; integers are never re-spelled (Python would read `1e2`/`100.0` as float). */
export type NumberStyle = 'plain' | 'trailing-zero' | 'integer-mantissa' | 'fraction-mantissa' | 'scientific';
/** How the exponent marker of a re-spelled number is written; `+` only ever precedes a non-negative exponent. */
export type ExponentMark = 'e' | 'E' | 'e+' | 'E+';

// RFC 8259 number grammar: a candidate spelling must match it, not just parse in JS (`Number('.5')` works).
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * The canonical spelling: plain digits for every integer (also beyond 1e21, where JSON.stringify would
 * write `1e+21` and typed parsers would see a float), the shortest round-trip form otherwise. `-0` is `0`.
 */
export function plainNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`${n} has no JSON spelling`);
  // BigInt(n) is exact for every integral double, so the digits parse back to the same value.
  return Number.isInteger(n) ? BigInt(n).toString() : String(n);
}

/**
 * `n` spelled in `style`. Only non-integers are re-spelled, and only when the new spelling is valid JSON
 * that parses back to exactly the same double; otherwise (and for integers) the plain spelling is returned.
 */
export function spellNumber(n: number, style: NumberStyle, mark: ExponentMark = 'e'): string {
  const plain = plainNumber(n);
  if (style === 'plain' || Number.isInteger(n)) return plain;
  const candidate = respell(plain, style, mark);
  // The round-trip check guards the type promise: a spelling that lost the fraction would be read as an int.
  const ok =
    candidate !== undefined &&
    JSON_NUMBER.test(candidate) &&
    Number(candidate) === n &&
    /[.eE]/.test(candidate);
  return ok ? candidate : plain;
}

function exponent(e: number, mark: ExponentMark): string {
  return mark[0] + (mark.length === 2 && e >= 0 ? '+' : '') + String(e);
}

function respell(plain: string, style: NumberStyle, mark: ExponentMark): string | undefined {
  const sign = plain.startsWith('-') ? '-' : '';
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(sign ? plain.slice(1) : plain);
  if (!m) return undefined;
  const [, intPart, frac = '', expText] = m;
  const exp = expText === undefined ? 0 : Number(expText);
  if (style === 'trailing-zero') {
    const mantissa = frac ? `${intPart}.${frac}0` : `${intPart}.0`;
    return sign + mantissa + (expText === undefined ? '' : exponent(exp, mark));
  }
  // value = 0.D × 10^p with D the significant digits (no leading/trailing zeros).
  const all = intPart + frac;
  const lead = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(lead).replace(/0+$/, '');
  if (!digits) return undefined;
  const p = intPart.length + exp - lead;
  switch (style) {
    case 'integer-mantissa':
      return sign + digits + exponent(p - digits.length, mark);
    case 'fraction-mantissa':
      return `${sign}0.${digits}${exponent(p, mark)}`;
    case 'scientific':
      return sign + digits[0] + (digits.length > 1 ? `.${digits.slice(1)}` : '') + exponent(p - 1, mark);
  }
}

/** Structural equality as JSON sees it: key order ignored, numbers compared with `===` (so 0 equals -0). */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

/** Container nesting depth: a scalar is 0, `{}`/`[]` is 1, `{"a":[]}` is 2. */
export function jsonDepth(v: JsonValue): number {
  if (typeof v !== 'object' || v === null) return 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  let max = 0;
  for (const c of children) max = Math.max(max, jsonDepth(c));
  return 1 + max;
}

/** The body parsed as JSON when it is valid UTF-8 JSON, else undefined. */
export function parseJsonBytes(body: Buffer): JsonValue | undefined {
  const text = body.toString('utf8');
  // Invalid UTF-8 decodes to U+FFFD, which would make two different byte strings look equal.
  if (!Buffer.from(text, 'utf8').equals(body)) return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}
