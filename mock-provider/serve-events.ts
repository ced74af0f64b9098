import type { AttemptRecord, DeadLetter } from './engine/store.js';

/** What changed in `serve`, as the dashboard's live view and the OmniSales test route learn of it. */
export type ServeEvent =
  | { kind: 'message'; msgId: string; endpointIds: readonly string[] }
  /** A manual delivery (resend, recover, replay) was queued. */
  | { kind: 'delivery'; msgId?: string; endpointId: string }
  | { kind: 'attempt'; record: AttemptRecord }
  | { kind: 'dead-letter'; letter: DeadLetter }
  | { kind: 'endpoint'; endpointId: string };

export interface ServeEvents {
  publish(e: ServeEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: (e: ServeEvent) => void): () => void;
  /** False while nobody listens: publishers may skip building an event at all. */
  readonly listening: boolean;
}

/**
 * An in-process publish/subscribe between the delivery engine and whoever watches it. Synchronous and
 * cheap with nobody subscribed, because the engine publishes on its hot path (every attempt); a listener
 * that throws is dropped from this one event, never allowed to break a delivery.
 */
export function serveEvents(onError: (err: unknown) => void = () => {}): ServeEvents {
  const listeners = new Set<(e: ServeEvent) => void>();
  return {
    publish(e) {
      if (listeners.size === 0) return;
      for (const l of listeners) {
        try {
          l(e);
        } catch (err) {
          onError(err);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    get listening() {
      return listeners.size > 0;
    },
  };
}
