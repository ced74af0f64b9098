import { connect } from 'node:net';
import type { Check, CheckOutcome } from '../../types.js';
import { isSuccess, send } from '../../../mock-provider/sender.js';
import { ACCEPTANCE, answer, skipBaseline } from '../verdicts.js';

/** How long after sending the provider "gives up" here: long enough to be mid-flight, short enough to be cheap. */
const GIVE_UP_MS = 50;

/** Writes the request line, headers and half the body, then drops the connection: a sender that died mid-request. */
function halfRequest(url: URL, headers: Record<string, string>, body: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const sock = connect(Number(url.port || 80), url.hostname, () => {
      const head = [`POST ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `content-length: ${body.length}`, '', ''].join('\r\n');
      sock.write(Buffer.concat([Buffer.from(head, 'latin1'), body.subarray(0, Math.floor(body.length / 2))]), () => {
        setTimeout(() => {
          sock.destroy();
          resolve();
        }, GIVE_UP_MS);
      });
    });
    sock.on('error', () => resolve());
  });
}

export const abandonedRequest: Check = {
  id: 'timeout.abandoned-request',
  title: 'keeps serving after the sender gives up on a request mid-flight',
  severity: () => 'should',
  appliesTo: () => true,
  phase: 'last',
  async run(ctx): Promise<CheckOutcome> {
    const base = await ctx.baseline();
    if (!base.accepted) return skipBaseline(base.attempt);
    // 1. A whole request, abandoned while waiting for the answer (what a provider does at its timeout).
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), GIVE_UP_MS);
    const d1 = ctx.delivery(ctx.newMessage(), { variant: 'abandoned' });
    await send({ url: ctx.url, headers: d1.request.headers, body: d1.request.body }, { timeoutMs: ctx.profile.timeoutMs, signal: abort.signal, agent: ctx.agent });
    clearTimeout(timer);
    // 2. A request cut off half way through its body.
    if (ctx.url.startsWith('http:')) {
      const d2 = ctx.delivery(ctx.newMessage(), { variant: 'abandoned-half-body' });
      await halfRequest(new URL(ctx.url), d2.request.headers, d2.request.body);
    }
    const next = ctx.delivery(ctx.newMessage());
    const a = await ctx.send(next);
    if (isSuccess(a)) return { status: 'pass', message: `still answered ${answer(a)} after a request abandoned at ${GIVE_UP_MS} ms and one cut off mid-body` };
    return {
      status: 'fail',
      message: `after the sender gave up on a request mid-flight, the next correctly signed request got ${answer(a)}. Handle client disconnects (an aborted request must not leave the server broken): finish or cancel the work, never crash on writing to a closed socket.`,
      evidence: [ctx.evidence(next, a, 'the next correctly signed request', ACCEPTANCE)],
    };
  },
};
