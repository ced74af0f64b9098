import { isIP } from 'node:net';
import { nearest } from '../../fixtures/nearest.js';
import { echo } from '../../fixtures/echo.js';
import type { StoredEndpoint } from '../engine/store.js';
import { invalid, OmniApiError } from './errors.js';

/**
 * A webhook's fields as the OmniSales guide names them, checked and turned into what the store keeps.
 * Pure: no request, no store. A webhook is a stored endpoint: its id is the endpoint's `webhookId` (the
 * `X-Webhook-ID` its deliveries carry), `is_active` is the endpoint not being disabled, and the other
 * fields live in the endpoint's `attrs`. The subscribed events are kept as `filterTypes`, the field
 * `serve`'s emit routing already reads, so an emit reaches exactly the webhooks subscribed to its type.
 */

export interface OmniWebhookAttrs {
  name?: string;
  description?: string;
  /** The subscribed event types; null: every type (the `--target` endpoint). */
  filterTypes?: string[] | null;
  ipWhitelist?: string[];
}

/** What a create or update asked for; absent keys are left as they are (update) or defaulted (create). */
export interface WebhookInput {
  name?: string;
  url?: string;
  events?: string[];
  description?: string;
  isActive?: boolean;
  ipWhitelist?: string[];
  secret?: string;
}

const CREATE_FIELDS = ['name', 'url', 'events', 'description', 'is_active', 'ip_whitelist', 'secret'] as const;
const UPDATE_FIELDS = ['name', 'url', 'events', 'description', 'is_active', 'ip_whitelist'] as const;
const MAX_NAME = 255;
const MAX_DESCRIPTION = 2000;
const MAX_URL = 2048;

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function str(b: Record<string, unknown>, field: string, max: number, { nonEmpty = false } = {}): string | undefined {
  const v = b[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(field, `"${field}" must be a string`);
  if (nonEmpty && v.trim() === '') throw invalid(field, `"${field}" must not be empty`);
  if (v.length > max) throw invalid(field, `"${field}" must be at most ${max} characters`);
  return v;
}

function url(b: Record<string, unknown>): string | undefined {
  const v = str(b, 'url', MAX_URL, { nonEmpty: true });
  if (v === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw invalid('url', `"url" must be an absolute http(s) URL, got "${echo(v)}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalid('url', `"url" must be an absolute http(s) URL, got "${echo(v)}"`);
  return u.href;
}

function events(b: Record<string, unknown>, catalog: readonly string[]): string[] | undefined {
  const v = b.events;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) {
    throw invalid('events', '"events" must be a non-empty list of event types, e.g. ["order.created"]');
  }
  for (const t of v as string[]) {
    if (!catalog.includes(t)) {
      const guess = nearest(t, catalog);
      throw invalid('events', `unknown event type "${echo(t)}"${guess ? `; did you mean "${guess}"?` : ''} (hookgate events --provider omnisales lists them)`);
    }
  }
  return [...new Set(v as string[])];
}

/** An IPv4/IPv6 address, or one with a prefix length (`203.0.113.0/24`). */
export function isAddressOrCidr(s: string): boolean {
  const [addr, prefix, extra] = s.split('/');
  const family = isIP(addr ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function ipWhitelist(b: Record<string, unknown>): string[] | undefined {
  const v = b.ip_whitelist;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalid('ip_whitelist', '"ip_whitelist" must be a list of IP addresses or CIDR ranges');
  const bad = (v as string[]).find((x) => !isAddressOrCidr(x));
  if (bad !== undefined) throw invalid('ip_whitelist', `"${echo(bad)}" in "ip_whitelist" is not an IP address or CIDR range (e.g. "203.0.113.0/24")`);
  return v as string[];
}

function unknownFields(b: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(b)) {
    if (!allowed.includes(k)) {
      const guess = nearest(k, allowed);
      throw invalid(k, `unknown field "${echo(k)}"${guess ? `; did you mean "${guess}"?` : ''} (fields: ${allowed.join(', ')})`);
    }
  }
}

/**
 * A create (`POST /api/webhooks`: name, url and events required) or update (`PUT /api/webhooks/:id`: any
 * of the fields, the others kept) body. `validateSecret` checks a caller-chosen `secret` (create only).
 */
export function parseWebhookInput(
  body: unknown,
  mode: 'create' | 'update',
  catalog: readonly string[],
  validateSecret: (s: string) => void,
): WebhookInput {
  if (!isPlainObject(body)) throw new OmniApiError(400, 'invalid_body', 'the request body must be a JSON object, e.g. {"name": "Orders", "url": "https://…", "events": ["order.created"]}');
  unknownFields(body, mode === 'create' ? CREATE_FIELDS : UPDATE_FIELDS);
  const out: WebhookInput = {
    name: str(body, 'name', MAX_NAME, { nonEmpty: true }),
    url: url(body),
    events: events(body, catalog),
    description: str(body, 'description', MAX_DESCRIPTION),
    ipWhitelist: ipWhitelist(body),
  };
  if (body.is_active !== undefined) {
    if (typeof body.is_active !== 'boolean') throw invalid('is_active', '"is_active" must be true or false');
    out.isActive = body.is_active;
  }
  if (mode === 'create') {
    for (const f of ['name', 'url', 'events'] as const) if (out[f] === undefined) throw invalid(f, `"${f}" is required`);
    const secret = str(body, 'secret', 1024);
    if (secret !== undefined) {
      try {
        validateSecret(secret);
      } catch (err) {
        throw invalid('secret', err instanceof Error ? err.message : 'bad secret');
      }
      out.secret = secret;
    }
  } else if (Object.keys(body).length === 0) {
    throw new OmniApiError(400, 'invalid_body', `nothing to update: send one or more of ${UPDATE_FIELDS.join(', ')}`);
  }
  return out;
}

export const omniAttrs = (e: StoredEndpoint): OmniWebhookAttrs => (e.attrs ?? {}) as OmniWebhookAttrs & { description?: string };

/** The id the API shows and takes: the `X-Webhook-ID` its deliveries carry. */
export const webhookIdOf = (e: StoredEndpoint): string => e.webhookId ?? e.id;

/** Seconds, `Z`: the guide's `"created_at": "2025-01-16T10:30:00Z"`. */
export const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** A webhook as every route shows it; the secret only when `withSecret` (the create answer, as the guide's). */
export function webhookOut(e: StoredEndpoint, catalog: readonly string[], withSecret = false) {
  const a = omniAttrs(e);
  return {
    id: webhookIdOf(e),
    name: a.name ?? a.description ?? '',
    url: e.url,
    ...(withSecret ? { secret: e.secret ?? '' } : {}),
    events: a.filterTypes ?? [...catalog],
    is_active: !e.disabled,
    description: a.name === undefined ? '' : (a.description ?? ''),
    ip_whitelist: a.ipWhitelist ?? [],
    created_at: isoSeconds(e.createdAt ?? 0),
    updated_at: isoSeconds(e.updatedAt ?? e.createdAt ?? 0),
  };
}

export type WebhookOut = ReturnType<typeof webhookOut>;
