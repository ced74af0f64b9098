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
import { newSvixId } from '../mock-provider/svix-api/registry.js';
import { loadRegistry, saveRegistry } from '../mock-provider/svix-api/registry-file.js';
import { serveApp } from '../mock-provider/serve-app.js';
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
  let store: ReturnType<typeof sqliteStore>;
  try {
    store = sqliteStore(o.store);
  } catch (e) {
    throw new HookgateError('OUTPUT_UNWRITABLE', `cannot open the store ${o.store}: ${(e as Error).message}`, 'pass --store with a file in a folder you can write to');
  }
  // Virtual time runs ahead of the wall clock under --time-scale: resume from the latest virtual moment the
  // store saw, or a restart would find every due time far in the future.
  const resumeAt = (await store.listAttempts()).reduce((m, a) => Math.max(m, a.virtualAt), Date.now());
  const clock = o.timeScale === 1 ? realClock : scaledClock(o.timeScale, { startAt: resumeAt });
  const dispatcher = createDispatcher({
    profile,
    clock,
    store,
    deliver: httpDeliver(profile, { timeoutMs: o.timeout ? o.timeout * 1000 : undefined }),
    maxAttempts: o.maxAttempts,
    jitter: o.jitter,
    onError: (e) => io.err(`hookgate serve: ${(e as Error)?.message ?? String(e)}\n`),
    onAttempt: (r) => io.err(`attempt ${r.n} of ${r.msgId} → ${r.status ? `HTTP ${r.status}` : r.error} at +${Math.round(r.virtualOffsetMs / 1000)} s (virtual)\n`),
  });

  // One application and one endpoint for --target; a restart on the same store reuses them.
  const registryFile = `${o.store}.registry.json`;
  const registry = loadRegistry(registryFile);
  const now = () => clock.now();
  const appRec = registry.findApp('hookgate') ?? { id: newSvixId('app', now()), uid: 'hookgate', name: 'hookgate', metadata: {}, createdAt: now(), updatedAt: now() };
  if (!registry.apps.includes(appRec)) registry.apps.push(appRec);
  const existing = (await store.listEndpoints()).find((e) => e.url === target.href);
  const generated = !o.secret && !existing;
  const secret = existing?.secret ?? o.secret ?? scheme.generateSecret();
  const endpointId = existing?.id ?? newSvixId('ep', now());
  if (!existing) await dispatcher.addEndpoint({ id: endpointId, url: target.href, secret, webhookId: newWebhookId() });
  if (!registry.findEndpoint(appRec.id, endpointId)) {
    registry.endpoints.push({ id: endpointId, appId: appRec.id, description: 'hookgate --target', version: 1, filterTypes: null, channels: null, metadata: {}, createdAt: now(), updatedAt: now() });
  }
  const persist = () => saveRegistry(registry, registryFile);
  persist();

  const app = serveApp({ profile, dispatcher, token, requireTokenEverywhere: !LOOPBACK.has(o.host), registry, now, appId: appRec.id, onRegistryChange: persist });
  const server = app.listen(o.port, o.host);
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
