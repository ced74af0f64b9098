/*
 * Fixed-width ids for the load generator. Every id a request carries is a constant part, fixed
 * for one generator (a per-run random part and the shard/worker namespace), followed by a
 * fixed-width counter, so a request template keeps its offsets and the hot path writes only
 * the counter's characters.
 */
import { randomBytes } from 'node:crypto';
import { HookgateError } from '../../fixtures/hookgate-error.js';
import type { ProviderProfile } from '../../fixtures/profile.js';

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const HEX = '0123456789abcdef';
const BASE62_CODES = Buffer.from(BASE62, 'latin1');
const HEX_CODES = Buffer.from(HEX, 'latin1');

/** Message-id counter widths: 62^9 ≈ 1.4e16 Svix ids, 16^10 ≈ 1.1e12 OmniSales ids per generator. */
const SVIX_COUNTER_CHARS = 9;
const EVT_COUNTER_CHARS = 10;
/** Entity counters: 16^10 ≈ 1.1e12 entity ids per generator. */
export const ENTITY_COUNTER_CHARS = 10;
export const TIMESTAMP_CHARS = 10;
/** `2025-01-16T10:30:00Z` */
export const CREATED_AT_CHARS = 20;

/**
 * Placeholders: fixed-width ASCII marked with `~`, which no catalog arbitrary produces and JSON
 * never escapes. A template locates each one once (it must occur exactly once) and the hot path
 * overwrites it in place.
 */
export const PLACEHOLDER = {
  messageCounter: (width: number) => '~M'.padEnd(width, '~'),
  timestamp: '~S'.padEnd(TIMESTAMP_CHARS, '~'),
  signature: (width: number) => '~G'.padEnd(width, '~'),
  createdAt: '~C'.padEnd(CREATED_AT_CHARS, '~'),
  entity: (slot: number) => `~E${slot.toString(36)}`.padEnd(ENTITY_COUNTER_CHARS, '~'),
};

/** A message id as a constant head plus a counter of `counterChars` characters of `alphabet`. */
export interface MessageIdShape {
  /** `msg_` + 18 base62, or `evt_` + 22 hex: random per generator, then the namespace. */
  fixed: string;
  counterChars: number;
  /** Digit codes of the counter's alphabet (base62 or hex). */
  digits: Uint8Array;
}

const NAMESPACE = /^[0-9a-z]{0,6}$/;

/**
 * `idPrefix` (0–6 characters of [0-9a-z]) as a 32-bit number, bijectively (base 37 with 0 as
 * "no character"; 37^6 < 2^32), so distinct prefixes give distinct ids whatever their lengths.
 */
export function namespaceNumber(idPrefix: string): number {
  if (!NAMESPACE.test(idPrefix)) {
    throw new HookgateError('BAD_OPTION', `invalid id namespace "${idPrefix}"`, 'use 0 to 6 characters of [0-9a-z], one distinct value per shard/worker');
  }
  let n = 0;
  for (const ch of idPrefix) n = n * 37 + 1 + parseInt(ch, 36);
  // Scrambled (xor, then times an odd number mod 2^32: still a bijection) so ids do not show runs of zeros.
  return Math.imul((n ^ 0x2545f491) >>> 0, 0x9e3779b1) >>> 0;
}

function fixedWidth(n: number, width: number, alphabet: string): string {
  let s = '';
  for (let i = 0; i < width; i++) {
    s = alphabet[n % alphabet.length] + s;
    n = Math.floor(n / alphabet.length);
  }
  return s;
}

function randomChars(alphabet: string, n: number): string {
  // 256 is not a multiple of 62: a slight bias on a few characters costs nothing here.
  return Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
}

/**
 * Svix: `msg_` + 12 random base62 + 6 namespace + 9 counter = the 27 characters of a KSUID, as
 * the provider's own ids. OmniSales: `evt_` + 14 random hex + 8 namespace + 10 counter = 32 hex.
 */
export function messageIdShape(profile: Pick<ProviderProfile, 'scheme'>, namespace: number): MessageIdShape {
  if (profile.scheme === 'svix-v1') {
    return { fixed: `msg_${randomChars(BASE62, 12)}${fixedWidth(namespace, 6, BASE62)}`, counterChars: SVIX_COUNTER_CHARS, digits: BASE62_CODES };
  }
  return { fixed: `evt_${randomChars(HEX, 14)}${fixedWidth(namespace, 8, HEX)}`, counterChars: EVT_COUNTER_CHARS, digits: HEX_CODES };
}

/** The constant part of every entity id of one generator: 8 hex namespace + 14 random hex. */
export function entityTag(namespace: number): string {
  return fixedWidth(namespace, 8, HEX) + randomChars(HEX, 14);
}

/** A random start for the entity counter (below 2^32, leaving 2^40 − 2^32 values), so two runs never walk the same ids. */
export function entityCounterStart(): number {
  return randomBytes(4).readUInt32BE(0);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX24 = /^[0-9a-f]{24}$/i;

/**
 * An entity id in the shape of `original`, made of the generator's `tag` and an entity-counter
 * placeholder: a UUID stays a v4 UUID, a 24-hex id stays 24 hex, `ord_x7k2p9` becomes
 * `ord_` + 24 hex (the guide's prefix, a longer body as real ids have).
 */
export function entityIdTemplate(original: string, tag: string, placeholder: string): string {
  if (UUID.test(original)) {
    const variant = '89ab'[parseInt(tag[20], 16) & 3];
    return `${tag.slice(0, 8)}-${tag.slice(8, 12)}-4${tag.slice(12, 15)}-${variant}${tag.slice(15, 18)}-${tag.slice(18, 20)}${placeholder}`;
  }
  const head = HEX24.test(original) ? '' : original.slice(0, original.lastIndexOf('_') + 1);
  return head + tag.slice(0, 14) + placeholder;
}

/** Writes `value` as `width` digits (most significant first) at `offset`. */
export function writeDigits(buf: Buffer, offset: number, value: number, width: number, digits: Uint8Array): void {
  const radix = digits.length;
  for (let i = offset + width - 1; i >= offset; i--) {
    const q = Math.floor(value / radix);
    buf[i] = digits[value - q * radix];
    value = q;
  }
}

export function writeHex(buf: Buffer, offset: number, value: number, width: number): void {
  writeDigits(buf, offset, value, width, HEX_CODES);
}
