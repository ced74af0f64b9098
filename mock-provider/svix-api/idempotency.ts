import { createHash } from 'node:crypto';

const IDEMPOTENCY_TTL_MS = 12 * 3600_000;
const IDEMPOTENCY_MAX_KEYS = 10_000;

export interface Remembered {
  status: number;
  body: unknown;
  at: number;
}

/**
 * Svix's idempotency: a repeated `idempotency-key` (per token and URL) on a POST replays the first 2xx
 * answer for 12 hours. One cache per serve, shared by the express routes and the raw message route
 * (serve-fast.ts), so a key is remembered whichever path answered it.
 */
export interface IdempotencyCache {
  /** The remembered answer for this key and URL, or how to remember the answer about to be given. */
  claim(key: string, url: string): { hit: Remembered } | { remember: (status: number, body: unknown) => void };
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export function idempotencyCache(token: string, now: () => number): IdempotencyCache {
  const cache = new Map<string, Remembered>();
  return {
    claim(key, url) {
      const id = sha256(`${token}:${key}:${url}`).toString('hex');
      const t = now();
      // Insertion order is time order: expire from the front, and bound the size (the client keys every POST).
      for (const [k, v] of cache) {
        if (t - v.at <= IDEMPOTENCY_TTL_MS && cache.size < IDEMPOTENCY_MAX_KEYS) break;
        cache.delete(k);
      }
      const hit = cache.get(id);
      if (hit) return { hit };
      return { remember: (status, body) => void cache.set(id, { status, body, at: t }) };
    },
  };
}

const shared = new WeakMap<object, IdempotencyCache>();

/** The one cache of a serve, keyed by its options object: the express router and the raw route find the same. */
export function sharedIdempotency(owner: object, token: string, now: () => number): IdempotencyCache {
  let c = shared.get(owner);
  if (!c) shared.set(owner, (c = idempotencyCache(token, now)));
  return c;
}
