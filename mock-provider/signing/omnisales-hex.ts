import { createHmac, randomBytes } from 'node:crypto';
import { HookgateError } from '../../fixtures/hookgate-error.js';
import type { HeaderNames, MalformedSignature, SignatureScheme } from './scheme.js';
import { nonAsciiHeaderValue } from './header-bytes.js';

const NAMES: HeaderNames = { id: 'x-webhook-id', timestamp: 'x-webhook-timestamp', signature: 'x-webhook-signature' };

/**
 * Lowercase hex HMAC-SHA256 of the raw body, keyed with the whole secret string as UTF-8
 * (`whsec_` included) — exactly what the OmniSales guide's examples compute. The timestamp is not signed.
 */
export function omnisalesSignature(secret: string, body: Buffer): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex');
}

export const omnisalesHex: SignatureScheme = {
  name: 'omnisales-hex',
  generateSecret() {
    return 'whsec_' + randomBytes(24).toString('hex');
  },
  validateSecret(secret, providerName) {
    // The guide only ever shows `whsec_…`; anything else is almost always a pasted API key or a Svix secret's tail.
    if (!/^whsec_\S{8,}$/.test(secret)) {
      throw new HookgateError(
        'BAD_SECRET',
        `the secret is not in the ${providerName} secret format (expected whsec_ followed by at least 8 characters, no spaces)`,
        'use the "secret" returned when the webhook was created (POST /api/webhooks), or omit --secret to have one generated',
      );
    }
  },
  headerNames() {
    return NAMES;
  },
  // X-Webhook-ID names the endpoint configuration; it is not part of verification.
  verificationHeaders() {
    return [NAMES.signature, NAMES.timestamp];
  },
  signatureValue(secret, input) {
    return omnisalesSignature(secret, input.body);
  },
  sign(secret, input) {
    return {
      [NAMES.id]: input.id,
      [NAMES.timestamp]: String(input.timestamp),
      [NAMES.signature]: omnisalesSignature(secret, input.body),
    };
  },
  malformedSignatures(): MalformedSignature[] {
    return [
      { name: 'empty', description: 'an empty signature header', value: '' },
      { name: 'wrong-length', description: 'a 32-character hex signature instead of 64', value: randomBytes(16).toString('hex') },
      { name: 'not-hex', description: 'a 64-character value that is not hex', value: 'zq'.repeat(32) },
      { name: 'uppercase-other', description: 'a 64-character uppercase hex value that is not the signature', value: randomBytes(32).toString('hex').toUpperCase() },
      { name: 'huge', description: 'a 10 kB signature header', value: 'a'.repeat(10 * 1024) },
      { name: 'non-ascii', description: 'a signature header with non-ASCII (UTF-8) bytes', value: nonAsciiHeaderValue('sïgnätürë€✓'.padEnd(64, 'é')) },
    ];
  },
};
