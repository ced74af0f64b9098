import type { RetryPolicy } from '../../fixtures/profile.js';
import { describeResult, isSuccessResult, type AttemptResult } from './attempt.js';
import { nextDelayMs, type ScheduleOptions } from './schedule.js';
import type { AttemptCompletion, AttemptRecord, DeadLetterReason, Delivery, DeliveryUpdate, EndpointUpdate, InFlightAttempt, StoredEndpoint } from './store.js';

export interface CompletionInput {
  delivery: Delivery;
  started: InFlightAttempt;
  /** Absent when the attempt was in flight at a crash: nothing is known about it. */
  result?: AttemptResult;
  /** Without a result: how long (real ms) the attempt is taken to have lasted, i.e. until the engine learned it failed. */
  elapsedMs?: number;
  /** The engine gave up on the attempt (stop, crash), whatever the receiver did. */
  interrupted: boolean;
  /** The endpoint as stored now (undefined: removed). */
  endpoint?: StoredEndpoint;
  /** Virtual ms when the attempt ended. */
  endedAt: number;
  retry: RetryPolicy;
  schedule: ScheduleOptions;
  disableAfterMs: number | null;
  ids: { attempt: string; deadLetter: string };
}

export interface CompletionDecision extends AttemptCompletion {
  /** This failure crossed the disable threshold: the endpoint's other waiting deliveries must be parked. */
  disablesEndpoint: boolean;
}

/**
 * What one finished attempt changes, decided without I/O. Rules: success only on 2xx; a failure is
 * retried after the schedule's next delay, which starts when the attempt ended (so the next attempt's
 * virtual offset is this offset + this attempt's duration + the delay); after the last attempt, or when
 * the endpoint is (or becomes) disabled, the delivery is dead-lettered. An endpoint is disabled when it
 * has failed without a single success for `disableAfterMs` of virtual time. An interrupted attempt
 * counts as a failed attempt for the schedule but not against the endpoint: the fault was ours.
 */
export function decideCompletion(i: CompletionInput): CompletionDecision {
  const { delivery: d, started, result, interrupted, endpoint, endedAt } = i;
  const success = !interrupted && result !== undefined && isSuccessResult(result);
  const latencyMs = result?.latencyMs ?? i.elapsedMs ?? 0;
  // Built field by field rather than from conditional spreads: this runs once per attempt and the
  // spreads were the single most expensive line in the bench.
  const record: AttemptRecord = {
    id: i.ids.attempt,
    deliveryId: started.deliveryId,
    msgId: d.msgId,
    endpointId: d.endpointId,
    n: started.n,
    virtualOffsetMs: started.virtualOffsetMs,
    virtualAt: started.virtualAt,
    startedAt: result?.startedAt ?? started.startedAt,
    trigger: started.trigger,
    latencyMs,
    outcome: success ? 'success' : interrupted ? 'interrupted' : 'fail',
  };
  if (started.timestamp !== undefined) record.timestamp = started.timestamp;
  if (result && 'status' in result) {
    record.status = result.status;
    if (result.responseBody !== undefined) record.responseBody = result.responseBody;
  } else if (result) {
    record.error = result.error;
    if (result.message !== undefined) record.errorMessage = result.message;
  }
  if (interrupted) {
    record.error = 'interrupted';
    record.errorMessage = result ? 'aborted when the engine stopped' : 'in flight when the engine stopped; no answer recorded';
  }

  let endpointPatch: EndpointUpdate | undefined;
  let disablesEndpoint = false;
  if (success) {
    if (endpoint && endpoint.failingSince !== null) endpointPatch = { failingSince: null };
  } else if (!interrupted && endpoint && !endpoint.disabled) {
    const since = Math.min(endpoint.failingSince ?? started.virtualAt, started.virtualAt);
    disablesEndpoint = i.disableAfterMs !== null && endedAt - since >= i.disableAfterMs;
    if (disablesEndpoint) endpointPatch = { failingSince: since, disabled: true, disabledAt: endedAt };
    else if (since !== endpoint.failingSince) endpointPatch = { failingSince: since };
  }

  const update: DeliveryUpdate = {
    state: 'pending',
    attemptsMade: started.n,
    dueAt: d.dueAt,
    nextOffsetMs: started.virtualOffsetMs + latencyMs,
    nextTrigger: 'scheduled',
  };
  let deadReason: DeadLetterReason | undefined;
  if (success) {
    update.state = 'delivered';
  } else if (!endpoint || endpoint.disabled || disablesEndpoint) {
    deadReason = 'endpoint-disabled';
  } else {
    const delay = nextDelayMs(i.retry, started.n, i.schedule);
    if (delay === null) deadReason = 'exhausted';
    else Object.assign(update, { dueAt: endedAt + delay, nextOffsetMs: update.nextOffsetMs + delay });
  }
  if (deadReason) update.state = 'dead';

  return {
    record,
    delivery: update,
    endpoint: endpointPatch,
    deadLetter: deadReason && {
      id: i.ids.deadLetter,
      deliveryId: d.id,
      msgId: d.msgId,
      endpointId: d.endpointId,
      at: endedAt,
      reason: deadReason,
      attempts: started.n,
      lastError: result ? describeResult(result) : 'interrupted',
    },
    disablesEndpoint,
  };
}
