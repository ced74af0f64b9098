import type { Attempt } from '../../mock-provider/sender.js';
import type { ProviderProfile } from '../../fixtures/profile.js';

/**
 * OmniSales's best-practice answer to a duplicate: 200 `{"received": true, "duplicate": true}`.
 * A convention, not protocol, so it only ever counts as evidence when present.
 */
export function flaggedDuplicate(a: Attempt, profile: ProviderProfile): boolean {
  // Only OmniSales documents the flag; for Svix providers a body proves nothing about processing.
  if (profile.scheme !== 'omnisales-hex') return false;
  if (a.outcome.kind !== 'response' || a.outcome.status < 200 || a.outcome.status > 299) return false;
  try {
    const v = JSON.parse(a.outcome.body.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && (v as { duplicate?: unknown }).duplicate === true;
  } catch {
    return false;
  }
}
