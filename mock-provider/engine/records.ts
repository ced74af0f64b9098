import type { AttemptRecord, DeliveryStore, StoredEndpoint, StoredMessage } from './store.js';

/**
 * What the APIs keep beside the engine's state, and the paged reads their list routes need. The SQLite
 * store implements it on the same database and the same grouped commits as the deliveries, so an API
 * record and the deliveries it causes are written together (one source of truth, nothing to disagree
 * after a crash). Svix's fields live in `attrs`; another API (OmniSales's webhooks) can add its own there.
 */

export interface StoredApp {
  id: string;
  uid?: string;
  name: string;
  /** The API's other fields (Svix: metadata, throttleRate, rateLimit). */
  attrs: Record<string, unknown>;
  /** Virtual ms. */
  createdAt: number;
  updatedAt: number;
}

export type ListOrder = 'ascending' | 'descending';

/** Svix's iterator paging: `iterator` is the id of the last item shown; `-id` pages backwards from it. */
export interface PageQuery {
  limit: number;
  iterator?: string;
  order: ListOrder;
}

export interface Page<T> {
  data: T[];
  iterator: string | null;
  prevIterator: string | null;
  done: boolean;
}

export interface MessageQuery extends PageQuery {
  appId: string;
  /** Virtual ms, exclusive. */
  before?: number;
  after?: number;
  types?: string[];
  channel?: string;
  tag?: string;
}

export interface AttemptQuery extends PageQuery {
  msgId?: string;
  endpointId?: string;
  /** On the attempt's `timestamp`, virtual ms, exclusive. */
  before?: number;
  after?: number;
  outcome?: 'success' | 'fail';
  /** 0 (no response), 100 … 500. */
  codeClass?: number;
  /** Only attempts of messages of these types. */
  types?: string[];
}

/** Svix's endpoint stats: messages by where their delivery to the endpoint stands. */
export interface EndpointStats {
  success: number;
  pending: number;
  sending: number;
  fail: number;
  canceled: number;
}

/** One endpoint's finished attempts within a window: what the OmniSales stats route reports. */
export interface AttemptSummary {
  attempts: number;
  succeeded: number;
  /** Mean latency (real ms) over the window's attempts; null when there were none. */
  avgLatencyMs: number | null;
  /** The latest attempt's timestamp (virtual ms); null when there were none. */
  lastAt: number | null;
}

export interface RecordStore {
  putApp(a: StoredApp): Promise<void>;
  /** By id, else by uid. */
  getApp(idOrUid: string): Promise<StoredApp | undefined>;
  /** In creation order. */
  listApps(): Promise<StoredApp[]>;
  /** Forgets the app; its endpoints are disabled and marked deleted in the same write. */
  deleteApp(id: string): Promise<void>;
  /** The app's endpoints that are not deleted, in creation order. */
  endpointsOf(appId: string): Promise<StoredEndpoint[]>;
  /** By id, else by uid, among the app's endpoints that are not deleted. */
  findEndpoint(appId: string, idOrUid: string): Promise<StoredEndpoint | undefined>;
  /** By id, else by eventId, within the app. */
  findMessage(appId: string, idOrEventId: string): Promise<StoredMessage | undefined>;
  /** Default order newest first (timestamp, then creation). */
  listMessages(q: MessageQuery): Promise<Page<StoredMessage>>;
  /** Default order newest first (completion order). */
  listAttemptsPage(q: AttemptQuery): Promise<Page<AttemptRecord>>;
  getAttempt(id: string): Promise<AttemptRecord | undefined>;
  /** Over messages created within [since, until] (virtual ms) with a delivery to the endpoint. */
  endpointStats(endpointId: string, sinceMs: number, untilMs: number): Promise<EndpointStats>;
  /** Every message, of any application, newest stored first (keyset pages on insertion order): the dashboard's list. */
  recentMessages(q: PageQuery): Promise<Page<StoredMessage>>;
  /** Over the endpoint's attempts whose timestamp is within [since, until] (virtual ms). */
  attemptSummary(endpointId: string, sinceMs: number, untilMs: number): Promise<AttemptSummary>;
  /** The latest virtual time the store has seen (messages, attempts): a restart under --time-scale continues from it. */
  latestVirtualTime(): Promise<number | undefined>;
  /** Small facts about the store itself (which provider created it). */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
}

export type ServeStore = DeliveryStore & RecordStore & { close(): void };
