import type { Dispatcher } from './engine/dispatcher.js';
import type { ServeEvents } from './serve-events.js';

/**
 * The dispatcher the APIs use, publishing what their calls changed (new messages, manual deliveries,
 * endpoints switched on or off) once it is stored. Attempts and dead letters are published by the
 * engine's own callbacks, which `serve` wires to the same events.
 */
export function observedDispatcher(inner: Dispatcher, events: ServeEvents): Dispatcher {
  const endpointChanged = (endpointId: string) => events.publish({ kind: 'endpoint', endpointId });
  return {
    get store() {
      return inner.store;
    },
    get pendingCount() {
      return inner.pendingCount;
    },
    get inFlightCount() {
      return inner.inFlightCount;
    },
    start: () => inner.start(),
    stop: () => inner.stop(),
    async addEndpoint(e) {
      const out = await inner.addEndpoint(e);
      endpointChanged(out.id);
      return out;
    },
    async enqueue(message, endpointIds) {
      const ids = await inner.enqueue(message, endpointIds);
      events.publish({ kind: 'message', msgId: message.messageId, endpointIds });
      return ids;
    },
    async resend(msgId, endpointId) {
      const id = await inner.resend(msgId, endpointId);
      events.publish({ kind: 'delivery', msgId, endpointId });
      return id;
    },
    async recover(endpointId, sinceMs, untilMs) {
      const ids = await inner.recover(endpointId, sinceMs, untilMs);
      if (ids.length) events.publish({ kind: 'delivery', endpointId });
      return ids;
    },
    async replay(deadLetterId) {
      const id = await inner.replay(deadLetterId);
      const d = events.listening ? await inner.store.getDelivery(id) : undefined;
      if (d) events.publish({ kind: 'delivery', msgId: d.msgId, endpointId: d.endpointId });
      return id;
    },
    async enable(endpointId) {
      await inner.enable(endpointId);
      endpointChanged(endpointId);
    },
    async disable(endpointId) {
      await inner.disable(endpointId);
      endpointChanged(endpointId);
    },
  };
}
