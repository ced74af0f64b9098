import type { Request, Router } from 'express';
import { buildMessage, findEvent } from '../../fixtures/index.js';
import type { JsonObject } from '../../fixtures/profile.js';
import { watchAttempt } from '../await-attempt.js';
import type { StoredMessage } from '../engine/store.js';
import { engineRefusal, inactive, webhookOr404, type OmnisalesApiContext } from './context.js';
import { invalid, notFound, OmniApiError } from './errors.js';
import { attemptError, failureOut, isoMs, logOut, RESPONSE_PREVIEW_CHARS, statsOut } from './delivery-shapes.js';
import { omniAttrs, webhookIdOf } from './webhook-fields.js';

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function query(req: Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}

function queryTime(req: Request, name: string): number | undefined {
  const v = query(req, name);
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw invalid(name, `"${name}" must be an ISO-8601 time, e.g. 2025-01-16T10:30:00Z`);
  return ms;
}

function limitOf(req: Request): number {
  const v = query(req, 'limit');
  const n = v === undefined ? 50 : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 250) throw invalid('limit', '"limit" must be an integer from 1 to 250');
  return n;
}

/** `GET …/logs`, `GET …/stats`, `POST …/test`, `GET …/replay` (the dead-letter queue), `POST …/replay`. */
export function mountDeliveryRoutes(router: Router, ctx: OmnisalesApiContext): void {
  const { store, dispatcher } = ctx;
  const messages = async (ids: Iterable<string>): Promise<Map<string, StoredMessage>> => {
    const out = new Map<string, StoredMessage>();
    for (const id of new Set(ids)) {
      const m = await store.getMessage(id);
      if (m) out.set(id, m);
    }
    return out;
  };

  router.get('/:id/logs', async (req, res) => {
    const e = await webhookOr404(ctx, req.params.id);
    const status = query(req, 'status');
    if (status !== undefined && status !== 'success' && status !== 'failed') throw invalid('status', '"status" must be success or failed');
    const cursor = query(req, 'cursor');
    if (cursor !== undefined && (cursor === '' || cursor.startsWith('-'))) throw invalid('cursor', '"cursor" must be the next_cursor of a previous page');
    const eventId = query(req, 'event_id');
    const limit = limitOf(req);
    const page = await store.listAttemptsPage({
      endpointId: e.id,
      limit,
      order: 'descending',
      ...(cursor ? { iterator: cursor } : {}),
      ...(eventId ? { msgId: eventId } : {}),
      ...(status ? { outcome: status === 'success' ? ('success' as const) : ('fail' as const) } : {}),
    });
    const byId = await messages(page.data.map((r) => r.msgId));
    res.json({
      success: true,
      data: page.data.map((r) => logOut(r, webhookIdOf(e), byId.get(r.msgId))),
      pagination: { limit, next_cursor: page.done ? null : page.iterator },
    });
  });

  router.get('/:id/stats', async (req, res) => {
    const e = await webhookOr404(ctx, req.params.id);
    const until = queryTime(req, 'until') ?? ctx.now();
    const since = queryTime(req, 'since') ?? 0;
    if (since > until) throw invalid('since', '"since" must not be after "until"');
    const [events, attempts, letters] = await Promise.all([
      store.endpointStats(e.id, since, until),
      store.attemptSummary(e.id, since, until),
      store.listDeadLetters({ endpointId: e.id }),
    ]);
    res.json({ success: true, data: statsOut(webhookIdOf(e), since, until, events, attempts, letters.length) });
  });

  router.post('/:id/test', async (req, res) => {
    const e = await webhookOr404(ctx, req.params.id);
    const body: Record<string, unknown> = req.body === undefined ? {} : isPlainObject(req.body) ? req.body : {};
    if (req.body !== undefined && !isPlainObject(req.body)) throw new OmniApiError(400, 'invalid_body', 'the request body, when sent, must be a JSON object, e.g. {"event": "order.created"}');
    for (const k of Object.keys(body)) if (k !== 'event' && k !== 'data') throw invalid(k, `unknown field "${k.slice(0, 80)}" (fields: event, data)`);
    const subscribed = omniAttrs(e).filterTypes;
    const type = body.event === undefined ? (subscribed?.[0] ?? ctx.catalog[0]) : body.event;
    if (typeof type !== 'string' || !findEvent(ctx.profile, type)) throw invalid('event', '"event" must be one of the OmniSales event types (hookgate events --provider omnisales)');
    if (body.data !== undefined && !isPlainObject(body.data)) throw invalid('data', '"data" must be a JSON object');
    if (e.disabled) throw inactive();
    const now = ctx.now();
    const msg = buildMessage(ctx.profile, type, body.data as JsonObject | undefined, { createdAt: new Date(now) });
    // Watched before it is queued: a fast receiver's answer cannot slip by.
    const watch = watchAttempt(ctx.events, msg.messageId, e.id);
    try {
      // A test event goes to this webhook alone, subscribed to its type or not, and is kept like any
      // other (logs, retries, dead letters), marked `test`.
      await dispatcher.enqueue({ type, messageId: msg.messageId, body: msg.body, entityId: msg.entityId || undefined, at: now, tags: ['test'] }, [e.id]);
    } catch (err) {
      watch.cancel();
      throw engineRefusal(err);
    }
    const r = await watch.result(ctx.testWaitMs);
    const base = { event_id: msg.messageId, event: type, webhook_id: webhookIdOf(e) };
    if (!r) return void res.status(202).json({ success: true, data: { ...base, status: 'pending', delivered: null } });
    res.json({
      success: true,
      data: {
        ...base,
        status: r.outcome === 'success' ? 'delivered' : 'failed',
        delivered: r.outcome === 'success',
        status_code: r.status ?? null,
        error: attemptError(r),
        response_time_ms: Math.round(r.latencyMs),
        response_body: (r.responseBody ?? '').slice(0, RESPONSE_PREVIEW_CHARS),
      },
    });
  });

  router.get('/:id/replay', async (req, res) => {
    const e = await webhookOr404(ctx, req.params.id);
    const letters = (await store.listDeadLetters({ endpointId: e.id })).reverse();
    const byId = await messages(letters.map((l) => l.msgId));
    res.json({ success: true, data: letters.map((l) => failureOut(l, webhookIdOf(e), byId.get(l.msgId))) });
  });

  router.post('/:id/replay', async (req, res) => {
    const e = await webhookOr404(ctx, req.params.id);
    if (!isPlainObject(req.body)) throw new OmniApiError(400, 'invalid_body', 'send {"failure_id": "<failure_id from GET /api/webhooks/:id/replay>"}');
    const failureId = req.body.failure_id;
    if (typeof failureId !== 'string' || failureId === '') throw invalid('failure_id', '"failure_id" is required: one of the failure_id values GET /api/webhooks/:id/replay lists');
    const letter = (await store.listDeadLetters({ endpointId: e.id, includeRequeued: true })).find((l) => l.id === failureId);
    if (!letter) throw notFound(`failure "${failureId.slice(0, 80)}" of this webhook`);
    let deliveryId: string;
    try {
      deliveryId = await dispatcher.replay(letter.id);
    } catch (err) {
      throw engineRefusal(err);
    }
    const m = await store.getMessage(letter.msgId);
    res.status(202).json({ success: true, data: { failure_id: letter.id, event_id: letter.msgId, event: m?.type ?? null, webhook_id: webhookIdOf(e), status: 'queued', delivery_id: deliveryId, queued_at: isoMs(ctx.now()) } });
  });
}
