import { newSvixMessageId } from '../../fixtures/index.js';
import type { JsonObject } from '../../fixtures/profile.js';

/**
 * What the Svix API mock knows that the delivery engine does not: applications, the Svix-side fields of
 * endpoints (uid, description, filters, metadata...) and of messages (eventType, eventId, payload...), and
 * the `atmpt_…` ids shown for the engine's attempt records.
 *
 * In memory only for now: a restarted `serve` forgets it while a persistent DeliveryStore would not.
 * Persistence comes later (it should live next to the engine's store, one transaction per change).
 * The engine stays the source of truth for what it holds: an endpoint's url, secret and disabled flag.
 */

export type Metadata = Record<string, string>;

export interface AppRecord {
  id: string;
  uid?: string;
  name: string;
  metadata: Metadata;
  throttleRate?: number | null;
  rateLimit?: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface EndpointRecord {
  id: string;
  appId: string;
  uid?: string;
  description: string;
  version: number;
  filterTypes: string[] | null;
  channels: string[] | null;
  metadata: Metadata;
  throttleRate?: number | null;
  rateLimit?: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface MessageRecord {
  id: string;
  appId: string;
  eventType: string;
  eventId?: string;
  channels?: string[];
  tags?: string[];
  payload: JsonObject;
  timestamp: number;
}

const KSUID_CHARS = 27;

/** `prefix_` + a 27-char base62 KSUID for `nowMs`: Svix's id shape (`app_`, `ep_`, `msg_`, `atmpt_`, `qtask_`). */
export function newSvixId(prefix: string, nowMs: number = Date.now()): string {
  return `${prefix}_${newSvixMessageId(nowMs).slice(-KSUID_CHARS)}`;
}

export class SvixRegistry {
  /** In creation order: the lists page by position, so ids minted in the same second still list in order. */
  readonly apps: AppRecord[] = [];
  readonly endpoints: EndpointRecord[] = [];
  readonly messages: MessageRecord[] = [];
  private readonly attemptIds = new Map<string, string>();

  findApp(idOrUid: string): AppRecord | undefined {
    return this.apps.find((a) => a.id === idOrUid) ?? this.apps.find((a) => a.uid === idOrUid);
  }

  deleteApp(id: string): void {
    remove(this.apps, (a) => a.id === id);
    remove(this.endpoints, (e) => e.appId === id);
    remove(this.messages, (m) => m.appId === id);
  }

  endpointsOf(appId: string): EndpointRecord[] {
    return this.endpoints.filter((e) => e.appId === appId);
  }

  findEndpoint(appId: string, idOrUid: string): EndpointRecord | undefined {
    const mine = this.endpointsOf(appId);
    return mine.find((e) => e.id === idOrUid) ?? mine.find((e) => e.uid === idOrUid);
  }

  deleteEndpoint(id: string): void {
    remove(this.endpoints, (e) => e.id === id);
  }

  messagesOf(appId: string): MessageRecord[] {
    return this.messages.filter((m) => m.appId === appId);
  }

  findMessage(appId: string, idOrEventId: string): MessageRecord | undefined {
    const mine = this.messagesOf(appId);
    return mine.find((m) => m.id === idOrEventId) ?? mine.find((m) => m.eventId === idOrEventId);
  }

  /** The `atmpt_…` id shown for an engine attempt record, minted once from the attempt's time. */
  attemptId(engineId: string, atMs: number): string {
    let id = this.attemptIds.get(engineId);
    if (id === undefined) {
      id = newSvixId('atmpt', atMs);
      this.attemptIds.set(engineId, id);
    }
    return id;
  }
}

function remove<T>(list: T[], pred: (x: T) => boolean): void {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i])) list.splice(i, 1);
}
