import type { ProviderProfile } from '../../fixtures/profile.js';
import { formatDuration } from '../engine/schedule.js';
import type { AttemptRecord, DeadLetter, Delivery, StoredEndpoint, StoredMessage } from '../engine/store.js';

/**
 * What the dashboard shows, as JSON for its page. Pure. Times are the one virtual clock, offsets the
 * attempt's place in the provider's schedule, and a response is cut to its first KB (all the store keeps).
 */

export const PREVIEW_CHARS = 1024;

const iso = (ms: number): string => new Date(ms).toISOString();

export function endpointView(e: StoredEndpoint, profile: ProviderProfile, openDeadLetters: number) {
  const a = (e.attrs ?? {}) as { name?: string; description?: string; filterTypes?: string[] | null };
  const omnisales = profile.scheme === 'omnisales-hex';
  return {
    id: e.id,
    // OmniSales users know a webhook by its X-Webhook-ID; Svix users by the endpoint id.
    label: omnisales ? (e.webhookId ?? e.id) : e.id,
    name: a.name ?? a.description ?? '',
    url: e.url,
    disabled: e.disabled,
    events: a.filterTypes ?? null,
    deadLetters: openDeadLetters,
  };
}

export type DeliveryStatus = 'delivered' | 'sending' | 'retrying' | 'pending' | 'failed' | 'no endpoint';

/** One word for where a message stands across its deliveries: any success wins, then work still to do. */
export function messageStatus(ds: readonly Delivery[]): DeliveryStatus {
  if (ds.length === 0) return 'no endpoint';
  if (ds.some((d) => d.state === 'delivered')) return 'delivered';
  if (ds.some((d) => d.state === 'in-flight')) return 'sending';
  if (ds.some((d) => d.state === 'pending' && d.attemptsMade > 0)) return 'retrying';
  if (ds.some((d) => d.state === 'pending')) return 'pending';
  return 'failed';
}

export function messageView(m: StoredMessage, ds: readonly Delivery[]) {
  return {
    id: m.id,
    type: m.type,
    createdAt: iso(m.createdAt),
    test: m.tags?.includes('test') ?? false,
    status: messageStatus(ds),
    deliveries: ds.map((d) => ({ id: d.id, endpointId: d.endpointId, state: d.state, attempts: d.attemptsMade })),
  };
}

/** `+0s`, `+5s`, `+5m 5s`: where in the schedule the attempt ran, counted from its delivery's start. */
export function offsetText(ms: number): string {
  return ms < 1 ? '+0s' : `+${formatDuration(ms)}`;
}

export function attemptView(r: AttemptRecord) {
  return {
    id: r.id,
    deliveryId: r.deliveryId,
    endpointId: r.endpointId,
    n: r.n,
    trigger: r.trigger,
    outcome: r.outcome,
    status: r.status ?? null,
    error: r.status === undefined ? (r.errorMessage ? `${r.error ?? 'error'}: ${r.errorMessage}` : (r.error ?? null)) : null,
    latencyMs: Math.round(r.latencyMs),
    offsetMs: Math.round(r.virtualOffsetMs),
    offset: offsetText(r.virtualOffsetMs),
    timestamp: iso(r.timestamp ?? r.virtualAt),
    response: (r.responseBody ?? '').slice(0, PREVIEW_CHARS),
  };
}

export function deadLetterView(dl: DeadLetter, m: StoredMessage | undefined) {
  return {
    id: dl.id,
    msgId: dl.msgId,
    type: m?.type ?? null,
    endpointId: dl.endpointId,
    reason: dl.reason,
    attempts: dl.attempts,
    lastError: dl.lastError ?? null,
    at: iso(dl.at),
  };
}

/** The message's body as sent, cut to its first KB. */
export function payloadPreview(m: StoredMessage): string {
  return m.body.subarray(0, PREVIEW_CHARS * 4).toString('utf8').slice(0, PREVIEW_CHARS);
}
