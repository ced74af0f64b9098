import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderProfile } from '../fixtures/profile.js';
import { schemeFor, nowSec, type HeaderStyle, type SignedRequest } from './signing/index.js';
import { signInputFor } from './delivery.js';

/** One entry of a signature header built from a recipe: the valid one, one from another secret, or unknown versions. */
export type SignatureEntry = 'valid' | 'other' | 'v1a' | 'v2-valid';

/**
 * How to build a delivery, as data: the variant of the valid request a check sent.
 * The same recipe rebuilds the request later (`hookgate replay`) with a fresh
 * timestamp, so evidence never goes stale and no signature is ever built by hand.
 */
export interface ReplayRecipe {
  variant: string;
  type: string;
  messageId: string;
  /** The exact bytes signed, base64 (any byte survives JSON). */
  signedBody: string;
  /** Present when the body sent differs from the body signed (tampering). */
  sentBody?: string;
  headerStyle: HeaderStyle;
  timestampOffsetSec?: number;
  /** Signed with another secret: rebuilt with a fresh random one. */
  wrongSecret?: boolean;
  /** The signature header as a list of entries (key rotation, unknown versions). */
  signatures?: SignatureEntry[];
  /** Headers removed after signing. */
  removeHeaders?: string[];
  /** Headers replaced after signing (malformed values, content-type variants). */
  setHeaders?: Record<string, string>;
}

/** What a check changes relative to the valid delivery; `variant` names it in evidence. */
export type RecipeChange = Partial<Omit<ReplayRecipe, 'type' | 'messageId' | 'signedBody' | 'headerStyle'>> & { variant: string };

export interface RecipeEnv {
  profile: ProviderProfile;
  secret: string;
  /** OmniSales X-Webhook-ID of the endpoint being exercised. */
  webhookId: string;
  /** Unix seconds "now"; the recipe's offset is applied to it. */
  now?: number;
  /** Where `@evidence/…` body references resolve (the report folder). */
  baseDir?: string;
}

/** A recipe body of `@evidence/….body` lives in a file beside results.json instead of inline base64. */
export const ATTACHMENT_PREFIX = '@';

export function decodeBody(b64: string, baseDir?: string): Buffer {
  if (b64.startsWith(ATTACHMENT_PREFIX)) {
    if (!baseDir) throw new Error(`body ${b64} is a file reference and no folder was given to resolve it`);
    return readFileSync(join(baseDir, b64.slice(ATTACHMENT_PREFIX.length)));
  }
  return Buffer.from(b64, 'base64');
}

/** Builds the request a recipe describes, signed now. */
export function buildFromRecipe(env: RecipeEnv, r: ReplayRecipe): SignedRequest {
  const scheme = schemeFor(env.profile);
  const signedBody = decodeBody(r.signedBody, env.baseDir);
  const input = signInputFor(
    env.profile,
    { type: r.type, messageId: r.messageId, body: signedBody },
    { webhookId: env.webhookId },
    (env.now ?? nowSec()) + (r.timestampOffsetSec ?? 0),
  );
  const secret = r.wrongSecret ? scheme.generateSecret() : env.secret;
  const opts = { headerStyle: r.headerStyle };
  const headers: Record<string, string> = { ...env.profile.staticHeaders, ...scheme.sign(secret, input, opts) };
  if (r.signatures) {
    if (!scheme.joinSignatures) throw new Error(`${scheme.name} carries one signature only`);
    const valid = scheme.signatureValue(secret, input);
    const bytes = valid.slice(valid.indexOf(',') + 1);
    const entries = r.signatures.map((e) => {
      switch (e) {
        case 'valid':
          return valid;
        case 'other':
          return scheme.signatureValue(scheme.generateSecret(), input);
        case 'v1a':
          return `v1a,${Buffer.alloc(64, 7).toString('base64')}`;
        case 'v2-valid':
          return `v2,${bytes}`;
      }
    });
    headers[scheme.headerNames(opts).signature] = scheme.joinSignatures(entries);
  }
  for (const h of r.removeHeaders ?? []) delete headers[h];
  Object.assign(headers, r.setHeaders ?? {});
  return { headers, body: r.sentBody !== undefined ? decodeBody(r.sentBody, env.baseDir) : signedBody };
}
