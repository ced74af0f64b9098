import { randomInt } from 'node:crypto';
import type { Io } from './io.js';
import { requireProvider, requireUrl } from './context.js';
import { prepareOutDir, writeReports } from './report-files.js';
import { colorEnabled, progressLine, verdictText } from './progress.js';
import { maskSecret } from './mask.js';
import { maskUrl } from '../fixtures/mask.js';
import { EXIT, HookgateError } from '../fixtures/hookgate-error.js';
import { concreteTypes, resolveEvent, newWebhookId } from '../fixtures/index.js';
import type { ProviderProfile } from '../fixtures/profile.js';
import { schemeFor, type HeaderStyle } from '../mock-provider/signing/index.js';
import { createContext } from '../suites/context.js';
import { timeoutPhrase } from '../suites/liveness.js';
import { selectChecks } from '../suites/conformance/catalog.js';
import { runChecks } from '../suites/runner.js';
import { freePort, startReceiver, type ReceiverProcess } from '../suites/receiver-process.js';
import { decideVerdict } from '../suites/verdict.js';
import { withReceiverSaid } from '../suites/receiver-lines.js';
import type { RunResults } from '../suites/types.js';
import { TOOL_VERSION } from './version.js';
import { throwIfUnreachable } from './unreachable.js';
import { randomBytes } from 'node:crypto';
import { createFetchBackApi, serveFetchBack, type FetchBackApi, type FetchBackServer } from '../mock-provider/rest-api/index.js';
import { effectsObserver } from '../suites/observe/effects-url.js';
import { fetchBackObserver } from '../suites/observe/fetch-back.js';

export interface CheckOpts {
  provider?: string;
  url?: string;
  secret?: string;
  headerStyle: HeaderStyle;
  only?: string[];
  skip?: string[];
  out: string;
  seed?: number;
  runs: number;
  events?: string[];
  strict: boolean;
  start?: string;
  readyUrl?: string;
  readyTimeout: number;
  largeSize?: number;
  concurrency: number;
  list: boolean;
  effectsUrl?: string;
  apiPort?: number;
  settleMs: number;
  /** `--timeout S`: per-request timeout in seconds (default the provider's). */
  timeout?: number;
}

function subscribedTypes(profile: ProviderProfile, events: string[] | undefined): string[] {
  if (!events?.length) return concreteTypes(profile);
  for (const e of events) resolveEvent(profile, e);
  return events;
}

/** The secret to sign with: the user's (validated), or — only when hookgate starts the receiver — a generated one. */
function checkSecret(profile: ProviderProfile, given: string | undefined, starting: boolean, io: Io): { value: string; shown: string } {
  const scheme = schemeFor(profile);
  if (given) {
    scheme.validateSecret(given, profile.displayName);
    return { value: given, shown: maskSecret(given) };
  }
  if (!starting) {
    throw new HookgateError('BAD_SECRET', 'no secret given: check must sign with the secret your receiver verifies with', 'set HOOKGATE_SECRET (or pass --secret), or use --start so hookgate generates one and passes it to the receiver');
  }
  const value = scheme.generateSecret();
  io.err(`hookgate: generated a secret for this ${profile.displayName} run (given to the receiver as HOOKGATE_SECRET):\n  ${value}\n`);
  return { value, shown: 'generated' };
}

export async function runCheckSession(o: CheckOpts, io: Io): Promise<number> {
  const profile = requireProvider(o.provider);
  const url = requireUrl(o.url);
  // With --start, port 0 means "pick a free one": the receiver gets it as PORT.
  if (o.start && url.port === '0') url.port = String(await freePort());
  const events = subscribedTypes(profile, o.events);
  const checks = selectChecks(o.only, o.skip);
  // With --start, port 0 in --ready-url/--effects-url on --url's host is the receiver's port (the one picked above).
  const onReceiverPort = (raw: string | undefined, flag: string): string | undefined => {
    if (!raw) return raw;
    const u = requireUrl(raw, flag);
    if (!o.start || u.port !== '0') return raw;
    if (u.hostname !== url.hostname) {
      throw new HookgateError('BAD_URL', `${flag} "${maskUrl(raw)}" has port 0 on another host than --url`, `port 0 stands for the receiver's port only on ${url.hostname}; give ${flag} an explicit port`);
    }
    u.port = url.port;
    return u.href;
  };
  o = { ...o, readyUrl: onReceiverPort(o.readyUrl, '--ready-url'), effectsUrl: onReceiverPort(o.effectsUrl, '--effects-url') };
  const outDir = prepareOutDir(o.out, io.cwd);
  const secret = checkSecret(profile, o.secret, Boolean(o.start), io);
  const seed = o.seed ?? randomInt(0, 2 ** 31 - 1);
  const startedAt = new Date();
  io.err(`hookgate check: ${profile.displayName} → ${maskUrl(url.href)}  (${checks.length} check${checks.length === 1 ? "" : "s"}, ${o.runs} run${o.runs === 1 ? "" : "s"} each, seed ${seed}, secret ${secret.shown})\n`);

  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  let receiver: ReceiverProcess | undefined;
  let apiServer: FetchBackServer | undefined;
  let api: FetchBackApi | undefined;
  // Any non-empty key is accepted; a fresh one per run keeps receivers from hard-coding it.
  const apiKey = 'hgk_' + randomBytes(12).toString('hex');
  try {
    if (profile.restRoutes.length) {
      api = createFetchBackApi(profile, { seed });
      apiServer = await startApi(api, o.apiPort);
      io.err(`fetch-back API: ${apiServer.url} (any non-empty X-API-KEY${o.start ? '; given to the receiver as HOOKGATE_API_URL / HOOKGATE_API_KEY' : ''})\n`);
    }
    if (o.start) {
      const port = url.port || (url.protocol === 'https:' ? '443' : '80');
      receiver = await startReceiver({
        command: o.start,
        env: { HOOKGATE_SECRET: secret.value, PORT: port, ...(apiServer ? { HOOKGATE_API_URL: apiServer.url, HOOKGATE_API_KEY: apiKey } : {}) },
        cwd: io.cwd,
        readyUrl: o.readyUrl,
        port: Number(port),
        readyTimeoutMs: o.readyTimeout * 1000,
      });
      io.err(`started receiver: ${o.start} (pid ${receiver.pid})\n`);
    }
    const ctx = createContext({
      profile,
      secret: secret.value,
      url: url.href,
      headerStyle: o.headerStyle,
      events,
      seed,
      runs: o.runs,
      largeSize: o.largeSize,
      timeoutMs: o.timeout === undefined ? undefined : Math.max(1, Math.round(o.timeout * 1000)),
      signal: abort.signal,
      webhookId: newWebhookId(),
      observation: {
        settleMs: o.settleMs,
        effects: o.effectsUrl ? effectsObserver(o.effectsUrl) : undefined,
        fetchBack: api && apiServer ? { observer: fetchBackObserver(api, apiServer.url), counts: api } : undefined,
      },
    });
    await assertReachable(ctx, url);
    // A receiver that accepts connections but never answers costs this one timeout, not one per request.
    if (ctx.liveness.silence) io.err(`hookgate: the receiver accepted the connection but sent no answer within ${timeoutPhrase(ctx.timeoutMs, profile)}: timeout.latency-budget fails on that delivery; the checks that need an answer are skipped\n`);
    const color = colorEnabled(io);
    let results = await runChecks(checks, ctx, {
      concurrency: o.concurrency,
      onResult: (r, done, total) => io.err(progressLine(r, done, total, { color })),
    });
    if (receiver) {
      // Stopped first so its last lines are in; each failing check then gets what the receiver said about it.
      await receiver.stop();
      results = withReceiverSaid(results, ctx.sent, receiver.lines);
    }
    const interrupted = abort.signal.aborted;
    const judged = decideVerdict(results, { strict: o.strict, interrupted });
    const run: RunResults = {
      schemaVersion: 1,
      tool: { name: 'hookgate', version: TOOL_VERSION },
      provider: profile.name,
      target: maskUrl(url.href),
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      seed,
      interrupted,
      summary: judged.summary,
      checks: judged.checks,
      // As typed (port 0 included), for the rerun and replay lines in the reports; credentials masked.
      invocation: { url: maskUrl(o.url!), out: o.out },
    };
    if (receiver) {
      await receiver.stop();
      run.receiverLog = { command: o.start!, stdout: receiver.stdout, stderr: receiver.stderr, exitCode: receiver.exitCode };
    }
    writeReports(outDir, run, { attachments: ctx.attachments });
    io.out(verdictText(run, outDir, { color }));
    if (interrupted) return EXIT.interrupted;
    if (judged.nothingToCheck) {
      io.err(`error: nothing to check: every selected check is not applicable to ${profile.displayName}${o.events?.length ? ' with these --events' : ''}\nhint: widen --only/--skip (\`hookgate check --list --provider ${profile.name}\` shows what applies)\n`);
      return EXIT.usage;
    }
    return run.summary.verdict === 'pass' ? EXIT.ok : EXIT.failed;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await receiver?.stop();
    await apiServer?.close();
  }
}

/** One correctly signed delivery before the suite: a receiver that cannot be reached at all is exit 3, not 9 failures. */
async function assertReachable(ctx: ReturnType<typeof createContext>, url: URL): Promise<void> {
  const d = ctx.delivery(ctx.newMessage());
  throwIfUnreachable(await ctx.send(d), url, 'is the receiver running? check the host and port in --url, or use --start');
}

async function startApi(api: FetchBackApi, port: number | undefined): Promise<FetchBackServer> {
  try {
    return await serveFetchBack(api, { port: port ?? 0 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new HookgateError('PORT_IN_USE', `--api-port ${port} is already in use`, 'pick another port, or omit --api-port for a random one');
    }
    throw e;
  }
}
