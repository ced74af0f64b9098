import { randomBytes, randomInt } from 'node:crypto';
import { maskUrl } from '../fixtures/mask.js';
import { HookgateError } from '../fixtures/hookgate-error.js';
import { concreteTypes, resolveEvent, newWebhookId } from '../fixtures/index.js';
import type { ProviderProfile } from '../fixtures/profile.js';
import { schemeFor, type HeaderStyle } from '../mock-provider/signing/index.js';
import { createFetchBackApi, serveFetchBack, type FetchBackApi, type FetchBackServer } from '../mock-provider/rest-api/index.js';
import { createContext } from '../suites/context.js';
import { timeoutPhrase } from '../suites/liveness.js';
import { selectChecks } from '../suites/conformance/catalog.js';
import { SAFE_RUNS, UNSAFE_CHECKS } from '../suites/conformance/safe-subset.js';
import { percentile } from '../suites/conformance/timeout/latency-budget.js';
import { runChecks } from '../suites/runner.js';
import { freePort, startReceiver, type ReceiverProcess } from '../suites/receiver-process.js';
import { decideVerdict } from '../suites/verdict.js';
import { withReceiverSaid } from '../suites/receiver-lines.js';
import { effectsObserver } from '../suites/observe/effects-url.js';
import { fetchBackObserver } from '../suites/observe/fetch-back.js';
import { httpsAgentFor } from '../suites/tls-trust.js';
import type { RunResults } from '../suites/types.js';
import { requireProvider } from './require-provider.js';
import { requireUrl } from './require-url.js';
import { requestHeaders } from './request-headers.js';
import { trustOf, INSECURE_WARNING } from './trust-of.js';
import { assertTlsTrusted } from './tls-probe.js';
import { throwIfUnreachable } from './unreachable.js';
import { checkRange } from './check-range.js';
import { DAY_S, MAX_CONCURRENCY, MAX_LARGE_SIZE, MAX_RUNS, MAX_SEED } from './limits.js';
import { eventSink } from './event-sink.js';
import { TOOL_VERSION } from './version.js';
import type { CheckEvent, CheckOptions, CheckRun } from './types.js';

/*
 * `hookgate check` as a function: validate, serve the fetch-back API, start the receiver when
 * asked, run the checks, decide the verdict. It prints nothing, exits nothing and keeps no state
 * between calls: everything it opens (API server, receiver process, TLS agent) is closed before
 * it returns or throws, aborted or not, so many runs can share one process.
 */

/** The receiver is told its secret only when hookgate starts it; otherwise the caller must give the one it verifies with. */
function checkSecret(profile: ProviderProfile, given: string | undefined, starting: boolean): { value: string; generated: boolean } {
  const scheme = schemeFor(profile);
  if (given) {
    scheme.validateSecret(given, profile.displayName);
    return { value: given, generated: false };
  }
  if (!starting) {
    throw new HookgateError('BAD_SECRET', 'no secret given: check must sign with the secret your receiver verifies with', 'set HOOKGATE_SECRET (or pass --secret), or use --start so hookgate generates one and passes it to the receiver');
  }
  return { value: scheme.generateSecret(), generated: true };
}

function subscribedTypes(profile: ProviderProfile, events: string[] | undefined): string[] {
  if (!events?.length) return concreteTypes(profile);
  for (const e of events) resolveEvent(profile, e);
  return events;
}

function headerStyleOf(style: string | undefined): HeaderStyle {
  if (style === undefined || style === 'svix' || style === 'standard') return style ?? 'svix';
  throw new HookgateError('BAD_OPTION', `headerStyle "${style}" is neither svix nor standard`, 'pass --header-style svix (svix-* headers) or standard (webhook-* headers)');
}

export async function runCheck(o: CheckOptions): Promise<CheckRun> {
  const profile = requireProvider(o.provider);
  const url = new URL(requireUrl(o.url).href);
  const headerStyle = headerStyleOf(o.headerStyle);
  const askedRuns = checkRange('runs', o.runs, 1, MAX_RUNS, { integer: true }) ?? 50;
  const runs = o.safe ? Math.min(askedRuns, SAFE_RUNS) : askedRuns;
  const maxRate = checkRange('maxRate', o.maxRate, 0.01, 100_000);
  const concurrency = checkRange('concurrency', o.concurrency, 1, MAX_CONCURRENCY, { integer: true }) ?? 4;
  const settleMs = checkRange('settleMs', o.settleMs, 0, 60_000) ?? 500;
  const timeoutMs = checkRange('timeoutMs', o.timeoutMs, 1, DAY_S * 1000);
  const readyTimeoutMs = checkRange('readyTimeoutMs', o.readyTimeoutMs, 1, DAY_S * 1000) ?? 30_000;
  checkRange('largeSize', o.largeSize, 1, MAX_LARGE_SIZE, { integer: true });
  checkRange('apiPort', o.apiPort, 0, 65535, { integer: true });
  const seed = checkRange('seed', o.seed, 0, MAX_SEED, { integer: true }) ?? randomInt(0, MAX_SEED);
  const headers = requestHeaders(o.headers);
  const trust = trustOf(o);
  const events = subscribedTypes(profile, o.events);
  // --safe leaves out what no provider sends; named in the results so the report says what was not tried.
  const unsafe = o.safe ? Object.keys(UNSAFE_CHECKS) : [];
  const checks = selectChecks(o.only, [...(o.skip ?? []), ...unsafe]);
  const left = o.safe ? selectChecks(o.only, o.skip).filter((c) => unsafe.includes(c.id)).map((c) => c.id) : [];
  // With a start command, port 0 means "pick a free one": the receiver gets it as PORT.
  if (o.start && url.port === '0') url.port = String(await freePort());
  const readyUrl = onReceiverPort(o.readyUrl, '--ready-url', url, Boolean(o.start));
  const effectsUrl = onReceiverPort(o.effectsUrl, '--effects-url', url, Boolean(o.start));
  const secret = checkSecret(profile, o.secret, Boolean(o.start));

  const sink = eventSink<CheckEvent>(o.onEvent);
  const signal = o.signal ? AbortSignal.any([o.signal, sink.signal]) : sink.signal;
  const startedAt = new Date();
  sink.emit({ type: 'run-started', provider: profile.name, providerDisplayName: profile.displayName, target: maskUrl(url.href), checks: checks.map((c) => c.id), runs, seed, ...(secret.generated ? { generatedSecret: secret.value } : {}) });
  if (trust?.insecure) sink.emit({ type: 'warning', code: 'insecure', message: INSECURE_WARNING });

  let receiver: ReceiverProcess | undefined;
  let apiServer: FetchBackServer | undefined;
  let api: FetchBackApi | undefined;
  const agent = httpsAgentFor(trust);
  // Any non-empty key is accepted; a fresh one per run keeps receivers from hard-coding it.
  const apiKey = 'hgk_' + randomBytes(12).toString('hex');
  try {
    // Nothing to start: an untrusted certificate is said before anything else is set up.
    if (!o.start) await assertTlsTrusted(url, trust);
    if (profile.restRoutes.length) {
      api = createFetchBackApi(profile, { seed });
      apiServer = await startApi(api, o.apiPort, o.start ? Number(url.port) : undefined);
      sink.emit({ type: 'api-started', url: apiServer.url, givenToReceiver: Boolean(o.start) });
    }
    if (o.start) {
      const port = url.port || (url.protocol === 'https:' ? '443' : '80');
      receiver = await startReceiver({
        command: o.start,
        env: { HOOKGATE_SECRET: secret.value, PORT: port, ...(apiServer ? { HOOKGATE_API_URL: apiServer.url, HOOKGATE_API_KEY: apiKey } : {}) },
        cwd: o.cwd ?? process.cwd(),
        readyUrl,
        port: Number(port),
        readyTimeoutMs,
      });
      sink.emit({ type: 'receiver-started', command: o.start, pid: receiver.pid });
    }
    const ctx = createContext({
      profile,
      secret: secret.value,
      url: url.href,
      headerStyle,
      events,
      seed,
      runs,
      // --safe: payloads at the provider's real sizes only.
      largeSize: o.safe ? undefined : o.largeSize,
      timeoutMs,
      signal,
      webhookId: newWebhookId(),
      headers,
      agent,
      maxRate,
      observation: {
        settleMs,
        effects: effectsUrl ? effectsObserver(effectsUrl, undefined, { headers, agent }) : undefined,
        fetchBack: api && apiServer ? { observer: fetchBackObserver(api, apiServer.url), counts: api } : undefined,
      },
    });
    if (o.start) await assertTlsTrusted(url, trust);
    await assertReachable(ctx, url);
    // A receiver that accepts connections but never answers costs this one timeout, not one per request.
    if (ctx.liveness.silence) {
      sink.emit({ type: 'warning', code: 'receiver-silent', message: `the receiver accepted the connection but sent no answer within ${timeoutPhrase(ctx.timeoutMs, profile)}: timeout.latency-budget fails on that delivery; the checks that need an answer are skipped` });
    }
    let checked = await runChecks(checks, ctx, {
      concurrency,
      onStart: (c) => sink.emit({ type: 'check-started', id: c.id, title: c.title }),
      onResult: (result, done, total) => sink.emit({ type: 'check-finished', result, done, total }),
    });
    if (receiver) {
      // Stopped first so its last lines are in; each failing check then gets what the receiver said about it.
      await receiver.stop();
      checked = withReceiverSaid(checked, ctx.sent, receiver.lines);
    }
    sink.rethrow();
    const interrupted = Boolean(o.signal?.aborted);
    const judged = decideVerdict(checked, { strict: Boolean(o.strict), interrupted });
    const results: RunResults = {
      schemaVersion: 1,
      tool: { name: 'hookgate', version: TOOL_VERSION },
      provider: profile.name,
      target: maskUrl(url.href),
      ...(trust?.insecure ? { insecure: true as const } : {}),
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      seed,
      interrupted,
      ...latencyOf(ctx.validAttempts),
      ...(o.safe ? { safe: { left, runs } } : {}),
      ...(maxRate ? { maxRate } : {}),
      summary: judged.summary,
      checks: judged.checks,
      ...(receiver ? { receiverLog: { command: o.start!, stdout: receiver.stdout, stderr: receiver.stderr, exitCode: receiver.exitCode } } : {}),
    };
    return { results, ...(secret.generated ? { generatedSecret: secret.value } : {}), nothingToCheck: judged.nothingToCheck, attachments: ctx.attachments };
  } finally {
    await receiver?.stop();
    await apiServer?.close();
    agent?.destroy();
  }
}

/** Answer times of the valid deliveries that got an HTTP answer, 2xx or not (a refusal is an answer too). */
function latencyOf(attempts: ReadonlyArray<{ outcome: { kind: string }; latencyMs: number }>): Pick<RunResults, 'latency'> {
  const ms = attempts.filter((a) => a.outcome.kind === 'response').map((a) => a.latencyMs).sort((x, y) => x - y);
  if (ms.length === 0) return {};
  const r = (x: number) => Math.round(x * 10) / 10;
  return { latency: { answered: ms.length, p50Ms: r(percentile(ms, 50)), p99Ms: r(percentile(ms, 99)), maxMs: r(ms[ms.length - 1]) } };
}

/** With a start command, port 0 in the ready or effects URL on the receiver's host stands for the port picked for `url`. */
function onReceiverPort(raw: string | undefined, flag: string, url: URL, starting: boolean): string | undefined {
  if (!raw) return raw;
  const u = requireUrl(raw, flag);
  if (!starting || u.port !== '0') return raw;
  if (u.hostname !== url.hostname) {
    throw new HookgateError('BAD_URL', `${flag} "${maskUrl(raw)}" has port 0 on another host than --url`, `port 0 stands for the receiver's port only on ${url.hostname}; give ${flag} an explicit port`);
  }
  u.port = url.port;
  return u.href;
}

/** One correctly signed delivery before the suite: a receiver that cannot be reached at all is exit 3, not 9 failures. */
async function assertReachable(ctx: ReturnType<typeof createContext>, url: URL): Promise<void> {
  const d = ctx.delivery(ctx.newMessage());
  throwIfUnreachable(await ctx.send(d), url, 'is the receiver running? check the host and port in --url, or use --start');
}

/**
 * The fetch-back API on `port`, or on a free one never equal to `avoid`: the port picked for a `--start`
 * receiver is free but not yet bound, and the system may hand the same one out again.
 */
async function startApi(api: FetchBackApi, port: number | undefined, avoid?: number): Promise<FetchBackServer> {
  try {
    for (let tries = 0; ; tries++) {
      const server = await serveFetchBack(api, { port: port ?? 0 });
      if (port || server.port !== avoid || tries >= 20) return server;
      await server.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new HookgateError('PORT_IN_USE', `--api-port ${port} is already in use`, 'pick another port, or omit --api-port for a random one');
    }
    throw e;
  }
}
