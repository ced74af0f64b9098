// start/stop and crash recovery: nothing is lost, an attempt in flight at a crash is recorded as
// 'interrupted' and the schedule continues, completed attempts are never repeated.
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../../fixtures/index.js';
import type { AttemptResult, DeliverFn } from '../../../mock-provider/engine/attempt.js';
import { ManualClock } from '../../../mock-provider/engine/clock.js';
import { createDispatcher } from '../../../mock-provider/engine/dispatcher.js';
import { memoryStore } from '../../../mock-provider/engine/store.js';
import { HOUR, MIN, SEC, message, status } from './kit.js';

const { optipick } = PROVIDERS;
const never: DeliverFn = () => new Promise<AttemptResult>(() => {});

describe('crash recovery', () => {
  it('records the attempt in flight at a crash as interrupted and continues the schedule', async () => {
    const store = memoryStore();
    const clockA = new ManualClock(0);
    let calls = 0;
    // First run: attempt 1 fails, attempt 2 hangs — then the process "dies" (the dispatcher is abandoned).
    const a = createDispatcher({ profile: optipick, clock: clockA, store, deliver: async () => (++calls === 1 ? status(500) : never({} as never)) });
    await a.addEndpoint({ id: 'ep_1', url: 'http://receiver.test/' });
    await a.start();
    await a.enqueue(message('msg_k'), ['ep_1']);
    await clockA.advance(5 * SEC);
    expect(calls).toBe(2);
    expect(await store.listInFlight()).toMatchObject([{ n: 2, virtualOffsetMs: 5 * SEC }]);

    // Second run on the same store, one hour later.
    const clockB = new ManualClock(clockA.now() + 1 * HOUR);
    const delivered: number[] = [];
    const b = createDispatcher({ profile: optipick, clock: clockB, store, deliver: async (job) => (delivered.push(job.attempt), status(200)) });
    await b.start();
    expect(await store.listInFlight()).toEqual([]);
    // Our crash is not the receiver's failure: the endpoint's failure run still starts at attempt 1.
    expect(await store.getEndpoint('ep_1')).toMatchObject({ disabled: false, failingSince: 0 });
    await clockB.advance(5 * MIN);
    expect(delivered).toEqual([3]); // attempt 1 and 2 are never repeated
    const attempts = await store.listAttempts({ msgId: 'msg_k' });
    expect(attempts.map((x) => [x.n, x.outcome, x.error ?? x.status])).toEqual([
      [1, 'fail', 500],
      [2, 'interrupted', 'interrupted'],
      [3, 'success', 200],
    ]);
    // The interrupted attempt lasted, for the schedule, until the restart; the 5 min delay ran from there.
    expect(attempts[2].virtualOffsetMs).toBe(5 * SEC + 1 * HOUR + 5 * MIN);
    expect(await store.getEndpoint('ep_1')).toMatchObject({ failingSince: null });
    await b.stop();
  });

  it('resumes every pending delivery after a restart', async () => {
    const store = memoryStore();
    const clockA = new ManualClock(0);
    const a = createDispatcher({ profile: optipick, clock: clockA, store, deliver: async () => status(500) });
    await a.addEndpoint({ id: 'ep_1', url: 'http://receiver.test/' });
    await a.start();
    for (const id of ['msg_1', 'msg_2', 'msg_3']) await a.enqueue(message(id), ['ep_1']);
    await clockA.advance(10 * SEC);
    await a.stop();
    const clockB = new ManualClock(clockA.now());
    const b = createDispatcher({ profile: optipick, clock: clockB, store, deliver: async () => status(200) });
    await b.start();
    expect(b.pendingCount).toBe(3);
    await clockB.advance(5 * MIN);
    expect((await store.listDeliveries()).map((d) => [d.msgId, d.state, d.attemptsMade])).toEqual([
      ['msg_1', 'delivered', 3],
      ['msg_2', 'delivered', 3],
      ['msg_3', 'delivered', 3],
    ]);
    await b.stop();
  });
});

describe('stop', () => {
  it('waits for attempts in flight to finish and records them', async () => {
    const clock = new ManualClock(0);
    const store = memoryStore();
    const d = createDispatcher({
      profile: optipick, clock, store,
      deliver: () => new Promise((resolve) => setTimeout(() => resolve(status(200, 30)), 30)),
    });
    await d.addEndpoint({ id: 'ep_1', url: 'http://receiver.test/' });
    await d.start();
    await d.enqueue(message('msg_w'), ['ep_1']);
    await clock.advance(0);
    expect(d.inFlightCount).toBe(1);
    await d.stop();
    expect(await store.listAttempts()).toMatchObject([{ outcome: 'success' }]);
  });

  it('is bounded: an attempt still running at the deadline is aborted, recorded as interrupted and left pending', async () => {
    const clock = new ManualClock(0);
    const store = memoryStore();
    const d = createDispatcher({
      profile: optipick, clock, store, stopTimeoutMs: 50,
      deliver: ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ error: 'aborted', message: 'aborted by caller', latencyMs: 50 }))),
    });
    await d.addEndpoint({ id: 'ep_1', url: 'http://receiver.test/' });
    await d.start();
    await d.enqueue(message('msg_h'), ['ep_1']);
    await clock.advance(0);
    const t0 = performance.now();
    await d.stop();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await store.listAttempts()).toMatchObject([{ n: 1, outcome: 'interrupted', error: 'interrupted' }]);
    expect(await store.listDeliveries()).toMatchObject([{ state: 'pending', attemptsMade: 1, dueAt: 5 * SEC }]);
  });

  it('returns even when deliver ignores the abort; the next start records the attempt as interrupted', async () => {
    const clock = new ManualClock(0);
    const store = memoryStore();
    const d = createDispatcher({ profile: optipick, clock, store, stopTimeoutMs: 20, deliver: never });
    await d.addEndpoint({ id: 'ep_1', url: 'http://receiver.test/' });
    await d.start();
    await d.enqueue(message('msg_i'), ['ep_1']);
    await clock.advance(0);
    await d.stop();
    expect(await store.listInFlight()).toHaveLength(1);
    const again = createDispatcher({ profile: optipick, clock, store, deliver: async () => status(200) });
    await again.start();
    await clock.advance(5 * SEC);
    expect((await store.listAttempts()).map((a) => a.outcome)).toEqual(['interrupted', 'success']);
    await again.stop();
  });

  it('enqueue before start is kept and delivered once started', async () => {
    const clock = new ManualClock(0);
    const store = memoryStore();
    const d = createDispatcher({ profile: optipick, clock, store, deliver: async () => status(200) });
    await d.addEndpoint({ id: 'ep_1', url: 'http://receiver.test/' });
    await d.enqueue(message('msg_e'), ['ep_1']);
    await clock.advance(1 * SEC);
    expect(await store.listAttempts()).toEqual([]);
    await d.start();
    await clock.advance(0);
    // Offsets count from the first attempt; the time it waited for start() shows in virtualAt.
    expect(await store.listAttempts()).toMatchObject([{ outcome: 'success', virtualOffsetMs: 0, virtualAt: 1 * SEC }]);
    await d.stop();
  });
});
