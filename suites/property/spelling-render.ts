// Renders a JSON value under a Spelling plan. Deterministic, and it records which options actually
// changed the text, so a report can name only the differences that were really sent.
import type { JsonObject, JsonValue } from '../../fixtures/profile.js';
import { plainNumber, spellNumber } from './json-text.js';
import { DIFFERENCE_FIELDS, STRINGIFY_SPELLING, type DifferenceField, type Spelling, type Ws } from './spelling-plan.js';

const SHORT_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
type WsSlot = 'insideBrackets' | 'beforeComma' | 'afterComma' | 'beforeColon' | 'afterColon';

// mulberry32: a tiny seeded PRNG, so a `shuffled` key order replays from the plan alone.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Renderer {
  /** Options that changed the text somewhere; drives effectiveSpelling. */
  readonly effective = new Set<DifferenceField>();
  private readonly used = new Set<string>();
  private readonly random: () => number;

  constructor(private readonly plan: Spelling) {
    this.random = prng(plan.keySeed);
  }

  document(v: JsonValue): string {
    const p = this.plan;
    if (p.leading) this.effective.add('leading');
    if (p.trailing) this.effective.add('trailing');
    return p.leading + this.value(v, 0) + p.trailing;
  }

  /** Consumes a `first`-scoped option: true the first time (or always, for `all`). */
  private take(option: string, scope: 'first' | 'all'): boolean {
    if (scope === 'first' && this.used.has(option)) return false;
    this.used.add(option);
    return true;
  }

  private ws(slot: WsSlot): Ws {
    const w = this.plan[slot];
    if (!w || !this.take(slot, this.plan.wsScope)) return '';
    this.effective.add(slot);
    return w;
  }

  private newline(depth: number): string {
    const i = this.plan.indent;
    if (!i) return '';
    this.effective.add('indent');
    return i.newline + i.unit.repeat(depth);
  }

  private value(v: JsonValue, depth: number): string {
    if (v === null) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return this.number(v);
    if (typeof v === 'string') return this.string(v);
    if (Array.isArray(v)) return this.container('[', ']', v.map((x) => () => this.value(x, depth + 1)), depth);
    const keys = this.order(Object.keys(v));
    const obj: JsonObject = v;
    return this.container(
      '{',
      '}',
      keys.map((k) => () => this.string(k) + this.ws('beforeColon') + ':' + this.ws('afterColon') + this.value(obj[k], depth + 1)),
      depth,
    );
  }

  // Members are thunks so that `first`-scoped options land in document order.
  private container(open: string, close: string, members: (() => string)[], depth: number): string {
    if (members.length === 0) return open + close;
    let s = open + this.ws('insideBrackets') + this.newline(depth + 1);
    members.forEach((m, i) => {
      if (i > 0) s += this.ws('beforeComma') + ',' + this.ws('afterComma') + this.newline(depth + 1);
      s += m();
    });
    return s + this.ws('insideBrackets') + this.newline(depth) + close;
  }

  private order(keys: string[]): string[] {
    const p = this.plan;
    if (p.keyOrder === 'insertion' || keys.length < 2 || (p.keyScope === 'first' && this.used.has('keyOrder'))) return keys;
    let out: string[];
    if (p.keyOrder === 'reversed') out = [...keys].reverse();
    else if (p.keyOrder === 'sorted') out = [...keys].sort();
    else {
      out = [...keys];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      // A shuffle that happens to be the identity would make `shuffled` a silent no-op: rotate instead.
      if (out.every((k, i) => k === keys[i])) out = [...keys.slice(1), keys[0]];
    }
    // `sorted` may leave an already-sorted object as it is; `first` then moves on to the next object.
    if (out.every((k, i) => k === keys[i])) return keys;
    this.used.add('keyOrder');
    this.effective.add('keyOrder');
    return out;
  }

  private number(n: number): string {
    const p = this.plan;
    const plain = plainNumber(n);
    if (p.numberStyle === 'plain' || Number.isInteger(n) || (p.numberScope === 'first' && this.used.has('number'))) return plain;
    const s = spellNumber(n, p.numberStyle, p.exponentMark);
    if (s === plain) return plain;
    this.used.add('number');
    this.effective.add('numberStyle');
    return s;
  }

  private u(code: number, cause: DifferenceField | null): string {
    const hex = code.toString(16).padStart(4, '0');
    if (cause) this.effective.add(cause);
    if (this.plan.hexCase === 'upper' && /[a-f]/.test(hex)) {
      this.effective.add('hexCase');
      return '\\u' + hex.toUpperCase();
    }
    return '\\u' + hex;
  }

  private string(s: string): string {
    const p = this.plan;
    let out = '"';
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = s.charCodeAt(i + 1);
        // JSON.stringify would emit a lone half as `\udXXX`; many parsers reject or mangle it, so refuse.
        if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
          throw new RangeError(`lone surrogate U+${c.toString(16).toUpperCase()} at index ${i}: no well-formed spelling`);
        }
        out += p.astral === 'escaped' ? this.u(c, 'astral') + this.u(next, 'astral') : s[i] + s[i + 1];
        i++;
      } else if (c >= 0x80) {
        out += p.nonAscii === 'escaped' ? this.u(c, 'nonAscii') : s[i];
      } else if (c === 0x2f && p.escapeSlash) {
        this.effective.add('escapeSlash');
        out += '\\/';
      } else if (p.asciiEscapes === 'all' || (isLetter(c) && this.escapeLetter())) {
        out += this.u(c, 'asciiEscapes');
      } else if (SHORT_ESCAPES[c] !== undefined) {
        out += SHORT_ESCAPES[c];
      } else if (c < 0x20) {
        out += this.u(c, null); // JSON.stringify escapes these too: not a difference by itself
      } else {
        out += s[i];
      }
    }
    return out + '"';
  }

  private escapeLetter(): boolean {
    const mode = this.plan.asciiEscapes;
    return mode === 'letters' || (mode === 'first-letter' && this.take('letter', 'first'));
  }
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function renderPlan(value: JsonValue, plan: Spelling): { text: string; effective: Set<DifferenceField> } {
  const r = new Renderer(plan);
  const text = r.document(value);
  return { text, effective: r.effective };
}

/**
 * True when `text` is what JSON.stringify makes of `value` — or of `text` parsed: a receiver that
 * re-serialises the parsed body would reproduce such a text (e.g. one that only reorders keys) and pass.
 */
export function isStringifyForm(value: JsonValue, text: string): boolean {
  if (text === JSON.stringify(value)) return true;
  try {
    return text === JSON.stringify(JSON.parse(text));
  } catch {
    return false;
  }
}

// A reorder alone is reproduced by a receiver that re-serialises the parsed body, and a text can
// differ from stringify with no option in effect (integers ≥ 1e21 are always plain digits): in both
// cases the plan would test nothing nameable, so a trailing newline is added.
function needsFallback(value: JsonValue, text: string, effective: Set<DifferenceField>): boolean {
  return isStringifyForm(value, text) || ![...effective].some((f) => f !== 'keyOrder');
}

/**
 * The plan as it applies to `value`: options that change nothing in it are reset to the stringify
 * default, and when nothing at all would differ a trailing newline is added. Describe this, not the raw plan.
 */
export function effectiveSpelling(value: JsonValue, plan: Spelling): Spelling {
  const { text, effective } = renderPlan(value, plan);
  const out: Spelling = { ...plan };
  const reset = <K extends keyof Spelling>(k: K) => {
    out[k] = STRINGIFY_SPELLING[k];
  };
  for (const f of DIFFERENCE_FIELDS) if (!effective.has(f)) reset(f);
  if (!['insideBrackets', 'beforeComma', 'afterComma', 'beforeColon', 'afterColon'].some((f) => effective.has(f as DifferenceField))) reset('wsScope');
  if (!effective.has('keyOrder')) (reset('keyScope'), reset('keySeed'));
  if (!effective.has('numberStyle')) (reset('numberScope'), reset('exponentMark'));
  if (needsFallback(value, text, effective)) out.trailing = '\n';
  return out;
}

/**
 * `value` spelled under `plan`. JSON.parse of the result deep-equals `value`, every integer is plain
 * digits, and the text is never the JSON.stringify form (see effectiveSpelling for the fallback).
 * Throws RangeError for a lone surrogate or a non-finite number, which have no faithful spelling.
 */
export function render(value: JsonValue, plan: Spelling): string {
  const { text, effective } = renderPlan(value, plan);
  // plan.trailing is '' here: trailing whitespace would have counted as an effective difference.
  return needsFallback(value, text, effective) ? text + '\n' : text;
}
