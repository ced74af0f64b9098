import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Io } from './io.js';
import { SERVE_OPTIONS } from './option-specs.js';
import { requireProvider, requireUrl, resolveFor } from './context.js';
import { maskSecret } from './mask.js';
import { maskUrl } from '../fixtures/mask.js';
import { EXIT, HookgateError } from '../fixtures/hookgate-error.js';
import { echo } from '../fixtures/echo.js';
import { lookup } from 'node:dns/promises';
import { resolve as resolvePath } from 'node:path';
import { refuseSystemPath } from './report-files.js';
import { newWebhookId } from '../fixtures/index.js';
import { schemeFor } from '../mock-provider/signing/index.js';
import { createDispatcher, httpDeliver, realClock, scaledClock } from '../mock-provider/engine/index.js';
import { newSvixId } from '../mock-provider/svix-api/ids.js';
import { serveApp } from '../mock-provider/serve-app.js';
import { serveEvents } from '../mock-provider/serve-events.js';
import { observedDispatcher } from '../mock-provider/observed-dispatcher.js';
import { counterIds } from '../mock-provider/engine/util.js';
import { serveListener } from '../mock-provider/serve-fast.js';
import { createServer } from 'node:http';
import { attemptLine, batchedLines, deadLetterLine, endpointDisabledLine } from '../mock-provider/serve-log.js';
import type { ServeStore } from '../mock-provider/engine/records.js';
import { getProfile } from '../fixtures/index.js';
import { shellQuote } from '../mock-provider/curl.js';

interface ServeOpts {
  provider?: string;
  target?: string;
  secret?: string;
  port: number;
  host: string;
  token?: string;
  store: string;
  timeScale: number;
  jitter: number;
  timeout?: number;
  maxAttempts?: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function registerServe(program: Command, io: Io, setCode: (c: number) => void): void {
  program
    .command('serve')
    .description('run the mock provider: delivery engine on the documented schedule, crash-safe store, Svix-compatible API')
    .option('--provider <name>', 'optipick | dimmy | omnisales')
    .option('--target <url>', 'the receiver to deliver to')
    .option('--secret <secret>', 'signing secret for the target endpoint (prefer HOOKGATE_SECRET; generated when absent)')
    .option('--port <n>', 'port of the APIs (default 8040; 0 = random)')
    .option('--host <host>', 'bind address (default 127.0.0.1; any other host makes every API require the token)')
    .option('--token <token>', 'API bearer token (or HOOKGATE_TOKEN; generated when absent)')
    .option('--store <file>', 'SQLite store (default ./.hookgate/serve.db)')
    .option('--time-scale <x>', 'run the retry schedule x times faster (attempt records keep virtual offsets)')
    .option('--jitter <f>', 'spread each retry delay uniformly over ±f of itself (default 0)')
    .option('--timeout <seconds>', "per-attempt timeout (default: the provider's)")
    .option('--max-attempts <n>', "attempts in all (default: the provider's; OmniSales 3)")
    .action(async (flags: Record<string, unknown>) => setCode(await runServe(resolveFor<ServeOpts>(SERVE_OPTIONS, flags, io), io)));
}

const HOST_HINT = 'pass an address of this machine: --host 127.0.0.1 (the default), ::1, or 0.0.0.0 for every interface';

/** `--host` must name this machine: a name that does not resolve is the user's to fix, not a crash. */
async function requireLocalHost(host: string): Promise<void> {
  try {
    await lookup(host);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HookgateError('BAD_OPTION', `--host "${echo(host)}" does not resolve to an address${code ? ` (${code})` : ''}`, HOST_HINT);
  }
}

/** Why the APIs could not listen, in the user's terms; anything else stays unexpected. */
function listenError(e: NodeJS.ErrnoException, o: ServeOpts): Error {
  switch (e.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new HookgateError('BAD_OPTION', `--host "${echo(o.host)}" does not resolve to an address (${e.code})`, HOST_HINT);
    case 'EADDRNOTAVAIL':
      return new HookgateError('BAD_OPTION', `--host "${echo(o.host)}" is not an address of this machine`, HOST_HINT);
    case 'EACCES':
      return new HookgateError('PORT_IN_USE', `not allowed to listen on port ${o.port}`, 'ports below 1024 need privileges: pass --port 8040 (the default), or --port 0 for a random one');
    default:
      return e;
  }
}

/**
 * A store keeps one provider's messages, endpoints and secrets: opened for another it would deliver one
 * provider's history signed and shaped as the other's. The first run names its provider; later runs must match.
 */
async function claimStore(store: ServeStore, provider: string, path: string): Promise<void> {
  const owner = await store.getMeta('provider');
  if (owner === undefined) return store.setMeta('provider', provider);
  if (owner === provider) return;
  let ownerName = owner;
  try {
    ownerName = getProfile(owner).displayName;
  } catch {
    // An owner this hookgate does not know is still named as stored.
  }
  throw new HookgateError(
    'BAD_OPTION',
    `the store ${path} was created for ${ownerName} and cannot serve ${getProfile(provider).displayName}`,
    `pass --provider ${owner} to use it, or another --store for ${provider} (e.g. --store ./.hookgate/${provider}.db)`,
  );
}

export async function runServe(o: ServeOpts, io: Io): Promise<number> {
  const profile = requireProvider(o.provider);
  const target = requireUrl(o.target, '--target');
  const scheme = schemeFor(profile);
  if (o.secret) scheme.validateSecret(o.secret, profile.displayName);
  const token = o.token ?? 'hgt_' + randomBytes(16).toString('hex');
  // Both before anything is written: a store under /proc would hang in mkdir, a bad --host would leave a store behind.
  refuseSystemPath(resolvePath(io.cwd, o.store), '--store', 'pass --store with a file on a real disk, e.g. --store ./.hookgate/serve.db');
  await requireLocalHost(o.host);
  // Loaded here, not at startup: the native SQLite addon is only needed by `serve`.
  const { sqliteStore } = await import('../mock-provider/engine/sqlite-store.js');
  let store: ServeStore;
  try {
    store = sqliteStore(o.store);
  } catch (e) {
    throw new HookgateError('OUTPUT_UNWRITABLE', `cannot open the store ${o.store}: ${(e as Error).message}`, 'pass --store with a file in a folder you can write to');
  }
  try {
    await claimStore(store, profile.name, o.store);
  } catch (e) {
    store.close();
    throw e;
  }
  // Virtual time runs ahead of the wall clock under --time-scale: resume from the latest virtual moment the
  // store saw, or a restart would find every due time far in the future.
  const resumeAt = Math.max(Date.now(), (await store.latestVirtualTime()) ?? 0);
  const clock = o.timeScale === 1 ? realClock : scaledClock(o.timeScale, { startAt: resumeAt });
  const svix = profile.scheme === 'svix-v1';
  const log = batchedLines((text) => io.err(text));
  // The dashboard's live feed and the OmniSales test route learn of attempts, dead letters and endpoint changes here.
  const events = serveEvents((e) => io.err(`hookgate serve: ${(e as Error)?.message ?? String(e)}\n`));
  // OmniSales dead letters are the guide's failures: `failure_id` reads `fail_…` as in its replay example.
  const omnisalesIds = counterIds();
  const dispatcher = createDispatcher({
    profile,
    clock,
    store,
    deliver: httpDeliver(profile, { timeoutMs: o.timeout ? o.timeout * 1000 : undefined }),
    maxAttempts: o.maxAttempts,
    jitter: o.jitter,
    onError: (e) => io.err(`hookgate serve: ${(e as Error)?.message ?? String(e)}\n`),
    // Svix-shaped ids (a KSUID of the virtual time they stand for), as the API shows them.
    newId: svix ? (prefix: string, at: number) => newSvixId(prefix, at) : (prefix: string) => omnisalesIds(prefix === 'dl' ? 'fail' : prefix),
    onAttempt: (r) => {
      log(attemptLine(r));
      events.publish({ kind: 'attempt', record: r });
    },
    onDeadLetter: (dl) => {
      log(deadLetterLine(dl));
      events.publish({ kind: 'dead-letter', letter: dl });
    },
    onEndpointDisabled: (id, at, reason) => {
      log(endpointDisabledLine(id, at, reason));
      events.publish({ kind: 'endpoint', endpointId: id });
    },
  });

  // One application and one endpoint for --target; a restart on the same store reuses them.
  const now = () => clock.now();
  const appRec = (await store.getApp('hookgate')) ?? { id: newSvixId('app', now()), uid: 'hookgate', name: 'hookgate', attrs: { metadata: {} }, createdAt: now(), updatedAt: now() };
  await store.putApp(appRec);
  const existing = (await store.listEndpoints()).find((e) => e.url === target.href && !e.deleted);
  const generated = !o.secret && !existing;
  const secret = o.secret ?? existing?.secret ?? scheme.generateSecret();
  const webhookId = newWebhookId();
  // OmniSales: the endpoint id is its X-Webhook-ID, so the terminal, the dashboard and /api/webhooks name it alike.
  const endpointId = existing?.id ?? (svix ? newSvixId('ep', now()) : webhookId);
  if (!existing) {
    const attrs = { description: 'hookgate --target', version: 1, filterTypes: null, channels: null, metadata: {} };
    await dispatcher.addEndpoint({ id: endpointId, url: target.href, secret, webhookId, appId: appRec.id, attrs, createdAt: now(), updatedAt: now() });
  } else if (secret !== existing.secret || existing.appId === undefined) {
    // --secret is what the user's receiver has now: deliveries must be signed with it, not with what the store remembered.
    await store.updateEndpoint(endpointId, { secret, previousSecrets: secret !== existing.secret ? [] : existing.previousSecrets, appId: appRec.id, updatedAt: now() });
    if (secret !== existing.secret) io.err(`hookgate serve: ${endpointId} for this target was already in ${o.store}; its secret is now the one --secret gives (deliveries are signed with it from now on)\n`);
  }

  const requireTokenEverywhere = !LOOPBACK.has(o.host);
  const appOptions = { profile, dispatcher: observedDispatcher(dispatcher, events), store, token, requireTokenEverywhere, now, appId: appRec.id, events };
  // The plain emit requests are answered on node:http directly (serve-fast.ts), everything else by express.
  const server = createServer(serveListener(appOptions, serveApp(appOptions)));
  server.listen(o.port, o.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new HookgateError('PORT_IN_USE', `port ${o.port} is already in use`, 'pass another --port, or --port 0 for a random one') : listenError(e, o)),
    );
  }).catch((e) => {
    store.close();
    throw e;
  });
  await dispatcher.start();
  const base = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${(server.address() as AddressInfo).port}`;

  if (generated) io.err(`hookgate serve: generated the ${profile.displayName} endpoint secret — configure your receiver with it:\n  ${secret}\n`);
  io.out(`${profile.displayName} mock provider → ${maskUrl(target.href)} (endpoint ${endpointId}, secret ${generated ? 'above' : maskSecret(secret)})\n`);
  io.out(`API token: ${token}\n`);
  if (profile.scheme === 'svix-v1') io.out(`Svix API:     ${base}/api/v1  (new Svix(token, { serverUrl: '${base}' }))\n`);
  if (profile.restRoutes.length) io.out(`fetch-back:   ${base}${profile.restRoutes[0].path}  (any X-API-KEY)\n`);
  if (!svix) io.out(`OmniSales API: ${base}/api/webhooks  (${requireTokenEverywhere ? 'Authorization: Bearer <token>' : 'no token needed on loopback'})\n`);
  io.out(`dashboard:    ${base}/${requireTokenEverywhere ? `  (log in at ${base}/login with the token)` : ''}\n`);
  io.out(`emit events:  ${base}/_hookgate/events\n`);
  io.out(`try: curl -sS -X POST ${shellQuote(base + '/_hookgate/events')} -H 'content-type: application/json' -H ${shellQuote('authorization: Bearer ' + token)} --data '{"type":"${profile.events[0].example}"}'\n`);
  io.out(`store: ${o.store}${o.timeScale !== 1 ? `; time runs ${o.timeScale}× faster` : ''}. Ctrl-C stops cleanly.\n`);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await dispatcher.stop();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  store.close();
  io.err('hookgate serve: stopped; pending deliveries stay in the store\n');
  return EXIT.ok;
}
