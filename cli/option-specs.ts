import type { OptSpec } from './options.js';

/**
 * Every numeric option has a range (README lists them): a wait of at most a day (node's timers hold at
 * most 2^31−1 ms, about 24.8 days, and fire at once beyond it), runs and concurrency a person would ask
 * for, payloads that leave hookgate's own memory alone, ports and seeds of their real width.
 */
import { DAY_S, MAX_SEED, MAX_RUNS, MAX_CONCURRENCY, MAX_LARGE_SIZE } from '../api/limits.js';
export { DAY_S, MAX_SEED, MAX_RUNS, MAX_CONCURRENCY, MAX_LARGE_SIZE };
export const MAX_TIME_SCALE = 1_000_000;
const SECONDS = 'seconds, at most a day';
const LARGE = 'bytes, at most 256 MiB so the payloads fit in hookgate\'s own memory';
const SEED = 'the seed a previous run printed';
const PORT = '0 picks a free port';

/** Options shared by the commands that talk to a receiver. */
const target: OptSpec[] = [
  { key: 'provider', type: 'string' },
  { key: 'url', type: 'string' },
  { key: 'secret', type: 'string' },
  { key: 'headerStyle', type: 'string', choices: ['svix', 'standard'], default: 'svix' },
];

/** How requests reach it: a gateway's headers, and the trust for an https:// receiver (send, check, load). */
const transport: OptSpec[] = [
  { key: 'header', type: 'multi', default: [] },
  { key: 'ca', type: 'string' },
  { key: 'insecure', type: 'bool', default: false },
];

export const EVENTS_OPTIONS: OptSpec[] = [{ key: 'provider', type: 'string' }, { key: 'json', type: 'bool', default: false }];

export const SEND_OPTIONS: OptSpec[] = [
  ...target,
  ...transport,
  { key: 'event', type: 'string' },
  { key: 'data', type: 'string' },
  { key: 'dryRun', type: 'bool', default: false },
  { key: 'timeout', type: 'int', min: 1, max: DAY_S, unit: SECONDS, example: 30 },
  { key: 'set', type: 'multi', default: [] },
  { key: 'id', type: 'string' },
  { key: 'count', type: 'int', min: 1, max: 10_000, default: 1, unit: 'messages' },
];

export const CHECK_OPTIONS: OptSpec[] = [
  ...target,
  ...transport,
  { key: 'only', type: 'list' },
  { key: 'skip', type: 'list' },
  { key: 'out', type: 'string', default: './hookgate-report' },
  { key: 'seed', type: 'int', min: 0, max: MAX_SEED, unit: SEED },
  { key: 'runs', type: 'int', min: 1, max: MAX_RUNS, default: 50, unit: 'property-based runs per check' },
  { key: 'events', type: 'list' },
  { key: 'strict', type: 'bool', default: false },
  { key: 'start', type: 'string' },
  { key: 'readyUrl', type: 'string' },
  { key: 'readyTimeout', type: 'int', min: 1, max: DAY_S, default: 30, unit: SECONDS },
  { key: 'largeSize', type: 'int', min: 1, max: MAX_LARGE_SIZE, unit: LARGE, example: 1_048_576 },
  { key: 'concurrency', type: 'int', min: 1, max: MAX_CONCURRENCY, default: 4, unit: 'checks at once' },
  { key: 'list', type: 'bool', default: false },
  { key: 'effectsUrl', type: 'string' },
  { key: 'apiPort', type: 'int', min: 0, max: 65535, unit: PORT },
  { key: 'settleMs', type: 'int', min: 0, max: 60_000, default: 500, unit: 'milliseconds, at most a minute' },
  { key: 'timeout', type: 'number', min: 0.001, max: DAY_S, unit: SECONDS, example: 20 },
  { key: 'safe', type: 'bool', default: false },
  { key: 'maxRate', type: 'number', min: 0.01, max: 100_000, unit: 'requests per second to one receiver', example: 5 },
  { key: 'targets', type: 'string' },
  { key: 'targetConcurrency', type: 'int', min: 1, max: 256, default: 8, unit: 'targets at once' },
  { key: 'targetTimeout', type: 'number', min: 1, max: DAY_S, default: 300, unit: SECONDS },
  { key: 'shard', type: 'string' },
];

export const SERVE_OPTIONS: OptSpec[] = [
  { key: 'provider', type: 'string' },
  { key: 'target', type: 'string' },
  { key: 'secret', type: 'string' },
  { key: 'port', type: 'int', min: 0, max: 65535, default: 8040, unit: PORT },
  { key: 'host', type: 'string', default: '127.0.0.1' },
  { key: 'token', type: 'string' },
  { key: 'store', type: 'string', default: './.hookgate/serve.db' },
  { key: 'timeScale', type: 'number', min: 0.000001, max: MAX_TIME_SCALE, default: 1, unit: 'how many times faster than real time; at most a million' },
  { key: 'jitter', type: 'number', min: 0, max: 1, default: 0, unit: 'a fraction of each delay' },
  { key: 'timeout', type: 'int', min: 1, max: DAY_S, unit: SECONDS, example: 30 },
  { key: 'maxAttempts', type: 'int', min: 1, max: 100, unit: 'attempts in all', example: 3 },
];

export const LOAD_OPTIONS: OptSpec[] = [
  ...target,
  ...transport,
  { key: 'duration', type: 'number', min: 0.1, max: DAY_S, default: 10, unit: SECONDS },
  { key: 'warmup', type: 'number', min: 0, max: 3_600, default: 0, unit: 'seconds, at most an hour' },
  { key: 'connections', type: 'int', min: 1, max: 10_000, default: 10 },
  { key: 'rate', type: 'number', min: 0.1, max: 1_000_000, unit: 'requests per second', example: 100 },
  { key: 'maxInflight', type: 'int', min: 1, max: 100_000, default: 1_000 },
  { key: 'duplicates', type: 'number', min: 0, max: 1, default: 0, unit: 'a fraction of the requests' },
  { key: 'large', type: 'number', min: 0, max: 1, default: 0, unit: 'a fraction of the requests' },
  { key: 'largeSize', type: 'int', min: 1, max: MAX_LARGE_SIZE, unit: LARGE, example: 1_048_576 },
  { key: 'threshold', type: 'multi', default: [] },
  { key: 'allowInvalid', type: 'bool', default: false },
  { key: 'effectsUrl', type: 'string' },
  { key: 'settleMs', type: 'int', min: 0, max: 60_000, default: 500, unit: 'milliseconds, at most a minute' },
  { key: 'events', type: 'list' },
  { key: 'seed', type: 'int', min: 0, max: MAX_SEED, unit: SEED },
  { key: 'workers', type: 'int', min: 1, max: 64, default: 1, unit: 'generator threads' },
  { key: 'timeout', type: 'number', min: 0.001, max: DAY_S, unit: SECONDS, example: 30 },
  { key: 'out', type: 'string', default: './hookgate-load' },
  { key: 'findMax', type: 'bool', default: false },
  { key: 'startRate', type: 'number', min: 0.1, max: 1_000_000, default: 100, unit: 'requests per second' },
  { key: 'stepDuration', type: 'number', min: 0.1, max: 3_600, default: 10, unit: 'seconds, at most an hour' },
  { key: 'shard', type: 'string' },
  { key: 'startAt', type: 'string' },
];

export const MERGE_OPTIONS: OptSpec[] = [
  { key: 'out', type: 'string', default: './hookgate-load' },
  { key: 'allowInvalid', type: 'bool', default: false },
];

export const REPLAY_OPTIONS: OptSpec[] = [
  { key: 'secret', type: 'string' },
  { key: 'url', type: 'string' },
];

/** Every key hookgate.config.json may hold (the union over commands); unknown ones are an error. */
export function knownConfigKeys(): string[] {
  return [...new Set([...EVENTS_OPTIONS, ...SEND_OPTIONS, ...CHECK_OPTIONS, ...LOAD_OPTIONS, ...MERGE_OPTIONS, ...REPLAY_OPTIONS, ...SERVE_OPTIONS].map((s) => s.key))];
}
