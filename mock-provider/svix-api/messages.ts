import type { Router } from 'express';
import { buildMessage } from '../../fixtures/index.js';
import type { JsonObject } from '../../fixtures/profile.js';
import type { StoredEndpoint, StoredMessage } from '../engine/store.js';
import { newSvixId } from './ids.js';
import { appOr404, messageOr404, type SvixApiContext } from './context.js';
import { svixAttrs } from './endpoints.js';
import { body, conflict, invalid, isObject, iso, optDate, optString, optStringList, pageQuery, q, qBool, qDate, reply, reqString } from './http.js';

/** A Svix message's payload is its body: what was signed and sent is what the API shows. */
export function payloadOf(m: StoredMessage): JsonObject {
  try {
    const v = JSON.parse(m.body.toString('utf8')) as unknown;
    return isObject(v) ? v : {};
  } catch {
    return {};
  }
}

export function messageOut(m: StoredMessage, withContent = true) {
  return {
    id: m.id,
    ...(m.eventId !== undefined ? { eventId: m.eventId } : {}),
    eventType: m.type,
    payload: withContent ? payloadOf(m) : {},
    ...(m.channels ? { channels: m.channels } : {}),
    ...(m.tags ? { tags: m.tags } : {}),
    timestamp: iso(m.createdAt),
  };
}

/** Svix routing for a scheduled message: enabled; filterTypes null or naming the type; channels null or shared. */
export function routesTo(e: StoredEndpoint, m: { type: string; channels?: string[] }): boolean {
  if (e.disabled) return false;
  const { filterTypes, channels } = svixAttrs(e);
  if (filterTypes && !filterTypes.includes(m.type)) return false;
  if (channels && !channels.some((c) => m.channels?.includes(c))) return false;
  return true;
}

/** The exact bytes to sign and send: the provider's body for the payload (Svix: the payload itself). */
function bodyBytes(ctx: SvixApiContext, type: string, payload: JsonObject, id: string, at: number): { body: Buffer; entityId?: string } {
  try {
    const built = buildMessage(ctx.profile, type, payload, { messageId: id, createdAt: new Date(at), allowUnknownType: true });
    return { body: built.body, entityId: built.entityId || undefined };
  } catch {
    // A payload the catalog cannot read an entity id from is still delivered as sent.
    return { body: Buffer.from(JSON.stringify(payload), 'utf8') };
  }
}

/**
 * `POST /app/{appId}/msg` on a parsed body: stores the message and its deliveries (resolved once durable)
 * and returns the 202 answer's body; refusals throw ApiError. Shared by the express route and serve's raw
 * route (serve-fast.ts).
 */
export async function createMessage(ctx: SvixApiContext, appIdOrUid: string, b: JsonObject, withContent: boolean) {
  const { store, dispatcher } = ctx;
  const app = await appOr404(ctx, appIdOrUid);
  const eventType = reqString(b, 'eventType', { name: true });
  if (!isObject(b.payload)) throw invalid('payload', b.payload === undefined ? 'field required' : 'payload must be a JSON object');
  const eventId = optString(b, 'eventId', { name: true });
  if (eventId !== undefined && (await store.findMessage(app.id, eventId))) throw conflict('A message with this eventId already exists');
  const channels = optStringList(b, 'channels') ?? undefined;
  if (channels && channels.length > 5) throw invalid('channels', 'at most 5 channels');
  const tags = optStringList(b, 'tags') ?? undefined;
  optDate(b, 'deliverAt'); // validated; delivery is immediate
  const now = ctx.now();
  const id = newSvixId('msg', now);
  const targets = (await store.endpointsOf(app.id)).filter((e) => routesTo(e, { type: eventType, channels })).map((e) => e.id);
  const m = { type: eventType, messageId: id, ...bodyBytes(ctx, eventType, b.payload, id, now), appId: app.id, eventId, channels, tags, at: now };
  await dispatcher.enqueue(m, targets);
  const stored: StoredMessage = { id, type: eventType, body: m.body, createdAt: now, appId: app.id, ...(eventId ? { eventId } : {}), ...(channels ? { channels } : {}), ...(tags ? { tags } : {}) };
  return messageOut(stored, withContent);
}

/** Messages: create (202 once stored with its deliveries, durably), list (keyset pages), get by id or eventId. */
export function mountMessages(router: Router, ctx: SvixApiContext): void {
  const { store } = ctx;

  router.post('/app/:appId/msg', async (req, res) => {
    reply(res, 202, await createMessage(ctx, req.params.appId, body(req), qBool(req.query, 'with_content', true)));
  });

  router.get('/app/:appId/msg', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    const page = await store.listMessages({
      appId: app.id,
      ...pageQuery(req.query, 'descending'),
      channel: q(req.query, 'channel'),
      tag: q(req.query, 'tag'),
      types: q(req.query, 'event_types')?.split(',').filter(Boolean),
      before: qDate(req.query, 'before'),
      after: qDate(req.query, 'after'),
    });
    const withContent = qBool(req.query, 'with_content', true);
    reply(res, 200, { ...page, data: page.data.map((m) => messageOut(m, withContent)) });
  });

  router.get('/app/:appId/msg/:msgId', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    reply(res, 200, messageOut(await messageOr404(ctx, app.id, req.params.msgId), qBool(req.query, 'with_content', true)));
  });
}
