// The SQLite DeliveryStore: the same behaviour as the memory store (one table of expectations run against
// both), persistence across close/reopen and across a crash, bodies byte for byte.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../../fixtures/index.js';
import type { AttemptResult, DeliverFn } from '../../../mock-provider/engine/attempt.js';
import { ManualClock } from '../../../mock-provider/engine/clock.js';
import { createDispatcher } from '../../../mock-provider/engine/dispatcher.js';
import { memoryStore } from '../../../mock-provider/engine/memory-store.js';
import { sqliteStore } from '../../../mock-provider/engine/sqlite-store.js';
import type {
  AttemptCompletion,
  AttemptRecord,
  DeadLetter,
  Delivery,
  DeliveryStore,
  InFlightAttempt,
  StoredEndpoint,
  StoredMessage,
} from '../../../mock-provider/engine/store.js';
import { DAY, HOUR, SEC, message, status } from './kit.js';

const { optipick } = PROVIDERS;
const dir = mkdtempSync(join(tmpdir(), 'hookgate-sqlite-'));
let fileNo = 0;
const tmpfile = (): string => join(dir, `store-${++fileNo}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---- fixtures --------------------------------------------------------------------------------------

const msg = (id: string, extra: Partial<StoredMessage> = {}): StoredMessage => ({
  id,
  type: 'route.optimized',
  body: Buffer.from(`{"id":"${id}"}`),
  createdAt: 1_000,
  ...extra,
});
const ep = (id: string, extra: Partial<StoredEndpoint> = {}): StoredEndpoint => ({
  id,
  url: `http://receiver.test/${id}`,
  disabled: false,
  failingSince: null,
  ...extra,
});
const dlv = (id: string, extra: Partial<Delivery> = {}): Delivery => ({
  id,
  msgId: 'msg_1',
  endpointId: 'ep_1',
  state: 'pending',
  attemptsMade: 0,
  dueAt: 2_000,
  nextOffsetMs: 0,
  nextTrigger: 'scheduled',
  createdAt: 2_000,
  ...extra,
});
const started = (deliveryId: string, n = 1, extra: Partial<InFlightAttempt> = {}): InFlightAttempt => ({
  deliveryId,
  n,
  virtualOffsetMs: (n - 1) * 5_000,
  virtualAt: 2_000 + (n - 1) * 5_000,
  startedAt: 1_700_000_000_000 + n,
  trigger: 'scheduled',
  ...extra,
});
const record = (id: string, a: InFlightAttempt, extra: Partial<AttemptRecord> = {}): AttemptRecord => ({
  ...a,
  id,
  msgId: 'msg_1',
  endpointId: 'ep_1',
  status: 500,
  latencyMs: 12.5,
  outcome: 'fail',
  ...extra,
});
const letter = (id: string, deliveryId: string, extra: Partial<DeadLetter> = {}): DeadLetter => ({
  id,
  deliveryId,
  msgId: 'msg_1',
  endpointId: 'ep_1',
  at: 9_000,
  reason: 'exhausted',
  attempts: 3,
  lastError: 'HTTP 500',
  ...extra,
});

// ---- the shared expectations ---------------------------------------------------------------------

interface Subject {
  store: DeliveryStore;
  close(): void;
}
const subjects: Array<[string, () => Subject]> = [
  ['memory', () => ({ store: memoryStore(), close() {} })],
  [
    'sqlite',
    () => {
      const store = sqliteStore(tmpfile());
      return { store, close: () => store.close() };
    },
  ],
];

type Case = [name: string, run: (s: DeliveryStore) => Promise<void>];

const cases: Case[] = [
  [
    'putMessage/getMessage: round trip, optional fields absent, overwrite, unknown id',
    async (s) => {
      await s.putMessage(msg('msg_1'));
      await s.putMessage(msg('msg_2', { entityId: 'route_9' }));
      expect(await s.getMessage('msg_1')).toEqual(msg('msg_1'));
      expect(await s.getMessage('msg_1')).not.toHaveProperty('entityId');
      expect(await s.getMessage('msg_2')).toEqual(msg('msg_2', { entityId: 'route_9' }));
      await s.putMessage(msg('msg_1', { type: 'route.failed', body: Buffer.from('x'), createdAt: 5 }));
      expect(await s.getMessage('msg_1')).toEqual(msg('msg_1', { type: 'route.failed', body: Buffer.from('x'), createdAt: 5 }));
      expect(await s.getMessage('nope')).toBeUndefined();
    },
  ],
  [
    'getMessage hands out copies',
    async (s) => {
      await s.putMessage(msg('msg_1'));
      const m = (await s.getMessage('msg_1'))!;
      m.type = 'changed';
      expect((await s.getMessage('msg_1'))!.type).toBe('route.optimized');
    },
  ],
  [
    'putEndpoint/getEndpoint: optional fields, disabledAt absent vs null vs set, unknown id',
    async (s) => {
      await s.putEndpoint(ep('ep_1'));
      await s.putEndpoint(ep('ep_2', { secret: 'whsec_x', webhookId: 'wh_2', headerStyle: 'standard', disabledAt: null }));
      await s.putEndpoint(ep('ep_3', { disabled: true, failingSince: 100, disabledAt: 200 }));
      const e1 = await s.getEndpoint('ep_1');
      expect(e1).toEqual(ep('ep_1'));
      expect(e1).not.toHaveProperty('disabledAt');
      expect(e1).not.toHaveProperty('secret');
      expect(await s.getEndpoint('ep_2')).toStrictEqual(ep('ep_2', { secret: 'whsec_x', webhookId: 'wh_2', headerStyle: 'standard', disabledAt: null }));
      expect(await s.getEndpoint('ep_3')).toEqual(ep('ep_3', { disabled: true, failingSince: 100, disabledAt: 200 }));
      expect(await s.getEndpoint('nope')).toBeUndefined();
    },
  ],
  [
    'listEndpoints: insertion order, an overwrite keeps its place',
    async (s) => {
      for (const id of ['ep_b', 'ep_a', 'ep_c']) await s.putEndpoint(ep(id));
      await s.putEndpoint(ep('ep_b', { url: 'http://other.test/' }));
      const list = await s.listEndpoints();
      expect(list.map((e) => e.id)).toEqual(['ep_b', 'ep_a', 'ep_c']);
      expect(list[0]!.url).toBe('http://other.test/');
    },
  ],
  [
    'updateEndpoint: patches only the given fields; unknown endpoint rejects',
    async (s) => {
      await s.putEndpoint(ep('ep_1', { secret: 's' }));
      await s.updateEndpoint('ep_1', { disabled: true, disabledAt: 50 });
      expect(await s.getEndpoint('ep_1')).toEqual(ep('ep_1', { secret: 's', disabled: true, disabledAt: 50 }));
      await s.updateEndpoint('ep_1', { failingSince: 10 });
      expect(await s.getEndpoint('ep_1')).toEqual(ep('ep_1', { secret: 's', disabled: true, disabledAt: 50, failingSince: 10 }));
      await s.updateEndpoint('ep_1', { disabled: false, failingSince: null, disabledAt: null });
      expect(await s.getEndpoint('ep_1')).toStrictEqual(ep('ep_1', { secret: 's', disabledAt: null }));
      await expect(s.updateEndpoint('nope', { disabled: true })).rejects.toThrow('no endpoint nope');
    },
  ],
  [
    'addDelivery/getDelivery; a duplicate id rejects and changes nothing',
    async (s) => {
      await s.addDelivery(dlv('dlv_1'));
      expect(await s.getDelivery('dlv_1')).toEqual(dlv('dlv_1'));
      await expect(s.addDelivery(dlv('dlv_1', { state: 'dead' }))).rejects.toThrow('delivery dlv_1 exists');
      expect(await s.getDelivery('dlv_1')).toEqual(dlv('dlv_1'));
      expect(await s.getDelivery('nope')).toBeUndefined();
    },
  ],
  [
    'listDeliveries: creation order (updates keep it) and every filter',
    async (s) => {
      await s.addDelivery(dlv('dlv_z', { msgId: 'msg_1', endpointId: 'ep_1' }));
      await s.addDelivery(dlv('dlv_a', { msgId: 'msg_2', endpointId: 'ep_1' }));
      await s.addDelivery(dlv('dlv_m', { msgId: 'msg_1', endpointId: 'ep_2' }));
      await s.markInFlight(started('dlv_z'));
      await s.deadLetterDelivery(letter('dl_1', 'dlv_m', { endpointId: 'ep_2' }));
      const ids = async (f?: Parameters<DeliveryStore['listDeliveries']>[0]) => (await s.listDeliveries(f)).map((d) => d.id);
      expect(await ids()).toEqual(['dlv_z', 'dlv_a', 'dlv_m']);
      expect(await ids({})).toEqual(['dlv_z', 'dlv_a', 'dlv_m']);
      expect(await ids({ state: 'pending' })).toEqual(['dlv_a']);
      expect(await ids({ state: 'in-flight' })).toEqual(['dlv_z']);
      expect(await ids({ state: 'dead' })).toEqual(['dlv_m']);
      expect(await ids({ state: 'delivered' })).toEqual([]);
      expect(await ids({ msgId: 'msg_1' })).toEqual(['dlv_z', 'dlv_m']);
      expect(await ids({ endpointId: 'ep_1' })).toEqual(['dlv_z', 'dlv_a']);
      expect(await ids({ msgId: 'msg_1', endpointId: 'ep_2', state: 'dead' })).toEqual(['dlv_m']);
      expect(await ids({ msgId: 'msg_1', state: 'pending' })).toEqual([]);
    },
  ],
  [
    'markInFlight: the delivery becomes in-flight, one marker per delivery (a re-mark keeps its place); unknown delivery rejects',
    async (s) => {
      await s.addDelivery(dlv('dlv_1'));
      await s.addDelivery(dlv('dlv_2'));
      await s.markInFlight(started('dlv_2'));
      await s.markInFlight(started('dlv_1'));
      expect((await s.getDelivery('dlv_2'))!.state).toBe('in-flight');
      expect(await s.listInFlight()).toEqual([started('dlv_2'), started('dlv_1')]);
      await s.markInFlight(started('dlv_2', 2, { trigger: 'manual' }));
      expect(await s.listInFlight()).toEqual([started('dlv_2', 2, { trigger: 'manual' }), started('dlv_1')]);
      await expect(s.markInFlight(started('nope'))).rejects.toThrow('no delivery nope');
      expect(await s.listInFlight()).toHaveLength(2);
    },
  ],
  [
    'completeAttempt: delivery updated, marker cleared, attempt recorded, endpoint patched, dead letter stored',
    async (s) => {
      await s.putEndpoint(ep('ep_1'));
      await s.addDelivery(dlv('dlv_1'));
      await s.addDelivery(dlv('dlv_2'));
      const a1 = started('dlv_1');
      await s.markInFlight(a1);
      await s.markInFlight(started('dlv_2'));
      await s.completeAttempt({
        record: record('atmpt_1', a1),
        delivery: { state: 'pending', attemptsMade: 1, dueAt: 7_000, nextOffsetMs: 5_000, nextTrigger: 'scheduled' },
        endpoint: { failingSince: 2_000 },
      });
      expect(await s.getDelivery('dlv_1')).toEqual(dlv('dlv_1', { attemptsMade: 1, dueAt: 7_000, nextOffsetMs: 5_000 }));
      expect(await s.listInFlight()).toEqual([started('dlv_2')]);
      expect(await s.listAttempts()).toEqual([record('atmpt_1', a1)]);
      expect(await s.getEndpoint('ep_1')).toEqual(ep('ep_1', { failingSince: 2_000 }));

      const a2 = started('dlv_1', 2, { trigger: 'manual' });
      await s.markInFlight(a2);
      await s.completeAttempt({
        record: record('atmpt_2', a2, { status: undefined, error: 'timeout', errorMessage: 'no response within 20000 ms', latencyMs: 20_000 }),
        delivery: { state: 'dead', attemptsMade: 2, dueAt: 7_000, nextOffsetMs: 25_000, nextTrigger: 'scheduled' },
        endpoint: { failingSince: 2_000, disabled: true, disabledAt: 30_000 },
        deadLetter: letter('dl_1', 'dlv_1', { attempts: 2, reason: 'endpoint-disabled', lastError: 'timeout: no response within 20000 ms' }),
      });
      expect((await s.getDelivery('dlv_1'))!.state).toBe('dead');
      const attempts = await s.listAttempts();
      expect(attempts.map((a) => a.id)).toEqual(['atmpt_1', 'atmpt_2']);
      expect(attempts[1]).toEqual(record('atmpt_2', a2, { status: undefined, error: 'timeout', errorMessage: 'no response within 20000 ms', latencyMs: 20_000 }));
      expect(attempts[1]!.status).toBeUndefined();
      expect(await s.getEndpoint('ep_1')).toEqual(ep('ep_1', { failingSince: 2_000, disabled: true, disabledAt: 30_000 }));
      expect(await s.listDeadLetters()).toEqual([letter('dl_1', 'dlv_1', { attempts: 2, reason: 'endpoint-disabled', lastError: 'timeout: no response within 20000 ms' })]);

      // A success clears the failure run.
      await s.addDelivery(dlv('dlv_3'));
      const a3 = started('dlv_3');
      await s.markInFlight(a3);
      await s.completeAttempt({
        record: record('atmpt_3', a3, { status: 204, responseBody: 'ok', outcome: 'success' }),
        delivery: { state: 'delivered', attemptsMade: 1, dueAt: 2_000, nextOffsetMs: 12.5, nextTrigger: 'scheduled' },
        endpoint: { failingSince: null },
      });
      expect((await s.getEndpoint('ep_1'))!.failingSince).toBeNull();
      expect((await s.getDelivery('dlv_3'))!.nextOffsetMs).toBe(12.5);
      expect((await s.listAttempts({ deliveryId: 'dlv_3' }))[0]).toEqual(record('atmpt_3', a3, { status: 204, responseBody: 'ok', outcome: 'success' }));
    },
  ],
  [
    'completeAttempt: the interrupted record of a crash (no status, no endpoint patch)',
    async (s) => {
      await s.addDelivery(dlv('dlv_1'));
      const a = started('dlv_1');
      await s.markInFlight(a);
      const rec = record('atmpt_1', a, { status: undefined, error: 'interrupted', errorMessage: 'in flight when the engine stopped', latencyMs: 0, outcome: 'interrupted' });
      await s.completeAttempt({ record: rec, delivery: { state: 'pending', attemptsMade: 1, dueAt: 9_000, nextOffsetMs: 5_000, nextTrigger: 'scheduled' } });
      expect(await s.listAttempts()).toEqual([rec]);
      expect(await s.listInFlight()).toEqual([]);
    },
  ],
  [
    'completeAttempt is all or nothing: unknown delivery, or an endpoint patch for an unknown endpoint, changes nothing',
    async (s) => {
      await s.addDelivery(dlv('dlv_1'));
      const a = started('dlv_1');
      await s.markInFlight(a);
      const c: AttemptCompletion = {
        record: record('atmpt_1', a),
        delivery: { state: 'dead', attemptsMade: 1, dueAt: 2_000, nextOffsetMs: 0, nextTrigger: 'scheduled' },
        endpoint: { failingSince: 2_000 },
        deadLetter: letter('dl_1', 'dlv_1'),
      };
      await expect(s.completeAttempt(c)).rejects.toThrow('no endpoint ep_1');
      await expect(s.completeAttempt({ ...c, record: record('atmpt_1', started('nope')) })).rejects.toThrow('no delivery nope');
      expect((await s.getDelivery('dlv_1'))!.state).toBe('in-flight');
      expect(await s.listInFlight()).toEqual([a]);
      expect(await s.listAttempts()).toEqual([]);
      expect(await s.listDeadLetters({ includeRequeued: true })).toEqual([]);
      // Without an endpoint patch the endpoint need not exist.
      await s.completeAttempt({ ...c, endpoint: undefined });
      expect(await s.listAttempts()).toHaveLength(1);
      expect(await s.listDeadLetters()).toEqual([letter('dl_1', 'dlv_1')]);
    },
  ],
  [
    'listAttempts: completion order and every filter',
    async (s) => {
      await s.addDelivery(dlv('dlv_1', { msgId: 'msg_1', endpointId: 'ep_1' }));
      await s.addDelivery(dlv('dlv_2', { msgId: 'msg_2', endpointId: 'ep_1' }));
      await s.addDelivery(dlv('dlv_3', { msgId: 'msg_1', endpointId: 'ep_2' }));
      const order: Array<[string, number]> = [['dlv_2', 1], ['dlv_1', 1], ['dlv_3', 1], ['dlv_1', 2], ['dlv_2', 2]];
      for (const [i, [d, n]] of order.entries()) {
        const a = started(d, n);
        const stored = (await s.getDelivery(d))!;
        await s.markInFlight(a);
        await s.completeAttempt({
          record: record(`atmpt_${i}`, a, { msgId: stored.msgId, endpointId: stored.endpointId }),
          delivery: { state: 'pending', attemptsMade: n, dueAt: 1, nextOffsetMs: 1, nextTrigger: 'scheduled' },
        });
      }
      const ids = async (f?: Parameters<DeliveryStore['listAttempts']>[0]) => (await s.listAttempts(f)).map((a) => a.id);
      expect(await ids()).toEqual(['atmpt_0', 'atmpt_1', 'atmpt_2', 'atmpt_3', 'atmpt_4']);
      expect(await ids({ deliveryId: 'dlv_1' })).toEqual(['atmpt_1', 'atmpt_3']);
      expect(await ids({ msgId: 'msg_1' })).toEqual(['atmpt_1', 'atmpt_2', 'atmpt_3']);
      expect(await ids({ endpointId: 'ep_1' })).toEqual(['atmpt_0', 'atmpt_1', 'atmpt_3', 'atmpt_4']);
      expect(await ids({ msgId: 'msg_1', endpointId: 'ep_2' })).toEqual(['atmpt_2']);
      expect(await ids({ deliveryId: 'dlv_2', msgId: 'msg_1' })).toEqual([]);
      expect(await ids({ deliveryId: 'nope' })).toEqual([]);
    },
  ],
  [
    'deadLetterDelivery: the delivery becomes dead, its marker is cleared, the letter stored; unknown delivery rejects',
    async (s) => {
      await s.addDelivery(dlv('dlv_1'));
      await s.addDelivery(dlv('dlv_2'));
      await s.markInFlight(started('dlv_1'));
      await s.deadLetterDelivery(letter('dl_1', 'dlv_1', { reason: 'endpoint-disabled', lastError: undefined, attempts: 0 }));
      expect((await s.getDelivery('dlv_1'))!.state).toBe('dead');
      expect(await s.listInFlight()).toEqual([]);
      const list = await s.listDeadLetters();
      expect(list).toEqual([letter('dl_1', 'dlv_1', { reason: 'endpoint-disabled', lastError: undefined, attempts: 0 })]);
      expect(list[0]!.lastError).toBeUndefined();
      await expect(s.deadLetterDelivery(letter('dl_2', 'nope'))).rejects.toThrow('no delivery nope');
      expect(await s.listDeadLetters()).toHaveLength(1);
    },
  ],
  [
    'markRequeued and listDeadLetters: give-up order, endpoint filter, re-queued hidden unless asked; unknown letter rejects',
    async (s) => {
      for (const [d, e] of [['dlv_2', 'ep_1'], ['dlv_1', 'ep_2'], ['dlv_3', 'ep_1']] as const) {
        await s.addDelivery(dlv(d, { endpointId: e }));
        await s.deadLetterDelivery(letter(`dl_${d}`, d, { endpointId: e }));
      }
      const ids = async (f?: Parameters<DeliveryStore['listDeadLetters']>[0]) => (await s.listDeadLetters(f)).map((dl) => dl.id);
      expect(await ids()).toEqual(['dl_dlv_2', 'dl_dlv_1', 'dl_dlv_3']);
      expect(await ids({ endpointId: 'ep_1' })).toEqual(['dl_dlv_2', 'dl_dlv_3']);
      await s.markRequeued('dl_dlv_2', 'dlv_9');
      expect(await ids()).toEqual(['dl_dlv_1', 'dl_dlv_3']);
      expect(await ids({ endpointId: 'ep_1' })).toEqual(['dl_dlv_3']);
      const all = await s.listDeadLetters({ includeRequeued: true });
      expect(all.map((dl) => [dl.id, dl.requeuedAs])).toEqual([['dl_dlv_2', 'dlv_9'], ['dl_dlv_1', undefined], ['dl_dlv_3', undefined]]);
      expect(all[1]).not.toHaveProperty('requeuedAs');
      expect(await ids({ endpointId: 'ep_1', includeRequeued: true })).toEqual(['dl_dlv_2', 'dl_dlv_3']);
      await expect(s.markRequeued('nope', 'dlv_9')).rejects.toThrow('no dead letter nope');
    },
  ],
  [
    'lists hand out copies',
    async (s) => {
      await s.putEndpoint(ep('ep_1'));
      await s.addDelivery(dlv('dlv_1'));
      (await s.listEndpoints())[0]!.url = 'changed';
      (await s.listDeliveries())[0]!.state = 'dead';
      expect((await s.getEndpoint('ep_1'))!.url).toBe('http://receiver.test/ep_1');
      expect((await s.getDelivery('dlv_1'))!.state).toBe('pending');
    },
  ],
];

describe.each(subjects)('%s store: the DeliveryStore contract', (_name, make) => {
  it.each(cases)('%s', async (_case, run) => {
    const subject = make();
    try {
      await run(subject.store);
    } finally {
      subject.close();
    }
  });
});

// ---- SQLite only -------------------------------------------------------------------------------------

describe('sqlite store: the file', () => {
  it('keeps everything across close and reopen', async () => {
    const path = tmpfile();
    const a = sqliteStore(path);
    await a.putMessage(msg('msg_1', { entityId: 'r1' }));
    await a.putEndpoint(ep('ep_1', { secret: 'whsec_x', headerStyle: 'standard', disabledAt: null }));
    await a.putEndpoint(ep('ep_2'));
    await a.addDelivery(dlv('dlv_1'));
    await a.addDelivery(dlv('dlv_2'));
    await a.addDelivery(dlv('dlv_3', { endpointId: 'ep_2' }));
    const a1 = started('dlv_1');
    await a.markInFlight(a1);
    await a.completeAttempt({
      record: record('atmpt_1', a1),
      delivery: { state: 'pending', attemptsMade: 1, dueAt: 7_000, nextOffsetMs: 5_000, nextTrigger: 'scheduled' },
      endpoint: { failingSince: 2_000 },
    });
    await a.markInFlight(started('dlv_2'));
    await a.deadLetterDelivery(letter('dl_1', 'dlv_3', { endpointId: 'ep_2' }));
    await a.markRequeued('dl_1', 'dlv_4');
    const snapshot = async (s: DeliveryStore) => ({
      message: await s.getMessage('msg_1'),
      endpoints: await s.listEndpoints(),
      deliveries: await s.listDeliveries(),
      inFlight: await s.listInFlight(),
      attempts: await s.listAttempts(),
      deadLetters: await s.listDeadLetters({ includeRequeued: true }),
    });
    const before = await snapshot(a);
    a.close();
    a.close(); // idempotent
    const b = sqliteStore(path);
    const after = await snapshot(b);
    expect(after).toStrictEqual(before);
    expect(after.inFlight).toEqual([started('dlv_2')]);
    expect(after.deadLetters[0]!.requeuedAs).toBe('dlv_4');
    b.close();
  });

  it('stores bodies byte for byte (every byte value, invalid UTF-8, NULs, empty, 1 MiB)', async () => {
    const path = tmpfile();
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const bodies: Record<string, Buffer> = {
      all,
      invalidUtf8: Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x00, 0xed, 0xa0, 0x80]),
      nuls: Buffer.alloc(64),
      empty: Buffer.alloc(0),
      bom: Buffer.from('\ufeff{"a":"é"}\r\n', 'utf8'),
      large: Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) >>> 24)),
    };
    const a = sqliteStore(path);
    for (const [id, body] of Object.entries(bodies)) await a.putMessage(msg(id, { body }));
    // A view into a larger buffer stores only its own bytes.
    const pool = Buffer.from('xxxx{"view":true}yyyy');
    await a.putMessage(msg('view', { body: pool.subarray(4, pool.length - 4) }));
    a.close();
    const b = sqliteStore(path);
    for (const [id, body] of Object.entries(bodies)) {
      const got = (await b.getMessage(id))!.body;
      expect(Buffer.isBuffer(got)).toBe(true);
      expect(got.equals(body)).toBe(true);
    }
    expect((await b.getMessage('view'))!.body.toString()).toBe('{"view":true}');
    b.close();
  });

  it('applies failingSince as MIN(stored, new) in completeAttempt; null clears it', async () => {
    const s = sqliteStore(tmpfile());
    await s.putEndpoint(ep('ep_1', { failingSince: 1_000 }));
    await s.addDelivery(dlv('dlv_1'));
    const complete = async (n: number, failingSince: number | null) => {
      const a = started('dlv_1', n);
      await s.markInFlight(a);
      await s.completeAttempt({
        record: record(`atmpt_${n}`, a),
        delivery: { state: 'pending', attemptsMade: n, dueAt: 1, nextOffsetMs: 1, nextTrigger: 'scheduled' },
        endpoint: { failingSince },
      });
      return (await s.getEndpoint('ep_1'))!.failingSince;
    };
    expect(await complete(1, 3_000)).toBe(1_000); // a stale read cannot move the failure run's start later
    expect(await complete(2, 500)).toBe(500);
    expect(await complete(3, null)).toBeNull();
    expect(await complete(4, 4_000)).toBe(4_000);
    s.close();
  });

  it('completeAttempt rolls back everything when a late step fails', async () => {
    const s = sqliteStore(tmpfile());
    await s.putEndpoint(ep('ep_1'));
    await s.addDelivery(dlv('dlv_1'));
    const a = started('dlv_1');
    await s.markInFlight(a);
    // The dead letter is written last; one missing a required field fails inside the transaction.
    const broken = { ...letter('dl_1', 'dlv_1'), reason: undefined } as unknown as DeadLetter;
    await expect(
      s.completeAttempt({
        record: record('atmpt_1', a),
        delivery: { state: 'dead', attemptsMade: 1, dueAt: 1, nextOffsetMs: 1, nextTrigger: 'scheduled' },
        endpoint: { failingSince: 2_000 },
        deadLetter: broken,
      }),
    ).rejects.toThrow();
    expect((await s.getDelivery('dlv_1'))!.state).toBe('in-flight');
    expect(await s.listInFlight()).toEqual([a]);
    expect(await s.listAttempts()).toEqual([]);
    expect((await s.getEndpoint('ep_1'))!.failingSince).toBeNull();
    expect(await s.listDeadLetters({ includeRequeued: true })).toEqual([]);
    s.close();
  });

  it('is a WAL file with the schema and its user_version; reopening it is fine', async () => {
    const path = tmpfile();
    const s = sqliteStore(path);
    s.close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
    expect(tables).toEqual(['apps', 'attempts', 'dead_letters', 'deliveries', 'endpoints', 'in_flight', 'messages', 'meta']);
    db.close();
    // synchronous and foreign_keys are per-connection settings, not visible from another connection.
    const again = sqliteStore(path);
    again.close();
  });

  it('refuses a file whose schema is newer, naming the path', () => {
    const path = tmpfile();
    sqliteStore(path).close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => sqliteStore(path)).toThrow(path);
    expect(() => sqliteStore(path)).toThrow(/newer/);
  });

  it('creates missing parent folders', async () => {
    const path = join(dir, 'deep', 'er', 'store.db');
    const s = sqliteStore(path);
    await s.putEndpoint(ep('ep_1'));
    s.close();
    expect(existsSync(path)).toBe(true);
  });

  it('an unwritable path throws an Error naming the path', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const underFile = join(file, 'sub', 'store.db');
    expect(() => sqliteStore(underFile)).toThrow(Error);
    expect(() => sqliteStore(underFile)).toThrow(underFile);
    // An existing folder where the database file should be.
    expect(() => sqliteStore(dir)).toThrow(dir);
    // A file that is not a database.
    expect(() => sqliteStore(file)).toThrow(file);
  });
});

// ---- crash and resume through the dispatcher ---------------------------------------------------------

const never = (): Promise<AttemptResult> => new Promise<AttemptResult>(() => {});

describe('sqlite store: crash and resume', () => {
  it('a new store and dispatcher on the file record the in-flight attempt as interrupted and deliver everything once', async () => {
    const path = tmpfile();
    // First life: msg_hang's first attempt never answers (in flight at the crash); the others fail twice.
    const storeA = sqliteStore(path, { commit: 'immediate' });
    const clockA = new ManualClock(Date.UTC(2025, 0, 1));
    const deliverA: DeliverFn = async ({ message: m }) => (m.id === 'msg_hang' ? never() : status(500));
    const a = createDispatcher({ profile: optipick, clock: clockA, store: storeA, deliver: deliverA, newId: ids('a') });
    await a.addEndpoint({ id: 'ep_1', url: 'http://receiver.test/', secret: 'whsec_x' });
    await a.addEndpoint({ id: 'ep_2', url: 'http://other.test/' });
    await a.start();
    for (const id of ['msg_1', 'msg_2', 'msg_hang']) await a.enqueue(message(id), ['ep_1', 'ep_2']);
    await clockA.advance(5 * SEC);
    // Its first attempt fails at once; the crash comes before the retry.
    await a.enqueue(message('msg_late'), ['ep_1']);
    await clockA.advance(0);
    expect((await storeA.listInFlight()).map((x) => x.n)).toEqual([1, 1]);
    const completedBefore = await storeA.listAttempts();
    expect(completedBefore.length).toBeGreaterThan(0);
    // The crash: storeA and dispatcher a are dropped, never closed or stopped.

    const storeB = sqliteStore(path, { commit: 'immediate' });
    const clockB = new ManualClock(clockA.now() + 1 * HOUR);
    const seen: Array<[string, number]> = [];
    const deliverB: DeliverFn = async ({ message: m, attempt }) => (seen.push([m.id, attempt]), status(200));
    const b = createDispatcher({ profile: optipick, clock: clockB, store: storeB, deliver: deliverB, newId: ids('b') });
    await b.start();
    expect(await storeB.listInFlight()).toEqual([]);
    const interrupted = (await storeB.listAttempts({ msgId: 'msg_hang' })).map((x) => [x.endpointId, x.n, x.outcome, x.error]);
    expect(interrupted).toEqual([
      ['ep_1', 1, 'interrupted', 'interrupted'],
      ['ep_2', 1, 'interrupted', 'interrupted'],
    ]);
    await clockB.advance(1 * DAY);

    const deliveries = await storeB.listDeliveries();
    expect(deliveries).toHaveLength(7);
    expect(deliveries.every((d) => d.state === 'delivered')).toBe(true);
    // No completed attempt was made again: one record per (delivery, n), and nothing from the first life resent.
    const attempts = await storeB.listAttempts();
    const keys = attempts.map((x) => `${x.deliveryId}#${x.n}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const done of completedBefore) {
      expect(seen).not.toContainEqual([done.msgId, done.n]);
      expect(attempts.filter((x) => x.deliveryId === done.deliveryId && x.n === done.n)).toEqual([done]);
    }
    expect(seen.filter(([id]) => id === 'msg_hang').map(([, n]) => n)).toEqual([2, 2]);
    expect(seen).toContainEqual(['msg_late', 2]);
    await b.stop();
    storeB.close();

    // And it is all on disk.
    const storeC = sqliteStore(path, { commit: 'immediate' });
    expect(await storeC.listAttempts()).toStrictEqual(attempts);
    storeC.close();
  });

  it('a marker left by markInFlight alone (crash before the request left) is recorded as interrupted', async () => {
    const path = tmpfile();
    const storeA = sqliteStore(path, { commit: 'immediate' });
    await storeA.putMessage({ id: 'msg_1', type: 'route.optimized', body: Buffer.from('{}'), createdAt: 0 });
    await storeA.putEndpoint(ep('ep_1'));
    await storeA.addDelivery(dlv('dlv_1', { dueAt: 0, createdAt: 0 }));
    await storeA.addDelivery(dlv('dlv_2', { dueAt: 0, createdAt: 0 }));
    await storeA.markInFlight(started('dlv_1', 1, { virtualAt: 0, virtualOffsetMs: 0 }));
    // crash: storeA dropped without close

    const storeB = sqliteStore(path, { commit: 'immediate' });
    const clockB = new ManualClock(10 * SEC);
    const seen: Array<[string, number]> = [];
    const b = createDispatcher({ profile: optipick, clock: clockB, store: storeB, deliver: async ({ delivery, attempt }) => (seen.push([delivery.id, attempt]), status(200)) });
    await b.start();
    await clockB.advance(1 * HOUR);
    expect((await storeB.listAttempts()).map((x) => [x.deliveryId, x.n, x.outcome])).toEqual([
      ['dlv_1', 1, 'interrupted'],
      ['dlv_2', 1, 'success'],
      ['dlv_1', 2, 'success'],
    ]);
    expect(seen).toEqual([['dlv_2', 1], ['dlv_1', 2]]);
    await b.stop();
    storeB.close();
  });
});

function ids(prefix: string): (kind: string) => string {
  let n = 0;
  return (kind) => `${kind}_${prefix}${++n}`;
}

// ---- a real kill -9 ------------------------------------------------------------------------------------

// The child runs the compiled store (tsc of this one module into node_modules/.cache, git-ignored; the shared
// dist/ is left alone), writes as fast as it can and is killed with SIGKILL in the middle of it.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const compiledDir = join(root, 'node_modules', '.cache', 'hookgate-sqlite-store-test');

function compileStore(): string | undefined {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [tsc, '--outDir', compiledDir, '--rootDir', join(root, 'mock-provider', 'engine'), '--module', 'NodeNext', '--moduleResolution', 'NodeNext',
    '--target', 'ES2022', '--strict', '--skipLibCheck', '--types', 'node', join(root, 'mock-provider', 'engine', 'sqlite-store.ts')];
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const out = join(compiledDir, 'sqlite-store.js');
  return r.status === 0 && existsSync(out) ? out : undefined;
}

function childSource(storeModule: string): string {
  return `
import { sqliteStore } from ${JSON.stringify(pathToFileURL(storeModule).href)};
const s = sqliteStore(process.argv[2]);
await s.putEndpoint({ id: 'ep_1', url: 'http://receiver.test/', disabled: false, failingSince: null });
await s.putMessage({ id: 'msg_1', type: 'route.optimized', body: Buffer.from([0, 255, 1, 254]), createdAt: 0 });
await s.addDelivery({ id: 'dlv_hang', msgId: 'msg_1', endpointId: 'ep_1', state: 'pending', attemptsMade: 0, dueAt: 0, nextOffsetMs: 0, nextTrigger: 'scheduled', createdAt: 0 });
await s.markInFlight({ deliveryId: 'dlv_hang', n: 1, virtualOffsetMs: 0, virtualAt: 0, startedAt: Date.now(), trigger: 'scheduled' });
process.stdout.write('ready\\n');
for (let i = 0; ; i++) {
  const id = 'dlv_' + i;
  await s.addDelivery({ id, msgId: 'msg_1', endpointId: 'ep_1', state: 'pending', attemptsMade: 0, dueAt: 0, nextOffsetMs: 0, nextTrigger: 'scheduled', createdAt: 0 });
  const a = { deliveryId: id, n: 1, virtualOffsetMs: 0, virtualAt: 0, startedAt: Date.now(), trigger: 'scheduled' };
  await s.markInFlight(a);
  await s.completeAttempt({
    record: { ...a, id: 'atmpt_' + i, msgId: 'msg_1', endpointId: 'ep_1', status: 500, latencyMs: 1, outcome: 'fail' },
    delivery: { state: 'pending', attemptsMade: 1, dueAt: 5000, nextOffsetMs: 5000, nextTrigger: 'scheduled' },
    endpoint: { failingSince: 0 },
  });
  process.stdout.write('done ' + i + '\\n');
}
`;
}

describe('sqlite store: kill -9', () => {
  it('after SIGKILL mid-write, every reported attempt is there, the state is consistent, and a restart delivers everything once', async (ctx) => {
    const storeModule = compileStore();
    if (!storeModule) return ctx.skip();
    const path = tmpfile();
    const script = join(dir, 'child.mjs');
    writeFileSync(script, childSource(storeModule));
    const child = spawn(process.execPath, [script, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let reported = -1;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (c: Buffer) => {
        buf += c.toString();
        for (const m of buf.matchAll(/done (\d+)\n/g)) reported = Math.max(reported, Number(m[1]));
        // Killed while it keeps writing: somewhere inside one of the three transactions, or between them.
        if (reported >= 200) resolve();
      });
      child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const store = sqliteStore(path, { commit: 'immediate' });
    const deliveries = await store.listDeliveries();
    const attempts = await store.listAttempts();
    const inFlight = await store.listInFlight();
    // Every attempt the child saw completed is on disk.
    for (let i = 0; i <= reported; i++) expect(deliveries.find((d) => d.id === `dlv_${i}`)).toMatchObject({ state: 'pending', attemptsMade: 1 });
    expect(attempts.length).toBeGreaterThanOrEqual(reported + 1);
    // Consistent: a delivery has attempts exactly when attemptsMade says so; in-flight exactly when marked.
    for (const d of deliveries) {
      expect(attempts.filter((a) => a.deliveryId === d.id).map((a) => a.n)).toEqual(d.attemptsMade === 1 ? [1] : []);
      expect(inFlight.some((a) => a.deliveryId === d.id)).toBe(d.state === 'in-flight');
    }
    expect(inFlight.map((a) => a.deliveryId)).toContain('dlv_hang');
    expect((await store.getMessage('msg_1'))!.body.equals(Buffer.from([0, 255, 1, 254]))).toBe(true);

    const clock = new ManualClock(1 * HOUR);
    const seen: Array<[string, number]> = [];
    const b = createDispatcher({ profile: optipick, clock, store, deliver: async ({ delivery, attempt }) => (seen.push([delivery.id, attempt]), status(200)) });
    await b.start();
    for (const a of inFlight) {
      expect(await store.listAttempts({ deliveryId: a.deliveryId })).toMatchObject([{ n: a.n, outcome: 'interrupted' }]);
    }
    await clock.advance(1 * DAY);
    const after = await store.listDeliveries();
    expect(after.every((d) => d.state === 'delivered')).toBe(true);
    const keys = (await store.listAttempts()).map((a) => `${a.deliveryId}#${a.n}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Completed in the first life means never sent again: those deliveries go on with attempt 2.
    for (const [id, n] of seen) expect(n).toBe(attempts.some((a) => a.deliveryId === id) || inFlight.some((a) => a.deliveryId === id) ? 2 : 1);
    await b.stop();
    store.close();
  });
});
