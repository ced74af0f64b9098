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

/** The three header roles every scheme has; `id` is informational for OmniSales. */
export interface HeaderNames {
  id: string;
  timestamp: string;
  signature: string;
}

/** A named malformed signature header value (empty, wrong length, wrong alphabet, huge, non-ASCII). */
export interface MalformedSignature {
  name: string;
  description: string;
  value: string;
}

export interface SignatureScheme {
  name: 'svix-v1' | 'omnisales-hex';
  /** A fresh secret in the provider's format (`whsec_…`). */
  generateSecret(): string;
  /** Throws HookgateError BAD_SECRET when `secret` is not in the provider's format. Never echoes the secret. */
  validateSecret(secret: string, providerName: string): void;
  headerNames(opts?: SignOptions): HeaderNames;
  /** Headers that verification needs (a receiver must refuse when any is missing). */
  verificationHeaders(opts?: SignOptions): string[];
  /** One signature value as the header carries it (`v1,<base64>` or `<hex>`). */
  signatureValue(secret: string, input: SignInput): string;
  /** The id, timestamp and signature headers of a correct delivery. */
  sign(secret: string, input: SignInput, opts?: SignOptions): Record<string, string>;
  /** Joins several signature values into one header value, when the scheme allows several (Svix: space-separated). */
  joinSignatures?(values: string[]): string;
  /** Signature values that are syntactically broken in named ways. */
  malformedSignatures(): MalformedSignature[];
}

/** A request ready to send: headers and the exact body bytes. */
export interface SignedRequest {
  headers: Record<string, string>;
  body: Buffer;
}
