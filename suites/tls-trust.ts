import { Agent as HttpsAgent } from 'node:https';
import { createSecureContext, rootCertificates, type ConnectionOptions, type SecureContext } from 'node:tls';

/**
 * How far hookgate trusts an https:// receiver (`--ca FILE`, `--insecure`). Plain data, so a
 * load job carries it into worker threads; each thread builds its own secure context from it.
 */
export interface TlsTrust {
  /** PEM text of extra certificate authorities, trusted beside the system's (Node's bundled roots). */
  ca?: string;
  /** No certificate verification at all: testing only, and every output says so. */
  insecure?: boolean;
}

/**
 * One secure context per trust: node's `ca` option replaces the bundled roots rather than adding
 * to them, so they are put back; building the context once keeps each connection from re-parsing
 * some 150 root certificates.
 */
function secureContextFor(trust: TlsTrust): SecureContext | undefined {
  if (trust.ca === undefined) return undefined;
  return createSecureContext({ ca: [...rootCertificates, trust.ca] });
}

/** Options for `tls.connect` (and agents) that apply `trust`; empty when the defaults stand. */
export function tlsConnectOptions(trust: TlsTrust | undefined): ConnectionOptions {
  if (!trust) return {};
  const secureContext = secureContextFor(trust);
  return { ...(secureContext ? { secureContext } : {}), ...(trust.insecure ? { rejectUnauthorized: false } : {}) };
}

/**
 * A keep-alive agent for https:// requests under `trust`, or undefined when the sender's default
 * agents serve (no trust settings). The caller destroys it when its run ends.
 */
export function httpsAgentFor(trust: TlsTrust | undefined): HttpsAgent | undefined {
  if (!trust || (trust.ca === undefined && !trust.insecure)) return undefined;
  return new HttpsAgent({ keepAlive: true, maxSockets: Infinity, ...tlsConnectOptions(trust) });
}

/** The agent for one request: `httpsAgent` for an https:// URL, the sender's default for http:// (an https agent refuses http). */
export function agentFor(url: string, httpsAgent: HttpsAgent | undefined): HttpsAgent | undefined {
  return httpsAgent && url.startsWith('https:') ? httpsAgent : undefined;
}
