import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HookgateError } from '../fixtures/hookgate-error.js';
import { nearest } from '../fixtures/nearest.js';
import { echo } from '../fixtures/echo.js';

/**
 * One place decides where an option's value comes from: the flag, then
 * HOOKGATE_<NAME> in the environment, then hookgate.config.json in the working
 * directory, then the built-in default. Commander only parses flags (no defaults
 * of its own) so that "not given" can fall through to the next source.
 */
/** `list` is comma-separated; `multi` is a repeatable flag whose values may hold commas (`--header`, `--threshold`): one per line in the environment. */
export type OptType = 'string' | 'int' | 'number' | 'bool' | 'list' | 'multi';

export interface OptSpec {
  key: string;
  type: OptType;
  default?: string | number | boolean | string[];
  choices?: readonly string[];
  /** Lowest accepted value for numbers. */
  min?: number;
  /**
   * Highest accepted value for numbers: every numeric option has one, so a typo can neither make a wait
   * endless (or overflow node's 2^31−1 ms timers), nor a run that never ends, nor a payload that exhausts
   * hookgate's own memory.
   */
  max?: number;
  /** What the number counts and why the range is what it is, shown with a range error: "seconds, at most a day". */
  unit?: string;
  /** A good value to show in hints when the default (or min) would be a poor example. */
  example?: number;
}

export const CONFIG_FILE = 'hookgate.config.json';

export function envName(key: string): string {
  return 'HOOKGATE_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

function flagName(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Reads hookgate.config.json if present. Invalid JSON or a non-object is a BAD_CONFIG error naming the file. */
export function loadConfigFile(cwd: string, knownKeys: readonly string[]): Record<string, unknown> {
  const path = join(cwd, CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    // Absent is fine (every option has another source); anything else in its place is a mistake to name.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    if (code === 'EISDIR') throw new HookgateError('BAD_CONFIG', `./${CONFIG_FILE} is a directory, not a file`, `remove or rename that directory, or make ./${CONFIG_FILE} one JSON object such as {"provider": "optipick"}`);
    throw new HookgateError('BAD_CONFIG', `cannot read ./${CONFIG_FILE} (${code ?? (e as Error).message})`, `make it a readable file holding one JSON object, or remove it`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new HookgateError('BAD_CONFIG', `${CONFIG_FILE} is not valid JSON: ${(e as Error).message}`, `fix or remove ./${CONFIG_FILE} (it must be one JSON object such as {"provider": "optipick"})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HookgateError('BAD_CONFIG', `${CONFIG_FILE} must contain a JSON object`, `write it as {"provider": "optipick", "url": "http://127.0.0.1:3000/webhook"}`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) {
    const key = camel(k);
    if (!knownKeys.includes(key)) {
      const near = nearest(key, knownKeys);
      throw new HookgateError('BAD_CONFIG', `${CONFIG_FILE} has an unknown key "${echo(k)}"`, near ? `did you mean "${near}"?` : `known keys: ${knownKeys.join(', ')}`);
    }
    out[key] = v;
  }
  return out;
}

/** A value the option accepts, for hints: a choice, the default, or the lowest allowed number. */
function exampleValue(spec: OptSpec): string | number | boolean | string[] {
  if (spec.choices) return spec.choices[0];
  switch (spec.type) {
    case 'bool':
      return true;
    case 'int':
    case 'number':
      return spec.example ?? (typeof spec.default === 'number' ? spec.default : (spec.min ?? 0));
    case 'list':
    case 'multi':
      return Array.isArray(spec.default) && spec.default.length ? spec.default : ['a', 'b'];
    case 'string':
      return typeof spec.default === 'string' ? spec.default : 'text';
  }
}

/** How to write a good value where the bad one came from (a hint that only named the flag again would add nothing). */
function badValueHint(spec: OptSpec, source: string): string {
  const ex = exampleValue(spec);
  const choices = spec.choices ? ` (one of: ${spec.choices.join(', ')})` : '';
  if (source === 'flag') return `e.g. ${flagName(spec.key)} ${Array.isArray(ex) ? ex.join(',') : ex}${choices}`;
  if (source === 'env') return `set it like ${envName(spec.key)}=${Array.isArray(ex) ? ex.join(',') : ex}${choices}, or unset it`;
  return `write it like "${spec.key}": ${JSON.stringify(ex)}${choices} in ./${CONFIG_FILE}, or remove it`;
}

const unitNote = (spec: OptSpec): string => (spec.unit ? ` (${spec.unit})` : '');

function convert(spec: OptSpec, raw: unknown, source: string): unknown {
  const where = source === 'flag' ? flagName(spec.key) : source === 'env' ? envName(spec.key) : `"${spec.key}" in ${CONFIG_FILE}`;
  const bad = (expected: string) => new HookgateError('BAD_OPTION', `${where} must be ${expected}`, badValueHint(spec, source));
  switch (spec.type) {
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0' || raw === '') return false;
      throw bad('true or false');
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n) || (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw bad(`${spec.min !== undefined ? `an integer from ${spec.min}${spec.max !== undefined ? ` to ${spec.max}` : ' up'}` : 'an integer'}${unitNote(spec)}`);
      }
      return n;
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n) || (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        const range = spec.min !== undefined && spec.max !== undefined ? ` from ${spec.min} to ${spec.max}` : `${spec.min !== undefined ? ` ≥ ${spec.min}` : ''}${spec.max !== undefined ? ` ≤ ${spec.max}` : ''}`;
        throw bad(`a number${range}${unitNote(spec)}`);
      }
      return n;
    }
    case 'list': {
      const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : null;
      if (!list) throw bad('a comma-separated list');
      return list.map((s) => s.trim()).filter(Boolean);
    }
    case 'multi': {
      const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split('\n') : null;
      if (!list) throw bad('a list of values');
      return list.map((s) => s.trim()).filter(Boolean);
    }
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number') throw bad('a string');
      const s = String(raw);
      if (spec.choices && !spec.choices.includes(s)) throw bad(`one of: ${spec.choices.join(', ')}`);
      return s;
    }
  }
}

export interface ResolveSources {
  flags: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  config?: Record<string, unknown>;
}

/** Resolves every spec'd option; absent ones without a default stay undefined. */
export function resolveOptions(specs: readonly OptSpec[], src: ResolveSources): Record<string, unknown> {
  const env = src.env ?? process.env;
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const flag = src.flags[spec.key];
    const fromEnv = env[envName(spec.key)];
    const fromConfig = src.config?.[spec.key];
    if (flag !== undefined) out[spec.key] = convert(spec, flag, 'flag');
    else if (fromEnv !== undefined && fromEnv !== '') out[spec.key] = convert(spec, fromEnv, 'env');
    else if (fromConfig !== undefined) out[spec.key] = convert(spec, fromConfig, 'config');
    else out[spec.key] = spec.default;
  }
  return out;
}
