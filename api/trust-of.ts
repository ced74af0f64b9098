import type { TlsTrust } from '../suites/tls-trust.js';
import { caPem } from './ca-pem.js';
import type { TransportOptions } from './types.js';

/** The TLS trust a run's options ask for, the CA checked; undefined when the defaults stand. */
export function trustOf(o: TransportOptions): TlsTrust | undefined {
  if (o.ca === undefined && !o.insecure) return undefined;
  return { ...(o.ca !== undefined ? { ca: caPem(o.ca) } : {}), ...(o.insecure ? { insecure: true } : {}) };
}

/** Said once per run, on every surface: a run that verified nothing must never look like one that did. */
export const INSECURE_WARNING = 'TLS certificates are NOT verified (insecure): anyone between hookgate and the receiver could answer in its place; use this for testing only';
