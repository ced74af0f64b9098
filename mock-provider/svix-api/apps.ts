import type { Router } from 'express';
import type { StoredApp } from '../engine/records.js';
import { appOr404, type SvixApiContext } from './context.js';
import { body, conflict, iso, optMetadata, optNumber, optString, paginate, q, reply, reqString } from './http.js';
import { newSvixId } from './ids.js';

export function applicationOut(a: StoredApp) {
  const { metadata, throttleRate, rateLimit } = a.attrs as { metadata?: Record<string, string>; throttleRate?: number | null; rateLimit?: number | null };
  return {
    id: a.id,
    ...(a.uid !== undefined ? { uid: a.uid } : {}),
    name: a.name,
    metadata: metadata ?? {},
    ...(throttleRate != null ? { throttleRate } : {}),
    ...(rateLimit != null ? { rateLimit } : {}),
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

/** Applications: create (with `get_if_exists`), list, get, delete. */
export function mountApps(router: Router, ctx: SvixApiContext): void {
  const { store } = ctx;

  router.post('/app', async (req, res) => {
    const b = body(req);
    const name = reqString(b, 'name');
    const uid = optString(b, 'uid', { name: true });
    const attrs = { metadata: optMetadata(b) ?? {}, throttleRate: optNumber(b, 'throttleRate'), rateLimit: optNumber(b, 'rateLimit') };
    const existing = uid !== undefined ? await store.getApp(uid) : undefined;
    if (existing) {
      if (q(req.query, 'get_if_exists') === 'true') return reply(res, 200, applicationOut(existing));
      throw conflict('An application with this uid already exists');
    }
    const now = ctx.now();
    const app: StoredApp = { id: newSvixId('app', now), name, attrs, createdAt: now, updatedAt: now };
    if (uid !== undefined) app.uid = uid;
    await store.putApp(app);
    reply(res, 201, applicationOut(app));
  });

  router.get('/app', async (req, res) => {
    let apps = await store.listApps();
    if (q(req.query, 'exclude_apps_with_no_endpoints') === 'true') {
      const withEndpoints = await Promise.all(apps.map(async (a) => (await store.endpointsOf(a.id)).length > 0));
      apps = apps.filter((_, i) => withEndpoints[i]);
    }
    const page = paginate(apps, req.query, 'ascending');
    reply(res, 200, { ...page, data: page.data.map(applicationOut) });
  });

  router.get('/app/:appId', async (req, res) => {
    reply(res, 200, applicationOut(await appOr404(ctx, req.params.appId)));
  });

  router.delete('/app/:appId', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    // Disabled first, through the engine, so their waiting deliveries become dead letters; then forgotten.
    for (const ep of await store.endpointsOf(app.id)) if (!ep.disabled) await ctx.dispatcher.disable(ep.id).catch(() => undefined);
    await store.deleteApp(app.id);
    reply(res, 204);
  });
}
