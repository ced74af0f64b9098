// JSON spellings for `signature.raw-body`: valid JSON that differs from JSON.stringify, so a receiver
// that verifies the signature over re-serialised JSON (instead of the raw bytes) is caught.
// Public entry point: plan type and renderer live in spelling-plan.ts / spelling-render.ts.
import fc from 'fast-check';
import { STRINGIFY_SPELLING, spellingDifferences, type Indent, type Spelling, type Ws } from './spelling-plan.js';

export {
  DIFFERENCE_FIELDS,
  STRINGIFY_SPELLING,
  describeSpelling,
  spellingDifferences,
  type AsciiEscapes,
  type DifferenceField,
  type ExponentMark,
  type Indent,
  type KeyOrder,
  type NumberStyle,
  type Scope,
  type Spelling,
  type Trailing,
  type Ws,
} from './spelling-plan.js';
export { effectiveSpelling, isStringifyForm, render } from './spelling-render.js';
export { DEFAULT_EXTRAS_DEPTH, MAX_BODY_DEPTH, extrasArb, type ExtrasOptions } from './json-extras.js';
export { jsonDepth, jsonEqual, plainNumber, spellNumber } from './json-text.js';

/**
 * The stringify default or one of the alternatives. Cross-shrinking lets the shrinker jump back to the
 * default, and the default is twice as likely so a plan mixes a handful of differences, not all of them.
 */
function option<T>(byDefault: T, ...alternatives: T[]): fc.Arbitrary<T> {
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(byDefault), weight: 2 },
    { arbitrary: fc.constantFrom(...alternatives), weight: 1 },
  );
}

const WS_ALTERNATIVES: Ws[] = [' ', '\t', '  ', '\n', '\r\n'];

/**
 * Spelling plans that always differ from JSON.stringify. Shrinking resets fields to the stringify default
 * and narrows scopes to `first`; a plan left with no difference becomes "a space after the first colon",
 * so a receiver that fails on any difference shrinks to exactly that. Fields that do not apply
 * to a given value are neutralised by effectiveSpelling, and render() adds a trailing newline when
 * nothing else would differ.
 */
export function spellingArb(): fc.Arbitrary<Spelling> {
  const indent: fc.Arbitrary<Indent | null> = option<Indent | null>(
    null,
    { unit: '  ', newline: '\n' },
    { unit: '    ', newline: '\n' },
    { unit: '\t', newline: '\n' },
    { unit: ' ', newline: '\n' },
    { unit: '  ', newline: '\r\n' },
    { unit: '\t', newline: '\r\n' },
  );
  const arb: fc.Arbitrary<Spelling> = fc.record({
    leading: option<Ws>('', ' ', '\n', '\t', '\r\n'),
    hexCase: option<'lower' | 'upper'>('lower', 'upper'),
    astral: option<'raw' | 'escaped'>('raw', 'escaped'),
    nonAscii: option<'raw' | 'escaped'>('raw', 'escaped'),
    asciiEscapes: option<Spelling['asciiEscapes']>('none', 'first-letter', 'letters', 'all'),
    escapeSlash: option(false, true),
    numberStyle: option<Spelling['numberStyle']>('plain', 'trailing-zero', 'integer-mantissa', 'fraction-mantissa', 'scientific'),
    numberScope: option<Spelling['numberScope']>('first', 'all'),
    exponentMark: option<Spelling['exponentMark']>('e', 'E', 'e+', 'E+'),
    keyOrder: option<Spelling['keyOrder']>('insertion', 'reversed', 'sorted', 'shuffled'),
    keyScope: option<Spelling['keyScope']>('first', 'all'),
    keySeed: fc.nat({ max: 0x7fffffff }),
    indent,
    insideBrackets: option<Ws>('', ...WS_ALTERNATIVES),
    beforeComma: option<Ws>('', ...WS_ALTERNATIVES),
    afterComma: option<Ws>('', ...WS_ALTERNATIVES),
    beforeColon: option<Ws>('', ...WS_ALTERNATIVES),
    wsScope: option<Spelling['wsScope']>('first', 'all'),
    trailing: option<Spelling['trailing']>('', '\n', '\r\n', ' ', '\t', ' \n'),
    afterColon: option<Ws>('', ...WS_ALTERNATIVES),
  });
  // Forcing rather than filtering: when shrinking resets the last difference, the plan becomes the
  // smallest one of all instead of being rejected, so shrinks converge on it from any starting plan.
  return arb.map((p) => (spellingDifferences(p).length > 0 ? p : { ...p, afterColon: ' ' }));
}

/** Exported for callers that want the identity plan as a starting point for hand-written plans. */
export function spelling(overrides: Partial<Spelling> = {}): Spelling {
  return { ...STRINGIFY_SPELLING, ...overrides };
}
