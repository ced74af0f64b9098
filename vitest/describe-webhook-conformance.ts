import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { HookgateError } from '../fixtures/hookgate-error.js';
import type { ProviderProfile } from '../fixtures/profile.js';
import { schemeFor } from '../mock-provider/signing/index.js';
import { selectChecks } from '../suites/conformance/catalog.js';
import type { RunResults } from '../suites/types.js';
import { requireProvider } from '../api/require-provider.js';
import { checkVerdict } from './check-verdict.js';
import type { AppContext, ConformanceOptions } from './conformance-options.js';
import { serveInProcess, type InProcessServer, type InProcessTarget } from './serve-in-process.js';
import { runCheckInWorker, type WorkerCheckRun } from './run-check-in-worker.js';
import { lettingThroughMsw } from './letting-through-msw.js';

const DEFAULT_TIMEOUT_MS = 120_000;
/** Above `timeout`: an aborted run still returns its partial results before vitest gives up on the hook. */
const HOOK_GRACE_MS = 15_000;

/*
 * One vitest test per check, one hookgate run for all of them. Checks share a baseline and some
 * judge what the whole run recorded (status.rejection-is-4xx, timeout.latency-budget), so the run
 * happens once in `beforeAll` and each test reports its check's result. When vitest runs only some
 * of the tests (`-t`, `.only`, `.skip` around them), `beforeAll` narrows the run to those checks.
 */
export function describeWebhookConformance(options: ConformanceOptions): void {
  const o = options as ConformanceOptions & Record<string, unknown>;
  const profile = requireProvider(o.provider);
  const target = targetOf(o);
  const should = o.should ?? 'warn';
  if (should !== 'warn' && should !== 'fail') throw new HookgateError('BAD_OPTION', `should: ${JSON.stringify(should)} is neither 'warn' nor 'fail'`, "pass should: 'fail' to make SHOULD findings fail their tests, or leave it out");
  const timeout = o.timeout ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeout !== 'number' || !(timeout > 0)) throw new HookgateError('BAD_OPTION', `timeout: ${String(timeout)} is not a positive number of milliseconds`, 'pass e.g. timeout: 120_000, or leave it out');
  const secret = secretOf(profile, o.secret, target.kind === 'factory');
  const checks = selectChecks(o.only, o.skip);
  const idOfTest = new Map<string, string>();

  describe(o.name ?? `${profile.displayName} webhook conformance`, () => {
    let run: WorkerCheckRun | undefined;
    let server: InProcessServer | undefined;
    const controller = new AbortController();

    // vitest 4 passes (context, suite) and requires the context as a destructuring pattern.
    // eslint-disable-next-line no-empty-pattern
    beforeAll(async ({}, suite) => {
      // The tests vitest will run (`-t`, `.only` and `.skip` decided their modes at collection).
      const running = suite.tasks.filter((t) => t.type === 'test' && (t.mode === 'run' || t.mode === 'only')).map((t) => idOfTest.get(t.name)!).filter(Boolean);
      if (running.length === 0) return;
      const narrowed = running.length < checks.length;

      let url: string;
      let effectsUrl = o.effectsUrl;
      let built: Promise<InProcessTarget> | undefined;
      const apiKey = 'hgk_' + randomBytes(12).toString('hex');
      const build = (ctx: AppContext) => {
        built = buildTarget(target, ctx);
        // An app that cannot be built ends the run at once; the hook then fails with its error.
        built.catch(() => controller.abort());
        server!.provide(built);
      };
      const msw = o.msw ? await lettingThroughMsw(o.msw) : undefined;
      if (target.kind === 'url') {
        url = target.url;
      } else {
        server = await serveInProcess();
        url = server.origin + (o.path ?? '/webhook');
        if (effectsUrl?.startsWith('/')) effectsUrl = server.origin + effectsUrl;
        // Without a fetch-back API (OmniSales) or a factory, the app can be handed over now.
        if (target.kind !== 'factory') server.provide(Promise.resolve(target.target));
        else if (profile.restRoutes.length === 0) build({ secret });
      }
      const timer = setTimeout(() => controller.abort(), timeout);
      try {
        run = await runCheckInWorker(
          { provider: profile.name, url, secret, headerStyle: o.headerStyle, events: o.events, only: narrowed ? running : o.only, skip: narrowed ? undefined : o.skip, runs: o.runs, seed: o.seed, effectsUrl },
          {
            signal: controller.signal,
            onEvent(e) {
              if (e.type !== 'api-started' || target.kind !== 'factory') return;
              // Deliveries that arrive before the app is built wait for it (serveInProcess).
              msw?.allow(e.url);
              build({ secret, apiUrl: e.url, apiKey });
            },
          },
        );
      } finally {
        clearTimeout(timer);
      }
      if (built) await built; // rethrows the factory's error, which is why the run was aborted
    }, timeout + HOOK_GRACE_MS);

    afterAll(async () => {
      controller.abort();
      await server?.close();
      const warnings = run ? warningsOf(run.results) : [];
      // vitest's default reporter shows annotations only on failed tests: one line keeps the warnings visible.
      if (warnings.length && should === 'warn') console.warn(`hookgate: ${warnings.length} SHOULD warning${warnings.length > 1 ? 's' : ''} (${profile.displayName}): ${warnings.join('; ')}`);
    });

    for (const c of checks) {
      const name = `${c.id} — ${c.title}${c.severity(profile) === 'should' ? ' (SHOULD)' : ''}`;
      idOfTest.set(name, c.id);
      it(name, async (ctx) => {
        const result = run?.results.checks.find((r) => r.id === c.id);
        if (!run || !result) throw new Error(`hookgate has no result for ${c.id}: the run in beforeAll did not complete (see its error above)`);
        const v = checkVerdict(result, run.results, should, (id, seed) => `add seed: ${seed} to describeWebhookConformance's options (and only: ['${id}'], or vitest -t '${id}', for this check alone)`);
        if (v.kind === 'fail') throw new WebhookCheckFailed(v.details);
        if (v.kind === 'skip') ctx.skip(v.reason);
        if (v.kind === 'warn') await ctx.annotate(v.details, 'warning');
      });
    }
  });
}

/** A failed check: its own error name, so vitest prints "WebhookCheckFailed: …" with no stack of hookgate's internals. */
class WebhookCheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookCheckFailed';
    this.stack = `${this.name}: ${message}`;
  }
}

type Target = { kind: 'url'; url: string } | { kind: 'in-process'; target: InProcessTarget } | { kind: 'factory'; build(ctx: AppContext): unknown; fetch: boolean };

const TARGET_KEYS = ['url', 'app', 'handler', 'createApp', 'createHandler'] as const;

function targetOf(o: Record<string, unknown>): Target {
  const given = TARGET_KEYS.filter((k) => o[k] !== undefined);
  if (given.length !== 1) {
    throw new HookgateError('BAD_OPTION', given.length ? `give one target, not ${given.join(' and ')}` : 'no target given', 'pass exactly one of url (a running receiver), app (a Node listener or http.Server), handler ((request) => Response), createApp or createHandler (({ secret, apiUrl, apiKey }) => app)');
  }
  const key = given[0];
  const value = o[key];
  if (key !== 'url' && o.path !== undefined && (typeof o.path !== 'string' || !o.path.startsWith('/'))) throw new HookgateError('BAD_OPTION', `path ${JSON.stringify(o.path)} does not start with "/"`, "pass the route your app takes webhooks on, e.g. path: '/api/webhooks'");
  switch (key) {
    case 'url':
      if (o.path !== undefined) throw new HookgateError('BAD_OPTION', 'path is for an in-process app; url already says where webhooks go', 'put the path in url, or leave path out');
      if (typeof value !== 'string' && !(value instanceof URL)) throw new HookgateError('BAD_URL', 'url is not a string or URL', "pass the receiver's webhook URL, e.g. url: 'http://127.0.0.1:3000/webhook'");
      return { kind: 'url', url: String(value) };
    case 'app':
      if (typeof value !== 'function' && !(typeof value === 'object' && value !== null && ('emit' in value || 'server' in value))) {
        throw new HookgateError('BAD_OPTION', 'app is neither a request listener nor an http.Server', 'pass an Express app, Fastify\'s app.server or app.routing after await app.ready(), or http.createServer(...); a fetch-style (request) => Response goes in handler');
      }
      return { kind: 'in-process', target: { kind: 'node', app: value as never } };
    case 'handler':
      if (typeof value !== 'function') throw new HookgateError('BAD_OPTION', 'handler is not a function', 'pass a fetch-style (request: Request) => Response, e.g. a Next.js route handler or Hono\'s app.fetch');
      return { kind: 'in-process', target: { kind: 'fetch', handler: value as never } };
    default:
      if (typeof value !== 'function') throw new HookgateError('BAD_OPTION', `${key} is not a function`, `pass ${key}: ({ secret, apiUrl, apiKey }) => …`);
      return { kind: 'factory', build: value as (ctx: AppContext) => unknown, fetch: key === 'createHandler' };
  }
}

async function buildTarget(target: Target, ctx: AppContext): Promise<InProcessTarget> {
  if (target.kind !== 'factory') throw new Error('unreachable');
  let built: unknown;
  try {
    built = await target.build(ctx);
  } catch (e) {
    throw new Error(`${target.fetch ? 'createHandler' : 'createApp'} threw: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
  if (target.fetch) {
    if (typeof built !== 'function') throw new HookgateError('BAD_OPTION', `createHandler returned ${typeof built}, not a function`, 'return the (request: Request) => Response handler');
    return { kind: 'fetch', handler: built as never };
  }
  if (typeof built !== 'function' && !(typeof built === 'object' && built !== null && ('emit' in built || 'server' in built))) {
    throw new HookgateError('BAD_OPTION', `createApp returned ${built === null ? 'null' : typeof built}, not a request listener or http.Server`, 'return the Express app (or Fastify\'s app.server after await app.ready()); a fetch-style handler goes in createHandler');
  }
  return { kind: 'node', app: built as never };
}

function secretOf(profile: ProviderProfile, given: string | undefined, factory: boolean): string {
  const scheme = schemeFor(profile);
  if (given !== undefined) {
    scheme.validateSecret(given, profile.displayName);
    return given;
  }
  if (!factory) {
    throw new HookgateError('BAD_SECRET', 'no secret given: hookgate must sign with the secret your receiver verifies with', 'pass secret (the one the app was built with), or build the app in createApp/createHandler: ({ secret }) => app, and hookgate generates one');
  }
  // The provider's own format, as `hookgate check --start` would give the receiver.
  return scheme.generateSecret();
}

/** "id: message" of each SHOULD finding, cut short: the afterAll line. */
function warningsOf(r: RunResults): string[] {
  return r.checks.filter((c) => !c.countsAgainstVerdict && (c.status === 'warn' || c.status === 'fail')).map((c) => `${c.id}: ${c.message.length > 160 ? c.message.slice(0, 159) + '…' : c.message}`);
}
