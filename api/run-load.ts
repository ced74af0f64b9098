import { randomInt } from 'node:crypto';
import { maskUrl } from '../fixtures/mask.js';
import { HookgateError } from '../fixtures/hookgate-error.js';
import { resolveEvent } from '../fixtures/index.js';
import { schemeFor, type HeaderStyle } from '../mock-provider/signing/index.js';
import { parseThreshold } from '../suites/load/thresholds.js';
import { runFindMax, runLoad as runLoadEngine, type LoadOptions as EngineOptions } from '../suites/load/run-load.js';
import { loadVerdict } from '../suites/load/verdict.js';
import type { LoadModel } from '../suites/load/generator.js';
import { requireProvider } from './require-provider.js';
import { requireUrl } from './require-url.js';
import { requestHeaders } from './request-headers.js';
import { trustOf, INSECURE_WARNING } from './trust-of.js';
import { assertTlsTrusted } from './tls-probe.js';
import { checkRange } from './check-range.js';
import { DAY_S, MAX_LARGE_SIZE, MAX_SEED } from './limits.js';
import { eventSink } from './event-sink.js';
import { TOOL_VERSION } from './version.js';
import type { LoadEvent, LoadOptions, LoadRun } from './types.js';

/*
 * `hookgate load` as a function: validate, then the load engine (suites/load/run-load.ts) or its
 * capacity search, then the gate. Prints nothing, exits nothing; the engine closes its connections
 * and worker threads before it returns, aborted or not.
 */

function headerStyleOf(style: string | undefined): HeaderStyle {
  if (style === undefined || style === 'svix' || style === 'standard') return style ?? 'svix';
  throw new HookgateError('BAD_OPTION', `headerStyle "${style}" is neither svix nor standard`, 'pass --header-style svix (svix-* headers) or standard (webhook-* headers)');
}

export async function runLoad(o: LoadOptions): Promise<LoadRun> {
  const profile = requireProvider(o.provider);
  const url = new URL(requireUrl(o.url).href);
  if (o.effectsUrl) requireUrl(o.effectsUrl, '--effects-url');
  if (!o.secret) throw new HookgateError('BAD_SECRET', 'no secret given: load must sign with the secret your receiver verifies with', 'set HOOKGATE_SECRET (or pass --secret)');
  schemeFor(profile).validateSecret(o.secret, profile.displayName);
  for (const e of o.events ?? []) resolveEvent(profile, e);
  const headerStyle = headerStyleOf(o.headerStyle);
  const thresholds = (o.thresholds ?? []).map(parseThreshold);
  const findMax = o.findMax;
  if (findMax && thresholds.length === 0) throw new HookgateError('BAD_OPTION', '--find-max needs at least one --threshold: it searches for the highest rate that holds them', 'e.g. --find-max --threshold "p99<250ms" --threshold "errors<0.1%"');
  if (o.shard && (!Number.isInteger(o.shard.n) || !Number.isInteger(o.shard.k) || o.shard.n < 1 || o.shard.n > 10_000 || o.shard.k < 1 || o.shard.k > o.shard.n)) {
    throw new HookgateError('BAD_OPTION', `shard ${o.shard.k}/${o.shard.n} is not K/N with K from 1 to N`, 'e.g. --shard 2/4 (the second of four)');
  }
  if (o.shard && findMax) throw new HookgateError('BAD_OPTION', '--find-max cannot run as a shard: each step must be judged on the whole load', 'run --find-max on one machine (with --workers), or shard a fixed --rate and merge');
  if (findMax && o.rate !== undefined) throw new HookgateError('BAD_OPTION', '--find-max searches for the rate itself, so --rate cannot be given with it', 'drop --rate; --start-rate sets where the search begins (default 100/s)');
  const durationMs = checkRange('durationMs', o.durationMs, 100, DAY_S * 1000) ?? 10_000;
  const warmupMs = checkRange('warmupMs', o.warmupMs, 0, 3_600_000) ?? 0;
  const connections = checkRange('connections', o.connections, 1, 10_000, { integer: true }) ?? 10;
  checkRange('rate', o.rate, 0.1, 1_000_000);
  const maxInflight = checkRange('maxInflight', o.maxInflight, 1, 100_000, { integer: true }) ?? 1_000;
  const duplicates = checkRange('duplicates', o.duplicates, 0, 1) ?? 0;
  const large = checkRange('large', o.large, 0, 1) ?? 0;
  checkRange('largeSize', o.largeSize, 1, MAX_LARGE_SIZE, { integer: true });
  const settleMs = checkRange('settleMs', o.settleMs, 0, 60_000) ?? 500;
  const workers = checkRange('workers', o.workers, 1, 64, { integer: true }) ?? 1;
  const timeoutMs = Math.round(checkRange('timeoutMs', o.timeoutMs, 1, DAY_S * 1000) ?? profile.timeoutMs);
  const startRate = checkRange('findMax.startRate', findMax?.startRate, 0.1, 1_000_000) ?? 100;
  const stepMs = checkRange('findMax.stepDurationMs', findMax?.stepDurationMs, 100, 3_600_000) ?? 10_000;
  const seed = checkRange('seed', o.seed, 0, MAX_SEED, { integer: true }) ?? randomInt(0, MAX_SEED);
  const headers = requestHeaders(o.headers);
  const tls = trustOf(o);
  const model: LoadModel = findMax ? { kind: 'open', rate: startRate, maxInflight } : o.rate !== undefined ? { kind: 'open', rate: o.rate, maxInflight } : { kind: 'closed', connections };

  const sink = eventSink<LoadEvent>(o.onEvent);
  const signal = o.signal ? AbortSignal.any([o.signal, sink.signal]) : sink.signal;
  sink.emit({ type: 'run-started', provider: profile.name, providerDisplayName: profile.displayName, target: maskUrl(url.href), seed });
  if (tls?.insecure) sink.emit({ type: 'warning', code: 'insecure', message: INSECURE_WARNING });
  await assertTlsTrusted(url, tls);

  const options: EngineOptions = {
    provider: profile.name,
    providerDisplayName: profile.displayName,
    url,
    secret: o.secret,
    headerStyle,
    events: o.events,
    seed,
    model,
    durationMs: Math.round(durationMs),
    warmupMs: Math.round(warmupMs),
    timeoutMs,
    duplicates,
    large,
    largeSize: o.largeSize,
    headers,
    thresholds,
    effectsUrl: o.effectsUrl,
    settleMs,
    workers,
    toolVersion: TOOL_VERSION,
    ...(o.shard ? { shard: { k: o.shard.k, n: o.shard.n } } : {}),
    ...(o.startAtEpochMs !== undefined ? { startAtEpochMs: o.startAtEpochMs } : {}),
    ...(tls ? { tls } : {}),
    signal,
    onTick: (tick) => sink.emit({ type: 'tick', tick }),
  };
  const results = findMax
    ? await runFindMax(options, { startRate, stepMs: Math.round(stepMs), onStep: (point) => sink.emit({ type: 'step', point }) })
    : await runLoadEngine(options);
  sink.rethrow();
  const verdict = loadVerdict(results, { allowInvalid: Boolean(o.allowInvalid), sharded: Boolean(o.shard) });
  return { results, verdict };
}
