import { performance } from 'node:perf_hooks';
import { getProfile } from '../../fixtures/index.js';
import type { ProviderName } from '../../fixtures/profile.js';
import { runGenerator, type GeneratorResult, type LoadModel, type Tick } from './generator.js';
import { createTraffic, type TrafficOptions } from './traffic.js';
import { endpointOf, type Endpoint } from './connection.js';
import { isIP } from 'node:net';
import { tlsConnectOptions, type TlsTrust } from '../tls-trust.js';
import type { RequestOutcome } from './types.js';

/*
 * One generator's share of a run as plain data, so the same job runs in the main thread
 * or in a worker thread (`--workers`). Clocks differ per thread (each has its own
 * performance.timeOrigin), so the common start is an epoch time.
 */

/** The traffic's options as structured-clonable data: the provider by name, the URL as a string. */
export interface GeneratorJob extends Omit<TrafficOptions, 'profile' | 'url' | 'idPrefix'> {
  provider: ProviderName;
  url: string;
  /** Namespaces this generator's ids (unique per worker and shard). */
  idPrefix: string;
  model: LoadModel;
  startEpochMs: number;
  warmupMs: number;
  durationMs: number;
  timeoutMs: number;
  /** Check the first second: when most answers are 4xx, stop (the run would only measure refusals). */
  firstSecondGuard: boolean;
  /** `--ca`/`--insecure` for an https:// receiver. */
  tls?: TlsTrust;
}

export interface JobResult extends GeneratorResult {
  /** Ids sent more than once (redeliveries), for counting duplicates the receiver processed. */
  duplicateIds: string[];
  largeSent: number;
  /** Answers in the run's first second, when most were 4xx: the statuses seen (the run stopped). */
  refusedEarly?: Record<string, number>;
}

export async function runJob(job: GeneratorJob, onTick?: (t: Tick) => void, signal?: AbortSignal): Promise<JobResult> {
  const url = new URL(job.url);
  const traffic = createTraffic({
    profile: getProfile(job.provider),
    secret: job.secret,
    url,
    headerStyle: job.headerStyle,
    events: job.events,
    seed: job.seed,
    duplicates: job.duplicates,
    large: job.large,
    largeSize: job.largeSize,
    headers: job.headers,
    webhookId: job.webhookId,
    idPrefix: job.idPrefix,
  });
  const startMs = job.startEpochMs - performance.timeOrigin;
  const stop = new AbortController();
  signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const duplicateIds = new Set<string>();
  const early = { statuses: {} as Record<string, number>, total: 0, refused: 0, judged: false };
  const judgeEarly = () => {
    early.judged = true;
    if (early.total > 0 && early.refused / early.total > 0.5) stop.abort();
  };
  const result = await runGenerator({
    endpoint: trustedEndpoint(url, job.tls),
    model: job.model,
    startMs,
    warmupMs: job.warmupMs,
    durationMs: job.durationMs,
    timeoutMs: job.timeoutMs,
    signal: stop.signal,
    onTick,
    nextRequest(nowSec) {
      const r = traffic.next(nowSec);
      if (r.duplicate) duplicateIds.add(r.messageId);
      return r;
    },
    answered(handle, outcome: RequestOutcome) {
      traffic.answered(handle, outcome.kind === 'response' ? outcome.status : 0);
      if (job.firstSecondGuard && !early.judged) {
        if (performance.now() - startMs > 1000) return judgeEarly();
        early.total++;
        if (outcome.kind === 'response') {
          early.statuses[outcome.status] = (early.statuses[outcome.status] ?? 0) + 1;
          if (outcome.status >= 400 && outcome.status < 500) early.refused++;
        }
      }
    },
  });
  if (job.firstSecondGuard && !early.judged) judgeEarly();
  const refusedEarly = stop.signal.aborted && !signal?.aborted ? early.statuses : undefined;
  return { ...result, duplicateIds: [...duplicateIds], largeSent: traffic.stats().large, ...(refusedEarly ? { refusedEarly } : {}) };
}

/**
 * Where the run's requests go, with `--ca`/`--insecure` applied to an https:// endpoint (one secure
 * context per generator, shared by its connections). An IP address is no TLS server name (RFC 6066):
 * left out, node checks the certificate against the address itself and prints no deprecation warning.
 */
export function trustedEndpoint(url: URL, trust: TlsTrust | undefined): Endpoint {
  const e = endpointOf(url);
  if (!e.tls) return e;
  return { ...e, tls: { ...e.tls, ...(isIP(e.host) ? { servername: undefined } : {}), ...tlsConnectOptions(trust) } };
}
