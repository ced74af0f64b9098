import type { Io } from './io.js';
import { loadConfigFile, resolveOptions, type OptSpec } from './options.js';
import { knownConfigKeys } from './option-specs.js';

/** Resolves a command's options from flags, environment and config file. */
export function resolveFor<T>(specs: OptSpec[], flags: Record<string, unknown>, io: Io): T {
  const config = loadConfigFile(io.cwd, knownConfigKeys());
  return resolveOptions(specs, { flags, env: io.env, config }) as T;
}

// The API validates the same way (api/): one wording whichever door the input came through.
export { requireProvider } from '../api/require-provider.js';
export { requireUrl } from '../api/require-url.js';
