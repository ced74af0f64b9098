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

/** Every key hookgate.config.json may hold (the union over commands); unknown ones are an error. */
export function knownConfigKeys(): string[] {
  return [...new Set([...EVENTS_OPTIONS, ...SEND_OPTIONS].map((s) => s.key))];
}
