// Extra fields a check adds inside the event data, so every spelling option has something to act on
// even when an event's own data is plain ASCII with integer amounts and little nesting.
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../fixtures/profile.js';

/** The deepest body `signature.raw-body` sends (SPEC: "nesting up to depth 32"). */
export const MAX_BODY_DEPTH = 32;

/**
 * Default depth budget of the extras object itself (see jsonDepth): an envelope puts `data` at depth 2,
 * so extras added as one field of `data` give a body of depth ≤ 2 + 30 = 32, and merged into `data` ≤ 31.
 */
export const DEFAULT_EXTRAS_DEPTH = MAX_BODY_DEPTH - 2;

// Whole graphemes only, so no combination can split a surrogate pair.
const TEXT_PIECES = [
  'é', 'ü', '€', 'ß', 'ñ', 'Zürich', 'crème brûlée', 'e\u0301', '東京', '日本語', '한국', 'Ω',
  '😀', '🎉', '👩‍💻', '🇨🇭', '—', '“', '”', '\u2028', ' ', 'a', 'Z', '9', '\n', '\t',
];
const SYMBOL_PIECES = ['/', '"', '\\', '</script>', 'https://example.com/a/b?c=d', 'C:\\temp', '\\/', '\\u0041', 'say "hi"', '//'];
const NON_INTEGERS = [99.99, 0.1, 12.5, 1.5, -3.75, 1e-7, 0.000123, 2.5e-300, 1.5e-10, 123456.789, 4.35, 1.7976931348623157e-308];

const pieces = (from: string[], max: number) =>
  fc.array(fc.constantFrom(...from), { minLength: 1, maxLength: max }).map((a) => a.join(''));

// Always one BMP non-ASCII character, one astral character and one `/`, so nonAscii, astral and
// escapeSlash have something to act on in every body that carries extras.
const text = fc
  .tuple(fc.constantFrom('é', 'ü', '€', '東'), pieces(TEXT_PIECES, 4), fc.constantFrom('😀', '🎉', '𝄞'))
  .map(([bmp, middle, astral]) => bmp + middle + astral);
const symbols = pieces(SYMBOL_PIECES, 3).map((s) => (s.includes('/') ? s : `${s}/`));

const nonInteger = fc.oneof(
  fc.constantFrom(...NON_INTEGERS),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).filter((x) => !Number.isInteger(x)),
);

/** A chain `{"n":[{"n":[…leaf]}]}` of exactly `levels` containers, alternating objects and arrays. */
function chain(levels: number, leaf: JsonValue): JsonValue {
  let v = leaf;
  for (let i = levels - 1; i >= 0; i--) v = i % 2 === 0 ? { n: v } : [v];
  return v;
}

export interface ExtrasOptions {
  /** Depth budget of the returned object itself (≥ 1); pass MAX_BODY_DEPTH minus where it goes. */
  maxDepth?: number;
}

/**
 * Small (< 1 KB as JSON) extra fields with non-ASCII text (é, ü, €, CJK, emoji), `/`, quotes and
 * backslashes, non-integer numbers, and an optional chain nested up to the depth budget. Keys are
 * `hookgate_`-prefixed so they cannot clobber real data fields; one key is non-ASCII so keys get escaped too.
 */
export function extrasArb(options: ExtrasOptions = {}): fc.Arbitrary<JsonObject> {
  const maxDepth = options.maxDepth ?? DEFAULT_EXTRAS_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new RangeError(`extras need a depth budget of at least 1, got ${maxDepth}`);
  const levels = maxDepth - 1; // the extras object itself is one level
  const nested =
    levels > 0
      ? // The full budget is picked often (depth limits are where parsers differ), shrinking to one level.
        fc.tuple(fc.oneof({ withCrossShrink: true }, fc.integer({ min: 1, max: levels }), fc.constant(levels)), pieces(TEXT_PIECES, 3))
          .map(([n, leaf]) => chain(n, leaf))
      : fc.constant(null);
  return fc.record(
    {
      hookgate_text: text,
      hookgate_symbols: symbols,
      hookgate_amounts: fc.array(nonInteger, { minLength: 1, maxLength: 4 }),
      'hookgate_clé': pieces(TEXT_PIECES, 2),
      hookgate_nested: nested,
    },
    { requiredKeys: ['hookgate_text', 'hookgate_symbols', 'hookgate_amounts'] },
  ) as fc.Arbitrary<JsonObject>;
}
