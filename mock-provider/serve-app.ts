import express from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { ProviderProfile, JsonObject } from '../fixtures/profile.js';
import { buildMessage, findEvent } from '../fixtures/index.js';
import type { Dispatcher } from './engine/index.js';
import { svixApiRouter } from './svix-api/router.js';
import { SvixRegistry, newSvixId } from './svix-api/registry.js';
import { createFetchBackApi } from './rest-api/index.js';

export interface ServeAppOptions {
  profile: ProviderProfile;
  dispatcher: Dispatcher;
  token: string;
  /** Off loopback every API needs the token (SPEC); on loopback the native emit route is open for convenience. */
  requireTokenEverywhere: boolean;
  registry: SvixRegistry;
  now: () => number;
  appId: string;
  seed?: number;
  /** Called after anything changed the registry (persistence). */
  onRegistryChange?: () => void;
}

function tokenOk(header: string | undefined, token: string): boolean {
  const given = Buffer.from((header ?? '').replace(/^Bearer\s+/i, ''));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * Everything `serve` answers on one port: the Svix REST API subset (OptiPick, Dimmy), the
 * hookgate-native `POST /_hookgate/events`, and the provider's REST API for fetch-back.
 */
export function serveApp(o: ServeAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  if (o.onRegistryChange) {
    const changed = o.onRegistryChange;
    app.use('/api/v1', (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') res.on('finish', () => res.statusCode < 300 && changed());
      next();
    });
  }
  if (o.profile.scheme === 'svix-v1') app.use('/api/v1', svixApiRouter({ profile: o.profile, dispatcher: o.dispatcher, token: o.token, now: o.now, registry: o.registry }));

  app.post('/_hookgate/events', express.json({ limit: '20mb' }), async (req, res) => {
    if (o.requireTokenEverywhere && !tokenOk(req.get('authorization'), o.token)) return res.status(401).json({ code: 'authentication_failed', detail: 'send Authorization: Bearer <token>' });
    const { type, data } = (req.body ?? {}) as { type?: unknown; data?: unknown };
    if (typeof type !== 'string' || !findEvent(o.profile, type)) {
      return res.status(422).json({ code: 'validation', detail: `"type" must be one of ${o.profile.displayName}'s event types (hookgate events --provider ${o.profile.name})` });
    }
    if (data !== undefined && (data === null || typeof data !== 'object' || Array.isArray(data))) return res.status(422).json({ code: 'validation', detail: '"data" must be a JSON object' });
    const msg = buildMessage(o.profile, type, data as JsonObject | undefined, o.profile.scheme === 'svix-v1' ? { messageId: newSvixId('msg', o.now()) } : {});
    const endpoints = (await o.dispatcher.store.listEndpoints()).filter((e) => !e.disabled).map((e) => e.id);
    if (o.profile.scheme === 'svix-v1') {
      o.registry.messages.push({ id: msg.messageId, appId: o.appId, eventType: type, payload: msg.data, timestamp: o.now() });
      o.onRegistryChange?.();
    }
    await o.dispatcher.enqueue(msg, endpoints);
    res.status(202).json({ id: msg.messageId, type, endpoints });
  });

  // The provider's REST API for fetch-back, as `check` serves it (one module, mounted unchanged).
  const api = createFetchBackApi(o.profile, { seed: o.seed });
  if (api.routes.length) {
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      // Off loopback the fetch-back API wants the serve token as its X-API-KEY, like every other API.
      if (o.requireTokenEverywhere && api.routes.length && !tokenOk(req.get('x-api-key'), o.token) && req.path.match(/\/(optimize|items)\//)) {
        return res.status(401).json({ detail: 'X-API-KEY must be the serve token when serve listens beyond loopback' });
      }
      const r = api.handle({ method: req.method, path: req.originalUrl, headers: req.headers });
      if (r.status === 404) return next();
      res.status(r.status).set(r.headers).send(r.body);
    });
  }
  app.use((_req, res) => res.status(404).json({ code: 'not_found', detail: 'Entity not found' }));
  return app;
}
