// The dispatcher against a scripted fake receiver, in virtual time (ManualClock): the whole 27-hour
// schedule, 5-day disabling and recovery run in milliseconds, and every offset is exact.
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../../fixtures/index.js';
import { EngineError } from '../../../mock-provider/engine/errors.js';
import { simulate } from '../../../mock-provider/engine/schedule.js';
import { DAY, HOUR, MIN, SEC, error, message, sequence, setup, status } from './kit.js';

const { optipick, omnisales } = PROVIDERS;

describe('Svix schedule in virtual time', () => {
  it("three instant failures, then success: delivered at 35 min 5 s (the docs' example)", async () => {
    const t = await setup(optipick, sequence({ msg_a: [status(500), status(500), status(500), status(200)] }));
    await t.dispatcher.enqueue(message('msg_a'), ['ep_1']);
    await t.clock.advance(0);
    expect(t.jobs).toHaveLength(1);
    await t.clock.advance(5 * SEC - 1);
    expect(t.jobs).toHaveLength(1); // the 5 s delay has not run out yet
    await t.clock.advance(1);
    expect(t.jobs).toHaveLength(2);
    await t.clock.advance(35 * MIN);
    const attempts = await t.store.listAttempts({ msgId: 'msg_a' });
    expect(attempts.map((a) => [a.n, a.virtualOffsetMs, a.outcome, a.trigger])).toEqual([
      [1, 0, 'fail', 'scheduled'],
      [2, 5 * SEC, 'fail', 'scheduled'],
      [3, 5 * MIN + 5 * SEC, 'fail', 'scheduled'],
      [4, 35 * MIN + 5 * SEC, 'success', 'scheduled'],
    ]);
    expect(attempts.map((a) => a.virtualAt - t.t0)).toEqual([0, 5 * SEC, 5 * MIN + 5 * SEC, 35 * MIN + 5 * SEC]);
    expect((await t.store.listDeliveries())[0]).toMatchObject({ state: 'delivered', attemptsMade: 4 });
    expect(t.dispatcher.pendingCount).toBe(0);
  });

  it('every attempt carries the same message id (the dispatcher re-signs; the id never changes)', async () => {
    const t = await setup(optipick, sequence({}, status(503)));
    await t.dispatcher.enqueue(message('msg_same'), ['ep_1']);
    await t.clock.advance(2 * DAY);
    expect(t.jobs.map((j) => j.message.id)).toEqual(Array(8).fill('msg_same'));
    expect(t.jobs.map((j) => j.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('3xx, 4xx, timeouts, resets and refusals are failed attempts; only 2xx succeeds', async () => {
    const t = await setup(optipick, sequence({ msg_b: [status(301), status(302), error('timeout', 20_000), error('reset', 40), error('refused'), status(404), status(204)] }));
    await t.dispatcher.enqueue(message('msg_b'), ['ep_1']);
    await t.clock.advance(2 * DAY);
    const attempts = await t.store.listAttempts({ msgId: 'msg_b' });
    expect(attempts.map((a) => a.status ?? a.error)).toEqual([301, 302, 'timeout', 'reset', 'refused', 404, 204]);
    expect(attempts.map((a) => a.outcome)).toEqual(['fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'success']);
    // Durations count: the 20 s timeout and the 40 ms reset push every later offset.
    const sim = simulate(optipick.retry, ['fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'success'], [0, 0, 20_000, 40]);
    expect(attempts.map((a) => a.virtualOffsetMs)).toEqual(sim.attempts.map((a) => a.offsetMs));
  });

  it('gives up after 8 failed attempts over 27 h 35 min 5 s and dead-letters the delivery', async () => {
    const t = await setup(optipick, sequence({}, status(500)));
    await t.dispatcher.enqueue(message('msg_c'), ['ep_1']);
    await t.clock.advance(27 * HOUR + 35 * MIN + 4 * SEC);
    expect(t.jobs).toHaveLength(7);
    await t.clock.advance(1 * SEC);
    expect(await t.offsets('msg_c')).toEqual(simulate(optipick.retry, []).attempts.map((a) => a.offsetMs));
    const [dl] = await t.store.listDeadLetters();
    expect(dl).toMatchObject({ msgId: 'msg_c', endpointId: 'ep_1', reason: 'exhausted', attempts: 8, lastError: 'HTTP 500' });
    await t.clock.advance(10 * DAY);
    expect(t.jobs).toHaveLength(8);
  });

  it('a deliver that throws (e.g. an unusable URL) is a failed attempt, retried, never a crash', async () => {
    const t = await setup(optipick, () => {
      throw new TypeError('unsupported protocol ftp:');
    });
    await t.dispatcher.enqueue(message('msg_d'), ['ep_1']);
    await t.clock.advance(10 * SEC);
    const attempts = await t.store.listAttempts();
    expect(attempts.map((a) => [a.outcome, a.error, a.errorMessage])).toEqual([
      ['fail', 'other', 'unsupported protocol ftp:'],
      ['fail', 'other', 'unsupported protocol ftp:'],
    ]);
  });

  it('--max-attempts and --jitter change the schedule the dispatcher follows', async () => {
    const t = await setup(optipick, sequence({}, status(500)), { maxAttempts: 3, jitter: 0.5, random: () => 0 });
    await t.dispatcher.enqueue(message('msg_j'), ['ep_1']);
    await t.clock.advance(1 * HOUR);
    expect(await t.offsets('msg_j')).toEqual([0, 2.5 * SEC, 2.5 * SEC + 2.5 * MIN]);
    expect(await t.store.listDeadLetters()).toHaveLength(1);
  });

  it('delivers many messages to several endpoints concurrently, each on its own schedule', async () => {
    const t = await setup(optipick, ({ message: m, endpoint }) => (endpoint.id === 'ep_2' && m.id.endsWith('7') ? status(500) : status(200)), { concurrency: 4 });
    await t.dispatcher.addEndpoint({ id: 'ep_2', url: 'http://other.test/' });
    for (let i = 0; i < 20; i++) await t.dispatcher.enqueue(message(`msg_${i}`), ['ep_1', 'ep_2']);
    await t.clock.advance(1 * MIN);
    const deliveries = await t.store.listDeliveries();
    expect(deliveries.filter((d) => d.state === 'delivered')).toHaveLength(38);
    expect(deliveries.filter((d) => d.state === 'pending').map((d) => [d.msgId, d.attemptsMade])).toEqual([['msg_7', 2], ['msg_17', 2]]);
  });
});

describe('OmniSales schedule', () => {
  it('attempts at 0, 1 s and 3 s, then the dead-letter queue', async () => {
    const t = await setup(omnisales, sequence({}, status(500)));
    await t.dispatcher.enqueue(message('evt_1'), ['ep_1']);
    await t.clock.advance(1 * MIN);
    expect(await t.offsets('evt_1')).toEqual([0, 1 * SEC, 3 * SEC]);
    expect(await t.store.listDeadLetters()).toMatchObject([{ msgId: 'evt_1', reason: 'exhausted', attempts: 3 }]);
  });

  it('--max-attempts 5: the 4th after 4 s, the 5th after 8 s; success stops the retries', async () => {
    const t = await setup(omnisales, sequence({ evt_2: [status(500), status(500), status(500), status(500), status(201)] }), { maxAttempts: 5 });
    await t.dispatcher.enqueue(message('evt_2'), ['ep_1']);
    await t.clock.advance(1 * MIN);
    expect(await t.offsets('evt_2')).toEqual([0, 1, 3, 7, 15].map((s) => s * SEC));
    expect(await t.store.listDeadLetters()).toEqual([]);
  });

  it('is never disabled: OmniSales has no disabling rule', async () => {
    const t = await setup(omnisales, sequence({}, status(500)));
    for (let day = 0; day < 7; day++) {
      await t.dispatcher.enqueue(message(`evt_d${day}`), ['ep_1']);
      await t.clock.advance(DAY);
    }
    expect(await t.store.getEndpoint('ep_1')).toMatchObject({ disabled: false });
    expect(t.jobs).toHaveLength(21);
  });
});

describe('endpoint disabling (Svix)', () => {
  /** One message every 12 h to an endpoint that always fails. */
  async function failingForDays(days: number) {
    const t = await setup(optipick, sequence({}, status(500)));
    for (let i = 0; i < days * 2; i++) {
      await t.dispatcher.enqueue(message(`msg_${i}`), ['ep_1']);
      await t.clock.advance(12 * HOUR);
    }
    return t;
  }

  it('an endpoint failing for 5 days is disabled and receives no more attempts', async () => {
    const t = await failingForDays(6);
    const ep = await t.store.getEndpoint('ep_1');
    expect(ep).toMatchObject({ disabled: true, failingSince: t.t0 });
    expect(ep!.disabledAt! - t.t0).toBeGreaterThanOrEqual(5 * DAY);
    expect(ep!.disabledAt! - t.t0).toBeLessThan(5 * DAY + 12 * HOUR);
    const after = (await t.store.listAttempts()).filter((a) => a.virtualAt > ep!.disabledAt!);
    expect(after).toEqual([]);
    const reasons = (await t.store.listDeadLetters()).map((d) => d.reason);
    expect(reasons).toContain('endpoint-disabled');
    expect(t.dispatcher.pendingCount).toBe(0);
    // New messages are not attempted while disabled; they are kept as failed for recovery.
    const before = t.jobs.length;
    await t.dispatcher.enqueue(message('msg_late'), ['ep_1']);
    await t.clock.advance(1 * DAY);
    expect(t.jobs).toHaveLength(before);
  });

  it('is not disabled when a success breaks the run of failures', async () => {
    const t = await setup(optipick, ({ message: m }) => (m.id === 'msg_ok' ? status(200) : status(500)));
    for (let i = 0; i < 12; i++) {
      await t.dispatcher.enqueue(message(i === 6 ? 'msg_ok' : `msg_${i}`), ['ep_1']);
      await t.clock.advance(12 * HOUR);
    }
    const ep = await t.store.getEndpoint('ep_1');
    expect(ep?.disabled).toBe(false);
    expect(ep!.failingSince! - t.t0).toBeGreaterThan(3 * DAY);
  });

  it('re-enable, then recover: failed messages since a time are re-queued and delivered', async () => {
    const t = await failingForDays(6);
    await expect(t.dispatcher.resend('msg_0', 'ep_1')).rejects.toMatchObject({ code: 'ENDPOINT_DISABLED' });
    await t.dispatcher.enable('ep_1');
    expect(await t.store.getEndpoint('ep_1')).toMatchObject({ disabled: false, failingSince: null, disabledAt: null });
    t.setScript(() => status(200));
    const since = t.t0 + 3 * DAY;
    const ids = await t.dispatcher.recover('ep_1', since);
    const wanted = (await t.store.listDeadLetters()).length;
    expect(wanted).toBeGreaterThan(0);
    const expected = new Set((await Promise.all((await t.store.listDeadLetters({ includeRequeued: true })).map((dl) => t.store.getMessage(dl.msgId)))).filter((m) => m!.createdAt >= since).map((m) => m!.id));
    expect(ids).toHaveLength(expected.size);
    await t.clock.advance(1 * SEC);
    const recovered = (await t.store.listAttempts()).filter((a) => ids.includes(a.deliveryId));
    expect(recovered.every((a) => a.outcome === 'success' && a.trigger === 'manual' && a.n === 1)).toBe(true);
    expect(new Set(recovered.map((a) => a.msgId))).toEqual(expected);
    // Recovered dead letters are marked, older ones stay listed.
    expect((await t.store.listDeadLetters()).every((dl) => !expected.has(dl.msgId))).toBe(true);
  });
});

describe('manual actions', () => {
  it('resend delivers a message again now, trigger manual, same message id', async () => {
    const t = await setup(optipick, () => status(200));
    await t.dispatcher.enqueue(message('msg_r'), ['ep_1']);
    await t.clock.advance(1 * MIN);
    const id = await t.dispatcher.resend('msg_r', 'ep_1');
    await t.clock.advance(0);
    const attempts = await t.store.listAttempts({ msgId: 'msg_r' });
    expect(attempts.map((a) => [a.trigger, a.outcome, a.virtualAt - t.t0])).toEqual([['scheduled', 'success', 0], ['manual', 'success', 1 * MIN]]);
    expect(attempts[1].deliveryId).toBe(id);
    expect(t.jobs.map((j) => j.message.id)).toEqual(['msg_r', 'msg_r']);
  });

  it('a failed resend is retried on the schedule like any delivery', async () => {
    const t = await setup(optipick, sequence({ msg_s: [status(200), status(500), status(200)] }));
    await t.dispatcher.enqueue(message('msg_s'), ['ep_1']);
    await t.clock.advance(0);
    await t.dispatcher.resend('msg_s', 'ep_1');
    await t.clock.advance(10 * SEC);
    const attempts = await t.store.listAttempts({ msgId: 'msg_s' });
    expect(attempts.map((a) => [a.n, a.trigger, a.outcome, a.virtualOffsetMs])).toEqual([
      [1, 'scheduled', 'success', 0],
      [1, 'manual', 'fail', 0],
      [2, 'scheduled', 'success', 5 * SEC],
    ]);
  });

  it('refuses unknown messages and endpoints with an EngineError', async () => {
    const t = await setup(optipick, () => status(200));
    await expect(t.dispatcher.resend('msg_nope', 'ep_1')).rejects.toBeInstanceOf(EngineError);
    await t.dispatcher.enqueue(message('msg_x'), ['ep_1']);
    await expect(t.dispatcher.resend('msg_x', 'ep_nope')).rejects.toMatchObject({ code: 'UNKNOWN_ENDPOINT' });
    await expect(t.dispatcher.enqueue(message('msg_y'), ['ep_nope'])).rejects.toMatchObject({ code: 'UNKNOWN_ENDPOINT' });
    await expect(t.dispatcher.enable('ep_nope')).rejects.toMatchObject({ code: 'UNKNOWN_ENDPOINT' });
  });

  it('disable parks waiting deliveries; enable + recover brings them back', async () => {
    const t = await setup(optipick, sequence({}, status(500)));
    await t.dispatcher.enqueue(message('msg_p'), ['ep_1']);
    await t.clock.advance(1 * SEC);
    await t.dispatcher.disable('ep_1');
    await t.clock.advance(1 * DAY);
    expect(t.jobs).toHaveLength(1);
    expect(await t.store.listDeadLetters()).toMatchObject([{ msgId: 'msg_p', reason: 'endpoint-disabled', attempts: 1 }]);
    await t.dispatcher.enable('ep_1');
    t.setScript(() => status(200));
    expect(await t.dispatcher.recover('ep_1', 0)).toHaveLength(1);
    await t.clock.advance(0);
    expect((await t.store.listAttempts()).at(-1)).toMatchObject({ msgId: 'msg_p', outcome: 'success', trigger: 'manual' });
  });
});
