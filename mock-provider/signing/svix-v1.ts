import { createHmac, randomBytes } from 'node:crypto';
import { HookgateError } from '../../fixtures/hookgate-error.js';
import type { HeaderNames, MalformedSignature, SignatureScheme, SignInput, SignOptions } from './scheme.js';
import { nonAsciiHeaderValue } from './header-bytes.js';

const PREFIX = 'whsec_';
// Svix's own accepted pattern for endpoint secrets (SVIX-API.md), prefix optional as the libraries allow.
const SECRET_PATTERN = /^(whsec_)?[A-Za-z0-9+/=]{32,100}$/;

/** The HMAC key: the base64-decoded part after `whsec_`, as the Svix and Standard Webhooks libraries read it. */
export function svixKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}

/** base64 HMAC-SHA256 over the exact bytes `{id}.{timestamp}.{body}`. Built from buffers so non-UTF-8 bodies sign as sent. */
export function svixSignature(secret: string, input: SignInput): string {
  return createHmac('sha256', svixKey(secret))
    .update(`${input.id}.${input.timestamp}.`)
    .update(input.body)
    .digest('base64');
}

function headerNames(opts?: SignOptions): HeaderNames {
  const p = opts?.headerStyle === 'standard' ? 'webhook' : 'svix';
  return { id: `${p}-id`, timestamp: `${p}-timestamp`, signature: `${p}-signature` };
}

export const svixV1: SignatureScheme = {
  name: 'svix-v1',
  generateSecret() {
    // Svix generates 24 random bytes (32 base64 characters).
    return PREFIX + randomBytes(24).toString('base64');
  },
  validateSecret(secret, providerName) {
    if (!SECRET_PATTERN.test(secret) || svixKey(secret).length === 0) {
      throw new HookgateError(
        'BAD_SECRET',
        `the secret is not in the ${providerName} secret format (expected whsec_ followed by 32–100 base64 characters)`,
        `copy the endpoint's "Signing Secret" from the ${providerName} webhook dashboard, or omit --secret to have one generated`,
      );
    }
  },
  headerNames,
  verificationHeaders(opts) {
    const h = headerNames(opts);
    return [h.id, h.timestamp, h.signature];
  },
  signatureValue(secret, input) {
    return `v1,${svixSignature(secret, input)}`;
  },
  sign(secret, input, opts) {
    const h = headerNames(opts);
    return {
      [h.id]: input.id,
      [h.timestamp]: String(input.timestamp),
      [h.signature]: `v1,${svixSignature(secret, input)}`,
    };
  },
  joinSignatures(values) {
    return values.join(' ');
  },
  malformedSignatures(): MalformedSignature[] {
    return [
      { name: 'empty', description: 'an empty signature header', value: '' },
      { name: 'version-only', description: '"v1," with no signature after it', value: 'v1,' },
      { name: 'wrong-length', description: 'a v1 signature of 16 bytes instead of 32', value: `v1,${randomBytes(16).toString('base64')}` },
      { name: 'not-base64', description: 'a v1 signature that is not base64', value: `v1,${'!*~'.repeat(15)}` },
      { name: 'no-version', description: 'a bare base64 value without "v1,"', value: randomBytes(32).toString('base64') },
      { name: 'huge', description: 'a 10 kB signature header', value: `v1,${'A'.repeat(10 * 1024)}` },
      { name: 'non-ascii', description: 'a signature header with non-ASCII (UTF-8) bytes', value: nonAsciiHeaderValue('v1,sïgnätürë€✓') },
    ];
  },
};
