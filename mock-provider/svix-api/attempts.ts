import type { Request, Router } from 'express';
import type { AttemptQuery, Page } from '../engine/records.js';
import type { AttemptRecord } from '../engine/store.js';
import { appOr404, endpointOr404, engineError, messageOr404, type SvixApiContext } from './context.js';
import { invalid, iso, notFound, pageQuery, q, qBool, qDate, reply } from './http.js';
import { messageOut } from './messages.js';

const MAX_RESPONSE_CHARS = 20_000;

/**
 * What the API shows as an attempt's time: its delivery's creation (a scheduled delivery: its message's
 * timestamp) plus its schedule offset — never the clock reading that, under `--time-scale`, would carry
 * the attempts' real durations multiplied by the scale. Records from before v2 of the store have only that.
 */
export const attemptTimestamp = (r: AttemptRecord): number => r.timestamp ?? r.virtualAt;

/** The filters both attempt lists share, from the query; `undefined` when the status asked for can never match. */
function attemptFilters(req: Request): Omit<AttemptQuery, 'limit' | 'order' | 'iterator'> | undefined {
  const status = q(req.query, 'status');
  if (status !== undefined && !['0', '1', '2', '3', '4'].includes(status)) throw invalid('status', 'status must be 0–4', 'query');
  const cls = q(req.query, 'status_code_class');
  if (cls !== undefined && !['0', '100', '200', '300', '400', '500'].includes(cls)) throw invalid('status_code_class', 'status_code_class must be 0, 100, 200, 300, 400 or 500', 'query');
  // An attempt is a finished try: success (0) or fail (2). Pending, sending and canceled describe messages.
  if (status !== undefined && status !== '0' && status !== '2') return undefined;
  return {
    ...(status === '0' ? { outcome: 'success' as const } : status === '2' ? { outcome: 'fail' as const } : {}),
    ...(cls !== undefined ? { codeClass: Number(cls) } : {}),
    before: qDate(req.query, 'before'),
    after: qDate(req.query, 'after'),
  };
}

const EMPTY: Page<AttemptRecord> = { data: [], iterator: null, prevIterator: null, done: true };

/** Attempts (MessageAttemptOut, every field Svix marks required), attempt lookup, and resend. */
export function mountAttempts(router: Router, ctx: SvixApiContext): void {
  const { store, dispatcher } = ctx;

  const attemptsOut = async (page: Page<AttemptRecord>, withContent: boolean, appId: string, withMsg = false) => {
    const urls = new Map<string, string>();
    for (const r of page.data) if (!urls.has(r.endpointId)) urls.set(r.endpointId, (await store.getEndpoint(r.endpointId))?.url ?? '');
    const data = await Promise.all(
      page.data.map(async (r) => {
        const msg = withMsg ? await store.findMessage(appId, r.msgId) : undefined;
        return attemptOut(r, withContent, urls.get(r.endpointId) ?? '', msg && messageOut(msg, withContent));
      }),
    );
    return { ...page, data };
  };

  router.get('/app/:appId/attempt/msg/:msgId', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    const m = await messageOr404(ctx, app.id, req.params.msgId);
    const epParam = q(req.query, 'endpoint_id');
    const endpointId = epParam === undefined ? undefined : (await endpointOr404(ctx, app.id, epParam)).id;
    const filters = attemptFilters(req);
    const paging = pageQuery(req.query, 'descending');
    const page = filters ? await store.listAttemptsPage({ ...filters, ...paging, msgId: m.id, ...(endpointId ? { endpointId } : {}) }) : EMPTY;
    reply(res, 200, await attemptsOut(page, qBool(req.query, 'with_content', true), app.id));
  });

  router.get('/app/:appId/attempt/endpoint/:endpointId', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    const e = await endpointOr404(ctx, app.id, req.params.endpointId);
    const filters = attemptFilters(req);
    const types = q(req.query, 'event_types')?.split(',').filter(Boolean);
    const paging = pageQuery(req.query, 'descending');
    const page = filters ? await store.listAttemptsPage({ ...filters, ...paging, endpointId: e.id, ...(types?.length ? { types } : {}) }) : EMPTY;
    reply(res, 200, await attemptsOut(page, qBool(req.query, 'with_content', true), app.id, qBool(req.query, 'with_msg', false)));
  });

  router.get('/app/:appId/msg/:msgId/attempt/:attemptId', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    const m = await messageOr404(ctx, app.id, req.params.msgId);
    const r = await store.getAttempt(req.params.attemptId);
    if (!r || r.msgId !== m.id) throw notFound('Message attempt');
    reply(res, 200, attemptOut(r, true, (await store.getEndpoint(r.endpointId))?.url ?? ''));
  });

  router.post('/app/:appId/msg/:msgId/endpoint/:endpointId/resend', async (req, res) => {
    const app = await appOr404(ctx, req.params.appId);
    const m = await messageOr404(ctx, app.id, req.params.msgId);
    const e = await endpointOr404(ctx, app.id, req.params.endpointId);
    try {
      await dispatcher.resend(m.id, e.id);
    } catch (err) {
      throw engineError(err);
    }
    // The client JSON-parses any 2xx but 204: `{}`, never an empty body.
    reply(res, 202, {});
  });
}

function attemptOut(r: AttemptRecord, withContent: boolean, url: string, msg?: ReturnType<typeof messageOut>) {
  const success = r.outcome === 'success';
  return {
    id: r.id,
    msgId: r.msgId,
    endpointId: r.endpointId,
    url,
    response: withContent ? (r.responseBody ?? r.errorMessage ?? '').slice(0, MAX_RESPONSE_CHARS) : '{}',
    responseStatusCode: r.status ?? 0,
    responseDurationMs: Math.round(r.latencyMs),
    status: success ? 0 : 2,
    statusText: success ? 'success' : 'fail',
    triggerType: r.trigger === 'manual' ? 1 : 0,
    timestamp: iso(attemptTimestamp(r)),
    ...(msg ? { msg } : {}),
  };
}
