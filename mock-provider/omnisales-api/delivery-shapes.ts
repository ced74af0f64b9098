import type { AttemptSummary, EndpointStats } from '../engine/records.js';
import type { AttemptRecord, DeadLetter, StoredMessage } from '../engine/store.js';

/**
 * The delivery records of the OmniSales API — logs, the dead-letter queue, stats — in the guide's style
 * (snake_case, ISO times), from the store's records. Pure. Times are the one virtual clock: an attempt's
 * `created_at` is its message's time plus its schedule offset, so retries read +1 s, +3 s at any
 * `--time-scale`.
 */

/** How much of a receiver's answer a log keeps (the store keeps 1 KiB). */
export const RESPONSE_PREVIEW_CHARS = 1024;

export const isoMs = (ms: number): string => new Date(ms).toISOString();

export const attemptTime = (r: AttemptRecord): number => r.timestamp ?? r.virtualAt;

/** `HTTP 500`, `timeout: no response within 30000 ms`, `interrupted`; null for a success. */
export function attemptError(r: AttemptRecord): string | null {
  if (r.outcome === 'success') return null;
  if (r.outcome === 'interrupted') return `interrupted: ${r.errorMessage ?? 'serve stopped mid-attempt'}`;
  if (r.status !== undefined) return `HTTP ${r.status}`;
  return r.errorMessage ? `${r.error ?? 'error'}: ${r.errorMessage}` : (r.error ?? 'no answer');
}

const isTest = (m: StoredMessage | undefined): boolean => m?.tags?.includes('test') ?? false;

/** One attempt as `GET /api/webhooks/:id/logs` lists it. */
export function logOut(r: AttemptRecord, webhookId: string, m: StoredMessage | undefined) {
  return {
    id: r.id,
    webhook_id: webhookId,
    event_id: r.msgId,
    event: m?.type ?? null,
    test: isTest(m),
    attempt: r.n,
    trigger: r.trigger,
    success: r.outcome === 'success',
    status_code: r.status ?? null,
    error: attemptError(r),
    response_time_ms: Math.round(r.latencyMs),
    response_body: (r.responseBody ?? '').slice(0, RESPONSE_PREVIEW_CHARS),
    schedule_offset_ms: Math.round(r.virtualOffsetMs),
    created_at: isoMs(attemptTime(r)),
  };
}

/** The envelope a dead letter would deliver again (the exact bytes, parsed); null when not JSON. */
function payloadOf(m: StoredMessage | undefined): unknown {
  if (!m) return null;
  try {
    return JSON.parse(m.body.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

/** One entry of the dead-letter queue (`GET /api/webhooks/:id/replay`); `failure_id` is what replay takes. */
export function failureOut(dl: DeadLetter, webhookId: string, m: StoredMessage | undefined) {
  return {
    failure_id: dl.id,
    webhook_id: webhookId,
    event_id: dl.msgId,
    event: m?.type ?? null,
    reason: dl.reason === 'exhausted' ? 'retries_exhausted' : 'webhook_inactive',
    attempts: dl.attempts,
    last_error: dl.lastError ?? null,
    failed_at: isoMs(dl.at),
    payload: payloadOf(m),
  };
}

/** `GET /api/webhooks/:id/stats` over a window: events by where their delivery stands, attempts, latency. */
export function statsOut(webhookId: string, since: number, until: number, events: EndpointStats, attempts: AttemptSummary, openDeadLetters: number) {
  const failedAttempts = attempts.attempts - attempts.succeeded;
  return {
    webhook_id: webhookId,
    since: isoMs(since),
    until: isoMs(until),
    total_events: events.success + events.pending + events.sending + events.fail + events.canceled,
    delivered: events.success,
    failed: events.fail,
    pending: events.pending + events.sending,
    total_attempts: attempts.attempts,
    successful_attempts: attempts.succeeded,
    failed_attempts: failedAttempts,
    success_rate: attempts.attempts ? Math.round((attempts.succeeded / attempts.attempts) * 10_000) / 10_000 : null,
    average_response_time_ms: attempts.avgLatencyMs === null ? null : Math.round(attempts.avgLatencyMs * 10) / 10,
    last_attempt_at: attempts.lastAt === null ? null : isoMs(attempts.lastAt),
    dead_letters: openDeadLetters,
  };
}
