import { HookgateError } from '../../fixtures/hookgate-error.js';
import { nearest } from '../../fixtures/nearest.js';
import { echo } from '../../fixtures/echo.js';
import type { Check } from '../types.js';
import { valid } from './signature/valid.js';
import { rawBody } from './signature/raw-body.js';
import { tamperedBody } from './signature/tampered-body.js';
import { wrongSecret } from './signature/wrong-secret.js';
import { missingHeaders } from './signature/missing-headers.js';
import { staleTimestamp } from './signature/stale-timestamp.js';
import { futureTimestamp } from './signature/future-timestamp.js';
import { withinWindow } from './signature/within-window.js';
import { multipleSignatures } from './signature/multiple-signatures.js';
import { rejectionIs4xx } from './status/rejection-is-4xx.js';
import { malformedSignature } from './status/malformed-signature.js';
import { unknownEventType } from './status/unknown-event-type.js';
import { contentTypeVariants } from './status/content-type-variants.js';
import { largePayload } from './status/large-payload.js';
import { redelivery } from './dedup/redelivery.js';
import { concurrent } from './dedup/concurrent.js';
import { distinctEvents } from './dedup/distinct-events.js';
import { latencyBudget } from './timeout/latency-budget.js';
import { abandonedRequest } from './timeout/abandoned-request.js';
import { retryRecovery } from './delivery/retry-recovery.js';

/** Every check, in report order. Adding a family is adding modules here, not changing the runner. */
export const CATALOG: readonly Check[] = [
  valid,
  rawBody,
  tamperedBody,
  wrongSecret,
  missingHeaders,
  staleTimestamp,
  futureTimestamp,
  withinWindow,
  multipleSignatures,
  rejectionIs4xx,
  malformedSignature,
  unknownEventType,
  contentTypeVariants,
  largePayload,
  redelivery,
  concurrent,
  distinctEvents,
  latencyBudget,
  abandonedRequest,
  retryRecovery,
];

function matches(id: string, pattern: string): boolean {
  return id === pattern || (pattern.endsWith('.') ? id.startsWith(pattern) : id.startsWith(pattern + '.'));
}

function validate(patterns: string[], flag: string, catalog: readonly Check[]): void {
  for (const p of patterns) {
    if (catalog.some((c) => matches(c.id, p))) continue;
    const near = nearest(p, catalog.map((c) => c.id));
    throw new HookgateError('UNKNOWN_CHECK', `${flag} names no check: "${echo(p)}"`, `${near ? `did you mean "${near}"? ` : ''}ids are listed by \`hookgate check --list\`; a prefix such as "signature." selects a family`);
  }
}

/** `--only` / `--skip` by id or prefix ("signature." or "signature"); unknown ones are a usage error. */
export function selectChecks(only: string[] | undefined, skip: string[] | undefined, catalog: readonly Check[] = CATALOG): Check[] {
  validate(only ?? [], '--only', catalog);
  validate(skip ?? [], '--skip', catalog);
  return catalog.filter((c) => (!only?.length || only.some((p) => matches(c.id, p))) && !(skip ?? []).some((p) => matches(c.id, p)));
}
