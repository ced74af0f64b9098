import { HookgateError } from '../fixtures/hookgate-error.js';
import { getProfile } from '../fixtures/index.js';
import type { ProviderProfile } from '../fixtures/profile.js';

/** The provider's profile; absent or unknown is a HookgateError that names the choices (exit 2). */
export function requireProvider(name: string | undefined): ProviderProfile {
  if (!name) {
    throw new HookgateError('BAD_OPTION', 'no provider given', 'pass --provider optipick|dimmy|omnisales (or set HOOKGATE_PROVIDER)');
  }
  return getProfile(name);
}
