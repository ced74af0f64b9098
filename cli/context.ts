import { HookgateError } from '../fixtures/hookgate-error.js';
import { maskUrl } from '../fixtures/mask.js';
import { getProfile } from '../fixtures/index.js';
import type { ProviderProfile } from '../fixtures/profile.js';
import type { Io } from './io.js';
import { loadConfigFile, resolveOptions, type OptSpec } from './options.js';
import { knownConfigKeys } from './option-specs.js';

/** Resolves a command's options from flags, environment and config file. */
export function resolveFor<T>(specs: OptSpec[], flags: Record<string, unknown>, io: Io): T {
  const config = loadConfigFile(io.cwd, knownConfigKeys());
  return resolveOptions(specs, { flags, env: io.env, config }) as T;
}

export function requireProvider(name: string | undefined): ProviderProfile {
  if (!name) {
    throw new HookgateError('BAD_OPTION', 'no provider given', 'pass --provider optipick|dimmy|omnisales (or set HOOKGATE_PROVIDER)');
  }
  return getProfile(name);
}

/** Accepts http(s) URLs only; the message names the bad value and what a good one looks like. */
export function requireUrl(raw: string | undefined, flag = '--url'): URL {
  if (!raw) throw new HookgateError('BAD_URL', `no ${flag} given`, `pass ${flag} http://127.0.0.1:3000/webhook (the receiver's webhook endpoint)`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HookgateError('BAD_URL', `${flag} "${maskUrl(raw)}" is not a valid URL`, `give a full URL with scheme and host, e.g. http://127.0.0.1:3000/webhook`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HookgateError('BAD_URL', `${flag} "${maskUrl(raw)}" is not an http(s) URL`, 'webhooks are delivered over http:// or https://, e.g. http://127.0.0.1:3000/webhook');
  }
  return url;
}
