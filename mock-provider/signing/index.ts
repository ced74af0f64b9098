import type { ProviderProfile, SchemeName } from '../../fixtures/profile.js';
import type { SignatureScheme, SignedRequest, SignInput, SignOptions } from './scheme.js';
import { svixV1 } from './svix-v1.js';
import { omnisalesHex } from './omnisales-hex.js';

export type { SignatureScheme, SignedRequest, SignInput, SignOptions, HeaderStyle } from './scheme.js';

const SCHEMES: Record<SchemeName, SignatureScheme> = { 'svix-v1': svixV1, 'omnisales-hex': omnisalesHex };

export function schemeFor(profile: Pick<ProviderProfile, 'scheme'>): SignatureScheme {
  return SCHEMES[profile.scheme];
}

/** A complete, correctly signed delivery of `input` for `profile`: static headers plus signature headers. */
export function signDelivery(profile: ProviderProfile, secret: string, input: SignInput, opts?: SignOptions): SignedRequest {
  return { headers: { ...profile.staticHeaders, ...schemeFor(profile).sign(secret, input, opts) }, body: input.body };
}

export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}
