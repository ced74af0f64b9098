import { newSvixMessageId } from '../../fixtures/index.js';

const KSUID_CHARS = 27;

/**
 * `prefix_` + a 27-char base62 KSUID for `nowMs`: Svix's id shape (`app_`, `ep_`, `msg_`, `atmpt_`, `qtask_`).
 * Pass virtual time: under `--time-scale` ids sort by the API's clock, like every timestamp it shows.
 */
export function newSvixId(prefix: string, nowMs: number = Date.now()): string {
  return `${prefix}_${newSvixMessageId(nowMs).slice(-KSUID_CHARS)}`;
}
