import type { Router } from 'express';
import { appOr404, type SvixApiContext } from './context.js';
import { body, conflict, iso, optMetadata, optNumber, optString, paginate, q, reply, reqString } from './http.js';
import { newSvixId, type AppRecord } from './registry.js';

export function applicationOut(a: AppRecord) {
  return {
    id: a.id,
    ...(a.uid !== undefined ? { uid: a.uid } : {}),
    name: a.name,
    metadata: a.metadata,
    ...(a.throttleRate != null ? { throttleRate: a.throttleRate } : {}),
    ...(a.rateLimit != null ? { rateLimit: a.rateLimit } : {}),
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

/** Applications: create (with `get_if_exists`), list, get, delete. */
export function mountApps(router: Router, ctx: SvixApiContext): void {
  const { registry } = ctx;

  router.post('/app', (req, res) => {
    const b = body(req);
    const name = reqString(b, 'name');
    const uid = optString(b, 'uid', { name: true });
    const metadata = optMetadata(b) ?? {};
    const throttleRate = optNumber(b, 'throttleRate');
    const rateLimit = optNumber(b, 'rateLimit');
    const existing = uid !== undefined ? registry.findApp(uid) : undefined;
    if (existing) {
      if (q(req.query, 'get_if_exists') === 'true') return reply(res, 200, applicationOut(existing));
      throw conflict('An application with this uid already exists');
    }
    const now = ctx.now();
    const app: AppRecord = { id: newSvixId('app', now), uid, name, metadata, throttleRate, rateLimit, createdAt: now, updatedAt: now };
    registry.apps.push(app);
    reply(res, 201, applicationOut(app));
  });

  router.get('/app', async (req, res) => {
    let apps = registry.apps;
    if (q(req.query, 'exclude_apps_with_no_endpoints') === 'true') apps = apps.filter((a) => registry.endpointsOf(a.id).length > 0);
    const page = paginate(apps, req.query, 'ascending');
    reply(res, 200, { ...page, data: page.data.map(applicationOut) });
  });

  router.get('/app/:appId', (req, res) => {
    reply(res, 200, applicationOut(appOr404(ctx, req.params.appId)));
  });

  router.delete('/app/:appId', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    // The engine has no endpoint removal: a deleted app's endpoints are disabled there, so nothing more is sent.
    for (const ep of registry.endpointsOf(app.id)) await ctx.dispatcher.disable(ep.id).catch(() => undefined);
    registry.deleteApp(app.id);
    reply(res, 204);
  });
}
