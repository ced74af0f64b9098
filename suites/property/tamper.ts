// Content changes made after signing, for `signature.tampered-body`: the receiver must refuse every one.
// Plans are plain data carrying what the change was (paths, old and new values), so a report can say it.
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../fixtures/profile.js';
import { jsonEqual, parseJsonBytes } from './json-text.js';

export type JsonPath = (string | number)[];
export type Leaf = string | number | boolean;

export type Tamper =
  /** The leaf at `path` set from `from` to `to`, then the body re-serialised with compact JSON.stringify. */
  | { kind: 'change-leaf'; path: JsonPath; from: Leaf; to: Leaf }
  /** `key` added to the object at `path`. */
  | { kind: 'add-key'; path: JsonPath; key: string; value: JsonValue }
  /** `key` removed from the object at `path`. */
  | { kind: 'remove-key'; path: JsonPath; key: string }
  | { kind: 'flip-bit'; byte: number; bit: number }
  | { kind: 'append'; bytes: number[] }
  /** The last `drop` bytes cut off. */
  | { kind: 'truncate'; drop: number };

type Container = JsonObject | JsonValue[];

function isContainer(v: JsonValue | undefined): v is Container {
  return typeof v === 'object' && v !== null;
}

/** The container at `path`, or undefined when the path does not lead to one. */
function at(root: JsonValue, path: JsonPath): Container | undefined {
  let v: JsonValue | undefined = root;
  for (const seg of path) {
    if (!isContainer(v)) return undefined;
    if (Array.isArray(v)) v = typeof seg === 'number' ? v[seg] : undefined;
    else v = typeof seg === 'string' && Object.hasOwn(v, seg) ? v[seg] : undefined;
  }
  return isContainer(v) ? v : undefined;
}

// defineProperty, not assignment: a JSON key may be "__proto__", which assignment would treat specially.
function setOwn(obj: Container, key: string | number, value: JsonValue): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function walk(v: JsonValue, path: JsonPath, visit: (v: JsonValue, path: JsonPath) => void): void {
  visit(v, path);
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i], visit));
  else if (isContainer(v)) for (const k of Object.keys(v)) walk(v[k], [...path, k], visit);
}

/** The tampered bytes, or undefined when the plan does not fit this body or would change nothing. */
function applyExact(body: Buffer, t: Tamper): Buffer | undefined {
  let out: Buffer | undefined;
  switch (t.kind) {
    case 'flip-bit':
      if (!(t.byte >= 0 && t.byte < body.length) || !(t.bit >= 0 && t.bit <= 7)) return undefined;
      out = Buffer.from(body);
      out[t.byte] ^= 1 << t.bit;
      break;
    case 'append':
      out = Buffer.concat([body, Buffer.from(t.bytes)]);
      break;
    case 'truncate':
      if (!(t.drop >= 1 && t.drop <= body.length)) return undefined;
      out = body.subarray(0, body.length - t.drop);
      break;
    default: {
      const root = parseJsonBytes(body);
      if (root === undefined) return undefined;
      const changed = applyJson(root, t);
      if (changed === undefined) return undefined;
      out = Buffer.from(JSON.stringify(changed), 'utf8');
    }
  }
  return out.equals(body) ? undefined : out;
}

function applyJson(root: JsonValue, t: Tamper): JsonValue | undefined {
  if (t.kind === 'change-leaf') {
    if (t.path.length === 0) return root === t.from ? t.to : undefined;
    const parent = at(root, t.path.slice(0, -1));
    const key = t.path[t.path.length - 1];
    // The old value must match, so the description ("from X to Y") is true of the body sent.
    if (!parent || Array.isArray(parent) !== (typeof key === 'number') || !Object.hasOwn(parent, key)) return undefined;
    if ((parent as Record<string | number, JsonValue>)[key] !== t.from) return undefined;
    setOwn(parent, key, t.to);
    return root;
  }
  if (t.kind !== 'add-key' && t.kind !== 'remove-key') return undefined;
  const obj = at(root, t.path);
  if (!obj || Array.isArray(obj) || Object.hasOwn(obj, t.key) !== (t.kind === 'remove-key')) return undefined;
  if (t.kind === 'add-key') setOwn(obj, t.key, t.value);
  else delete obj[t.key];
  return root;
}

/** `t` when it changes `body`; otherwise the fallback that applyTamper really applies (one flipped bit, or an `x`). */
export function effectiveTamper(body: Buffer, t: Tamper): Tamper {
  if (applyExact(body, t)) return t;
  return body.length > 0 ? { kind: 'flip-bit', byte: body.length - 1, bit: 0 } : { kind: 'append', bytes: [0x78] };
}

/** The body after the change. Deterministic, and always byte-wise different from `body`. */
export function applyTamper(body: Buffer, t: Tamper): Buffer {
  return applyExact(body, effectiveTamper(body, t))!;
}

/**
 * True when `after` differs from `before` in content, not just bytes: a bit flip that turns `e` into `E`
 * in an exponent, or appended whitespace, leaves the JSON the same, and refusing that is not what the
 * check is about (a receiver that re-serialises would accept it and already fails signature.raw-body).
 */
export function changesContent(before: Buffer, after: Buffer): boolean {
  if (before.equals(after)) return false;
  const a = parseJsonBytes(before);
  const b = parseJsonBytes(after);
  return a === undefined || b === undefined || !jsonEqual(a, b);
}

function numberCandidates(n: number): number[] {
  // toPrecision(15) keeps 99.99 + 1 printing as 100.99 rather than 100.99000000000001.
  const tidy = (x: number) => Number(x.toPrecision(15));
  return [tidy(n + 1), tidy(n - 1), n * 10, -n, 1].filter((x) => Number.isFinite(x) && x !== n);
}

function stringCandidates(s: string): string[] {
  const chars = Array.from(s); // code points, so a surrogate pair is never split
  const last = chars.pop();
  const bumped =
    last === undefined ? 'x' : last >= '!' && last < '~' ? String.fromCharCode(last.charCodeAt(0) + 1) : last === 'x' ? 'y' : 'x';
  return [chars.join('') + bumped, s + '1', '', s.toUpperCase()].filter((x) => x !== s);
}

const leafCandidates = (v: Leaf): Leaf[] =>
  typeof v === 'boolean' ? [!v] : typeof v === 'number' ? numberCandidates(v) : stringCandidates(v);

/** Index into a list, shrinking toward its first element (nat shrinks toward 0). */
const pick = <T>(items: T[]) => fc.nat({ max: items.length - 1 }).map((i) => items[i]);

/**
 * Changes for this (signed) body, only ones that change its content. JSON-level changes come first
 * and the oneof cross-shrinks toward them, so a counterexample shrinks toward "changed <first leaf>".
 */
export function tamperArb(body: Buffer): fc.Arbitrary<Tamper> {
  const arbs: fc.Arbitrary<Tamper>[] = [];
  const root = parseJsonBytes(body);
  if (root !== undefined) {
    const leaves: { path: JsonPath; value: Leaf }[] = [];
    const objects: { path: JsonPath; keys: string[] }[] = [];
    walk(root, [], (v, path) => {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') leaves.push({ path, value: v });
      else if (isContainer(v) && !Array.isArray(v)) objects.push({ path, keys: Object.keys(v) });
    });
    if (leaves.length > 0) {
      arbs.push(
        fc.tuple(pick(leaves), fc.nat({ max: 4 })).map(([leaf, j]): Tamper => {
          const c = leafCandidates(leaf.value);
          return { kind: 'change-leaf', path: leaf.path, from: leaf.value, to: c[j % c.length] };
        }),
      );
    }
    const entries = objects.flatMap((o) => o.keys.map((key) => ({ path: o.path, key })));
    if (entries.length > 0) arbs.push(pick(entries).map((e): Tamper => ({ kind: 'remove-key', path: e.path, key: e.key })));
    if (objects.length > 0) {
      arbs.push(
        fc.tuple(pick(objects), pick<JsonValue>([true, 1, 'x', null])).map(([o, value]): Tamper => {
          let key = 'hookgate';
          for (let i = 2; o.keys.includes(key); i++) key = `hookgate${i}`;
          return { kind: 'add-key', path: o.path, key, value };
        }),
      );
    }
  }
  if (body.length > 0) {
    arbs.push(fc.record({ byte: fc.nat({ max: body.length - 1 }), bit: fc.nat({ max: 7 }) }).map((r): Tamper => ({ kind: 'flip-bit', ...r })));
  }
  // Bytes shrink toward 0x78 ('x'): readable in a report, and not JSON whitespace.
  arbs.push(
    fc.array(fc.nat({ max: 255 }).map((b) => (b + 0x78) & 0xff), { minLength: 1, maxLength: 8 }).map((bytes): Tamper => ({ kind: 'append', bytes })),
  );
  if (body.length > 0) arbs.push(fc.integer({ min: 1, max: body.length }).map((drop): Tamper => ({ kind: 'truncate', drop })));
  return fc.oneof({ withCrossShrink: true }, ...arbs).filter((t) => changesContent(body, applyTamper(body, t)));
}

function formatPath(path: JsonPath): string {
  if (path.length === 0) return 'the top-level value';
  return path
    .map((seg, i) =>
      typeof seg === 'number' ? `[${seg}]` : /^[A-Za-z_$][\w$]*$/.test(seg) ? (i === 0 ? seg : `.${seg}`) : `[${JSON.stringify(seg)}]`,
    )
    .join('');
}

function showBytes(bytes: number[]): string {
  const text = bytes
    .map((b) => (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`))
    .join('');
  return `"${text}"`;
}

/** "changed data.amount from 99.99 to 100.99", "flipped bit 3 of byte 41", … */
export function describeTamper(t: Tamper): string {
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
  switch (t.kind) {
    case 'change-leaf':
      return `changed ${formatPath(t.path)} from ${JSON.stringify(t.from)} to ${JSON.stringify(t.to)}`;
    case 'add-key':
      return `added ${formatPath([...t.path, t.key])} = ${JSON.stringify(t.value)}`;
    case 'remove-key':
      return `removed ${formatPath([...t.path, t.key])}`;
    case 'flip-bit':
      return `flipped bit ${t.bit} of byte ${t.byte}`;
    case 'append':
      return `appended ${n(t.bytes.length, 'byte')} ${showBytes(t.bytes)}`;
    case 'truncate':
      return `cut off the last ${n(t.drop, 'byte')}`;
  }
}
