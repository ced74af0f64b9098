import fc from 'fast-check';
import { buildMessage, getProfile, newWebhookId, resolveEvent, type JsonObject } from '../fixtures/index.js';
import { buildFromRecipe } from '../mock-provider/recipe.js';
import { nowSec, schemeFor, type HeaderStyle } from '../mock-provider/signing/index.js';
import { signatureVariants, type SignatureVariantName } from './signature-variants.js';

export interface SignedRequestOptions {
  /** `optipick`, `dimmy` or `omnisales` (case-insensitive). */
  provider: string;
  /** An event type of the provider's catalog, e.g. `cluster.optimized` (`hookgate events` lists them). */
  type: string;
  /** The secret your receiver verifies with (`whsec_…`). Checked for the provider's format, never echoed. */
  secret: string;
  /** Default `http://localhost/webhook`. */
  url?: string;
  /**
   * The event's data (Svix: the whole body; OmniSales: the envelope's `data`). Default: one
   * realistic sample of the type's payload generator, with fresh ids (`seed` makes it repeatable).
   */
  data?: JsonObject;
  /** The message id, which receivers deduplicate on: `svix-id` (`msg_…`), or the OmniSales envelope `id` (`evt_…`). Default: fresh. */
  id?: string;
  /** OmniSales `X-Webhook-ID` (the webhook configuration's id; not signed). Default: fresh. */
  webhookId?: string;
  /** When it is signed (unix seconds or a Date); default now. The variant's offset applies on top. */
  timestamp?: number | Date;
  /** How to break it; default `'valid'`. `signatureVariantNames(provider)` lists what applies. */
  variant?: SignatureVariantName;
  /** Svix providers: `svix-*` (default) or `webhook-*` (Standard Webhooks) header names. */
  headerStyle?: HeaderStyle;
  /** Seed for the default `data`. */
  seed?: number;
}

export interface SignedWebhook {
  /** A Web `Request` (POST) for a fetch-style handler; every read of this property is a new one, since a body can be read once. */
  request: Request;
  /** The headers as sent, lowercase names, for node-style handlers (Express `req.headers`, `svix`'s `Webhook.verify`). */
  headers: Record<string, string>;
  /** The exact body bytes sent (for a tampered body: not the bytes signed). */
  body: Buffer;
  url: string;
  /** The variant's name and a description of it ("timestamp 10 min old"). */
  variant: SignatureVariantName;
  description: string;
  /** What a correct receiver does with it: answer 2xx and process it, or refuse it with a 4xx. */
  expect: 'accept' | 'refuse';
  type: string;
  /** The message id (the dedup key). */
  id: string;
  /** The id inside the data the receiver acts on (OptiPick `request_id`, Dimmy item ids joined with ','; '' when absent). */
  entityId: string;
  /** The data the body carries. */
  data: JsonObject;
  /** Unix seconds in the timestamp header (variant offsets included). */
  timestamp: number;
}

/**
 * One webhook delivery exactly as the provider sends it — signed by hookgate's signing code, or
 * broken in one named way — for unit tests of a receiver's handler, with no server and no network.
 */
export function signedRequest(opts: SignedRequestOptions): SignedWebhook {
  const profile = getProfile(opts.provider);
  const scheme = schemeFor(profile);
  scheme.validateSecret(opts.secret, profile.displayName);
  const event = resolveEvent(profile, opts.type);
  const data = opts.data ?? fc.sample(event.arbitrary(), { numRuns: 1, seed: opts.seed })[0];
  const msg = buildMessage(profile, opts.type, data, { messageId: opts.id });
  const headerStyle = opts.headerStyle ?? 'svix';
  const name = opts.variant ?? 'valid';
  const variant = signatureVariants(profile, msg.body, headerStyle).find((v) => v.name === name);
  if (!variant) throw new TypeError(unknownVariant(name, profile.displayName, variantNames(opts.provider, headerStyle)));
  const now = opts.timestamp === undefined ? nowSec() : opts.timestamp instanceof Date ? Math.floor(opts.timestamp.getTime() / 1000) : opts.timestamp;
  const signed = buildFromRecipe(
    { profile, secret: opts.secret, webhookId: opts.webhookId ?? newWebhookId(), now },
    { type: opts.type, messageId: msg.messageId, signedBody: msg.body.toString('base64'), headerStyle, ...variant.change },
  );
  const url = opts.url ?? 'http://localhost/webhook';
  return {
    get request() {
      // A getter: each read is a new Request, since a Request's body can be consumed only once.
      return new Request(url, { method: 'POST', headers: signed.headers, body: new Uint8Array(signed.body) });
    },
    headers: signed.headers,
    body: signed.body,
    url,
    variant: name,
    description: variant.description,
    expect: variant.expect,
    type: opts.type,
    id: msg.messageId,
    entityId: msg.entityId,
    data: msg.data,
    timestamp: now + (variant.change.timestampOffsetSec ?? 0),
  };
}

/** The variant names `signedRequest` accepts for a provider (every `malformed:*` kind included). */
export function variantNames(provider: string, headerStyle?: HeaderStyle): SignatureVariantName[] {
  return signatureVariants(getProfile(provider), Buffer.from('{}'), headerStyle).map((v) => v.name);
}

function unknownVariant(name: string, provider: string, known: readonly string[]): string {
  const why = name === 'missing-id' ? ` (${provider} does not sign X-Webhook-ID, so a delivery without it is no forgery)` : '';
  return `unknown signature variant "${name}" for ${provider}${why}; known: ${known.join(', ')}`;
}
