import { parse as parseYaml, YAMLParseError } from 'yaml';
import { HookgateError } from '../../fixtures/hookgate-error.js';
import { getProfile, resolveEvent } from '../../fixtures/index.js';
import { nearest } from '../../fixtures/nearest.js';
import type { ProviderName } from '../../fixtures/profile.js';
import { folderNames } from './folder-name.js';

/*
 * `check --targets FILE`: the integrators to validate, from JSON or YAML (a YAML 1.2 parser reads
 * both; JSON files get JSON's own error messages). Everything is validated before any request
 * leaves, so a typo in target 400 fails the run at once, not an hour in. A secret written inline
 * is taken but never echoed: errors name the target and the key, never a value.
 */

export interface Target {
  /** As written in the file (shown in the index, escaped). */
  name: string;
  /** `name` made safe as a folder name, unique in the run. */
  folder: string;
  provider: ProviderName;
  url: string;
  secret: string;
  events?: string[];
  effectsUrl?: string;
  headers: Array<[string, string]>;
}

const KEYS = ['name', 'provider', 'url', 'secret', 'secretEnv', 'events', 'effectsUrl', 'headers'] as const;

const bad = (file: string, message: string, hint: string) => new HookgateError('BAD_CONFIG', `targets file ${file}: ${message}`, hint);

/** The document's values, from the text of `file` (JSON by extension, else YAML, which also reads JSON). */
export function parseTargetsText(text: string, file: string): unknown {
  if (/\.json$/i.test(file)) {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw bad(file, `not valid JSON (${(e as Error).message})`, 'fix the JSON: a list of {"name", "provider", "url", "secretEnv"} objects');
    }
  }
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : '';
    const first = ((e as Error).message.split('\n')[0] ?? '').slice(0, 200);
    throw bad(file, `not valid YAML${where} (${first})`, 'fix the YAML: a list of entries with name, provider, url and secretEnv');
  }
}

/**
 * The targets of a parsed document: a list, or `{targets: [...]}`. `env` resolves `secretEnv`.
 * Throws a HookgateError (exit 2) naming the first problem and how to fix it.
 */
export function readTargets(doc: unknown, file: string, env: Readonly<Record<string, string | undefined>>): Target[] {
  const list = Array.isArray(doc) ? doc : isObject(doc) && Array.isArray(doc.targets) ? doc.targets : undefined;
  if (!list) throw bad(file, 'must be a list of targets (or an object with a "targets" list)', 'e.g. - {name: acme, provider: optipick, url: https://acme.example/webhook, secretEnv: ACME_SECRET}');
  if (list.length === 0) throw bad(file, 'lists no targets', 'add at least one {name, provider, url, secret | secretEnv} entry');
  const partial = list.map((entry, i) => readTarget(entry, i, file, env));
  const folders = folderNames(partial.map((t) => t.name));
  return partial.map((t, i) => ({ ...t, folder: folders[i] }));
}

function readTarget(entry: unknown, i: number, file: string, env: Readonly<Record<string, string | undefined>>): Omit<Target, 'folder'> {
  const at = `target ${i + 1}`;
  if (!isObject(entry)) throw bad(file, `${at} is not an object`, 'each target is {name, provider, url, secret | secretEnv, events?, effectsUrl?, headers?}');
  for (const key of Object.keys(entry)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      const near = nearest(key, KEYS);
      throw bad(file, `${at} has an unknown key "${key.slice(0, 60)}"`, near ? `did you mean "${near}"?` : `the keys are ${KEYS.join(', ')}`);
    }
  }
  const name = entry.name;
  if (typeof name !== 'string' || !name.trim()) throw bad(file, `${at} has no name`, 'give every target a name (it names its report folder)');
  const who = `target "${printable(name)}"`;
  const text = (key: string): string | undefined => {
    const v = entry[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || !v.trim()) throw bad(file, `${who}: ${key} must be a non-empty string`, `e.g. ${key}: ${key === 'secretEnv' ? 'ACME_SECRET' : '…'}`);
    return v.trim();
  };
  const providerText = text('provider');
  if (!providerText) throw bad(file, `${who} has no provider`, 'add provider: optipick, dimmy or omnisales');
  let provider: ProviderName;
  try {
    provider = getProfile(providerText).name;
  } catch (e) {
    throw bad(file, `${who}: ${(e as Error).message}`, (e as HookgateError).hint ?? 'use optipick, dimmy or omnisales');
  }
  const url = text('url');
  if (!url) throw bad(file, `${who} has no url`, 'add the receiver URL, e.g. url: https://acme.example/webhook');
  checkUrl(url, `${who}: url`, file);
  const effectsUrl = text('effectsUrl');
  if (effectsUrl) checkUrl(effectsUrl, `${who}: effectsUrl`, file);
  const secret = readSecret(entry, who, file, env);
  const events = entry.events;
  if (events !== undefined && (!Array.isArray(events) || events.length === 0 || !events.every((e) => typeof e === 'string' && e.trim()))) {
    throw bad(file, `${who}: events must be a non-empty list of event types`, 'e.g. events: [order.created, order.updated], or leave it out for all');
  }
  for (const e of (events as string[] | undefined) ?? []) {
    try {
      resolveEvent(getProfile(provider), e.trim());
    } catch (err) {
      throw bad(file, `${who}: ${(err as Error).message}`, (err as HookgateError).hint ?? `hookgate events --provider ${provider} lists them`);
    }
  }
  return { name: name.trim(), provider, url, secret, ...(events ? { events: (events as string[]).map((e) => e.trim()) } : {}), ...(effectsUrl ? { effectsUrl } : {}), headers: readHeaders(entry.headers, who, file) };
}

function readSecret(entry: Record<string, unknown>, who: string, file: string, env: Readonly<Record<string, string | undefined>>): string {
  const inline = entry.secret;
  const fromEnv = entry.secretEnv;
  if (inline !== undefined && fromEnv !== undefined) throw bad(file, `${who} has both secret and secretEnv`, 'keep one: secretEnv keeps the secret out of the file');
  if (inline !== undefined) {
    // The value is never part of a message: an error names the key only.
    if (typeof inline !== 'string' || !inline) throw bad(file, `${who}: secret must be a non-empty string`, 'or use secretEnv: NAME_OF_AN_ENVIRONMENT_VARIABLE');
    return inline;
  }
  if (fromEnv === undefined) throw bad(file, `${who} has no secret`, 'add secretEnv: NAME (an environment variable holding it) or secret: …');
  if (typeof fromEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(fromEnv)) throw bad(file, `${who}: secretEnv must name an environment variable`, 'e.g. secretEnv: ACME_WEBHOOK_SECRET');
  const value = env[fromEnv];
  if (!value) throw bad(file, `${who}: environment variable ${fromEnv} (secretEnv) is not set`, `export ${fromEnv}=… before running hookgate`);
  return value;
}

function readHeaders(v: unknown, who: string, file: string): Array<[string, string]> {
  if (v === undefined || v === null) return [];
  const hint = 'headers: {X-Gateway-Key: …} or a list of "Name: value" strings';
  if (Array.isArray(v)) {
    return v.map((h) => {
      const at = typeof h === 'string' ? h.indexOf(':') : -1;
      if (at <= 0) throw bad(file, `${who}: a header is not "Name: value"`, hint);
      return [(h as string).slice(0, at).trim(), (h as string).slice(at + 1).trim()];
    });
  }
  if (!isObject(v)) throw bad(file, `${who}: headers must be a map or a list`, hint);
  return Object.entries(v).map(([k, value]) => {
    if (typeof value !== 'string' && typeof value !== 'number') throw bad(file, `${who}: header ${k.slice(0, 60)} must have a string value`, hint);
    return [k, String(value)];
  });
}

function checkUrl(url: string, what: string, file: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad(file, `${what} is not a URL`, 'use an absolute http:// or https:// URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw bad(file, `${what} must be http:// or https://`, 'use an absolute http:// or https:// URL');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A name as one safe line in an error message. */
function printable(s: string): string {
  const one = s.replace(/[\x00-\x1f\x7f]/g, '?');
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
