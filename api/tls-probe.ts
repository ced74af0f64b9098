import { connect } from 'node:tls';
import { isIP } from 'node:net';
import { HookgateError } from '../fixtures/hookgate-error.js';
import { tlsConnectOptions, type TlsTrust } from '../suites/tls-trust.js';

/** How long the handshake may take before the probe leaves the verdict to the run itself. */
const PROBE_TIMEOUT_MS = 10_000;

/** node's codes for "the certificate is not one we trust for this host". */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * One TLS handshake with an https:// receiver before anything is sent: a certificate hookgate does
 * not trust would otherwise fail every request as "transport error" and every check with it. Only
 * that is decided here (exit 3, with the fix); refused, reset or slow is left to the run, which
 * reports those in its own words. Nothing is sent over the connection.
 */
export async function assertTlsTrusted(url: URL, trust: TlsTrust | undefined): Promise<void> {
  if (url.protocol !== 'https:' || trust?.insecure) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const s = connect({ host, port: Number(url.port || 443), ...(isIP(host) ? {} : { servername: host }), ...tlsConnectOptions(trust) });
    const done = (e?: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      s.destroy();
      resolve(e);
    };
    const timer = setTimeout(() => done(), PROBE_TIMEOUT_MS);
    s.once('secureConnect', () => done());
    s.once('error', (e: NodeJS.ErrnoException) => done(e));
  });
  if (!error?.code || !UNTRUSTED.has(error.code)) return;
  throw new HookgateError(
    'TLS_UNTRUSTED',
    `cannot verify the TLS certificate of ${url.origin}: ${error.message}${trust?.ca ? ' (not even with the CA given)' : ''}`,
    trust?.ca ? 'give --ca the certificate of the CA that signed the receiver\'s certificate (PEM), or --insecure to skip verification (testing only)' : 'pass --ca FILE with the CA that signed it (PEM), or --insecure to skip verification (testing only)',
  );
}
