import { X509Certificate } from 'node:crypto';
import { HookgateError } from '../fixtures/hookgate-error.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * PEM text of one or more CA certificates, checked: node's TLS quietly ignores a `ca` it cannot
 * parse, which would surface later as "certificate not trusted" with the real cause hidden.
 * `source` names where it came from (`--ca ./ca.pem`) in the error.
 */
export function caPem(pem: string | Buffer, source = 'ca'): string {
  const text = Buffer.isBuffer(pem) ? pem.toString('utf8') : pem;
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (!blocks.length) {
    throw new HookgateError('BAD_CA', `${source} holds no PEM certificate (no "-----BEGIN CERTIFICATE-----" block)`, 'give the CA certificate in PEM form (openssl x509 -in ca.der -inform der -out ca.pem converts DER)');
  }
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (e) {
      throw new HookgateError('BAD_CA', `${source}: certificate ${i + 1} of ${blocks.length} does not parse (${(e as Error).message})`, 'give the CA certificate in PEM form, as `openssl x509 -in ca.pem -noout -text` reads it');
    }
  }
  return blocks.join('\n') + '\n';
}
