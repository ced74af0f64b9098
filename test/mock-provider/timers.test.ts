// node's timers fire after 1 ms when asked for more than 2^31−1 ms: no computed delay may reach them unclamped.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, timerMs } from '../../mock-provider/timers.js';
import { send } from '../../mock-provider/sender.js';
import { scaledClock } from '../../mock-provider/engine/clock.js';
import { settleWithin } from '../../mock-provider/engine/util.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('timer delays never overflow (issue 13 item 3)', () => {
  it('timerMs clamps to [0, 2^31−1]', () => {
    expect(MAX_TIMER_MS).toBe(2_147_483_647);
    expect(timerMs(3_000_000_000)).toBe(MAX_TIMER_MS);
    expect(timerMs(Infinity)).toBe(MAX_TIMER_MS);
    expect(timerMs(250)).toBe(250);
    expect(timerMs(-5)).toBe(0);
    expect(timerMs(NaN)).toBe(0);
  });

  it('a request timeout above 2^31−1 ms waits for the answer instead of timing out at once', async () => {
    const server = http.createServer((_req, res) => setTimeout(() => res.end('ok'), 40));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const a = await send({ url, headers: {}, body: Buffer.from('{}') }, { timeoutMs: 3_000_000_000 });
      expect(a.outcome.kind).toBe('response');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a tiny --time-scale turns a 5 s retry into a real wait far past 2^31−1 ms: it is split, not fired at once', async () => {
    const clock = scaledClock(0.000001);
    const abort = new AbortController();
    let woke = false;
    const sleeping = clock.sleep(5_000, abort.signal).then(() => (woke = true));
    await tick(30);
    expect(woke).toBe(false);
    abort.abort();
    await sleeping;
    expect(woke).toBe(true);
  });

  it('settleWithin with an oversized bound does not give up at once', async () => {
    let timedOut: boolean | undefined;
    const never = new Promise(() => {});
    void settleWithin([never], 3_000_000_000).then((t) => (timedOut = t));
    await tick(30);
    expect(timedOut).toBeUndefined();
  });
});
