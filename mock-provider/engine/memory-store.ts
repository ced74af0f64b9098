import type {
  AttemptCompletion,
  AttemptFilter,
  AttemptRecord,
  DeadLetter,
  DeadLetterFilter,
  Delivery,
  DeliveryFilter,
  DeliveryStore,
  EndpointUpdate,
  InFlightAttempt,
  StoredEndpoint,
  StoredMessage,
} from './store.js';

/**
 * The DeliveryStore in plain Maps: for tests, simulations and `serve --store :memory:`. It hands out
 * copies, as a persistent store would, so a caller that mutates what it read changes nothing.
 */
export function memoryStore(): DeliveryStore {
  const messages = new Map<string, StoredMessage>();
  const endpoints = new Map<string, StoredEndpoint>();
  const deliveries = new Map<string, Delivery>();
  const inFlight = new Map<string, InFlightAttempt>();
  const attempts: AttemptRecord[] = [];
  const attemptsByDelivery = new Map<string, AttemptRecord[]>();
  const deadLetters = new Map<string, DeadLetter>();

  const mustDelivery = (id: string): Delivery => {
    const d = deliveries.get(id);
    if (!d) throw new Error(`store: no delivery ${id}`);
    return d;
  };
  const patchEndpoint = (id: string, patch: EndpointUpdate): void => {
    const e = endpoints.get(id);
    if (!e) throw new Error(`store: no endpoint ${id}`);
    const next: StoredEndpoint = { ...e };
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
    endpoints.set(id, next);
  };

  return {
    async putMessage(m) {
      messages.set(m.id, { ...m });
    },
    async addMessage(m, ds, dls = []) {
      for (const d of ds) if (deliveries.has(d.id)) throw new Error(`store: delivery ${d.id} exists`);
      messages.set(m.id, { ...m });
      for (const d of ds) deliveries.set(d.id, { ...d });
      for (const dl of dls) deadLetters.set(dl.id, { ...dl });
    },
    async getMessage(id) {
      const m = messages.get(id);
      return m && { ...m };
    },
    async putEndpoint(e) {
      endpoints.set(e.id, { ...e });
    },
    async getEndpoint(id) {
      const e = endpoints.get(id);
      return e && { ...e };
    },
    async updateEndpoint(id, patch) {
      patchEndpoint(id, patch);
    },
    async listEndpoints() {
      return [...endpoints.values()].map((e) => ({ ...e }));
    },

    async addDelivery(d) {
      if (deliveries.has(d.id)) throw new Error(`store: delivery ${d.id} exists`);
      deliveries.set(d.id, { ...d });
    },
    async getDelivery(id) {
      const d = deliveries.get(id);
      return d && { ...d };
    },
    async listDeliveries(filter: DeliveryFilter = {}) {
      const out: Delivery[] = [];
      for (const d of deliveries.values()) {
        if (filter.state !== undefined && d.state !== filter.state) continue;
        if (filter.msgId !== undefined && d.msgId !== filter.msgId) continue;
        if (filter.endpointId !== undefined && d.endpointId !== filter.endpointId) continue;
        out.push({ ...d });
      }
      return out;
    },

    async markInFlight(a) {
      const d = mustDelivery(a.deliveryId);
      deliveries.set(d.id, { ...d, state: 'in-flight' });
      inFlight.set(a.deliveryId, { ...a });
    },
    async listInFlight() {
      return [...inFlight.values()].map((a) => ({ ...a }));
    },
    async completeAttempt(c: AttemptCompletion) {
      // Validate everything before touching anything: all or nothing, as a transaction would be.
      const d = mustDelivery(c.record.deliveryId);
      if (c.endpoint && !endpoints.has(c.record.endpointId)) throw new Error(`store: no endpoint ${c.record.endpointId}`);
      deliveries.set(d.id, { ...d, ...c.delivery });
      inFlight.delete(d.id);
      const record = { ...c.record };
      attempts.push(record);
      const list = attemptsByDelivery.get(d.id) ?? [];
      list.push(record);
      attemptsByDelivery.set(d.id, list);
      if (c.endpoint) patchEndpoint(c.record.endpointId, c.endpoint);
      if (c.deadLetter) deadLetters.set(c.deadLetter.id, { ...c.deadLetter });
    },
    async deadLetterDelivery(dl) {
      const d = mustDelivery(dl.deliveryId);
      deliveries.set(d.id, { ...d, state: 'dead' });
      inFlight.delete(d.id);
      deadLetters.set(dl.id, { ...dl });
    },
    async markRequeued(deadLetterId, newDeliveryId) {
      const dl = deadLetters.get(deadLetterId);
      if (!dl) throw new Error(`store: no dead letter ${deadLetterId}`);
      deadLetters.set(deadLetterId, { ...dl, requeuedAs: newDeliveryId });
    },

    async listAttempts(filter: AttemptFilter = {}) {
      const source = filter.deliveryId !== undefined ? (attemptsByDelivery.get(filter.deliveryId) ?? []) : attempts;
      return source
        .filter((a) => (filter.msgId === undefined || a.msgId === filter.msgId) && (filter.endpointId === undefined || a.endpointId === filter.endpointId))
        .map((a) => ({ ...a }));
    },
    async listDeadLetters(filter: DeadLetterFilter = {}) {
      return [...deadLetters.values()]
        .filter((dl) => (filter.endpointId === undefined || dl.endpointId === filter.endpointId) && (filter.includeRequeued || dl.requeuedAs === undefined))
        .map((dl) => ({ ...dl }));
    },
    async recoverable(endpointId, sinceMs, untilMs) {
      const byMsg = new Map<string, Delivery[]>();
      for (const d of deliveries.values()) {
        if (d.endpointId !== endpointId) continue;
        const m = messages.get(d.msgId);
        if (!m || m.createdAt < sinceMs || m.createdAt > untilMs) continue;
        byMsg.set(d.msgId, [...(byMsg.get(d.msgId) ?? []), d]);
      }
      const out: Array<{ msgId: string; deadLetterIds: string[] }> = [];
      const order = [...byMsg.keys()].sort((a, b) => messages.get(a)!.createdAt - messages.get(b)!.createdAt);
      for (const msgId of order) {
        if (!byMsg.get(msgId)!.every((d) => d.state === 'dead')) continue;
        const ids = [...deadLetters.values()].filter((dl) => dl.msgId === msgId && dl.endpointId === endpointId && dl.requeuedAs === undefined).map((dl) => dl.id);
        out.push({ msgId, deadLetterIds: ids });
      }
      return out;
    },
  };
}
