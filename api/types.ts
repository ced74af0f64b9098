import type { ProviderName } from '../fixtures/profile.js';
import type { HeaderStyle } from '../mock-provider/signing/index.js';
import type { CheckResult, RunResults } from '../suites/types.js';
import type { Tick } from '../suites/load/generator.js';
import type { CurvePoint, LoadResults } from '../suites/load/types.js';
import type { LoadVerdict } from '../suites/load/verdict.js';
import type { HeadersInput } from './request-headers.js';

/*
 * The programmatic API's shapes: what `runCheck` and `runLoad` take and return. Durations are
 * milliseconds (the command line's seconds are converted by the CLI); every field is optional
 * unless a run cannot start without it.
 */

/** How requests reach the receiver beyond its URL: the same for `runCheck` and `runLoad`. */
export interface TransportOptions {
  /**
   * Sent with every request (a gateway in front of the receiver: `{ 'X-Gateway-Key': key }`);
   * their values never appear in results, evidence or curl lines (masked as `***`).
   */
  headers?: HeadersInput;
  /** PEM text of a CA to trust for an https:// receiver, beside the system's (`--ca FILE` reads it). */
  ca?: string | Buffer;
  /** Do not verify the receiver's certificate (testing only): a `warning` event says so, and the results carry `insecure: true`. */
  insecure?: boolean;
}

export interface CheckOptions extends TransportOptions {
  provider: ProviderName | string;
  /** The receiver's webhook URL. With `start`, port 0 means "pick a free port" (given to the receiver as PORT). */
  url: string | URL;
  /** The secret the receiver verifies with. Without it, `start` is required: hookgate generates one (returned as `generatedSecret`). */
  secret?: string;
  headerStyle?: HeaderStyle;
  /** The event types the receiver is subscribed to (default: the whole catalog). */
  events?: string[];
  /** Check ids or prefixes (`'signature.'`). */
  only?: string[];
  skip?: string[];
  /** Property-based runs per check (default 50; 1 to 10,000). */
  runs?: number;
  /** Replays generation and shrinking of a previous run (default random; 0 to 2^31−1). */
  seed?: number;
  /** A MUST check that is `skip` counts as failed. */
  strict?: boolean;
  /** Payload size for `status.large-payload`, bytes. */
  largeSize?: number;
  /** Checks run at once (default 4; 1 to 64). */
  concurrency?: number;
  /**
   * Only what the provider itself would send (for production endpoints): no abandoned requests,
   * malformed headers or foreign content types, at most 10 property runs per check.
   */
  safe?: boolean;
  /** At most this many requests per second to the receiver (default unlimited). */
  maxRate?: number;
  /** The receiver's test hook: GET returns a JSON array of processed dedup keys. */
  effectsUrl?: string;
  /** Port of the fetch-back REST API hookgate serves for OptiPick and Dimmy (default: a free one). */
  apiPort?: number;
  /** How long to wait for asynchronous processing before judging (default 500 ms). */
  settleMs?: number;
  /** Per-request timeout (default the provider's: 20 s Svix, 30 s OmniSales). */
  timeoutMs?: number;
  /**
   * A shell command that starts the receiver (optional: leave it out for a receiver that is already
   * running, in-process or elsewhere). It gets PORT, HOOKGATE_SECRET, HOOKGATE_API_URL and
   * HOOKGATE_API_KEY and is stopped, with its children, when the run ends or is aborted.
   */
  start?: string;
  /** With `start`: ready when this URL answers (default: when the port accepts connections). */
  readyUrl?: string;
  /** With `start`: how long to wait for readiness (default 30,000 ms). */
  readyTimeoutMs?: number;
  /** With `start`: its working directory (default `process.cwd()`). */
  cwd?: string;
  /** Aborting ends the run early: the checks not finished are `skip` (`interrupted`), the verdict `fail`. */
  signal?: AbortSignal;
  /** Progress, as it happens. A listener that throws ends the run, and `runCheck` rejects with its error. */
  onEvent?(event: CheckEvent): void;
}

export type CheckEvent =
  | {
      type: 'run-started';
      provider: ProviderName;
      providerDisplayName: string;
      /** The URL checked, credentials masked, the port picked for port 0 filled in. */
      target: string;
      checks: string[];
      runs: number;
      seed: number;
      /** Set when hookgate generated the secret (only with `start`): configure nothing, the receiver got it. */
      generatedSecret?: string;
    }
  | { type: 'api-started'; url: string; givenToReceiver: boolean }
  | { type: 'receiver-started'; command: string; pid: number }
  | { type: 'warning'; code: 'insecure' | 'receiver-silent'; message: string }
  | { type: 'check-started'; id: string; title: string }
  | { type: 'check-finished'; result: CheckResult; done: number; total: number };

export interface CheckRun {
  /** What `results.json` serialises; the verdict is `results.summary.verdict`. */
  results: RunResults;
  /** The secret hookgate generated for a `start` run; absent when the caller gave one. */
  generatedSecret?: string;
  /** Every selected check was not applicable (the CLI's exit 2, "nothing to check"). */
  nothingToCheck: boolean;
  /** Request bodies too large to inline in evidence, by the relative path the evidence names (`evidence/<hash>.body`). */
  attachments: ReadonlyMap<string, Buffer>;
}

export interface LoadOptions extends TransportOptions {
  provider: ProviderName | string;
  url: string | URL;
  /** Required: the receiver must accept the traffic. */
  secret: string;
  headerStyle?: HeaderStyle;
  events?: string[];
  seed?: number;
  /** How long to measure (default 10,000 ms). */
  durationMs?: number;
  /** Sent first and left out of the figures (default 0). */
  warmupMs?: number;
  /** Closed model: connections (default 10). Ignored when `rate` is given. */
  connections?: number;
  /** Open model: requests per second, request i due at start + i/rate. */
  rate?: number;
  /** Open model: most requests in flight (default 1,000). */
  maxInflight?: number;
  /** Share of requests that redeliver a message already answered (0 to 1). */
  duplicates?: number;
  /** Share of requests with a large payload (0 to 1). */
  large?: number;
  largeSize?: number;
  /** Gates: `'p99<250ms'`, `'errors<0.1%'`, `'rps>=2000'`, `'duplicatesProcessed==0'`. */
  thresholds?: string[];
  /** Judge the thresholds even when the generator, not the receiver, was the bottleneck. */
  allowInvalid?: boolean;
  effectsUrl?: string;
  /** With `effectsUrl`: wait this long for asynchronous processing before counting (default 500 ms). */
  settleMs?: number;
  /** Generator threads (default 1). */
  workers?: number;
  /** Per-request timeout (default the provider's). */
  timeoutMs?: number;
  /** Search for the highest open-model rate that holds every threshold. */
  findMax?: { startRate?: number; stepDurationMs?: number };
  /** This run is shard k of n (1-based); thresholds are recorded, judged after merging. */
  shard?: { k: number; n: number };
  /** With `shard`: start at this moment (epoch ms) so all shards start together. */
  startAtEpochMs?: number;
  signal?: AbortSignal;
  onEvent?(event: LoadEvent): void;
}

export type LoadEvent =
  | { type: 'run-started'; provider: ProviderName; providerDisplayName: string; target: string; seed: number }
  | { type: 'warning'; code: 'insecure'; message: string }
  /** Once a second while the load runs. */
  | { type: 'tick'; tick: Tick }
  /** `findMax`: one step of the search finished. */
  | { type: 'step'; point: CurvePoint };

export interface LoadRun {
  /** What `load.json` serialises. */
  results: LoadResults;
  /** The gate on the thresholds, as the exit code and the reports decide it. */
  verdict: LoadVerdict;
}
