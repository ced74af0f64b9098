// dispatcher.replay on a ManualClock and the memory store: one dead letter sent again, once.
import { describe, expect, it } from 'vitest';
import { omnisales } from '../../../fixtures/index.js';
import { message, SEC, setup, status } from './kit.js';

describe('dispatcher.replay', () => {
  it('sends a dead letter again as a manual delivery, marks it re-queued, and refuses a second replay', async () => {
    const t = await setup(omnisales, () => status(500));
    await t.dispatcher.enqueue(message('evt_1'), ['ep_1']);
    await t.clock.advance(0);
    await t.clock.advance(1 * SEC);
    await t.clock.advance(2 * SEC);
    const [letter] = await t.store.listDeadLetters();
    expect(letter).toMatchObject({ msgId: 'evt_1', reason: 'exhausted', attempts: 3 });
    t.setScript(() => status(200));
    // Two replays asked at once: one wins, the other is refused, and the message goes out once.
    const both = await Promise.allSettled([t.dispatcher.replay(letter.id), t.dispatcher.replay(letter.id)]);
    expect(both.map((b) => b.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((both.find((b) => b.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'ALREADY_REPLAYED' });
    await t.clock.advance(0);
    const attempts = await t.store.listAttempts({ msgId: 'evt_1' });
    expect(attempts.map((a) => [a.trigger, a.outcome])).toEqual([['scheduled', 'fail'], ['scheduled', 'fail'], ['scheduled', 'fail'], ['manual', 'success']]);
    expect(await t.store.listDeadLetters()).toEqual([]);
    expect((await t.store.listDeadLetters({ includeRequeued: true }))[0].requeuedAs).toBe(attempts[3].deliveryId);
    await expect(t.dispatcher.replay(letter.id)).rejects.toMatchObject({ code: 'ALREADY_REPLAYED' });
    await expect(t.dispatcher.replay('dl_nope')).rejects.toMatchObject({ code: 'UNKNOWN_DEAD_LETTER' });
  });

  it('refuses a letter of a disabled endpoint, and may replay it once the endpoint is enabled', async () => {
    const t = await setup(omnisales, () => status(500));
    await t.dispatcher.disable('ep_1');
    await t.dispatcher.enqueue(message('evt_2'), ['ep_1']);
    const [letter] = await t.store.listDeadLetters();
    expect(letter.reason).toBe('endpoint-disabled');
    await expect(t.dispatcher.replay(letter.id)).rejects.toMatchObject({ code: 'ENDPOINT_DISABLED' });
    await t.dispatcher.enable('ep_1');
    t.setScript(() => status(204));
    await t.dispatcher.replay(letter.id);
    await t.clock.advance(0);
    expect((await t.store.listAttempts({ msgId: 'evt_2' })).map((a) => a.outcome)).toEqual(['success']);
  });
});
