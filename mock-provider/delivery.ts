import type { ProviderProfile } from '../fixtures/profile.js';
import type { SignInput, SignOptions, SignedRequest } from './signing/index.js';
import { signDelivery, nowSec } from './signing/index.js';

/** One message as the provider would deliver it, before signing: its dedup key and exact body. */
export interface Message {
  type: string;
  /** The dedup key: `svix-id` for Svix providers, the envelope `id` for OmniSales. */
  messageId: string;
  body: Buffer;
  /** The id(s) inside the data a receiver acts on (fetch-back counts by it); ','-joined when several. */
  entityId?: string;
}

/** Per-endpoint facts that are not part of the message: OmniSales's X-Webhook-ID names the endpoint configuration. */
export interface EndpointIdentity {
  webhookId: string;
}

/** What the scheme signs for this message: Svix signs the message id, OmniSales carries the endpoint's id. */
export function signInputFor(profile: ProviderProfile, msg: Message, endpoint: EndpointIdentity, timestamp = nowSec()): SignInput {
  return { id: profile.scheme === 'svix-v1' ? msg.messageId : endpoint.webhookId, timestamp, body: msg.body };
}

/** A correctly signed request for `msg`, timestamped now (each attempt is re-signed with a fresh timestamp). */
export function signedRequestFor(
  profile: ProviderProfile,
  secret: string,
  msg: Message,
  endpoint: EndpointIdentity,
  opts?: SignOptions & { timestamp?: number },
): SignedRequest {
  return signDelivery(profile, secret, signInputFor(profile, msg, endpoint, opts?.timestamp), opts);
}
