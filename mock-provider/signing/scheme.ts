/** What a signature scheme signs: the delivery id header value, this attempt's timestamp, the exact body bytes. */
export interface SignInput {
  /** Svix: the message id (`msg_…`). OmniSales: the `X-Webhook-ID` (the endpoint configuration's id). */
  id: string;
  /** Unix seconds of this attempt. */
  timestamp: number;
  body: Buffer;
}

export type HeaderStyle = 'svix' | 'standard';

export interface SignOptions {
  /** Svix providers only: `svix-*` (default) or `webhook-*` header names. */
  headerStyle?: HeaderStyle;
}

/** A request ready to send: headers and the exact body bytes. */
export interface SignedRequest {
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * A named way to build a request. `expect: 'accept'` variants must verify with a
 * correct receiver; `expect: 'refuse'` ones must not.
 */
export interface Variant {
  name: string;
  description: string;
  expect: 'accept' | 'refuse';
  request: SignedRequest;
}

export interface SignatureScheme {
  name: 'svix-v1' | 'omnisales-hex';
  /** A fresh secret in the provider's format (`whsec_…`). */
  generateSecret(): string;
  /** Throws HookgateError BAD_SECRET when `secret` is not in the provider's format. */
  validateSecret(secret: string): void;
  /** Signature-related headers (plus nothing else) for a correct delivery. */
  signatureHeaders(secret: string, input: SignInput, opts?: SignOptions): Record<string, string>;
  /** Names of the headers verification needs, in the header style given. */
  verificationHeaders(opts?: SignOptions): string[];
}
