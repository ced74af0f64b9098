import type { Request, Router } from 'express';
import type { AttemptRecord } from '../engine/store.js';
import { appOr404, endpointOr404, engineError, messageOr404, type SvixApiContext } from './context.js';
import { invalid, iso, notFound, paginate, q, qBool, qDate, reply } from './http.js';
import { messageOut } from './messages.js';
import type { MessageRecord } from './registry.js';

const MAX_RESPONSE_CHARS = 20_000;

/** Svix `statusCodeClass` of an attempt: 0 without a response, else 100…500. */
const codeClass = (r: AttemptRecord): number => (r.status === undefined ? 0 : Math.floor(r.status / 100) * 100);

/** Filters shared by both attempt lists, then newest first. */
function filterAttempts(req: Request, records: AttemptRecord[], endpointIds?: Set<string>): AttemptRecord[] {
  const status = q(req.query, 'status');
  if (status !== undefined && !['0', '1', '2', '3', '4'].includes(status)) throw invalid('status', 'status must be 0–4', 'query');
  const cls = q(req.query, 'status_code_class');
  const before = qDate(req.query, 'before');
  const after = qDate(req.query, 'after');
  return records
    .filter(
      (r) =>
        (endpointIds === undefined || endpointIds.has(r.endpointId)) &&
        (status === undefined || Number(status) === (r.outcome === 'success' ? 0 : 2)) &&
        (cls === undefined || Number(cls) === codeClass(r)) &&
        (before === undefined || r.virtualAt < before) &&
        (after === undefined || r.virtualAt > after),
    )
    .reverse();
}

/** Attempts (MessageAttemptOut, every field Svix marks required), attempt lookup, and resend. */
export function mountAttempts(router: Router, ctx: SvixApiContext): void {
  const { registry, dispatcher } = ctx;
  const store = dispatcher.store;

  const attemptOut = async (r: AttemptRecord, withContent: boolean, msg?: MessageRecord) => {
    const success = r.outcome === 'success';
    const response = withContent ? (r.responseBody ?? r.errorMessage ?? '').slice(0, MAX_RESPONSE_CHARS) : '{}';
    return {
      id: registry.attemptId(r.id, r.virtualAt),
      msgId: r.msgId,
      endpointId: r.endpointId,
      url: (await store.getEndpoint(r.endpointId))?.url ?? '',
      response,
      responseStatusCode: r.status ?? 0,
      responseDurationMs: Math.round(r.latencyMs),
      status: success ? 0 : 2,
      statusText: success ? 'success' : 'fail',
      triggerType: r.trigger === 'manual' ? 1 : 0,
      timestamp: iso(r.virtualAt),
      ...(msg ? { msg: messageOut(msg, withContent) } : {}),
    };
  };

  router.get('/app/:appId/attempt/msg/:msgId', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    const m = messageOr404(ctx, app.id, req.params.msgId);
    const epParam = q(req.query, 'endpoint_id');
    const only = epParam === undefined ? undefined : new Set([endpointOr404(ctx, app.id, epParam).id]);
    const page = paginate(filterAttempts(req, await store.listAttempts({ msgId: m.id }), only).map(withId(registry)), req.query, 'descending');
    const withContent = qBool(req.query, 'with_content', true);
    reply(res, 200, { ...page, data: await Promise.all(page.data.map((x) => attemptOut(x.r, withContent))) });
  });

  router.get('/app/:appId/attempt/endpoint/:endpointId', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    const e = endpointOr404(ctx, app.id, req.params.endpointId);
    const withContent = qBool(req.query, 'with_content', true);
    const withMsg = qBool(req.query, 'with_msg', false);
    const types = q(req.query, 'event_types')?.split(',').filter(Boolean);
    const records = filterAttempts(req, await store.listAttempts({ endpointId: e.id })).filter(
      (r) => !types?.length || types.includes(registry.findMessage(app.id, r.msgId)?.eventType ?? ''),
    );
    const page = paginate(records.map(withId(registry)), req.query, 'descending');
    const data = await Promise.all(page.data.map((x) => attemptOut(x.r, withContent, withMsg ? registry.findMessage(app.id, x.r.msgId) : undefined)));
    reply(res, 200, { ...page, data });
  });

  router.get('/app/:appId/msg/:msgId/attempt/:attemptId', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    const m = messageOr404(ctx, app.id, req.params.msgId);
    const records = (await store.listAttempts({ msgId: m.id })).map(withId(registry));
    const found = records.find((x) => x.id === req.params.attemptId || x.r.id === req.params.attemptId);
    if (!found) throw notFound('Message attempt');
    reply(res, 200, await attemptOut(found.r, true));
  });

  router.post('/app/:appId/msg/:msgId/endpoint/:endpointId/resend', async (req, res) => {
    const app = appOr404(ctx, req.params.appId);
    const m = messageOr404(ctx, app.id, req.params.msgId);
    const e = endpointOr404(ctx, app.id, req.params.endpointId);
    try {
      await dispatcher.resend(m.id, e.id);
    } catch (err) {
      throw engineError(err);
    }
    // The client JSON-parses any 2xx but 204: `{}`, never an empty body.
    reply(res, 202, {});
  });
}

/** Pairs each record with its `atmpt_…` id, so pages and iterators use the ids the client sees. */
function withId(registry: SvixApiContext['registry']) {
  return (r: AttemptRecord) => ({ id: registry.attemptId(r.id, r.virtualAt), r });
}
