import express, { type NextFunction, type Request, type Response } from 'express';
import type { ProviderProfile } from '../../fixtures/profile.js';
import type { Dispatcher } from '../engine/dispatcher.js';
import type { ServeStore } from '../engine/records.js';
import type { StoredMessage } from '../engine/store.js';
import { bearerMatches, sameOrigin, secretEquals } from '../request-guard.js';
import type { ServeEvents } from '../serve-events.js';
import { actionRefusal, readRefusal, type AccessHeaders } from './dashboard-access.js';
import { dashboardPage, loginPage, type HtmlPage } from './dashboard-page.js';
import { clearedSessionCookie, sessionCookie } from './dashboard-session.js';
import { dashboardStream } from './dashboard-stream.js';
import { attemptView, deadLetterView, endpointView, messageView, payloadPreview } from './dashboard-views.js';

export interface DashboardRouterOptions {
  profile: ProviderProfile;
  /** The observed dispatcher: actions taken here reach the live feed like any other. */
  dispatcher: Dispatcher;
  store: ServeStore;
  events: ServeEvents;
  token: string;
  /** `serve` listens beyond loopback: the page, its data and its actions need the token (as a cookie). */
  requireToken: boolean;
  now: () => number;
  onUnexpected?: (err: unknown) => void;
}

const API = '/_hookgate/dashboard/api';
const PAGE_SIZE = 50;
const OWN_PATH = /^\/(?:$|login\/?$|logout\/?$|_hookgate\/dashboard(?:\/|$))/;
const DEAD_LETTERS_SHOWN = 100;

class DashboardError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const headersOf = (req: Request): AccessHeaders => ({
  host: req.get('host'),
  origin: req.get('origin'),
  cookie: req.get('cookie'),
  authorization: req.get('authorization'),
  contentType: req.get('content-type'),
});

function sendPage(res: Response, status: number, page: HtmlPage): void {
  res
    .status(status)
    .set({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': page.csp,
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      // same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` on the page's own POSTs, which the Origin rule refuses.
      'referrer-policy': 'same-origin',
      'cache-control': 'no-store',
    })
    .send(page.html);
}

function str(body: unknown, field: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[field];
  if (typeof v !== 'string' || v === '') throw new DashboardError(422, `"${field}" is required`);
  return v;
}

/** The engine's refusals as the dashboard shows them. */
function refusal(err: unknown): unknown {
  if (!(err instanceof Error) || err.name !== 'EngineError') return err;
  const code = (err as Error & { code?: string }).code;
  if (code === 'ENDPOINT_DISABLED') return new DashboardError(409, 'the endpoint is disabled: re-enable it first');
  if (code === 'ALREADY_REPLAYED') return new DashboardError(409, 'this dead letter was already replayed');
  return new DashboardError(404, err.message);
}

/**
 * The web dashboard at `/`: endpoints (webhooks), messages, their attempts, the dead-letter queue; resend,
 * recover, replay and re-enable; a live feed. Also `/login` (token → cookie) and `/logout`. Its data and
 * actions are JSON routes under `/_hookgate/dashboard/`; every refusal there is JSON.
 */
export function dashboardRouter(o: DashboardRouterOptions): express.Router {
  const { store, dispatcher, profile } = o;
  const omnisales = profile.scheme === 'omnisales-hex';
  const router = express.Router({ strict: false, caseSensitive: true });
  const page = dashboardPage(profile.displayName, omnisales);
  const login = (error?: string) => loginPage(profile.displayName, error);

  const canRead = (req: Request, _res: Response, next: NextFunction): void => {
    const r = readRefusal(headersOf(req), o.token, o.requireToken);
    next(r && new DashboardError(r.status, r.message));
  };
  const canAct = (req: Request, _res: Response, next: NextFunction): void => {
    const r = actionRefusal(headersOf(req), o.token, o.requireToken);
    next(r && new DashboardError(r.status, r.message));
  };
  const loggedIn = (res: Response): void => void res.status(303).set({ 'set-cookie': sessionCookie(o.token), location: '/', 'cache-control': 'no-store' }).end();

  router.get('/', (req, res) => {
    const r = readRefusal(headersOf(req), o.token, o.requireToken);
    if (r?.status === 401) return void res.status(303).set({ location: '/login', 'cache-control': 'no-store' }).end();
    if (r) return void res.status(r.status).json({ error: r.message });
    sendPage(res, 200, page);
  });

  router.get('/login', (req, res) => {
    const given = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (given === undefined) return sendPage(res, 200, login());
    // The redirect drops the token from the address bar and history.
    if (secretEquals(given, o.token)) return loggedIn(res);
    sendPage(res, 401, login('That is not the token serve printed.'));
  });

  router.post('/login', express.urlencoded({ extended: false, limit: '8kb' }), (req, res) => {
    if (req.get('origin') !== undefined && !sameOrigin(req.get('origin'), req.get('host'))) return void res.status(403).json({ error: 'refused: the login form was not sent from this server' });
    const given = (req.body as Record<string, unknown> | undefined)?.token;
    if (typeof given === 'string' && secretEquals(given, o.token)) return loggedIn(res);
    sendPage(res, 401, login('That is not the token serve printed.'));
  });

  router.post('/logout', (req, res) => {
    if (!sameOrigin(req.get('origin'), req.get('host')) && !bearerMatches(req.get('authorization'), o.token)) return void res.status(403).json({ error: 'refused: not sent from this dashboard (Origin)' });
    res.status(303).set({ 'set-cookie': clearedSessionCookie, location: '/login' }).end();
  });

  router.get('/_hookgate/dashboard/events', canRead, dashboardStream(o.events));

  router.get(`${API}/overview`, canRead, async (req, res) => {
    const before = typeof req.query.before === 'string' && req.query.before !== '' && !req.query.before.startsWith('-') ? req.query.before : undefined;
    const [endpoints, letters, messages] = await Promise.all([
      store.listEndpoints(),
      store.listDeadLetters(),
      store.recentMessages({ limit: PAGE_SIZE, order: 'descending', ...(before ? { iterator: before } : {}) }),
    ]);
    const open = new Map<string, number>();
    for (const l of letters) open.set(l.endpointId, (open.get(l.endpointId) ?? 0) + 1);
    const shownLetters = letters.slice(-DEAD_LETTERS_SHOWN).reverse();
    const letterMsgs = new Map<string, StoredMessage | undefined>();
    for (const l of shownLetters) if (!letterMsgs.has(l.msgId)) letterMsgs.set(l.msgId, await store.getMessage(l.msgId));
    res.set('cache-control', 'no-store').json({
      provider: profile.displayName,
      now: new Date(o.now()).toISOString(),
      endpoints: endpoints.filter((e) => !e.deleted).map((e) => endpointView(e, profile, open.get(e.id) ?? 0)),
      messages: await Promise.all(messages.data.map(async (m) => messageView(m, await store.listDeliveries({ msgId: m.id })))),
      next: messages.done ? null : messages.iterator,
      deadLetters: shownLetters.map((l) => deadLetterView(l, letterMsgs.get(l.msgId))),
    });
  });

  router.get(`${API}/messages/:id`, canRead, async (req, res) => {
    const m = await store.getMessage(String(req.params.id));
    if (!m) throw new DashboardError(404, 'no such message');
    const [deliveries, attempts] = await Promise.all([store.listDeliveries({ msgId: m.id }), store.listAttempts({ msgId: m.id })]);
    res.set('cache-control', 'no-store').json({ message: { ...messageView(m, deliveries), payload: payloadPreview(m) }, attempts: attempts.map(attemptView) });
  });

  const actions = express.Router();
  actions.use(canAct, express.json({ limit: '16kb' }));
  actions.post('/resend', async (req, res) => {
    try {
      res.json({ deliveryId: await dispatcher.resend(str(req.body, 'msgId'), str(req.body, 'endpointId')) });
    } catch (err) {
      throw refusal(err);
    }
  });
  actions.post('/recover', async (req, res) => {
    const since = Date.parse(str(req.body, 'since'));
    if (Number.isNaN(since)) throw new DashboardError(422, '"since" must be an ISO-8601 time, e.g. 2025-01-16T10:30:00Z');
    try {
      res.json({ count: (await dispatcher.recover(str(req.body, 'endpointId'), since, o.now())).length });
    } catch (err) {
      throw refusal(err);
    }
  });
  actions.post('/replay', async (req, res) => {
    try {
      res.json({ deliveryId: await dispatcher.replay(str(req.body, 'deadLetterId')) });
    } catch (err) {
      throw refusal(err);
    }
  });
  actions.post('/enable', async (req, res) => {
    try {
      await dispatcher.enable(str(req.body, 'endpointId'));
      res.json({ enabled: true });
    } catch (err) {
      throw refusal(err);
    }
  });
  router.use(API, actions);

  router.use('/_hookgate/dashboard', (req: Request, _res: Response, next: NextFunction) => next(new DashboardError(404, `no dashboard route ${req.method} ${req.originalUrl.slice(0, 200)}`)));
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    // Mounted at the root: an error from a route of another API passes through here and must reach that API's own handler.
    if (res.headersSent || !OWN_PATH.test(req.path)) return next(err);
    if (err instanceof DashboardError) return void res.status(err.status).json({ error: err.message });
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.parse.failed') return void res.status(400).json({ error: 'the request body is not valid JSON' });
    if (e?.status !== undefined && e.status >= 400 && e.status < 500) return void res.status(e.status).json({ error: e.message ?? 'bad request' });
    (o.onUnexpected ?? ((x) => console.error('hookgate serve (dashboard):', x)))(err);
    res.status(500).json({ error: 'internal error; see the serve terminal' });
  });
  return router;
}
