import type { Router } from 'express';
import { buildMessage } from '../../fixtures/index.js';
import { newSvixMessageId } from '../../fixtures/ids.js';
import type { JsonObject } from '../../fixtures/profile.js';
import { appOr404, messageOr404, type SvixApiContext } from './context.js';
import { body, conflict, invalid, isObject, iso, optDate, optString, optStringList, paginate, q, qBool, qDate, reply, reqString } from './http.js';
import type { EndpointRecord, MessageRecord } from './registry.js';

export function messageOut(m: MessageRecord, withContent = true) {
  return {
    id: m.id,
    ...(m.eventId !== undefined ? { eventId: m.eventId } : {}),
    eventType: m.eventType,
    payload: withContent ? m.payload : {},
    ...(m.channels ? { channels: m.channels } : {}),
    ...(m.tags ? { tags: m.tags } : {}),
    timestamp: iso(m.timestamp),
  };
}

/** Svix routing for a scheduled message: filterTypes null or naming the type; channels null or shared. */
export function routesTo(e: EndpointRecord, m: MessageRecord): boolean {
  if (e.filterTypes && !e.filterTypes.includes(m.eventType)) return false;
  if (e.channels && !e.channels.some((c) => m.channels?.includes(c))) return false;
  return true;
}

/** The exact bytes to sign and send: the provider's body for the payload (Svix: the payload itself). */
function bodyBytes(ctx: SvixApiContext, m: MessageRecord): { body: Buffer; entityId?: string } {
  try {
    const built = buildMessage(ctx.profile, m.eventType, m.payload, { messageId: m.id, createdAt: new Date(m.timestamp), allowUnknownType: true });
    return { body: built.body, entityId: built.entityId || undefined };
  } catch {
    // A payload the catalog cannot read an entity id from is still delivered as sent.
    return { body: Buffer.from(JSON.stringify(m.payload), 'utf8') };
  }
}

/** Messages: create (202, fanned out to the app's matching enabled endpoints), list, get by id or eventId. */
export function mountMessages(router: Router, ctx: SvixApiContext): void {
  const { registry, dispatcher } = ctx;

  router.post('/app/:appId/msg', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    const b = body(req);
    const eventType = reqString(b, 'eventType', { name: true });
    if (!isObject(b.payload)) throw invalid('payload', b.payload === undefined ? 'field required' : 'payload must be a JSON object');
    const eventId = optString(b, 'eventId', { name: true });
    if (eventId !== undefined && registry.findMessage(app.id, eventId)) throw conflict('A message with this eventId already exists');
    const channels = optStringList(b, 'channels') ?? undefined;
    if (channels && channels.length > 5) throw invalid('channels', 'at most 5 channels');
    const tags = optStringList(b, 'tags') ?? undefined;
    optDate(b, 'deliverAt'); // validated; delivery is immediate
    const now = ctx.now();
    const m: MessageRecord = { id: newSvixMessageId(now), appId: app.id, eventType, eventId, channels, tags, payload: b.payload as JsonObject, timestamp: now };
    const targets: string[] = [];
    for (const e of registry.endpointsOf(app.id)) {
      const stored = await dispatcher.store.getEndpoint(e.id);
      if (stored && !stored.disabled && routesTo(e, m)) targets.push(e.id);
    }
    registry.messages.push(m);
    await dispatcher.enqueue({ type: eventType, messageId: m.id, ...bodyBytes(ctx, m) }, targets);
    reply(res, 202, messageOut(m, qBool(req.query, 'with_content', true)));
  });

  router.get('/app/:appId/msg', (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    const channel = q(req.query, 'channel');
    const tag = q(req.query, 'tag');
    const types = q(req.query, 'event_types')?.split(',').filter(Boolean);
    const before = qDate(req.query, 'before');
    const after = qDate(req.query, 'after');
    const msgs = registry
      .messagesOf(app.id)
      .filter(
        (m) =>
          (channel === undefined || m.channels?.includes(channel)) &&
          (tag === undefined || m.tags?.includes(tag)) &&
          (!types?.length || types.includes(m.eventType)) &&
          (before === undefined || m.timestamp < before) &&
          (after === undefined || m.timestamp > after),
      )
      .reverse();
    const page = paginate(msgs, req.query, 'descending');
    const withContent = qBool(req.query, 'with_content', true);
    reply(res, 200, { ...page, data: page.data.map((m) => messageOut(m, withContent)) });
  });

  router.get('/app/:appId/msg/:msgId', (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    reply(res, 200, messageOut(messageOr404(ctx, app.id, req.params.msgId), qBool(req.query, 'with_content', true)));
  });
}
