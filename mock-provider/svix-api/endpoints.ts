import type { Router } from 'express';
import type { JsonObject } from '../../fixtures/profile.js';
import { svixV1 } from '../signing/svix-v1.js';
import type { RetiredSecret, StoredEndpoint } from '../engine/store.js';
import { appOr404, endpointOr404, engineError, type SvixApiContext } from './context.js';
import { body, conflict, invalid, iso, optDate, optMetadata, optNumber, optString, optStringList, paginate, qDate, reply, reqString } from './http.js';
import { newSvixId } from './ids.js';

const MAX_RECOVER_SPAN_MS = 14 * 24 * 3600_000 + 5 * 60_000;
/** Svix keeps a rotated secret valid for 24 h unless told otherwise. */
export const DEFAULT_GRACE_SECONDS = 24 * 3600;
/** Stats without `since`: Svix's 90-day message window. */
const STATS_WINDOW_MS = 90 * 24 * 3600_000;

/** Svix's fields of an endpoint, kept in the store's `attrs`. */
export interface SvixEndpointAttrs {
  description?: string;
  version?: number;
  filterTypes?: string[] | null;
  channels?: string[] | null;
  metadata?: Record<string, string>;
  throttleRate?: number | null;
  rateLimit?: number | null;
}

export const svixAttrs = (e: StoredEndpoint): SvixEndpointAttrs => (e.attrs ?? {}) as SvixEndpointAttrs;

export function endpointOut(e: StoredEndpoint) {
  const a = svixAttrs(e);
  return {
    id: e.id,
    ...(e.uid !== undefined ? { uid: e.uid } : {}),
    url: e.url,
    description: a.description ?? '',
    version: a.version ?? 1,
    disabled: e.disabled,
    filterTypes: a.filterTypes ?? null,
    channels: a.channels ?? null,
    metadata: a.metadata ?? {},
    ...(a.throttleRate != null ? { throttleRate: a.throttleRate } : {}),
    ...(a.rateLimit != null ? { rateLimit: a.rateLimit } : {}),
    createdAt: iso(e.createdAt ?? 0),
    updatedAt: iso(e.updatedAt ?? e.createdAt ?? 0),
  };
}

/**
 * The secrets that still sign after a rotation at `now`: the one replaced (for `graceSeconds`, virtual
 * time) and every earlier one still inside its own grace period, newest first.
 */
export function retireSecret(e: Pick<StoredEndpoint, 'secret' | 'previousSecrets'>, now: number, graceSeconds: number): RetiredSecret[] {
  const still = (e.previousSecrets ?? []).filter((p) => p.until > now);
  return e.secret && graceSeconds > 0 ? [{ secret: e.secret, until: now + graceSeconds * 1000 }, ...still] : still;
}

function url(b: JsonObject): string {
  const u = reqString(b, 'url');
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    throw invalid('url', 'url must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid('url', 'url must be an absolute http(s) URL');
  return u;
}

function secretOf(b: JsonObject, field: string, providerName: string): string | undefined {
  const s = optString(b, field);
  if (s === undefined) return undefined;
  try {
    svixV1.validateSecret(s, providerName);
  } catch (err) {
    throw invalid(field, err instanceof Error ? err.message : 'bad secret');
  }
  return s;
}

/** An empty list filters nothing, as null does. */
const nullIfEmpty = (xs: string[] | null | undefined): string[] | null => (xs && xs.length ? xs : null);

/** Endpoints: create, list, get, update (PUT), delete, secret, rotate, recover, stats. */
export function mountEndpoints(router: Router, ctx: SvixApiContext): void {
  const { store, dispatcher } = ctx;
  const fresh = async (id: string): Promise<StoredEndpoint> => (await store.getEndpoint(id))!;
  const uidFree = async (appId: string, uid: string | undefined, self?: string): Promise<void> => {
    const other = uid !== undefined ? await store.findEndpoint(appId, uid) : undefined;
    if (other && other.id !== self) throw conflict('An endpoint with this uid already exists');
  };
  const setDisabled = async (e: StoredEndpoint, disabled: boolean | undefined): Promise<void> => {
    if (disabled === undefined || e.disabled === disabled) return;
    await (disabled ? dispatcher.disable(e.id) : dispatcher.enable(e.id));
  };
  const optBool = (b: JsonObject, field: string): boolean | undefined => {
    const v = b[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw invalid(field, `${field} must be a boolean`);
    return v;
  };

  router.post('/app/:appId/endpoint', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    const b = body(req);
    const uid = optString(b, 'uid', { name: true });
    await uidFree(app.id, uid);
    const now = ctx.now();
    const attrs: SvixEndpointAttrs = {
      description: optString(b, 'description') ?? '',
      version: optNumber(b, 'version') ?? 1,
      filterTypes: nullIfEmpty(optStringList(b, 'filterTypes')),
      channels: nullIfEmpty(optStringList(b, 'channels')),
      metadata: optMetadata(b) ?? {},
      throttleRate: optNumber(b, 'throttleRate'),
      rateLimit: optNumber(b, 'rateLimit'),
    };
    const endpointUrl = url(b);
    const secret = secretOf(b, 'secret', ctx.profile.displayName) ?? svixV1.generateSecret();
    const disabled = optBool(b, 'disabled');
    const e = await dispatcher.addEndpoint({ id: newSvixId('ep', now), url: endpointUrl, secret, appId: app.id, ...(uid !== undefined ? { uid } : {}), attrs: { ...attrs }, createdAt: now, updatedAt: now });
    await setDisabled(e, disabled);
    reply(res, 201, endpointOut(await fresh(e.id)));
  });

  router.get('/app/:appId/endpoint', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    const page = paginate((await store.endpointsOf(app.id)).reverse(), req.query, 'descending');
    reply(res, 200, { ...page, data: page.data.map(endpointOut) });
  });

  router.get('/app/:appId/endpoint/:endpointId', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    reply(res, 200, endpointOut(await endpointOr404(ctx, app.id, req.params.endpointId)));
  });

  router.put('/app/:appId/endpoint/:endpointId', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    const e = await endpointOr404(ctx, app.id, req.params.endpointId);
    const b = body(req);
    const endpointUrl = url(b);
    const uid = optString(b, 'uid', { name: true });
    await uidFree(app.id, uid, e.id);
    const filterTypes = optStringList(b, 'filterTypes');
    const channels = optStringList(b, 'channels');
    const a = svixAttrs(e);
    const attrs: SvixEndpointAttrs = {
      description: optString(b, 'description') ?? a.description,
      version: optNumber(b, 'version') ?? a.version,
      filterTypes: filterTypes === undefined ? a.filterTypes : nullIfEmpty(filterTypes),
      channels: channels === undefined ? a.channels : nullIfEmpty(channels),
      metadata: optMetadata(b) ?? a.metadata,
      throttleRate: optNumber(b, 'throttleRate') ?? a.throttleRate,
      rateLimit: optNumber(b, 'rateLimit') ?? a.rateLimit,
    };
    await store.updateEndpoint(e.id, { url: endpointUrl, uid, attrs: { ...attrs }, updatedAt: ctx.now() });
    await setDisabled(e, optBool(b, 'disabled'));
    reply(res, 200, endpointOut(await fresh(e.id)));
  });

  router.delete('/app/:appId/endpoint/:endpointId', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    const e = await endpointOr404(ctx, app.id, req.params.endpointId);
    // The row stays (deliveries and attempts point at it): disabled through the engine, then hidden from the API.
    await setDisabled(e, true);
    await store.updateEndpoint(e.id, { deleted: true, updatedAt: ctx.now() });
    reply(res, 204);
  });

  router.get('/app/:appId/endpoint/:endpointId/secret', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    const e = await endpointOr404(ctx, app.id, req.params.endpointId);
    reply(res, 200, { key: e.secret ?? '' });
  });

  router.post('/app/:appId/endpoint/:endpointId/secret/rotate', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    const e = await endpointOr404(ctx, app.id, req.params.endpointId);
    const b = body(req);
    const grace = optNumber(b, 'gracePeriodSeconds');
    if (grace != null && (grace < 0 || grace > 604_800)) throw invalid('gracePeriodSeconds', 'gracePeriodSeconds must be between 0 and 604800');
    const key = secretOf(b, 'key', ctx.profile.displayName) ?? svixV1.generateSecret();
    const now = ctx.now();
    // Deliveries are signed with the new key and, beside it, every old one still inside its grace period (virtual time).
    await store.updateEndpoint(e.id, { secret: key, previousSecrets: retireSecret(e, now, grace ?? DEFAULT_GRACE_SECONDS), updatedAt: now });
    reply(res, 204);
  });

  router.post('/app/:appId/endpoint/:endpointId/recover', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    const e = await endpointOr404(ctx, app.id, req.params.endpointId);
    const b = body(req);
    const since = optDate(b, 'since');
    if (since === undefined) throw invalid('since', 'field required');
    const now = ctx.now();
    const until = optDate(b, 'until') ?? now;
    if (until - since > MAX_RECOVER_SPAN_MS) throw invalid('since', 'Cannot recover messages more than 14 days old');
    try {
      await dispatcher.recover(e.id, since, until);
    } catch (err) {
      throw engineError(err);
    }
    reply(res, 202, { id: newSvixId('qtask', now), status: 'finished', task: 'endpoint.recover', updatedAt: iso(now) });
  });

  router.get('/app/:appId/endpoint/:endpointId/stats', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    const e = await endpointOr404(ctx, app.id, req.params.endpointId);
    const now = ctx.now();
    const until = qDate(req.query, 'until') ?? now;
    const since = qDate(req.query, 'since') ?? until - STATS_WINDOW_MS;
    reply(res, 200, await store.endpointStats(e.id, since, until));
  });
}
