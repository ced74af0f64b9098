// The Spelling plan: plain, JSON-serialisable data describing how one JSON text differs from the
// JSON.stringify form, so it can go verbatim into a report as the shrunk counterexample.
import type { ExponentMark, NumberStyle } from './json-text.js';

export type { ExponentMark, NumberStyle } from './json-text.js';

/** Insignificant whitespace; RFC 8259 allows exactly space, tab, LF and CR between tokens. */
export type Ws = '' | ' ' | '  ' | '\t' | '\n' | '\r\n';
/** `first`: only the first place the option applies to (the minimal difference); `all`: every place. */
export type Scope = 'first' | 'all';
export type Indent = { unit: ' ' | '  ' | '    ' | '\t'; newline: '\n' | '\r\n' };
export type KeyOrder = 'insertion' | 'reversed' | 'sorted' | 'shuffled';
/** ASCII spelled as `\uXXXX`: none, the first letter only, every letter, or every ASCII character. */
export type AsciiEscapes = 'none' | 'first-letter' | 'letters' | 'all';
export type Trailing = '' | '\n' | '\r\n' | ' ' | '\t' | ' \n';

export interface Spelling {
  /** Whitespace before the top-level value. */
  leading: Ws;
  /** Hex digits of every `\u` escape (JSON.stringify writes `\u001f`). */
  hexCase: 'lower' | 'upper';
  /** Characters beyond the BMP: raw UTF-8, or a `\uD83D\uDE00` surrogate pair (never a lone half). */
  astral: 'raw' | 'escaped';
  /** Other non-ASCII characters: raw UTF-8 or `\uXXXX`. */
  nonAscii: 'raw' | 'escaped';
  asciiEscapes: AsciiEscapes;
  /** `/` as `\/`. */
  escapeSlash: boolean;
  /** Re-spelling of non-integers only; see spellNumber. */
  numberStyle: NumberStyle;
  numberScope: Scope;
  exponentMark: ExponentMark;
  keyOrder: KeyOrder;
  /** `first`: only the first object whose order actually changes. */
  keyScope: Scope;
  /** Seed of the `shuffled` permutation. */
  keySeed: number;
  indent: Indent | null;
  /** Just inside the brackets of non-empty objects/arrays. */
  insideBrackets: Ws;
  beforeComma: Ws;
  afterComma: Ws;
  beforeColon: Ws;
  /** Scope of the five inline whitespace slots above. */
  wsScope: Scope;
  trailing: Trailing;
  afterColon: Ws;
}

/** The plan under which render() reproduces JSON.stringify (bar integers ≥ 1e21, always plain digits). */
export const STRINGIFY_SPELLING: Readonly<Spelling> = Object.freeze({
  leading: '',
  hexCase: 'lower',
  astral: 'raw',
  nonAscii: 'raw',
  asciiEscapes: 'none',
  escapeSlash: false,
  numberStyle: 'plain',
  numberScope: 'first',
  exponentMark: 'e',
  keyOrder: 'insertion',
  keyScope: 'first',
  keySeed: 0,
  indent: null,
  insideBrackets: '',
  beforeComma: '',
  afterComma: '',
  beforeColon: '',
  wsScope: 'first',
  trailing: '',
  afterColon: '',
});

/** Fields that make a difference on their own; the rest only qualify one of these. */
export const DIFFERENCE_FIELDS = [
  'leading',
  'hexCase',
  'astral',
  'nonAscii',
  'asciiEscapes',
  'escapeSlash',
  'numberStyle',
  'keyOrder',
  'indent',
  'insideBrackets',
  'beforeComma',
  'afterComma',
  'beforeColon',
  'trailing',
  'afterColon',
] as const satisfies readonly (keyof Spelling)[];
export type DifferenceField = (typeof DIFFERENCE_FIELDS)[number];

/** The fields where the plan departs from JSON.stringify (an empty list means the stringify form). */
export function spellingDifferences(plan: Spelling): DifferenceField[] {
  return DIFFERENCE_FIELDS.filter((f) => plan[f] !== STRINGIFY_SPELLING[f]);
}

const WS_NAMES: Record<string, string> = {
  ' ': 'a space',
  '  ': '2 spaces',
  '\t': 'a tab',
  '\n': 'a newline',
  '\r\n': 'a CRLF',
  ' \n': 'a space and a newline',
};

const NUMBER_EXAMPLES: Record<NumberStyle, [string, number]> = {
  plain: ['1.5', 0],
  'trailing-zero': ['1.50', 0],
  'integer-mantissa': ['15', -1],
  'fraction-mantissa': ['0.15', 1],
  scientific: ['1.5', 0],
};

function numberExample(plan: Spelling): string {
  const [mantissa, exp] = NUMBER_EXAMPLES[plan.numberStyle];
  if (plan.numberStyle === 'trailing-zero') return mantissa;
  const mark = plan.exponentMark;
  return mantissa + mark[0] + (mark.length === 2 && exp >= 0 ? '+' : '') + String(exp);
}

/** A short human account of what differs from JSON.stringify, e.g. "2-space indentation, keys reversed in every object". */
export function describeSpelling(plan: Spelling): string {
  const every = (scope: Scope, first: string, all: string) => (scope === 'first' ? first : all);
  const ws = (w: Ws, where: string) =>
    `${WS_NAMES[w]} ${where} ${every(plan.wsScope, 'the first', 'every')}`;
  const parts = spellingDifferences(plan).map((f): string => {
    switch (f) {
      case 'leading':
        return `${WS_NAMES[plan.leading]} before the value`;
      case 'hexCase':
        return 'upper-case hex digits in \\u escapes';
      case 'astral':
        return 'characters beyond the BMP (emoji) as \\u surrogate pairs';
      case 'nonAscii':
        return 'non-ASCII characters as \\u escapes';
      case 'asciiEscapes':
        return {
          none: '',
          'first-letter': 'the first ASCII letter \\u-escaped',
          letters: '\\u-escaped ASCII letters',
          all: 'every ASCII character \\u-escaped',
        }[plan.asciiEscapes];
      case 'escapeSlash':
        return '"/" escaped as "\\/"';
      case 'numberStyle':
        return `${every(plan.numberScope, 'the first non-integer', 'non-integers')} spelled like ${numberExample(plan)} for 1.5`;
      case 'keyOrder': {
        const how = plan.keyOrder === 'shuffled' ? `shuffled (seed ${plan.keySeed})` : plan.keyOrder;
        return `keys ${how} ${every(plan.keyScope, 'in the first object with several keys', 'in every object')}`;
      }
      case 'indent': {
        const i = plan.indent!;
        const unit = i.unit === '\t' ? 'tab' : `${i.unit.length}-space`;
        return `${unit} indentation${i.newline === '\r\n' ? ' with CRLF line ends' : ''}`;
      }
      case 'insideBrackets':
        return `${WS_NAMES[plan.insideBrackets]} inside ${every(plan.wsScope, 'the first brackets', 'every pair of brackets')}`;
      case 'beforeComma':
        return ws(plan.beforeComma, 'before') + ' comma';
      case 'afterComma':
        return ws(plan.afterComma, 'after') + ' comma';
      case 'beforeColon':
        return ws(plan.beforeColon, 'before') + ' colon';
      case 'afterColon':
        return ws(plan.afterColon, 'after') + ' colon';
      case 'trailing':
        return plan.trailing === '\n' ? 'a trailing newline' : `trailing ${WS_NAMES[plan.trailing]}`;
    }
  });
  return parts.length ? parts.join(', ') : 'identical to JSON.stringify';
}
