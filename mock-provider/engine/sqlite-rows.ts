import type { StoredApp } from './records.js';
import type { AttemptRecord, DeadLetter, Delivery, InFlightAttempt, StoredEndpoint, StoredMessage } from './store.js';

/** SQLite rows to the store's records and back. Optional fields come back absent, not null, as the memory store keeps them. */

export type Row = Record<string, unknown>;

function opt(target: object, key: string, value: unknown): void {
  if (value !== null && value !== undefined) (target as Row)[key] = value;
}

const json = (text: unknown): unknown => (typeof text === 'string' ? JSON.parse(text) : undefined);
export const jsonOrNull = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

export function toMessage(r: Row): StoredMessage {
  const m: StoredMessage = { id: r.id as string, type: r.type as string, body: Buffer.from(r.body as Uint8Array), createdAt: r.created_at as number };
  opt(m, 'entityId', r.entity_id);
  opt(m, 'appId', r.app_id);
  opt(m, 'eventId', r.event_id);
  opt(m, 'channels', json(r.channels));
  opt(m, 'tags', json(r.tags));
  return m;
}

export function messageParams(m: StoredMessage): Row {
  return {
    id: m.id,
    type: m.type,
    body: Buffer.from(m.body),
    entityId: m.entityId ?? null,
    createdAt: m.createdAt,
    appId: m.appId ?? null,
    eventId: m.eventId ?? null,
    channels: jsonOrNull(m.channels),
    tags: jsonOrNull(m.tags),
  };
}

export function toEndpoint(r: Row): StoredEndpoint {
  const e: StoredEndpoint = { id: r.id as string, url: r.url as string, disabled: r.disabled === 1, failingSince: (r.failing_since as number | null) ?? null };
  opt(e, 'secret', r.secret);
  opt(e, 'webhookId', r.webhook_id);
  opt(e, 'headerStyle', r.header_style);
  if (r.disabled_at_set === 1) e.disabledAt = (r.disabled_at as number | null) ?? null;
  opt(e, 'previousSecrets', json(r.previous_secrets));
  opt(e, 'appId', r.app_id);
  opt(e, 'uid', r.uid);
  opt(e, 'attrs', json(r.attrs));
  opt(e, 'createdAt', r.created_at);
  opt(e, 'updatedAt', r.updated_at);
  if (r.deleted === 1) e.deleted = true;
  return e;
}

export function endpointParams(e: StoredEndpoint): Row {
  return {
    id: e.id,
    url: e.url,
    secret: e.secret ?? null,
    webhookId: e.webhookId ?? null,
    headerStyle: e.headerStyle ?? null,
    disabled: e.disabled ? 1 : 0,
    failingSince: e.failingSince ?? null,
    disabledAtSet: e.disabledAt === undefined ? 0 : 1,
    disabledAt: e.disabledAt ?? null,
    previousSecrets: jsonOrNull(e.previousSecrets),
    appId: e.appId ?? null,
    uid: e.uid ?? null,
    attrs: jsonOrNull(e.attrs),
    createdAt: e.createdAt ?? null,
    updatedAt: e.updatedAt ?? null,
    deleted: e.deleted ? 1 : 0,
  };
}

export function toDelivery(r: Row): Delivery {
  return {
    id: r.id as string,
    msgId: r.msg_id as string,
    endpointId: r.endpoint_id as string,
    state: r.state as Delivery['state'],
    attemptsMade: r.attempts_made as number,
    dueAt: r.due_at as number,
    nextOffsetMs: r.next_offset_ms as number,
    nextTrigger: r.next_trigger as Delivery['nextTrigger'],
    createdAt: r.created_at as number,
  };
}

export function toInFlight(r: Row): InFlightAttempt {
  const a: InFlightAttempt = {
    deliveryId: r.delivery_id as string,
    n: r.n as number,
    virtualOffsetMs: r.virtual_offset_ms as number,
    virtualAt: r.virtual_at as number,
    startedAt: r.started_at as number,
    trigger: r.trigger as InFlightAttempt['trigger'],
  };
  opt(a, 'timestamp', r.timestamp);
  return a;
}

export function toAttempt(r: Row): AttemptRecord {
  const a: AttemptRecord = {
    id: r.id as string,
    ...toInFlight(r),
    msgId: r.msg_id as string,
    endpointId: r.endpoint_id as string,
    latencyMs: r.latency_ms as number,
    outcome: r.outcome as AttemptRecord['outcome'],
  };
  opt(a, 'status', r.status);
  opt(a, 'error', r.error);
  opt(a, 'errorMessage', r.error_message);
  opt(a, 'responseBody', r.response_body);
  return a;
}

export function toDeadLetter(r: Row): DeadLetter {
  const dl: DeadLetter = {
    id: r.id as string,
    deliveryId: r.delivery_id as string,
    msgId: r.msg_id as string,
    endpointId: r.endpoint_id as string,
    at: r.at as number,
    reason: r.reason as DeadLetter['reason'],
    attempts: r.attempts as number,
  };
  opt(dl, 'lastError', r.last_error);
  opt(dl, 'requeuedAs', r.requeued_as);
  return dl;
}

export function toApp(r: Row): StoredApp {
  const a: StoredApp = { id: r.id as string, name: r.name as string, attrs: json(r.attrs) as Record<string, unknown>, createdAt: r.created_at as number, updatedAt: r.updated_at as number };
  opt(a, 'uid', r.uid);
  return a;
}
