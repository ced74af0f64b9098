// The store answers the engine's repeated reads (a delivery, its message) from what it last wrote
// (hot-records.ts): those answers must be what SQLite itself holds, at every step of a delivery's life.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../../mock-provider/engine/sqlite-store.js';
import { toDelivery, toMessage, type Row } from '../../../mock-provider/engine/sqlite-rows.js';
import type { Delivery } from '../../../mock-provider/engine/store.js';

const dir = mkdtempSync(join(tmpdir(), 'hg-hot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the store’s read cache agrees with SQLite', () => {
  it('through enqueue, in flight, a failed attempt, a retry, a success and a dead letter', async () => {
    const path = join(dir, 'hot.db');
    const store = sqliteStore(path);
    // A second connection reads what is committed: each step below is awaited, so durable and committed.
    const reader = new Database(path, { readonly: true });
    const fromDb = (id: string) => toDelivery(reader.prepare('SELECT * FROM deliveries WHERE id = ?').get(id) as Row);
    const msgFromDb = (id: string) => toMessage(reader.prepare('SELECT * FROM messages WHERE id = ?').get(id) as Row);
    await store.putEndpoint({ id: 'ep_1', url: 'http://127.0.0.1:9/', disabled: false, failingSince: null });
    const d: Delivery = { id: 'dlv_1', msgId: 'msg_1', endpointId: 'ep_1', state: 'pending', attemptsMade: 0, dueAt: 1000, nextOffsetMs: 0, nextTrigger: 'scheduled', createdAt: 1000 };
    await store.addMessage({ id: 'msg_1', type: 'route.optimized', body: Buffer.from('{"a":1}'), createdAt: 1000, entityId: '', appId: 'app_1' }, [d]);
    const check = async () => {
      expect(await store.getDelivery('dlv_1')).toEqual(fromDb('dlv_1'));
      expect(await store.getMessage('msg_1')).toEqual(msgFromDb('msg_1'));
    };
    await check();
    const started = { deliveryId: 'dlv_1', n: 1, virtualOffsetMs: 0, virtualAt: 1000, startedAt: Date.now(), trigger: 'scheduled' as const, timestamp: 1000 };
    await store.markInFlight(started);
    await check();
    const record = { ...started, id: 'atmpt_1', msgId: 'msg_1', endpointId: 'ep_1', status: 500, latencyMs: 1.5, outcome: 'failed' as const };
    await store.completeAttempt({ record, delivery: { state: 'pending', attemptsMade: 1, dueAt: 6000.25, nextOffsetMs: 5001.5, nextTrigger: 'scheduled' } });
    await check();
    // A copy each time: changing an answer changes nothing stored.
    const copy = (await store.getDelivery('dlv_1'))!;
    copy.state = 'dead';
    await check();
    await store.markInFlight({ ...started, n: 2, virtualOffsetMs: 5001.5, timestamp: 6001.5 });
    await store.completeAttempt({ record: { ...record, id: 'atmpt_2', n: 2, status: 200, outcome: 'success' }, delivery: { state: 'delivered', attemptsMade: 2, dueAt: 6000.25, nextOffsetMs: 5002, nextTrigger: 'scheduled' } });
    await check();
    await store.addDelivery({ ...d, id: 'dlv_2', nextTrigger: 'manual' });
    await store.deadLetterDelivery({ id: 'dl_1', deliveryId: 'dlv_2', msgId: 'msg_1', endpointId: 'ep_1', at: 7000, reason: 'endpoint-disabled', attempts: 0 });
    expect(await store.getDelivery('dlv_2')).toEqual(fromDb('dlv_2'));
    await store.putMessage({ id: 'msg_1', type: 'route.optimized', body: Buffer.from('{"a":2}'), createdAt: 1000, appId: 'app_1' });
    await check();
    reader.close();
    store.close();
  });
});
