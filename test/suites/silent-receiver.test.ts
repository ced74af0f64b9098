import { afterAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RequestListener } from 'node:http';
import { listen, type Running } from '../helpers/receivers.js';
import { silentReceiver } from '../helpers/dead-receivers.js';
import { concreteTypes, getProfile, newWebhookId } from '../../fixtures/index.js';
import { createContext } from '../../suites/context.js';
import { CATALOG } from '../../suites/conformance/catalog.js';
import { runChecks } from '../../suites/runner.js';
import { decideVerdict } from '../../suites/verdict.js';
import { runProperty } from '../../suites/conformance/property.js';
import { effectsObserver } from '../../suites/observe/effects-url.js';
import { isPlainDelivery, ReceiverSilent } from '../../suites/liveness.js';
import type { CheckContext, CheckResult, Observation } from '../../suites/types.js';
import fc from 'fast-check';

/*
 * Issue 13, in the suite: once a correctly signed delivery got no answer within the timeout
 * while the receiver answered no correctly signed delivery at all, the receiver is taken for
 * silent — later checks skip (`no-evidence`, naming the timeout) instead of each waiting it
 * out, and timeout.latency-budget fails on that delivery. A receiver that is slow on one
 * request but answers the rest is judged as before. And nothing passes on a request that
 * was cut short.
 */

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const profile = getProfile('optipick');
const open: Running[] = [];
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
});

/** svix-correct.mjs (verifies the raw body with the svix library, dedups, GET /_effects), wrapped. */
async function correct(wrap: (app: RequestListener) => RequestListener): Promise<Running> {
  const file = pathToFileURL(resolve(import.meta.dirname, '../../examples/receivers/svix-correct.mjs')).href;
  const mod = (await import(/* @vite-ignore */ file)) as { createApp(o: { secret: string }): RequestListener };
  const r = await listen(wrap(mod.createApp({ secret })), '/webhook');
  open.push(r);
  return r;
}

function context(url: string, timeoutMs: number, observation: Partial<Observation> = {}): CheckContext {
  return createContext({
    profile,
    secret,
    url,
    headerStyle: 'svix',
    events: concreteTypes(profile),
    seed: 7,
    runs: 5,
    signal: new AbortController().signal,
    webhookId: newWebhookId(),
    timeoutMs,
    observation: { settleMs: 100, ...observation },
  });
}

async function runAll(ctx: CheckContext): Promise<{ ms: number; results: Record<string, CheckResult>; list: CheckResult[] }> {
  const t0 = performance.now();
  const list = await runChecks([...CATALOG], ctx, { concurrency: 4 });
  return { ms: performance.now() - t0, results: Object.fromEntries(list.map((r) => [r.id, r])), list };
}

const SILENT = /the receiver stopped answering/;

/** A check that passed did so on answers only: none of its requests timed out or was cut short. */
function expectPassesOnAnswers(ctx: CheckContext, list: CheckResult[]): void {
  for (const c of list.filter((c) => c.status === 'pass')) {
    const unanswered = ctx.sent.filter((s) => s.checkId === c.id && s.a.outcome.kind !== 'response');
    expect.soft(unanswered.map((s) => `${s.d.recipe.variant}: ${s.a.outcome.kind === 'error' ? s.a.outcome.error : ''}`), c.id).toEqual([]);
  }
}

describe('a receiver that accepts and never answers', () => {
  it('costs one timeout: latency-budget fails on the first delivery, every other check skips (no-evidence) naming it', async () => {
    const r = await silentReceiver();
    open.push(r);
    const ctx = context(r.url, 400);
    const { ms, results, list } = await runAll(ctx);
    expect(ms).toBeLessThan(800);
    expect(ctx.liveness.silence).toBeDefined();
    expect(results['timeout.latency-budget']).toMatchObject({ status: 'fail' });
    expect(results['timeout.latency-budget'].message).toMatch(/no answer within the 0\.4 s timeout .*accepts connections but does not answer/);
    expect(results['timeout.latency-budget'].evidence[0].error?.kind).toBe('timeout');
    for (const c of list.filter((c) => c.id !== 'timeout.latency-budget' && c.skipKind !== 'not-applicable')) {
      expect.soft(c.status, `${c.id}: ${c.message}`).toBe('skip');
      expect.soft(c.skipKind, c.id).toBe('no-evidence');
      expect.soft(c.message, c.id).toMatch(SILENT);
      expect.soft(c.message, c.id).toMatch(/within the 0\.4 s timeout/);
    }
    // Requests that were in flight when the first one timed out were cut short, never answered: none is recorded.
    expect(ctx.sent.every((s) => s.a.outcome.kind === 'error' && s.a.outcome.error === 'timeout')).toBe(true);
    expect(decideVerdict(list, { strict: false }).summary.verdict).toBe('fail');
  });
});

describe('a receiver that dies mid-run', () => {
  it('after the first 40 requests: the run ends about one timeout later; nothing passes on a request cut short', async () => {
    let n = 0;
    let diedAt = 0;
    const after: number[] = [];
    const r = await correct((app) => (req, res) => {
      if (req.method !== 'POST') return app(req, res);
      if (++n <= 40) return app(req, res);
      diedAt ||= performance.now();
      after.push(n);
      // Hangs: reads nothing more, answers nothing.
    });
    const ctx = context(r.url, 1000);
    const { list, results } = await runAll(ctx);
    const end = performance.now();
    if (process.env.SHOW) console.log(list.map((c) => `${c.id} ${c.status} ${c.skipKind ?? ''} ${c.message.slice(0, 150)}`).join('\n'), end - diedAt, after.length);
    expect(diedAt).toBeGreaterThan(0);
    expect(ctx.liveness.silence).toBeDefined();
    // Whatever was in flight when it died waited one timeout, concurrently; nothing was sent to wait again.
    expect(end - diedAt).toBeLessThan(2 * 1000 + 300);
    expect(after.length).toBeLessThanOrEqual(12);
    expect(results['timeout.latency-budget'].status).toBe('fail');
    expect(results['timeout.latency-budget'].evidence[0].error?.kind).toBe('timeout');
    expect(list.filter((c) => c.status === 'error')).toEqual([]);
    expect(list.filter((c) => c.skipKind === 'no-evidence' && SILENT.test(c.message)).length).toBeGreaterThan(3);
    expectPassesOnAnswers(ctx, list);
  });

  it('hangs after a malformed signature header (last phase): malformed-signature fails on it, then the rest skip', async () => {
    let hung = false;
    const r = await correct((app) => (req, res) => {
      if (req.method !== 'POST') return app(req, res);
      if (!hung && /[^\x20-\x7e]/.test(String(req.headers['svix-signature'] ?? ''))) hung = true;
      if (!hung) return app(req, res);
    });
    const ctx = context(r.url, 1000);
    const { ms, results, list } = await runAll(ctx);
    if (process.env.SHOW) console.log(list.map((c) => `${c.id} ${c.status} ${c.skipKind ?? ''} ${c.message.slice(0, 150)}`).join('\n'), ms);
    expect(hung).toBe(true);
    // The non-ASCII request and the next valid one each waited a timeout; nothing after them did.
    expect(ms).toBeLessThan(8_000);
    expect(results['status.malformed-signature'].status).toBe('fail');
    expect(results['status.malformed-signature'].message).toMatch(/stopped serving after .*non-ASCII.*no response within 1000 ms/);
    expect(results['timeout.abandoned-request']).toMatchObject({ status: 'skip', skipKind: 'no-evidence' });
    expect(results['timeout.abandoned-request'].message).toMatch(SILENT);
    expect(results['timeout.latency-budget'].status).toBe('fail');
    // The refusals recorded before it hung are still judged (the hung one was no 4xx).
    expect(results['status.rejection-is-4xx'].status).toBe('warn');
    expect(results['status.rejection-is-4xx'].message).toMatch(/status\.malformed-signature: .*non-ASCII.*no response within 1000 ms/);
    // The main phase ran against a live receiver and was judged as usual.
    for (const id of ['signature.valid', 'signature.raw-body', 'signature.tampered-body', 'signature.wrong-secret', 'signature.missing-headers', 'signature.multiple-signatures']) {
      expect.soft(results[id].status, `${id}: ${results[id].message}`).toBe('pass');
    }
    expectPassesOnAnswers(ctx, list);
  });
});

describe('a receiver that is merely slow on one request', () => {
  it('is judged as usual: latency-budget fails on that delivery, nothing is skipped as silent', async () => {
    const T = 3000;
    let first = true;
    let slowId: string | undefined;
    const r = await correct((app) => (req, res) => {
      if (req.method === 'POST' && first) {
        // The run's very first request (a correctly signed delivery: every check starts with one) gets no answer in time.
        first = false;
        slowId = String(req.headers['svix-id']);
        return void setTimeout(() => app(req, res), T + 200);
      }
      app(req, res);
    });
    const ctx = context(r.url, T, { effects: effectsObserver(r.origin + '/_effects') });
    const { results, list } = await runAll(ctx);
    expect(ctx.liveness.silence).toBeUndefined();
    const slow = ctx.sent.find((s) => s.d.msg.messageId === slowId)!;
    expect(isPlainDelivery(slow.d.recipe)).toBe(true);
    expect(slow.a.outcome).toMatchObject({ kind: 'error', error: 'timeout' });
    const budget = results['timeout.latency-budget'];
    expect(budget.status).toBe('fail');
    expect(budget.message).not.toMatch(/does not answer/);
    expect(budget.evidence[0].recipe.messageId).toBe(slowId);
    expect(list.filter((c) => SILENT.test(c.message))).toEqual([]);
    // Every check but the one whose request it was (it saw a timeout: fail or baseline refused) judged as on a correct receiver.
    for (const c of list.filter((c) => c.id !== 'timeout.latency-budget' && c.id !== slow.checkId)) {
      if (c.skipKind === 'not-applicable') continue;
      expect.soft(c.status, `${c.id}: ${c.message}`).toBe('pass');
    }
    expect(['fail', 'skip']).toContain(results[slow.checkId].status);
  });
});

describe('a request cut short is never an answer', () => {
  it('ctx.send throws ReceiverSilent once the receiver is silent, and for requests in flight when it became so', async () => {
    const r = await silentReceiver();
    open.push(r);
    const ctx = context(r.url, 300);
    const valid = ctx.send(ctx.delivery(ctx.newMessage()));
    await new Promise((r) => setTimeout(r, 50));
    // A forged request sent meanwhile, still in flight when the correctly signed one times out…
    const forged = ctx.send(ctx.delivery(ctx.newMessage(), { variant: 'wrong-secret', wrongSecret: true })).then(
      (a) => `returned ${a.outcome.kind === 'error' ? a.outcome.error : a.outcome.status}`,
      (e: unknown) => (e instanceof ReceiverSilent ? 'cut short' : String(e)),
    );
    expect((await valid).outcome).toMatchObject({ kind: 'error', error: 'timeout' });
    // …is cut short at once (a refusal read from it would be a false pass), and nothing else is sent.
    expect(await forged).toBe('cut short');
    await expect(ctx.send(ctx.delivery(ctx.newMessage()))).rejects.toBeInstanceOf(ReceiverSilent);
    expect(ctx.sent).toHaveLength(1);
    expect(r.connections()).toBe(2);
  });

  it('a property whose trial throws ends the check (it used to read as "no failure")', async () => {
    const ctx = context('http://127.0.0.1:9/webhook', 100);
    const boom = new Error('trial threw');
    await expect(runProperty(ctx, fc.integer(), async () => Promise.reject(boom), (v) => v)).rejects.toBe(boom);
  });
});
