import type { Delivery, StoredMessage } from './store.js';

/**
 * The deliveries and messages the engine is working on, as the store last wrote them. The dispatcher reads a
 * delivery twice and its message once per attempt, each right after writing it; under bench:serve those
 * SELECTs and their decoding were a tenth of serve's CPU. The store keeps this up to date inside each write
 * (after the write's SQL succeeded), and drops it all should a grouped commit roll back; reads fall back to
 * SQLite for anything not here. Deliveries leave when they reach a final state; messages are kept first in,
 * first out within a bound.
 */
export interface HotRecords {
  message(id: string): StoredMessage | undefined;
  delivery(id: string): Delivery | undefined;
  messageWritten(m: StoredMessage): void;
  deliveryWritten(d: Delivery): void;
  /** A change to a delivery: merged into it when it is here. */
  deliveryChanged(id: string, patch: Partial<Delivery>): void;
  /** Everything forgotten (a rolled-back group). */
  clear(): void;
}

const MAX_DELIVERIES = 50_000;
const MAX_MESSAGES = 10_000;
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const isFinal = (state: Delivery['state']): boolean => state === 'delivered' || state === 'dead';

export function hotRecords(): HotRecords {
  const deliveries = new Map<string, Delivery>();
  const messages = new Map<string, StoredMessage>();
  let messageBytes = 0;
  const dropMessage = (id: string): void => {
    const m = messages.get(id);
    if (!m) return;
    messages.delete(id);
    messageBytes -= m.body.length;
  };
  return {
    message(id) {
      const m = messages.get(id);
      return m && { ...m };
    },
    delivery(id) {
      const d = deliveries.get(id);
      return d && { ...d };
    },
    messageWritten(m) {
      dropMessage(m.id);
      if (m.body.length > MAX_MESSAGE_BYTES / 16) return;
      messages.set(m.id, { ...m });
      messageBytes += m.body.length;
      for (const oldest of messages.keys()) {
        if (messages.size <= MAX_MESSAGES && messageBytes <= MAX_MESSAGE_BYTES) break;
        dropMessage(oldest);
      }
    },
    deliveryWritten(d) {
      if (isFinal(d.state)) deliveries.delete(d.id);
      else if (deliveries.has(d.id) || deliveries.size < MAX_DELIVERIES) deliveries.set(d.id, { ...d });
    },
    deliveryChanged(id, patch) {
      const d = deliveries.get(id);
      if (!d) return;
      Object.assign(d, patch);
      if (isFinal(d.state)) deliveries.delete(id);
    },
    clear() {
      deliveries.clear();
      messages.clear();
      messageBytes = 0;
    },
  };
}
