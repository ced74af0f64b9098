import { randomFillSync } from 'node:crypto';
import { base62Of20Bytes, ksuidHead } from '../../fixtures/ids.js';


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

/**
 * `prefix_` + a 27-char base62 KSUID for `nowMs`: Svix's id shape (`app_`, `ep_`, `msg_`, `atmpt_`, `qtask_`).
 * Pass virtual time: under `--time-scale` ids sort by the API's clock, like every timestamp it shows.
 */
export function newSvixId(prefix: string, nowMs: number = Date.now()): string {
  const bytes = ksuidHead(nowMs);
  counterLo = (counterLo + 1) >>> 0;
  if (counterLo === 0) counterHi = (counterHi + 1) >>> 0;
  const view = new DataView(bytes.buffer);
  view.setUint32(4, counterHi);
  view.setUint32(8, counterLo);
  random8(bytes, 12);
  return `${prefix}_${base62Of20Bytes(bytes)}`;
}
