/**
 * What the delivery engine persists. The dispatcher owns the rules; a store only keeps state, and every
 * state change the dispatcher makes is one call here, so a persistent store can make each call one
 * transaction. The crash-safety contract:
 *  - `markInFlight` is written before an attempt's request leaves, `completeAttempt` after it ended; a
 *    store that survives a crash therefore knows which attempts were in flight and the dispatcher records
 *    them as 'interrupted' (a failed attempt) on `start()` and reschedules them.
 *  - `completeAttempt` is all-or-nothing: the attempt record, the delivery's new state, the endpoint's
 *    failure bookkeeping and a dead letter land together or not at all, so a completed attempt is never
 *    repeated and never lost.
 * All times named `virtual…`, `dueAt`, `at`, `createdAt`, `failingSince` are virtual epoch ms (the
 * dispatcher's clock); `startedAt` is wall-clock epoch ms.
 */

export type Trigger = 'scheduled' | 'manual';
export type AttemptRecordOutcome = 'success' | 'fail' | 'interrupted';

export interface StoredMessage {
  /** The dedup key (`msg_…` for Svix providers, envelope `evt_…` for OmniSales): the same on every attempt. */
  id: string;
  type: string;
  /** The exact bytes signed and sent. */
  body: Buffer;
  entityId?: string;
  /** Virtual ms; `recover(endpoint, since)` compares against it. */
  createdAt: number;
  /**
   * The API's own fields, kept in the same row so a message and its API record are one write: the Svix
   * application, `eventId`, `channels`, `tags`. The engine never reads them.
   */
  appId?: string;
  eventId?: string;
  channels?: string[];
  tags?: string[];
}

/** A secret replaced by a rotation: it still signs deliveries (beside the new one) until `until`, virtual ms. */
export interface RetiredSecret {
  secret: string;
  until: number;
}

export interface StoredEndpoint {
  id: string;
  url: string;
  /** The endpoint's signing secret (the serve store is one of the places SPEC lets a secret live). */
  secret?: string;
  /** OmniSales `X-Webhook-ID`; the endpoint id when absent. */
  webhookId?: string;
  /** Svix providers: `svix-*` (default) or `webhook-*` header names. */
  headerStyle?: 'svix' | 'standard';
  disabled: boolean;
  /** Virtual ms of the first failed attempt since the last success; null while healthy. */
  failingSince: number | null;
  disabledAt?: number | null;
  /** Secrets still inside their rotation grace period, newest first: each attempt is signed with these too. */
  previousSecrets?: RetiredSecret[];
  /**
   * The API's own fields: the owning application, a uid, the API's attributes as JSON (Svix: description,
   * version, filterTypes, channels, metadata...), its times, and `deleted` (the API forgot it; the engine
   * keeps the row because deliveries and attempts point at it, and sends nothing more).
   */
  appId?: string;
  uid?: string;
  attrs?: Record<string, unknown>;
  createdAt?: number;
  updatedAt?: number;
  deleted?: boolean;
}

/** pending → in-flight → pending (retry) | delivered | dead. */
export type DeliveryState = 'pending' | 'in-flight' | 'delivered' | 'dead';

/** One message on its way to one endpoint: a chain of attempts on the schedule. */
export interface Delivery {
  id: string;
  msgId: string;
  endpointId: string;
  state: DeliveryState;
  attemptsMade: number;
  /** Virtual ms at which the next attempt is due (while pending). */
  dueAt: number;
  /** The virtual offset (from this delivery's first attempt) the next attempt carries if it starts on time. */
  nextOffsetMs: number;
  nextTrigger: Trigger;
  createdAt: number;
}

export interface InFlightAttempt {
  deliveryId: string;
  n: number;
  virtualOffsetMs: number;
  /** Virtual ms when the attempt started. */
  virtualAt: number;
  /** Wall-clock epoch ms when the attempt started. */
  startedAt: number;
  trigger: Trigger;
  /**
   * What the APIs show as the attempt's time: its delivery's creation (for a scheduled delivery, its
   * message's timestamp) plus `virtualOffsetMs`. Unlike `virtualAt` it never carries an attempt's real
   * duration multiplied by the time scale, so the documented schedule reads the same at any `--time-scale`.
   */
  timestamp?: number;
}

export interface AttemptRecord extends InFlightAttempt {
  id: string;
  msgId: string;
  endpointId: string;
  /** The response status, when there was a response. */
  status?: number;
  /** Transport error kind (`timeout`, `reset`, `refused`, `dns`, `aborted`, `other`) or `interrupted`. */
  error?: string;
  errorMessage?: string;
  /** The first KB of the response body, as text. */
  responseBody?: string;
  latencyMs: number;
  outcome: AttemptRecordOutcome;
}

export type DeadLetterReason = 'exhausted' | 'endpoint-disabled';

export interface DeadLetter {
  id: string;
  deliveryId: string;
  msgId: string;
  endpointId: string;
  /** Virtual ms when the delivery was given up. */
  at: number;
  reason: DeadLetterReason;
  attempts: number;
  /** Short description of the last attempt's failure. */
  lastError?: string;
  /** Set once `recover`/`resend` re-queued it: the new delivery's id. */
  requeuedAs?: string;
}

export type DeliveryUpdate = Pick<Delivery, 'state' | 'attemptsMade' | 'dueAt' | 'nextOffsetMs' | 'nextTrigger'>;
/** A patch: a key left undefined leaves the field as it is (the API's fields included, for its updates). */
export type EndpointUpdate = Partial<
  Pick<StoredEndpoint, 'disabled' | 'failingSince' | 'disabledAt' | 'url' | 'secret' | 'previousSecrets' | 'uid' | 'attrs' | 'updatedAt' | 'deleted' | 'appId'>
>;

/** Everything one finished attempt changes, applied atomically (and the in-flight marker cleared). */
export interface AttemptCompletion {
  record: AttemptRecord;
  delivery: DeliveryUpdate;
  endpoint?: EndpointUpdate;
  deadLetter?: DeadLetter;
}

export interface DeliveryFilter {
  state?: DeliveryState;
  msgId?: string;
  endpointId?: string;
}

export interface AttemptFilter {
  deliveryId?: string;
  msgId?: string;
  endpointId?: string;
}

export interface DeadLetterFilter {
  endpointId?: string;
  /** Include dead letters already re-queued by recover/resend. Default false. */
  includeRequeued?: boolean;
}

/**
 * Every write resolves once it is durable (a persistent store may group many writes into one commit and
 * one fsync); reads see every write already made, resolved or not.
 */
export interface DeliveryStore {
  putMessage(m: StoredMessage): Promise<void>;
  /** One atomic write: the message, its deliveries, and the dead letters of deliveries born dead (disabled endpoint). */
  addMessage(m: StoredMessage, deliveries: readonly Delivery[], deadLetters?: readonly DeadLetter[]): Promise<void>;
  getMessage(id: string): Promise<StoredMessage | undefined>;
  putEndpoint(e: StoredEndpoint): Promise<void>;
  getEndpoint(id: string): Promise<StoredEndpoint | undefined>;
  updateEndpoint(id: string, patch: EndpointUpdate): Promise<void>;
  listEndpoints(): Promise<StoredEndpoint[]>;

  addDelivery(d: Delivery): Promise<void>;
  getDelivery(id: string): Promise<Delivery | undefined>;
  /** In creation order. */
  listDeliveries(filter?: DeliveryFilter): Promise<Delivery[]>;

  /** Before the request leaves: the delivery becomes 'in-flight' and the marker is kept until completion. */
  markInFlight(a: InFlightAttempt): Promise<void>;
  /** Markers of attempts that started and never completed (after a crash, or a stop that gave up on them). */
  listInFlight(): Promise<InFlightAttempt[]>;
  completeAttempt(c: AttemptCompletion): Promise<void>;
  /** The delivery becomes 'dead' without a new attempt (its endpoint was disabled), and the letter is stored. */
  deadLetterDelivery(dl: DeadLetter): Promise<void>;
  markRequeued(deadLetterId: string, newDeliveryId: string): Promise<void>;

  /** In the order they completed. */
  listAttempts(filter?: AttemptFilter): Promise<AttemptRecord[]>;
  /** In the order they were given up. */
  listDeadLetters(filter?: DeadLetterFilter): Promise<DeadLetter[]>;
  /**
   * What `recover` may send again to the endpoint: messages created within [since, until] (virtual ms) whose
   * every delivery to it is dead — none delivered (a manual resend included), none waiting or in flight —
   * with the ids of their dead letters not yet re-queued. In message creation order.
   */
  recoverable(endpointId: string, sinceMs: number, untilMs: number): Promise<Array<{ msgId: string; deadLetterIds: string[] }>>;
}

export { memoryStore } from './memory-store.js';
