// One clock (issue 15 item 2), pure: an injected scaled clock whose real time moves only when the test says
// so. Each attempt lasts 20 ms of real time; at 1000× that is 20 s of clock time per attempt, which the
// attempt's timestamp must not carry — it is the message's timestamp plus the schedule offset.
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../../fixtures/index.js';
import type { Clock } from '../../../mock-provider/engine/clock.js';
import { createDispatcher } from '../../../mock-provider/engine/dispatcher.js';
import { memoryStore } from '../../../mock-provider/engine/store.js';
import type { AttemptRecord, DeadLetter } from '../../../mock-provider/engine/store.js';
import { attemptTimestamp } from '../../../mock-provider/svix-api/attempts.js';
import { attemptLine, deadLetterLine, endpointDisabledLine } from '../../../mock-provider/serve-log.js';
import { MIN, SEC, message } from './kit.js';

const { optipick } = PROVIDERS;

/** Virtual now = start + scale × real elapsed; `real` advances by sleeping and by what deliver says it took. */
class InjectedScaledClock implements Clock {
  real = 0;
  constructor(
    readonly start: number,
    readonly timeScale: number,
  ) {}
  now(): number {
    return this.start + this.real * this.timeScale;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (!signal?.aborted && ms > 0) this.real += ms / this.timeScale;
  }
}

async function run(scale: number, attemptRealMs: number) {
  const clock = new InjectedScaledClock(Date.UTC(2025, 0, 1), scale);
  const store = memoryStore();
  const answers = [500, 500, 500, 200];
  const dead: DeadLetter[] = [];
  const d = createDispatcher({
    profile: optipick,
    clock,
    store,
    deliver: async () => {
      clock.real += attemptRealMs;
      return { status: answers.shift() ?? 200, latencyMs: attemptRealMs };
    },
    onDeadLetter: (l) => dead.push(l),
  });
  await d.addEndpoint({ id: 'ep_1', url: 'http://receiver.test/', secret: 'whsec_x' });
  await d.start();
  await d.enqueue({ ...message('msg_1'), at: clock.now() }, ['ep_1']);
  const msgAt = (await store.getMessage('msg_1'))!.createdAt;
  for (let i = 0; i < 10_000 && (await store.listAttempts()).length < 4; i++) await new Promise((r) => setImmediate(r));
  await d.stop();
  const attempts = await store.listAttempts();
  return { attempts, msgAt, dead };
}

describe('one clock: attempt timestamps', () => {
  for (const scale of [1, 1000, 100_000]) {
    it(`three failures then a success read +0 s, +5 s, +5 min 5 s, +35 min 5 s (± 1 s) at ${scale}×, each attempt lasting 20 ms`, async () => {
      const { attempts, msgAt } = await run(scale, 20);
      expect(attempts.map((a) => a.outcome)).toEqual(['fail', 'fail', 'fail', 'success']);
      const read = attempts.map((a) => attemptTimestamp(a) - msgAt);
      const want = [0, 5 * SEC, 5 * MIN + 5 * SEC, 35 * MIN + 5 * SEC];
      read.forEach((got, i) => expect(Math.abs(got - want[i])).toBeLessThanOrEqual(1 * SEC));
      // The clock itself did carry the scaled durations (what the API used to show): at 1000× and above the
      // 20 ms attempts are 20 s or more each, far outside ± 1 s by the last attempt.
      const byClock = attempts.map((a) => a.virtualAt - msgAt);
      if (scale >= 1000) expect(byClock[3] - want[3]).toBeGreaterThan(30 * SEC);
    });
  }
});

describe('serve log lines', () => {
  const rec: AttemptRecord = {
    id: 'atmpt_1',
    deliveryId: 'dlv_1',
    msgId: 'msg_1',
    endpointId: 'ep_1',
    n: 4,
    virtualOffsetMs: 35 * MIN + 5 * SEC,
    virtualAt: 0,
    startedAt: 0,
    trigger: 'scheduled',
    status: 200,
    latencyMs: 3.4,
    outcome: 'success',
  };

  it('an attempt names the endpoint, the message, the attempt, its offset and the outcome', () => {
    expect(attemptLine(rec)).toBe('ep_1 msg_1 attempt 4 at +35m 5s: HTTP 200 delivered (3 ms)');
    expect(attemptLine({ ...rec, n: 2, virtualOffsetMs: 5 * SEC, status: undefined, error: 'timeout', outcome: 'fail', trigger: 'manual' })).toBe(
      'ep_1 msg_1 attempt 2, manual at +5s: timeout failed (3 ms)',
    );
  });

  it('a dead letter and a disabled endpoint each get their own line', () => {
    const dl: DeadLetter = { id: 'dl_1', deliveryId: 'dlv_1', msgId: 'msg_1', endpointId: 'ep_1', at: 0, reason: 'exhausted', attempts: 8, lastError: 'HTTP 500' };
    expect(deadLetterLine(dl)).toMatch(/^ep_1 msg_1 dead letter: gave up after 8 attempts \(last: HTTP 500\)/);
    expect(deadLetterLine({ ...dl, reason: 'endpoint-disabled', attempts: 0 })).toMatch(/not sent: endpoint disabled/);
    expect(endpointDisabledLine('ep_1', Date.UTC(2025, 0, 6))).toMatch(/^ep_1 disabled at 2025-01-06T00:00:00.000Z \(virtual\)/);
  });

  it('the dispatcher reports a delivery that gives up', async () => {
    const clock = new InjectedScaledClock(0, 100_000);
    const store = memoryStore();
    const dead: DeadLetter[] = [];
    const d = createDispatcher({ profile: optipick, clock, store, maxAttempts: 2, deliver: async () => ({ status: 500, latencyMs: 1 }), onDeadLetter: (l) => dead.push(l) });
    await d.addEndpoint({ id: 'ep_1', url: 'http://receiver.test/' });
    await d.start();
    await d.enqueue(message('msg_x'), ['ep_1']);
    for (let i = 0; i < 10_000 && dead.length === 0; i++) await new Promise((r) => setImmediate(r));
    await d.stop();
    expect(dead).toMatchObject([{ msgId: 'msg_x', reason: 'exhausted', attempts: 2 }]);
  });
});
