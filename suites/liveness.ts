import { performance } from 'node:perf_hooks';
import type { Attempt } from '../mock-provider/sender.js';
import type { ProviderProfile } from '../fixtures/profile.js';
import type { Delivery, ReplayRecipe } from './types.js';

/*
 * A dead receiver costs one timeout, not one per request. A receiver that accepts
 * connections but never answers (or drips a byte a second) would make every request of
 * the run wait out the timeout in turn: minutes for a full `check`. So the run watches
 * the correctly signed deliveries: when one of them gets no answer within the timeout
 * and no correctly signed delivery was answered while it waited, the receiver is taken
 * for silent. From then on `ctx.send` refuses to send (it throws `ReceiverSilent`, which
 * the runner reports as `skip`, `no-evidence`, naming the timeout), and requests still in
 * flight are cut short the same way — never returned as an answer, so a check cannot
 * pass (or read a refusal) on a request that was short-circuited.
 *
 * A receiver that is merely slow on one request keeps being judged: the answers it gives
 * meanwhile to other correctly signed deliveries show that it is alive, and
 * `timeout.latency-budget` fails on the slow one either way.
 */

/** The delivery that showed the receiver silent. */
export interface Silence {
  /** The check that sent it ('' for the delivery `check` sends before the suite). */
  checkId: string;
  d: Delivery;
  a: Attempt;
  /** The per-request timeout it ran out of, and the provider's own. */
  timeoutMs: number;
  providerTimeoutMs: number;
}

/** Shared by every check's view of the run's context (held by reference). */
export interface Liveness {
  /** Set once the receiver is taken for silent; stays set for the rest of the run. */
  silence?: Silence;
  /** performance.now() of the last answer (any HTTP status) to a correctly signed delivery. */
  lastAnswerAt: number;
  /** Requests in flight, each with the controller that cuts it short when the receiver is taken for silent. */
  inFlight: Set<AbortController>;
}

export function newLiveness(): Liveness {
  return { lastAnswerAt: Number.NEGATIVE_INFINITY, inFlight: new Set() };
}

/** Thrown by `ctx.send` once the receiver is taken for silent; the runner turns it into `skip` (`no-evidence`). */
export class ReceiverSilent extends Error {
  constructor(readonly silence: Silence) {
    super(silentReason(silence));
    this.name = 'ReceiverSilent';
  }
}

export const isTimeout = (a: Attempt): boolean => a.outcome.kind === 'error' && a.outcome.error === 'timeout';

/**
 * Deliveries the receiver must simply accept: the compact, correctly signed form, and the
 * provider's own re-sends of it (a redelivery, simultaneous copies, retry attempts). Their
 * answers show the receiver alive; their timeouts can show it silent.
 */
export function isPlainDelivery(r: ReplayRecipe): boolean {
  return r.variant === 'valid' || r.variant === 'redelivery' || r.variant === 'concurrent-copy' || r.variant.startsWith('retry-attempt-');
}

const seconds = (ms: number): string => `${+(ms / 1000).toFixed(3)} s`;

/** "the provider's 20 s timeout", or "the 1 s timeout (--timeout; OptiPick waits 20 s)". */
export function timeoutPhrase(timeoutMs: number, profile: Pick<ProviderProfile, 'timeoutMs' | 'displayName'>): string {
  return timeoutMs === profile.timeoutMs ? `the provider's ${seconds(timeoutMs)} timeout` : `the ${seconds(timeoutMs)} timeout (--timeout; ${profile.displayName} waits ${seconds(profile.timeoutMs)})`;
}

function silentReason(s: Silence): string {
  const which = s.checkId ? `one sent by ${s.checkId}` : 'the first one, sent before the checks';
  const timeout = s.timeoutMs === s.providerTimeoutMs ? `the provider's ${seconds(s.timeoutMs)} timeout` : `the ${seconds(s.timeoutMs)} timeout`;
  return (
    `no evidence: the receiver stopped answering — a correctly signed delivery (${which}) got no answer within ${timeout}, ` +
    `and no correctly signed delivery was answered while it waited. This check needs answers and would only have waited out the timeout again ` +
    `(timeout.latency-budget fails on that delivery).`
  );
}

/**
 * Sends through `send` with the liveness rules: refuses once the receiver is silent, cuts
 * the request short (throwing) when another delivery shows it silent while this one is in
 * flight, and records what this delivery shows. `signal` is the run's (Ctrl-C): an attempt
 * it aborted is returned as it is, for the runner's interruption handling.
 */
export async function sendWatched(
  live: Liveness,
  who: { checkId: string; d: Delivery; timeoutMs: number; profile: Pick<ProviderProfile, 'timeoutMs'> },
  signal: AbortSignal,
  send: (signal: AbortSignal) => Promise<Attempt>,
): Promise<Attempt> {
  if (live.silence) throw new ReceiverSilent(live.silence);
  const cut = new AbortController();
  live.inFlight.add(cut);
  const t0 = performance.now();
  let a: Attempt;
  try {
    a = await send(AbortSignal.any([signal, cut.signal]));
  } finally {
    live.inFlight.delete(cut);
  }
  const aborted = a.outcome.kind === 'error' && a.outcome.error === 'aborted';
  if (aborted && cut.signal.aborted && !signal.aborted && live.silence) throw new ReceiverSilent(live.silence);
  if (isPlainDelivery(who.d.recipe)) {
    if (a.outcome.kind === 'response') live.lastAnswerAt = Math.max(live.lastAnswerAt, performance.now());
    else if (isTimeout(a) && !live.silence && live.lastAnswerAt < t0) {
      live.silence = { checkId: who.checkId, d: who.d, a, timeoutMs: who.timeoutMs, providerTimeoutMs: who.profile.timeoutMs };
      for (const c of live.inFlight) c.abort();
    }
  }
  return a;
}
