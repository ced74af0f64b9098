import type { ProviderProfile } from '../../fixtures/profile.js';
import type { HeaderStyle, SignedRequest } from './scheme.js';
import { schemeFor } from './index.js';
import { buildFromRecipe, type RecipeChange, type ReplayRecipe } from '../recipe.js';

/** Offsets (seconds) the timestamp checks use: twice the 5-min window each way, and half of it. */
export const STALE_OFFSET_SEC = -600;
export const FUTURE_OFFSET_SEC = 600;
export const WITHIN_WINDOW_OFFSET_SEC = -150;

/**
 * A named way to change the valid delivery, as a recipe change: the checks send
 * these, `hookgate replay` rebuilds them, and the signing tests verify every one
 * against the official libraries — one definition for all three.
 */
export interface NamedVariant {
  name: string;
  description: string;
  expect: 'accept' | 'refuse';
  change: RecipeChange;
}

export function missingHeaderVariants(profile: ProviderProfile, headerStyle?: HeaderStyle): NamedVariant[] {
  const scheme = schemeFor(profile);
  const needed = scheme.verificationHeaders({ headerStyle });
  const ts = scheme.headerNames({ headerStyle }).timestamp;
  return [
    ...needed.map((h) => ({ name: `missing:${h}`, description: `${h} missing`, expect: 'refuse' as const, change: { variant: `missing:${h}`, removeHeaders: [h] } })),
    { name: 'missing-all', description: `all of ${needed.join(', ')} missing`, expect: 'refuse', change: { variant: 'missing-all', removeHeaders: needed } },
    // parseInt('soon') is NaN, and NaN > 300 is false: a garbage timestamp slips through the same hole as a missing one.
    { name: 'timestamp-not-a-number', description: `${ts} not a number`, expect: 'refuse', change: { variant: 'timestamp-not-a-number', setHeaders: { [ts]: 'soon' } } },
  ];
}

export function malformedVariants(profile: ProviderProfile, headerStyle?: HeaderStyle): NamedVariant[] {
  const scheme = schemeFor(profile);
  const header = scheme.headerNames({ headerStyle }).signature;
  return scheme.malformedSignatures().map((m) => ({
    name: `malformed:${m.name}`,
    description: m.description,
    expect: 'refuse',
    change: { variant: `malformed:${m.name}`, setHeaders: { [header]: m.value } },
  }));
}

/** Key rotation: the valid v1 entry in any position, unknown versions beside it; and the two ways to get it wrong. */
export function multipleSignatureVariants(profile: ProviderProfile): NamedVariant[] {
  if (!schemeFor(profile).joinSignatures) return [];
  const v = (name: string, description: string, expect: 'accept' | 'refuse', signatures: RecipeChange['signatures']): NamedVariant => ({
    name,
    description,
    expect,
    change: { variant: name, signatures },
  });
  return [
    v('multiple-signatures:first', 'valid signature first of 3', 'accept', ['valid', 'other', 'other']),
    v('multiple-signatures:middle', 'valid signature second of 3', 'accept', ['other', 'valid', 'other']),
    v('multiple-signatures:last', 'valid signature last of 3', 'accept', ['other', 'other', 'valid']),
    v('unknown-versions', 'v1a and v2 entries before the valid v1', 'accept', ['v1a', 'v2-valid', 'valid']),
    v('all-signatures-wrong', 'three v1 entries, none valid', 'refuse', ['other', 'other', 'other']),
    v('valid-under-unknown-version', 'the right bytes labelled v2 (only v1 is HMAC)', 'refuse', ['v2-valid']),
  ];
}

export function namedVariants(profile: ProviderProfile, body: Buffer, headerStyle?: HeaderStyle): NamedVariant[] {
  return [
    { name: 'valid', description: 'correctly signed', expect: 'accept', change: { variant: 'valid' } },
    { name: 'wrong-secret', description: 'signed with another secret', expect: 'refuse', change: { variant: 'wrong-secret', wrongSecret: true } },
    { name: 'stale-timestamp', description: 'timestamp 10 min old', expect: 'refuse', change: { variant: 'stale-timestamp', timestampOffsetSec: STALE_OFFSET_SEC } },
    { name: 'future-timestamp', description: 'timestamp 10 min ahead', expect: 'refuse', change: { variant: 'future-timestamp', timestampOffsetSec: FUTURE_OFFSET_SEC } },
    { name: 'within-window', description: 'timestamp 2.5 min old', expect: 'accept', change: { variant: 'within-window', timestampOffsetSec: WITHIN_WINDOW_OFFSET_SEC } },
    {
      name: 'tampered-body',
      description: 'one byte of the body changed after signing',
      expect: 'refuse',
      change: { variant: 'tampered-body', sentBody: flipLastDigitOrByte(body).toString('base64') },
    },
    ...missingHeaderVariants(profile, headerStyle),
    ...malformedVariants(profile, headerStyle),
    ...multipleSignatureVariants(profile),
  ];
}

export interface VariantRequest extends NamedVariant {
  request: SignedRequest;
}

/** Every named variant of one message, built exactly as a check or `replay` builds it. */
export function variantRequests(
  o: { profile: ProviderProfile; secret: string; messageId: string; webhookId: string; body: Buffer; headerStyle?: HeaderStyle; now?: number },
): VariantRequest[] {
  const base: Omit<ReplayRecipe, 'variant'> = { type: 'x', messageId: o.messageId, signedBody: o.body.toString('base64'), headerStyle: o.headerStyle ?? 'svix' };
  return namedVariants(o.profile, o.body, o.headerStyle).map((v) => ({
    ...v,
    request: buildFromRecipe({ profile: o.profile, secret: o.secret, webhookId: o.webhookId, now: o.now }, { ...base, ...v.change }),
  }));
}

/** A minimal content change: flip a digit if there is one (still valid JSON), else the last byte. */
export function flipLastDigitOrByte(body: Buffer): Buffer {
  const out = Buffer.from(body);
  for (let i = out.length - 1; i >= 0; i--) {
    const c = out[i];
    if (c >= 0x30 && c <= 0x39) {
      out[i] = c === 0x39 ? 0x30 : c + 1;
      return out;
    }
  }
  if (out.length > 0) out[out.length - 1] ^= 0x01;
  return out;
}
