import { performance } from 'node:perf_hooks';
import type { ProviderProfile } from '../../fixtures/profile.js';
import type { Message } from '../delivery.js';
import type { AttemptResult, DeliverFn } from './attempt.js';
import type { Clock } from './clock.js';
import { decideCompletion } from './completion.js';
import { DueQueue } from './due-queue.js';
import { EngineError } from './errors.js';
import { maxAttemptsOf, nextDelayMs } from './schedule.js';
import { counterIds, settleWithin } from './util.js';
import type { AttemptRecord, DeadLetterReason, Delivery, DeliveryStore, InFlightAttempt, StoredEndpoint, Trigger } from './store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const WAKE = Object.freeze({ reason: 'wake' });


export interface DispatcherOptions {
  profile: Pick<ProviderProfile, 'retry' | 'disableAfterDays'>;
  clock: Clock;
  deliver: DeliverFn;
  store: DeliveryStore;
  /** `--max-attempts`: attempts in all. Default: the profile's. */
  maxAttempts?: number;
  /** `--jitter F`: each delay uniform over ±F of itself. Default 0. */
  jitter?: number;
  random?: () => number;
  /** Virtual ms of continuous failure after which an endpoint is disabled; null never. Default: the profile's days. */
  disableAfterMs?: number | null;
  /** Attempts in flight at once. Default 64. */
  concurrency?: number;
  /** Real ms `stop()` waits for in-flight attempts before aborting them (they are then recorded 'interrupted'). Default 5000. */
  stopTimeoutMs?: number;
  /** Called after each attempt is stored (logging, dashboards). Must not throw. */
  onAttempt?: (record: AttemptRecord) => void;
  /** Store failures and other engine faults; the dispatcher keeps going. Default: console.error. */
  onError?: (err: unknown) => void;
  newId?: (prefix: string) => string;
}

export interface NewEndpoint {
  id: string;
  url: string;
  secret?: string;
  webhookId?: string;
  headerStyle?: 'svix' | 'standard';
}

export interface Dispatcher {
  readonly store: DeliveryStore;
  /** Records attempts a crash left in flight as 'interrupted', reschedules them, then runs. */
  start(): Promise<void>;
  /** Stops scheduling; waits (bounded) for attempts in flight. Pending deliveries stay in the store. */
  stop(): Promise<void>;
  addEndpoint(e: NewEndpoint): Promise<StoredEndpoint>;
  /** Stores the message and creates one delivery per endpoint, first attempt due now. Returns delivery ids. */
  enqueue(message: Message, endpointIds: readonly string[]): Promise<string[]>;
  /** A new delivery of `msgId` to the endpoint: first attempt now (trigger 'manual'), then the schedule. */
  resend(msgId: string, endpointId: string): Promise<string>;
  /** Re-queues the endpoint's dead letters whose message was created at or after `sinceMs` (virtual). */
  recover(endpointId: string, sinceMs: number): Promise<string[]>;
  enable(endpointId: string): Promise<void>;
  disable(endpointId: string): Promise<void>;
  /** Deliveries waiting for their next attempt / attempts running now. */
  readonly pendingCount: number;
  readonly inFlightCount: number;
}

export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const { clock, deliver, store, profile } = opts;
  const schedule = { maxAttempts: maxAttemptsOf(profile.retry, opts.maxAttempts), jitter: opts.jitter ?? 0, random: opts.random };
  nextDelayMs(profile.retry, 0, schedule); // validates jitter now rather than at the first failure
  const disableAfterMs =
    opts.disableAfterMs !== undefined ? opts.disableAfterMs : profile.disableAfterDays !== undefined ? profile.disableAfterDays * DAY_MS : null;
  const concurrency = Math.max(1, opts.concurrency ?? 64);
  const stopTimeoutMs = opts.stopTimeoutMs ?? 5000;
  const timeScale = clock.timeScale ?? 1;
  const onError = opts.onError ?? ((err: unknown) => console.error('hookgate delivery engine:', err));
  const newId = opts.newId ?? counterIds();

  let queue = new DueQueue();
  const inFlight = new Map<string, Promise<void>>();
  // One signal for every attempt of a run: stop() gives up on all of them at once.
  let runAbort = new AbortController();
  let running = false;
  let loopDone: Promise<void> | undefined;
  // The loop waits on a clock sleep or, with nothing due or no free slot, on a plain promise. The sleep's
  // AbortController is reused until a wake-up aborts it, with a constant reason: a new AbortController and
  // a DOMException per wake-up were most of the engine's cost in the bench.
  let sleepCtl: AbortController | undefined;
  let idleResolve: (() => void) | undefined;
  let sleepingUntil = Infinity;
  let blockedOnSlots = false;

  const wake = (): void => {
    if (sleepingUntil !== Infinity) sleepCtl?.abort(WAKE);
    idleResolve?.();
    idleResolve = undefined;
  };
  const scheduleAt = (id: string, dueAt: number): void => {
    queue.push(id, dueAt);
    if (dueAt < sleepingUntil) wake();
  };

  async function loop(): Promise<void> {
    while (running) {
      const now = clock.now();
      for (let top = queue.peek(); top && top.dueAt <= now && inFlight.size < concurrency; top = queue.peek()) {
        queue.pop();
        launch(top.id);
      }
      const top = queue.peek();
      blockedOnSlots = inFlight.size >= concurrency;
      if (blockedOnSlots || !top) {
        await new Promise<void>((resolve) => (idleResolve = resolve));
      } else {
        sleepingUntil = top.dueAt;
        // Reused until a wake-up aborts it: most sleeps end on time.
        if (!sleepCtl || sleepCtl.signal.aborted) sleepCtl = new AbortController();
        await clock.sleep(top.dueAt - now, sleepCtl.signal);
      }
      sleepingUntil = Infinity;
      blockedOnSlots = false;
    }
  }

  function launch(deliveryId: string): void {
    const promise = attempt(deliveryId, runAbort.signal)
      .catch(onError)
      .finally(() => {
        inFlight.delete(deliveryId);
        if (blockedOnSlots || !running) wake();
      });
    inFlight.set(deliveryId, promise);
  }

  async function attempt(deliveryId: string, signal: AbortSignal): Promise<void> {
    const d = await store.getDelivery(deliveryId);
    if (!d || d.state !== 'pending') return;
    const [message, endpoint] = await Promise.all([store.getMessage(d.msgId), store.getEndpoint(d.endpointId)]);
    if (!endpoint || endpoint.disabled) return deadLetter(d, 'endpoint-disabled', endpoint ? 'endpoint disabled' : 'endpoint removed');
    if (!message) return deadLetter(d, 'exhausted', 'message missing from the store');
    const now = clock.now();
    // Offsets count from the first attempt, so its own lateness is not in them. After that, lateness (timer
    // ticks, a busy loop, downtime) is real time that passed: added unscaled, as attempt durations are, so
    // heavy compression does not turn a 1 ms timer tick into minutes of virtual lateness.
    const lateMs = d.attemptsMade === 0 ? 0 : Math.max(0, now - d.dueAt) / timeScale;
    const started: InFlightAttempt = {
      deliveryId,
      n: d.attemptsMade + 1,
      virtualOffsetMs: d.nextOffsetMs + lateMs,
      virtualAt: now,
      startedAt: Date.now(),
      trigger: d.nextTrigger,
    };
    await store.markInFlight(started);
    const t0 = performance.now();
    let result: AttemptResult;
    try {
      result = await deliver({ delivery: { ...d, state: 'in-flight' }, message, endpoint, attempt: started.n, trigger: started.trigger, signal });
    } catch (err) {
      result = { error: 'other', message: err instanceof Error ? err.message : String(err), latencyMs: performance.now() - t0 };
    }
    // Only an attempt the engine itself cut short is 'interrupted'; an answer that beat the abort counts.
    await complete(d, started, result, signal.aborted && 'error' in result && result.error === 'aborted');
  }

  async function complete(d: Delivery, started: InFlightAttempt, result: AttemptResult | undefined, interrupted: boolean): Promise<void> {
    const endedAt = clock.now();
    const [current, endpoint] = await Promise.all([store.getDelivery(d.id), store.getEndpoint(d.endpointId)]);
    // Completing twice would record one attempt twice: a deliver that ignored stop()'s abort may finish
    // after a restart already recorded its attempt as interrupted.
    if (!current || current.state !== 'in-flight' || current.attemptsMade >= started.n) return;
    const ids = { attempt: newId('atmpt'), deadLetter: newId('dl') };
    // An attempt a crash cut short ended, as far as the schedule knows, when the engine came back.
    const elapsedMs = Math.max(0, endedAt - started.virtualAt) / timeScale;
    const decision = decideCompletion({ delivery: d, started, result, elapsedMs, interrupted, endpoint, endedAt, retry: profile.retry, schedule, disableAfterMs, ids });
    const { disablesEndpoint, ...completion } = decision;
    await store.completeAttempt(completion);
    if (completion.delivery.state === 'pending' && running) scheduleAt(d.id, completion.delivery.dueAt);
    if (disablesEndpoint) await parkEndpoint(d.endpointId, endedAt);
    safely(() => opts.onAttempt?.(completion.record));
  }

  async function deadLetter(d: Delivery, reason: DeadLetterReason, lastError: string): Promise<void> {
    queue.delete(d.id);
    await store.deadLetterDelivery({ id: newId('dl'), deliveryId: d.id, msgId: d.msgId, endpointId: d.endpointId, at: clock.now(), reason, attempts: d.attemptsMade, lastError });
  }

  /** A disabled endpoint gets no more attempts: its waiting deliveries become dead letters, for `recover` later. */
  async function parkEndpoint(endpointId: string, at: number): Promise<void> {
    for (const d of await store.listDeliveries({ endpointId, state: 'pending' })) {
      await deadLetter(d, 'endpoint-disabled', `endpoint disabled at virtual ${new Date(at).toISOString()}`);
    }
  }

  function safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      onError(err);
    }
  }

  async function newDelivery(msgId: string, endpoint: StoredEndpoint, trigger: Trigger): Promise<string> {
    const now = clock.now();
    const dueAt = now + (nextDelayMs(profile.retry, 0, schedule) ?? 0);
    const d: Delivery = { id: newId('dlv'), msgId, endpointId: endpoint.id, state: 'pending', attemptsMade: 0, dueAt, nextOffsetMs: 0, nextTrigger: trigger, createdAt: now };
    await store.addDelivery(d);
    // A message for a disabled endpoint is kept as failed, so `recover` can replay it once the endpoint is enabled.
    if (endpoint.disabled) await deadLetter(d, 'endpoint-disabled', 'endpoint disabled');
    else if (running) scheduleAt(d.id, d.dueAt);
    return d.id;
  }

  async function usableEndpoint(endpointId: string): Promise<StoredEndpoint> {
    const endpoint = await store.getEndpoint(endpointId);
    if (!endpoint) throw new EngineError('UNKNOWN_ENDPOINT', `no endpoint ${endpointId}`);
    if (endpoint.disabled) throw new EngineError('ENDPOINT_DISABLED', `endpoint ${endpointId} is disabled; enable it first`);
    return endpoint;
  }

  return {
    store,
    get pendingCount() {
      return queue.size;
    },
    get inFlightCount() {
      return inFlight.size;
    },

    async start() {
      if (running) return;
      for (const started of await store.listInFlight()) {
        const d = await store.getDelivery(started.deliveryId);
        if (d) await complete(d, started, undefined, true).catch(onError);
      }
      running = true;
      runAbort = new AbortController();
      for (const d of await store.listDeliveries({ state: 'pending' })) queue.push(d.id, d.dueAt);
      loopDone = loop();
    },

    async stop() {
      if (!running) return;
      running = false;
      wake();
      await loopDone;
      const pending = [...inFlight.values()];
      if (await settleWithin(pending, stopTimeoutMs)) {
        runAbort.abort();
        // A deliver that ignores its signal cannot hold stop forever: its in-flight marker stays in the
        // store and the next start() records it as interrupted.
        await settleWithin(pending, stopTimeoutMs);
      }
      // Pending deliveries stay in the store; start() reloads them.
      queue = new DueQueue();
    },

    async addEndpoint(e) {
      const endpoint: StoredEndpoint = { ...e, disabled: false, failingSince: null, disabledAt: null };
      await store.putEndpoint(endpoint);
      return endpoint;
    },

    async enqueue(message, endpointIds) {
      const now = clock.now();
      await store.putMessage({ id: message.messageId, type: message.type, body: message.body, entityId: message.entityId, createdAt: now });
      const ids: string[] = [];
      for (const endpointId of endpointIds) {
        const endpoint = await store.getEndpoint(endpointId);
        if (!endpoint) throw new EngineError('UNKNOWN_ENDPOINT', `no endpoint ${endpointId}`);
        ids.push(await newDelivery(message.messageId, endpoint, 'scheduled'));
      }
      return ids;
    },

    async resend(msgId, endpointId) {
      if (!(await store.getMessage(msgId))) throw new EngineError('UNKNOWN_MESSAGE', `no message ${msgId}`);
      return newDelivery(msgId, await usableEndpoint(endpointId), 'manual');
    },

    async recover(endpointId, sinceMs) {
      const endpoint = await usableEndpoint(endpointId);
      const requeued = new Map<string, string>();
      for (const dl of await store.listDeadLetters({ endpointId })) {
        const message = await store.getMessage(dl.msgId);
        if (!message || message.createdAt < sinceMs) continue;
        let id = requeued.get(dl.msgId);
        if (id === undefined) {
          id = await newDelivery(dl.msgId, endpoint, 'manual');
          requeued.set(dl.msgId, id);
        }
        await store.markRequeued(dl.id, id);
      }
      return [...requeued.values()];
    },

    async enable(endpointId) {
      if (!(await store.getEndpoint(endpointId))) throw new EngineError('UNKNOWN_ENDPOINT', `no endpoint ${endpointId}`);
      await store.updateEndpoint(endpointId, { disabled: false, failingSince: null, disabledAt: null });
    },

    async disable(endpointId) {
      if (!(await store.getEndpoint(endpointId))) throw new EngineError('UNKNOWN_ENDPOINT', `no endpoint ${endpointId}`);
      const at = clock.now();
      await store.updateEndpoint(endpointId, { disabled: true, disabledAt: at });
      await parkEndpoint(endpointId, at);
    },
  };
}
