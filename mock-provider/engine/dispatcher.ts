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
import type { AttemptRecord, DeadLetter, DeadLetterReason, Delivery, DeliveryStore, InFlightAttempt, StoredEndpoint, StoredMessage, Trigger } from './store.js';

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
  /** Called after a delivery is given up and stored as a dead letter (retries exhausted, endpoint disabled). */
  onDeadLetter?: (letter: DeadLetter) => void;
  /** Called after an endpoint was disabled (virtual ms `at`): by its failures, or by an API call (`manual`). */
  onEndpointDisabled?: (endpointId: string, at: number, reason: 'failures' | 'manual') => void;
  /** Store failures and other engine faults; the dispatcher keeps going. Default: console.error. */
  onError?: (err: unknown) => void;
  /** Ids for attempts (`atmpt`), deliveries (`dlv`), dead letters (`dl`); `atMs` is the virtual time the id stands for. */
  newId?: (prefix: string, atMs: number) => string;
}

/** An endpoint as the APIs create it: the engine's fields plus the API's own (appId, uid, attrs...). */
export type NewEndpoint = Omit<StoredEndpoint, 'disabled' | 'failingSince' | 'disabledAt'>;

/** A message to enqueue, with the API's own fields stored in the same write, and `at`: its creation (virtual ms) when the API already chose it. */
export type NewMessage = Message & Partial<Pick<StoredMessage, 'appId' | 'eventId' | 'channels' | 'tags'>> & { at?: number };

export interface Dispatcher {
  readonly store: DeliveryStore;
  /** Records attempts a crash left in flight as 'interrupted', reschedules them, then runs. */
  start(): Promise<void>;
  /** Stops scheduling; waits (bounded) for attempts in flight. Pending deliveries stay in the store. */
  stop(): Promise<void>;
  addEndpoint(e: NewEndpoint): Promise<StoredEndpoint>;
  /**
   * Stores the message and one delivery per endpoint (first attempt due now) in one write, resolved once
   * durable. A disabled endpoint's delivery is born a dead letter, for `recover`. Returns delivery ids.
   */
  enqueue(message: NewMessage, endpointIds: readonly string[]): Promise<string[]>;
  /** A new delivery of `msgId` to the endpoint: first attempt now (trigger 'manual'), then the schedule. */
  resend(msgId: string, endpointId: string): Promise<string>;
  /**
   * Sends again, as manual deliveries, the messages created within [sinceMs, untilMs] (virtual; until
   * defaults to now) whose delivery to the endpoint ended failed — retries exhausted or endpoint disabled,
   * and no success, a manual resend included. A message still waiting for a retry is left to it.
   */
  recover(endpointId: string, sinceMs: number, untilMs?: number): Promise<string[]>;
  /**
   * Sends one dead letter's message again to its endpoint (first attempt now, trigger 'manual', then the
   * schedule) and marks the letter re-queued, both in one grouped commit: a letter is replayed at most
   * once. Returns the new delivery id.
   */
  replay(deadLetterId: string): Promise<string>;
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
  // Dead letters whose replay is being written: a second replay of one of them must not slip in before the first is stored.
  const replaying = new Set<string>();
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
      timestamp: d.createdAt + d.nextOffsetMs + lateMs,
    };
    await store.markInFlight(started);
    const t0 = performance.now();
    let result: AttemptResult;
    try {
      result = await deliver({ delivery: { ...d, state: 'in-flight' }, message, endpoint, attempt: started.n, trigger: started.trigger, at: now, signal });
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
    const ids = { attempt: newId('atmpt', started.timestamp ?? started.virtualAt), deadLetter: newId('dl', endedAt) };
    // An attempt a crash cut short ended, as far as the schedule knows, when the engine came back.
    const elapsedMs = Math.max(0, endedAt - started.virtualAt) / timeScale;
    const decision = decideCompletion({ delivery: d, started, result, elapsedMs, interrupted, endpoint, endedAt, retry: profile.retry, schedule, disableAfterMs, ids });
    const { disablesEndpoint, ...completion } = decision;
    await store.completeAttempt(completion);
    if (completion.delivery.state === 'pending' && running) scheduleAt(d.id, completion.delivery.dueAt);
    safely(() => opts.onAttempt?.(completion.record));
    if (completion.deadLetter) safely(() => opts.onDeadLetter?.(completion.deadLetter!));
    if (disablesEndpoint) {
      safely(() => opts.onEndpointDisabled?.(d.endpointId, endedAt, 'failures'));
      await parkEndpoint(d.endpointId, endedAt);
    }
  }

  async function deadLetter(d: Delivery, reason: DeadLetterReason, lastError: string): Promise<void> {
    queue.delete(d.id);
    const at = clock.now();
    const letter: DeadLetter = { id: newId('dl', at), deliveryId: d.id, msgId: d.msgId, endpointId: d.endpointId, at, reason, attempts: d.attemptsMade, lastError };
    await store.deadLetterDelivery(letter);
    safely(() => opts.onDeadLetter?.(letter));
  }

  /** A disabled endpoint gets no more attempts: its waiting deliveries become dead letters, for `recover` later. */
  async function parkEndpoint(endpointId: string, at: number): Promise<void> {
    const waiting = await store.listDeliveries({ endpointId, state: 'pending' });
    // Written together (one group commit), not one durable write after another.
    await Promise.all(waiting.map((d) => deadLetter(d, 'endpoint-disabled', `endpoint disabled at virtual ${new Date(at).toISOString()}`)));
  }

  function safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      onError(err);
    }
  }

  function deliveryFor(msgId: string, endpointId: string, trigger: Trigger, now: number): Delivery {
    const dueAt = now + (nextDelayMs(profile.retry, 0, schedule) ?? 0);
    return { id: newId('dlv', now), msgId, endpointId, state: 'pending', attemptsMade: 0, dueAt, nextOffsetMs: 0, nextTrigger: trigger, createdAt: now };
  }

  async function newDelivery(msgId: string, endpoint: StoredEndpoint, trigger: Trigger): Promise<string> {
    const d = deliveryFor(msgId, endpoint.id, trigger, clock.now());
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
      // One time for the message and its deliveries: an attempt's timestamp is the delivery's creation plus its offset.
      const now = message.at ?? clock.now();
      const stored: StoredMessage = { id: message.messageId, type: message.type, body: message.body, createdAt: now };
      if (message.entityId !== undefined) stored.entityId = message.entityId;
      for (const k of ['appId', 'eventId', 'channels', 'tags'] as const) if (message[k] !== undefined) (stored as unknown as Record<string, unknown>)[k] = message[k];
      const deliveries: Delivery[] = [];
      const letters: DeadLetter[] = [];
      for (const endpointId of endpointIds) {
        const endpoint = await store.getEndpoint(endpointId);
        if (!endpoint) throw new EngineError('UNKNOWN_ENDPOINT', `no endpoint ${endpointId}`);
        const d = deliveryFor(message.messageId, endpointId, 'scheduled', now);
        // A message for a disabled endpoint is kept as failed, so `recover` can replay it once the endpoint is enabled.
        if (endpoint.disabled) {
          d.state = 'dead';
          letters.push({ id: newId('dl', now), deliveryId: d.id, msgId: d.msgId, endpointId, at: now, reason: 'endpoint-disabled', attempts: 0, lastError: 'endpoint disabled' });
        }
        deliveries.push(d);
      }
      await store.addMessage(stored, deliveries, letters);
      for (const d of deliveries) if (d.state === 'pending' && running) scheduleAt(d.id, d.dueAt);
      for (const l of letters) safely(() => opts.onDeadLetter?.(l));
      return deliveries.map((d) => d.id);
    },

    async resend(msgId, endpointId) {
      if (!(await store.getMessage(msgId))) throw new EngineError('UNKNOWN_MESSAGE', `no message ${msgId}`);
      return newDelivery(msgId, await usableEndpoint(endpointId), 'manual');
    },

    async recover(endpointId, sinceMs, untilMs) {
      const endpoint = await usableEndpoint(endpointId);
      const now = clock.now();
      const failed = await store.recoverable(endpointId, sinceMs, untilMs ?? now);
      const deliveries = failed.map((f) => deliveryFor(f.msgId, endpoint.id, 'manual', now));
      // Issued together so they share one grouped commit; a crash half-way leaves messages that are still
      // failed (and so recoverable again) or already re-queued (and so not), never one sent twice by recover.
      await Promise.all(
        deliveries.flatMap((d, i) => [store.addDelivery(d), ...failed[i].deadLetterIds.map((dl) => store.markRequeued(dl, d.id))]),
      );
      if (running) for (const d of deliveries) scheduleAt(d.id, d.dueAt);
      return deliveries.map((d) => d.id);
    },

    async replay(deadLetterId) {
      const letter = (await store.listDeadLetters({ includeRequeued: true })).find((l) => l.id === deadLetterId);
      if (!letter) throw new EngineError('UNKNOWN_DEAD_LETTER', `no dead letter ${deadLetterId}`);
      if (letter.requeuedAs !== undefined || replaying.has(letter.id)) throw new EngineError('ALREADY_REPLAYED', `dead letter ${deadLetterId} was already replayed`);
      // Claimed before the next await, and kept once stored: a second replay that read the letter before
      // this one was written must not send the message again.
      replaying.add(letter.id);
      try {
        if (!(await store.getMessage(letter.msgId))) throw new EngineError('UNKNOWN_MESSAGE', `no message ${letter.msgId}`);
        const endpoint = await usableEndpoint(letter.endpointId);
        const d = deliveryFor(letter.msgId, endpoint.id, 'manual', clock.now());
        // Issued together, so one grouped commit holds both: never a replay stored without its letter marked.
        await Promise.all([store.addDelivery(d), store.markRequeued(letter.id, d.id)]);
        if (running) scheduleAt(d.id, d.dueAt);
        return d.id;
      } catch (err) {
        replaying.delete(letter.id);
        throw err;
      }
    },

    async enable(endpointId) {
      if (!(await store.getEndpoint(endpointId))) throw new EngineError('UNKNOWN_ENDPOINT', `no endpoint ${endpointId}`);
      await store.updateEndpoint(endpointId, { disabled: false, failingSince: null, disabledAt: null });
    },

    async disable(endpointId) {
      if (!(await store.getEndpoint(endpointId))) throw new EngineError('UNKNOWN_ENDPOINT', `no endpoint ${endpointId}`);
      const at = clock.now();
      await store.updateEndpoint(endpointId, { disabled: true, disabledAt: at });
      safely(() => opts.onEndpointDisabled?.(endpointId, at, 'manual'));
      await parkEndpoint(endpointId, at);
    },
  };
}
