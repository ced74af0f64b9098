import type { OptSpec } from './options.js';

/** Options shared by the commands that talk to a receiver. */
const target: OptSpec[] = [
  { key: 'provider', type: 'string' },
  { key: 'url', type: 'string' },
  { key: 'secret', type: 'string' },
  { key: 'headerStyle', type: 'string', choices: ['svix', 'standard'], default: 'svix' },
];

export const EVENTS_OPTIONS: OptSpec[] = [{ key: 'provider', type: 'string' }, { key: 'json', type: 'bool', default: false }];

export const SEND_OPTIONS: OptSpec[] = [
  ...target,
  { key: 'event', type: 'string' },
  { key: 'data', type: 'string' },
  { key: 'dryRun', type: 'bool', default: false },
  { key: 'timeout', type: 'int', min: 1 },
];

export const CHECK_OPTIONS: OptSpec[] = [
  ...target,
  { key: 'only', type: 'list' },
  { key: 'skip', type: 'list' },
  { key: 'out', type: 'string', default: './hookgate-report' },
  { key: 'seed', type: 'int', min: 0 },
  { key: 'runs', type: 'int', min: 1, default: 50 },
  { key: 'events', type: 'list' },
  { key: 'strict', type: 'bool', default: false },
  { key: 'start', type: 'string' },
  { key: 'readyUrl', type: 'string' },
  { key: 'readyTimeout', type: 'int', min: 1, default: 30 },
  { key: 'largeSize', type: 'int', min: 1 },
  { key: 'concurrency', type: 'int', min: 1, default: 4 },
  { key: 'list', type: 'bool', default: false },
  { key: 'effectsUrl', type: 'string' },
  { key: 'apiPort', type: 'int', min: 0 },
  { key: 'settleMs', type: 'int', min: 0, max: 60_000, default: 500 },
];

export const SERVE_OPTIONS: OptSpec[] = [
  { key: 'provider', type: 'string' },
  { key: 'target', type: 'string' },
  { key: 'secret', type: 'string' },
  { key: 'port', type: 'int', min: 0, max: 65535, default: 8040 },
  { key: 'host', type: 'string', default: '127.0.0.1' },
  { key: 'token', type: 'string' },
  { key: 'store', type: 'string', default: './.hookgate/serve.db' },
  { key: 'timeScale', type: 'number', min: 0.000001, default: 1 },
  { key: 'jitter', type: 'number', min: 0, max: 1, default: 0 },
  { key: 'timeout', type: 'int', min: 1 },
  { key: 'maxAttempts', type: 'int', min: 1, max: 100 },
];

export const LOAD_OPTIONS: OptSpec[] = [
  ...target,
  { key: 'duration', type: 'number', min: 0.1, max: 86_400, default: 10 },
  { key: 'warmup', type: 'number', min: 0, max: 3_600, default: 0 },
  { key: 'connections', type: 'int', min: 1, max: 10_000, default: 10 },
  { key: 'rate', type: 'number', min: 0.1, max: 1_000_000 },
  { key: 'maxInflight', type: 'int', min: 1, max: 100_000, default: 1_000 },
  { key: 'duplicates', type: 'number', min: 0, max: 1, default: 0 },
  { key: 'large', type: 'number', min: 0, max: 1, default: 0 },
  { key: 'largeSize', type: 'int', min: 1, max: 256 * 1024 * 1024 },
  { key: 'header', type: 'multi', default: [] },
  { key: 'threshold', type: 'multi', default: [] },
  { key: 'allowInvalid', type: 'bool', default: false },
  { key: 'effectsUrl', type: 'string' },
  { key: 'settleMs', type: 'int', min: 0, max: 60_000, default: 500 },
  { key: 'events', type: 'list' },
  { key: 'seed', type: 'int', min: 0 },
  { key: 'workers', type: 'int', min: 1, max: 64, default: 1 },
  { key: 'timeout', type: 'number', min: 0.001, max: 86_400 },
  { key: 'out', type: 'string', default: './hookgate-load' },
  { key: 'findMax', type: 'bool', default: false },
  { key: 'startRate', type: 'number', min: 0.1, max: 1_000_000, default: 100 },
  { key: 'stepDuration', type: 'number', min: 0.1, max: 3_600, default: 10 },
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
