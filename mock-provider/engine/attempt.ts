import type { TransportErrorKind } from '../sender.js';
import type { Delivery, StoredEndpoint, StoredMessage, Trigger } from './store.js';

/** What one HTTP attempt came to: a status, or a transport error. Latency is real ms. */
export type AttemptResult = { latencyMs: number; startedAt?: number /* wall epoch ms */ } & (
  | { status: number; responseBody?: string }
  | { error: TransportErrorKind; message?: string }
);

/** Everything `deliver` needs to make one attempt. */
export interface DeliveryJob {
  delivery: Delivery;
  message: StoredMessage;
  endpoint: StoredEndpoint;
  /** 1-based attempt number within this delivery. */
  attempt: number;
  trigger: Trigger;
  /** Virtual ms the attempt starts at: a rotated secret still inside its grace period at this time signs too. */
  at: number;
  /** Aborted when the dispatcher stops and will not wait any longer: give up the request. */
  signal: AbortSignal;
}

/**
 * Makes one attempt. Transport failures must come back as an `error` result; a rejection is still
 * caught and recorded as error `other` (the dispatcher never lets a target's failure escape).
 */
export type DeliverFn = (job: DeliveryJob) => Promise<AttemptResult>;

/** 2xx only: 3xx, 4xx, 5xx and every transport error are failed attempts. */
export function isSuccessResult(r: AttemptResult): boolean {
  return 'status' in r && r.status >= 200 && r.status < 300;
}

/** `HTTP 500` / `timeout: no response within 20000 ms`: one line for dead letters and logs. */
export function describeResult(r: AttemptResult): string {
  if ('status' in r) return `HTTP ${r.status}`;
  return r.message ? `${r.error}: ${r.message}` : r.error;
}
