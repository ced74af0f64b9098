import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { HookgateError, EXIT } from '../../fixtures/hookgate-error.js';
import { maskUrl } from '../../fixtures/mask.js';
import type { ProviderName } from '../../fixtures/profile.js';
import { getProfile } from '../../fixtures/index.js';
import type { HeaderStyle } from '../../mock-provider/signing/index.js';
import { readEffects } from '../observe/effects-url.js';
import { latencyFigures, mergePartials } from './aggregate.js';
import { LoadConnection } from './connection.js';
import { httpsAgentFor, type TlsTrust } from '../tls-trust.js';
import type { LoadModel, Tick } from './generator.js';
import { runJob, trustedEndpoint, type GeneratorJob, type JobResult } from './job.js';
import { judgeThresholds, type Threshold } from './thresholds.js';
import { createTraffic } from './traffic.js';
import type { CurvePoint, LoadResults, RequestOutcome } from './types.js';
import { findMaxRate } from './find-max.js';

/*
 * `hookgate load` as a function: one signed request first (a receiver that refuses it
 * would only have its refusals measured), then the generators — in this thread, or one
 * per worker thread with the rate or connections split between them — then the figures
 * merged exactly, the generator's own health, the duplicates processed, the thresholds.
 */

export interface LoadOptions {
  provider: ProviderName;
  providerDisplayName: string;
  url: URL;
  secret: string;
  headerStyle: HeaderStyle;
  events?: string[];
  seed: number;
  model: LoadModel;
  durationMs: number;
  warmupMs: number;
  timeoutMs: number;
  duplicates: number;
  large: number;
  largeSize?: number;
  headers: Array<[string, string]>;
  thresholds: Threshold[];
  effectsUrl?: string;
  /** How long to wait for asynchronous processing before reading the effects URL. */
  settleMs: number;
  workers: number;
  toolVersion: string;
  signal?: AbortSignal;
  onTick?(t: Tick): void;
  /**
   * `--find-max` steps after the first: the receiver was shown to accept the traffic, and
   * refusals under a heavier load are a failing step, not a configuration mistake.
   */
  skipPreflight?: boolean;
  /** `--shard K/N`: this run is one of N; `model` is the whole run's, the shard takes its share. */
  shard?: { k: number; n: number };
  /** `--start-at`: every shard starts at this moment (epoch ms). */
  startAtEpochMs?: number;
  /** `--ca`/`--insecure` for an https:// receiver (and effects URL). */
  tls?: TlsTrust;
}

/** An integer total split N ways: floor(total/N) each, the first total mod N one more (k from 0). */
export function shareOf(total: number, n: number, k: number): number {
  return Math.floor(total / n) + (k < total % n ? 1 : 0);
}

/**
 * Shard K's part of the run (SPEC "Load"): its share of the connections or the rate, and in
 * the open model a schedule offset by (K−1)/R so the N shards together keep an even pace.
 */
export function shardModel(model: LoadModel, shard: { k: number; n: number } | undefined): LoadModel {
  if (!shard || shard.n === 1) return model;
  const k = shard.k - 1;
  if (model.kind === 'closed') return { kind: 'closed', connections: shareOf(model.connections, shard.n, k) };
  const rate = Number.isInteger(model.rate) ? shareOf(model.rate, shard.n, k) : model.rate / shard.n;
  return { kind: 'open', rate, maxInflight: Math.max(1, shareOf(model.maxInflight, shard.n, k)), offsetMs: (k * 1000) / model.rate };
}

/**
 * `--find-max`: the capacity search, each step an open-model run of `stepMs` at the rate the
 * search asks for. The result carries the figures of the last step at the rate found (or of
 * the last step when none was), and the whole curve.
 */
export async function runFindMax(o: LoadOptions, search: { startRate: number; stepMs: number; onStep?(p: CurvePoint): void }): Promise<LoadResults> {
  let last: LoadResults | undefined;
  const atRate = new Map<number, LoadResults>();
  let first = true;
  const found = await findMaxRate(
    async (rate) => {
      const maxInflight = o.model.kind === 'open' ? o.model.maxInflight : 1000;
      const r = await runLoad({ ...o, model: { kind: 'open', rate, maxInflight }, durationMs: search.stepMs, skipPreflight: !first });
      first = false;
      last = r;
      atRate.set(rate, r);
      return {
        achieved: r.throughputPerSec,
        p50: r.latencyMs.p50,
        p99: r.latencyMs.p99,
        errorRate: r.requests ? Math.round((r.errors / r.requests) * 10000) / 100 : 0,
        timeouts: r.timeouts,
        pass: r.thresholds.every((t) => t.pass),
        valid: r.valid,
      };
    },
    { startRate: search.startRate, onStep: search.onStep },
  );
  const base = (found.maxRate !== null ? atRate.get(found.maxRate) : undefined) ?? last!;
  return { ...base, findMax: found };
}

/** Above this share of its time busy, a generator thread, not the receiver, set the pace. */
export const ELU_LIMIT = 0.9;

export async function runLoad(o: LoadOptions): Promise<LoadResults> {
  const webhookId = 'wh_' + randomBytes(8).toString('hex');
  // Ids are namespaced by run, shard and worker: two characters each.
  const runTag = randomBytes(2).readUIntBE(0, 2).toString(36).padStart(2, '0').slice(-2) + (o.shard ? o.shard.k.toString(36).padStart(2, '0') : '00');
  if (!o.skipPreflight) await preflight(o, webhookId, runTag);
  const startedAt = new Date();
  // A short lead so every thread is ready before request 0 is due.
  const startEpochMs = o.startAtEpochMs ?? Date.now() + (o.workers > 1 ? 300 : 20);
  const jobs = splitJobs({ ...o, model: shardModel(o.model, o.shard) }, webhookId, runTag, startEpochMs, o.shard ? { n: o.shard.n, totalRate: o.model.kind === 'open' ? o.model.rate : 0 } : undefined);
  const results = o.workers > 1 ? await inWorkers(jobs, o) : [await runJob(jobs[0], o.onTick, o.signal)];

  const refused = results.find((r) => r.refusedEarly)?.refusedEarly;
  if (refused && !o.signal?.aborted) {
    const said = Object.entries(refused).map(([s, n]) => `${n}× HTTP ${s}`).join(', ');
    throw new HookgateError('REFUSED_LOAD', `most requests of the first second were refused (${said}): the run would only measure refusals`, refusalHint(o, Number(Object.keys(refused)[0])), EXIT.failed);
  }
  const partial = mergePartials(results.map((r) => r.partial));
  const elu = results.map((r) => Math.round(r.elu * 1000) / 1000);
  const missedStarts = results.reduce((n, r) => n + r.missedStarts, 0);
  const drained = results.reduce((n, r) => n + r.drained, 0);
  const busiest = Math.max(...elu);
  let invalidReason: string | undefined;
  const sentAll = results.reduce((n, r) => n + r.sent, 0);
  const late = results.reduce((n, r) => n + r.lateStarts, 0);
  // A few late starts are scheduler noise; a generator that cannot keep the pace falls behind on many.
  if (o.model.kind === 'open' && late > Math.max(10, 0.01 * sentAll)) {
    invalidReason = `${late} of ${sentAll} requests started more than ${Math.round(results[0].lateStartMs)} ms after they were due: the generator could not keep the pace; use --workers or shards`;
  } else if (o.model.kind === 'closed' && busiest > ELU_LIMIT) invalidReason = `the generator's event loop was busy ${Math.round(busiest * 100)}% of the time (thread ${elu.indexOf(busiest) + 1} of ${elu.length}): it, not the receiver, set the pace; use --workers or shards`;
  if (!invalidReason && missedStarts > 0 && o.model.kind === 'open') invalidReason = `${missedStarts} starts were dropped at --max-inflight ${o.model.maxInflight}: the load asked for was not produced`;

  let duplicatesProcessed: number | undefined;
  if (o.effectsUrl) {
    await new Promise((r) => setTimeout(r, o.settleMs));
    const agent = httpsAgentFor(o.tls);
    try {
      duplicatesProcessed = countDuplicatesProcessed(await readEffects(o.effectsUrl, 30_000, { headers: o.headers, agent }), results);
    } finally {
      agent?.destroy();
    }
  }
  const durationMs = o.durationMs;
  const latencyMs = latencyFigures(partial.histogram);
  const figures = {
    requests: partial.requests,
    throughputPerSec: Math.round((partial.requests / (durationMs / 1000)) * 10) / 10,
    latencyMs,
    errors: partial.errors,
    timeouts: partial.timeouts,
    ok2xx: partial.ok2xx,
    ...(duplicatesProcessed === undefined ? {} : { duplicatesProcessed }),
  };
  return {
    schemaVersion: 1,
    tool: { name: 'hookgate', version: o.toolVersion },
    provider: o.provider,
    target: maskUrl(o.url.href),
    ...(o.tls?.insecure ? { insecure: true as const } : {}),
    startedAt: startedAt.toISOString(),
    model: describeModel(shardModel(o.model, o.shard)),
    durationMs,
    warmupMs: o.warmupMs,
    requests: partial.requests,
    throughputPerSec: figures.throughputPerSec,
    latencyMs,
    statusCodes: partial.statusCodes,
    ok2xx: partial.ok2xx,
    errors: partial.errors,
    errorKinds: partial.errorKinds,
    timeouts: partial.timeouts,
    missedStarts,
    duplicatesSent: partial.duplicatesSent,
    ...(duplicatesProcessed === undefined ? {} : { duplicatesProcessed }),
    largeSent: results.reduce((n, r) => n + r.largeSent, 0),
    drained,
    generatorCpu: { elu, max: busiest },
    valid: invalidReason === undefined,
    ...(invalidReason ? { invalidReason } : {}),
    thresholds: judgeThresholds(o.thresholds, figures),
    histogramConfig: partial.histogramConfig,
    histogram: partial.histogram,
    timeline: partial.timeline,
    ...(o.shard ? { shard: o.shard } : {}),
    interrupted: Boolean(o.signal?.aborted),
  };
}

/** What load.json says of the model: this run's (a shard's own share). */
function describeModel(m: LoadModel): LoadResults['model'] {
  return m.kind === 'closed' ? { kind: 'closed', connections: m.connections } : { kind: 'open', rate: m.rate, maxInflight: m.maxInflight };
}

/** Processings beyond the first of every message this run sent more than once. */
export function countDuplicatesProcessed(effects: string[], results: Pick<JobResult, 'duplicateIds'>[]): number {
  const redelivered = new Set(results.flatMap((r) => r.duplicateIds));
  const counts = new Map<string, number>();
  for (const id of effects) if (redelivered.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
  let extra = 0;
  for (const n of counts.values()) extra += Math.max(0, n - 1);
  return extra;
}

/** The rate or connections split over workers as shards split them: floor(total/N), the first total mod N one more. */
export function splitJobs(o: LoadOptions, webhookId: string, runTag: string, startEpochMs: number, sharded?: { n: number; totalRate: number }): GeneratorJob[] {
  const n = Math.max(1, o.workers);
  const share = (total: number, k: number) => shareOf(total, n, k);
  return Array.from({ length: n }, (_, k): GeneratorJob => {
    const model: LoadModel =
      o.model.kind === 'closed'
        ? { kind: 'closed', connections: share(o.model.connections, k) }
        : {
            kind: 'open',
            rate: o.model.rate / n,
            maxInflight: Math.max(1, share(o.model.maxInflight, k)),
            // Worker k's schedule is offset by k/R (k·N/R inside shard K of N, after the shard's own offset)
            // so every generator's arrivals interleave into one even stream.
            offsetMs: (o.model.offsetMs ?? 0) + (sharded ? (k * 1000 * sharded.n) / sharded.totalRate : (k * 1000) / o.model.rate),
          };
    return {
      provider: o.provider,
      url: o.url.href,
      secret: o.secret,
      headerStyle: o.headerStyle,
      events: o.events,
      seed: o.seed + k,
      duplicates: o.duplicates,
      large: o.large,
      largeSize: o.largeSize,
      headers: o.headers,
      webhookId,
      idPrefix: `${runTag}${k.toString(36).padStart(2, '0')}`.slice(0, 6),
      model,
      startEpochMs,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
      timeoutMs: o.timeoutMs,
      firstSecondGuard: !o.skipPreflight,
      ...(o.tls ? { tls: o.tls } : {}),
    };
  }).filter((j) => j.model.kind === 'open' || j.model.connections > 0);
}

async function inWorkers(jobs: GeneratorJob[], o: LoadOptions): Promise<JobResult[]> {
  const url = new URL('./worker.js', import.meta.url);
  const latest: Tick[] = [];
  const workers = jobs.map((job) => new Worker(url, { workerData: job }));
  const abort = () => workers.forEach((w) => w.postMessage({ type: 'abort' }));
  o.signal?.addEventListener('abort', abort, { once: true });
  try {
    return await Promise.all(
      workers.map(
        (w, k) =>
          new Promise<JobResult>((resolve, reject) => {
            w.on('message', (m: { type: string; tick?: Tick; result?: JobResult; message?: string; code?: string; hint?: string }) => {
              if (m.type === 'tick' && m.tick) {
                latest[k] = m.tick;
                if (k === 0) o.onTick?.(sumTicks(latest));
              } else if (m.type === 'result' && m.result) resolve(m.result);
              else if (m.type === 'error') reject(m.code && m.hint ? new HookgateError(m.code as never, m.message ?? 'worker failed', m.hint) : new Error(m.message));
            });
            w.on('error', reject);
          }),
      ),
    );
  } finally {
    o.signal?.removeEventListener('abort', abort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Progress across workers: counts add up; the percentiles shown are the worst thread's (progress only, never a figure). */
function sumTicks(ticks: Tick[]): Tick {
  const t = ticks.filter(Boolean);
  return {
    elapsedMs: Math.max(...t.map((x) => x.elapsedMs)),
    sent: t.reduce((n, x) => n + x.sent, 0),
    completed: t.reduce((n, x) => n + x.completed, 0),
    p50: Math.max(...t.map((x) => x.p50)),
    p99: Math.max(...t.map((x) => x.p99)),
    errors: t.reduce((n, x) => n + x.errors, 0),
    perSec: t.reduce((n, x) => n + x.perSec, 0),
  };
}

/** One correctly signed request before the run: a 4xx (or a 3xx, never followed) here means every request would fail. */
async function preflight(o: LoadOptions, webhookId: string, runTag: string): Promise<void> {
  const traffic = createTraffic({ profile: getProfile(o.provider), secret: o.secret, url: o.url, headerStyle: o.headerStyle, events: o.events, seed: o.seed, duplicates: 0, large: 0, largeSize: o.largeSize, headers: o.headers, webhookId, idPrefix: `${runTag}p`.slice(0, 6) });
  const req = traffic.next(Math.floor(Date.now() / 1000));
  const conn = new LoadConnection(trustedEndpoint(o.url, o.tls));
  // The pool's sweeper is not running here: one of our own enforces the timeout.
  const sweep = setInterval(() => conn.expire(performance.now()), 50);
  const outcome = await new Promise<RequestOutcome>((resolve) => conn.send(req.bytes, o.timeoutMs, (out) => resolve(out)));
  clearInterval(sweep);
  conn.close();
  if (outcome.kind === 'error' && outcome.error === 'refused') {
    throw new HookgateError('UNREACHABLE', `nothing listens at ${o.url.host} (connection refused)`, 'is the receiver running? check the host and port in --url');
  }
  if (outcome.kind === 'timeout') {
    throw new HookgateError('REFUSED_LOAD', `the first signed request got no answer within ${o.timeoutMs / 1000} s`, 'check that the receiver answers at --url before loading it (hookgate send --provider … --url …)', EXIT.failed);
  }
  if (outcome.kind === 'error') {
    throw new HookgateError('REFUSED_LOAD', `the first signed request failed: ${outcome.message ?? outcome.error}`, 'check that --url is the receiver\'s webhook (hookgate send --provider … --url … shows what it answers)', EXIT.failed);
  }
  if (outcome.status >= 400 && outcome.status < 500) {
    throw new HookgateError('REFUSED_LOAD', `the receiver refused the first correctly signed request with HTTP ${outcome.status}: the run would only measure refusals`, refusalHint(o, outcome.status), EXIT.failed);
  }
  if (outcome.status >= 300 && outcome.status < 400) {
    throw new HookgateError('REFUSED_LOAD', `the receiver answered the first correctly signed request with HTTP ${outcome.status}, a redirect: providers never follow one, so every delivery would fail`, 'point --url at the address it redirects to (`curl -si -X POST <url>` shows the Location: often https:// or a trailing slash)', EXIT.failed);
  }
}

function refusalHint(o: LoadOptions, status: number): string {
  if (status === 404 || status === 405) return `wrong path: check that the receiver has a POST route at ${o.url.pathname}`;
  const style = o.provider === 'omnisales' ? '' : `, and the header style (--header-style ${o.headerStyle === 'svix' ? 'standard' : 'svix'} if it reads ${o.headerStyle === 'svix' ? 'webhook-*' : 'svix-*'} headers)`;
  return `check the secret (HOOKGATE_SECRET must be the one the receiver verifies with)${style}; \`hookgate check\` diagnoses it`;
}
