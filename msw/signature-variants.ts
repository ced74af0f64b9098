import type { ProviderProfile } from '../fixtures/index.js';
import { schemeFor, type HeaderStyle } from '../mock-provider/signing/index.js';
import { namedVariants, type NamedVariant } from '../mock-provider/signing/variants.js';

/**
 * The named ways `signedRequest` can build a delivery. They are hookgate's own check variants (the
 * ones `hookgate check` sends and the signing tests verify against the official libraries), with
 * header-neutral names for the missing headers and one representative malformed signature.
 */
export type SignatureVariantName =
  | 'valid'
  | 'within-window'
  | 'wrong-secret'
  | 'stale-timestamp'
  | 'future-timestamp'
  | 'tampered-body'
  | 'missing-signature'
  | 'missing-timestamp'
  | 'missing-id'
  | 'missing-all'
  | 'timestamp-not-a-number'
  | 'malformed-signature'
  | `malformed:${string}`
  | 'multiple-signatures:first'
  | 'multiple-signatures:middle'
  | 'multiple-signatures:last'
  | 'unknown-versions'
  | 'all-signatures-wrong'
  | 'valid-under-unknown-version';

export interface SignatureVariant extends NamedVariant {
  name: SignatureVariantName;
}

/** The malformed value `malformed-signature` stands for: the right length, the wrong alphabet. */
const REPRESENTATIVE_MALFORMED: Record<ProviderProfile['scheme'], string> = { 'svix-v1': 'malformed:not-base64', 'omnisales-hex': 'malformed:not-hex' };

/**
 * Every variant that applies to `profile`, with what a correct receiver does with it. `missing-id`
 * is Svix-only: OmniSales does not sign `X-Webhook-ID`, so a delivery without it is no forgery.
 */
export function signatureVariants(profile: ProviderProfile, body: Buffer, headerStyle?: HeaderStyle): SignatureVariant[] {
  const names = schemeFor(profile).headerNames({ headerStyle });
  const rename: Record<string, SignatureVariantName> = {
    [`missing:${names.signature}`]: 'missing-signature',
    [`missing:${names.timestamp}`]: 'missing-timestamp',
    [`missing:${names.id}`]: 'missing-id',
  };
  const out: SignatureVariant[] = [];
  for (const v of namedVariants(profile, body, headerStyle)) {
    const name = (rename[v.name] ?? v.name) as SignatureVariantName;
    out.push({ ...v, name, change: { ...v.change, variant: name } });
    if (v.name === REPRESENTATIVE_MALFORMED[profile.scheme]) {
      out.push({ ...v, name: 'malformed-signature', change: { ...v.change, variant: 'malformed-signature' } });
    }
  }
  return out;
}
