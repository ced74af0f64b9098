import type { Router } from 'express';
import type { JsonObject } from '../../fixtures/profile.js';
import { svixV1 } from '../signing/svix-v1.js';
import type { StoredEndpoint } from '../engine/store.js';
import { appOr404, endpointOr404, engineError, type SvixApiContext } from './context.js';
import { body, conflict, invalid, iso, notFound, optDate, optMetadata, optNumber, optString, optStringList, paginate, reply, reqString } from './http.js';
import { newSvixId, type EndpointRecord } from './registry.js';

const MAX_RECOVER_SPAN_MS = 14 * 24 * 3600_000 + 5 * 60_000;

export function endpointOut(e: EndpointRecord, stored: StoredEndpoint | undefined) {
  return {
    id: e.id,
    ...(e.uid !== undefined ? { uid: e.uid } : {}),
    url: stored?.url ?? '',
    description: e.description,
    version: e.version,
    disabled: stored?.disabled ?? true,
    filterTypes: e.filterTypes,
    channels: e.channels,
    metadata: e.metadata,
    ...(e.throttleRate != null ? { throttleRate: e.throttleRate } : {}),
    ...(e.rateLimit != null ? { rateLimit: e.rateLimit } : {}),
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
  };
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

/** Endpoints: create, list, get, update (PUT), delete, secret, rotate, recover. */
export function mountEndpoints(router: Router, ctx: SvixApiContext): void {
  const { registry, dispatcher } = ctx;
  const store = dispatcher.store;
  const out = async (e: EndpointRecord) => endpointOut(e, await store.getEndpoint(e.id));
  const stored = async (id: string): Promise<StoredEndpoint> => {
    const s = await store.getEndpoint(id);
    if (!s) throw notFound('Endpoint');
    return s;
  };
  const uidFree = (appId: string, uid: string | undefined, self?: string): void => {
    const other = uid !== undefined ? registry.findEndpoint(appId, uid) : undefined;
    if (other && other.id !== self) throw conflict('An endpoint with this uid already exists');
  };
  const setDisabled = async (id: string, disabled: boolean | undefined): Promise<void> => {
    if (disabled === undefined || (await stored(id)).disabled === disabled) return;
    await (disabled ? dispatcher.disable(id) : dispatcher.enable(id));
  };
  const optBool = (b: JsonObject, field: string): boolean | undefined => {
    const v = b[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw invalid(field, `${field} must be a boolean`);
    return v;
  };

  router.post('/app/:appId/endpoint', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    const b = body(req);
    const uid = optString(b, 'uid', { name: true });
    uidFree(app.id, uid);
    const now = ctx.now();
    const record: EndpointRecord = {
      id: newSvixId('ep', now),
      appId: app.id,
      uid,
      description: optString(b, 'description') ?? '',
      version: optNumber(b, 'version') ?? 1,
      filterTypes: nullIfEmpty(optStringList(b, 'filterTypes')),
      channels: nullIfEmpty(optStringList(b, 'channels')),
      metadata: optMetadata(b) ?? {},
      throttleRate: optNumber(b, 'throttleRate'),
      rateLimit: optNumber(b, 'rateLimit'),
      createdAt: now,
      updatedAt: now,
    };
    const endpointUrl = url(b);
    const secret = secretOf(b, 'secret', ctx.profile.displayName) ?? svixV1.generateSecret();
    const disabled = optBool(b, 'disabled');
    await dispatcher.addEndpoint({ id: record.id, url: endpointUrl, secret });
    registry.endpoints.push(record);
    await setDisabled(record.id, disabled);
    reply(res, 201, await out(record));
  });

  router.get('/app/:appId/endpoint', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    const page = paginate([...registry.endpointsOf(app.id)].reverse(), req.query, 'descending');
    reply(res, 200, { ...page, data: await Promise.all(page.data.map(out)) });
  });

  router.get('/app/:appId/endpoint/:endpointId', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    reply(res, 200, await out(endpointOr404(ctx, app.id, req.params.endpointId)));
  });

  router.put('/app/:appId/endpoint/:endpointId', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    const e = endpointOr404(ctx, app.id, req.params.endpointId);
    const b = body(req);
    const endpointUrl = url(b);
    const uid = optString(b, 'uid', { name: true });
    uidFree(app.id, uid, e.id);
    const filterTypes = optStringList(b, 'filterTypes');
    const channels = optStringList(b, 'channels');
    Object.assign(e, {
      uid: uid ?? e.uid,
      description: optString(b, 'description') ?? e.description,
      version: optNumber(b, 'version') ?? e.version,
      filterTypes: filterTypes === undefined ? e.filterTypes : nullIfEmpty(filterTypes),
      channels: channels === undefined ? e.channels : nullIfEmpty(channels),
      metadata: optMetadata(b) ?? e.metadata,
      throttleRate: optNumber(b, 'throttleRate') ?? e.throttleRate,
      rateLimit: optNumber(b, 'rateLimit') ?? e.rateLimit,
      updatedAt: ctx.now(),
    });
    const s = await stored(e.id);
    if (s.url !== endpointUrl) await store.putEndpoint({ ...s, url: endpointUrl });
    await setDisabled(e.id, optBool(b, 'disabled'));
    reply(res, 200, await out(e));
  });

  router.delete('/app/:appId/endpoint/:endpointId', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    const e = endpointOr404(ctx, app.id, req.params.endpointId);
    // The engine has no endpoint removal: disabling it stops deliveries; the API forgets it.
    await setDisabled(e.id, true);
    registry.deleteEndpoint(e.id);
    reply(res, 204);
  });

  router.get('/app/:appId/endpoint/:endpointId/secret', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    const e = endpointOr404(ctx, app.id, req.params.endpointId);
    reply(res, 200, { key: (await stored(e.id)).secret ?? '' });
  });

  router.post('/app/:appId/endpoint/:endpointId/secret/rotate', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    const e = endpointOr404(ctx, app.id, req.params.endpointId);
    const b = body(req);
    const grace = optNumber(b, 'gracePeriodSeconds');
    if (grace != null && (grace < 0 || grace > 604_800)) throw invalid('gracePeriodSeconds', 'gracePeriodSeconds must be between 0 and 604800');
    const key = secretOf(b, 'key', ctx.profile.displayName) ?? svixV1.generateSecret();
    // The engine signs with one secret: the old key stops working at once (no grace period yet).
    await store.putEndpoint({ ...(await stored(e.id)), secret: key });
    e.updatedAt = ctx.now();
    reply(res, 204);
  });

  router.post('/app/:appId/endpoint/:endpointId/recover', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    const e = endpointOr404(ctx, app.id, req.params.endpointId);
    const b = body(req);
    const since = optDate(b, 'since');
    if (since === undefined) throw invalid('since', 'field required');
    const until = optDate(b, 'until') ?? ctx.now();
    if (until - since > MAX_RECOVER_SPAN_MS) throw invalid('since', 'Cannot recover messages more than 14 days old');
    // The engine re-queues (as manual) the endpoint's dead letters whose message came at or after `since`;
    // `until` only bounds the range check above.
    try {
      await dispatcher.recover(e.id, since);
    } catch (err) {
      throw engineError(err);
    }
    const now = ctx.now();
    reply(res, 202, { id: newSvixId('qtask', now), status: 'finished', task: 'endpoint.recover', updatedAt: iso(now) });
  });
}
