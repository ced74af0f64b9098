import { randomFillSync } from 'node:crypto';

const KSUID_CHARS = 27;
/** The KSUID epoch (2014-05-13). */
const KSUID_EPOCH_SEC = 1_400_000_000;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// The 16 bytes after the timestamp: an 8-byte counter, then 8 random bytes. The counter starts at a random
// point and counts up, so ids minted in the same second sort in the order they were made: the store's id
// indexes (messages, deliveries, attempts, and the indexes by message and delivery id) then grow at their
// end instead of at a random page of the last second's ids. Measured under bench:serve, random payloads
// dirtied several times more index pages per grouped commit. Still unique: counter and random bytes both.
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;
function random8(into: Uint8Array, at: number): void {
  if (poolOffset + 8 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  into.set(pool.subarray(poolOffset, poolOffset + 8), at);
  poolOffset += 8;
}
const start = Buffer.allocUnsafe(8);
randomFillSync(start);
// Two 32-bit halves; the high half keeps headroom below 2^31 so it never wraps in practice.
let counterHi = start.readUInt32BE(0) >>> 1;
let counterLo = start.readUInt32BE(4);

/** Base62 of a 20-byte big-endian number, left-padded to 27 chars (long division on 32-bit words). */
function base62(bytes: Uint8Array): string {
  const words = [0, 0, 0, 0, 0];
  for (let i = 0; i < 5; i++) words[i] = ((bytes[i * 4] << 24) | (bytes[i * 4 + 1] << 16) | (bytes[i * 4 + 2] << 8) | bytes[i * 4 + 3]) >>> 0;
  const chars = new Array<string>(KSUID_CHARS);
  for (let n = KSUID_CHARS - 1; n >= 0; n--) {
    let rem = 0;
    for (let i = 0; i < 5; i++) {
      // rem < 62 and a word < 2^32: the dividend stays below 2^38, exact in a double.
      const acc = rem * 0x1_0000_0000 + words[i];
      const q = Math.floor(acc / 62);
      rem = acc - q * 62;
      words[i] = q;
    }
    chars[n] = BASE62[rem];
  }
  return chars.join('');
}

/**
 * `prefix_` + a 27-char base62 KSUID for `nowMs`: Svix's id shape (`app_`, `ep_`, `msg_`, `atmpt_`, `qtask_`).
 * Pass virtual time: under `--time-scale` ids sort by the API's clock, like every timestamp it shows.
 */
export function newSvixId(prefix: string, nowMs: number = Date.now()): string {
  const bytes = new Uint8Array(20);
  const secs = Math.max(0, Math.floor(nowMs / 1000) - KSUID_EPOCH_SEC) >>> 0;
  bytes[0] = secs >>> 24;
  bytes[1] = (secs >>> 16) & 0xff;
  bytes[2] = (secs >>> 8) & 0xff;
  bytes[3] = secs & 0xff;
  counterLo = (counterLo + 1) >>> 0;
  if (counterLo === 0) counterHi = (counterHi + 1) >>> 0;
  const view = new DataView(bytes.buffer);
  view.setUint32(4, counterHi);
  view.setUint32(8, counterLo);
  random8(bytes, 12);
  return `${prefix}_${base62(bytes)}`;
}
