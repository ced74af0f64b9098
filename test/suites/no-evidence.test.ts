import { afterAll, describe, expect, it } from 'vitest';
import { listen, type Running } from '../helpers/receivers.js';
import { rawReceiver } from '../helpers/dead-receivers.js';
import { runAgainst } from '../helpers/run-checks.js';
import { CATALOG } from '../../suites/conformance/catalog.js';
import { decideVerdict } from '../../suites/verdict.js';
import { effectsObserver } from '../../suites/observe/effects-url.js';
import type { CheckResult } from '../../suites/types.js';

/*
 * "No check passes on no evidence": every check is fed receivers that never accept a
 * delivery — one that refuses everything with 401, one that resets every connection,
 * one that half-closes without answering, one that answers bytes that are not HTTP —
 * with an effects URL present (so the observation paths run too). Each check must
 * fail or skip with a kind, never pass, and the gate must be `fail`.
 */

const open: Running[] = [];
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
});

const RECEIVERS: Record<string, () => Promise<Running>> = {
  'refuses everything with 401': () =>
    listen((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid signature"}'));
    }, '/webhook'),
  'resets every connection': () => rawReceiver((s) => s.resetAndDestroy()),
  'half-closes without answering': () => rawReceiver((s) => s.end()),
  'answers bytes that are not HTTP': () => rawReceiver((s) => s.end('HELLO THERE\r\n\r\n')),
};

/** An effects URL that always answers an empty list: an observer is present, and saw nothing. */
async function emptyEffects(): Promise<Running> {
  const r = await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[]'), '/_effects');
  open.push(r);
  return r;
}

function expectNothingPasses(results: Record<string, CheckResult>): void {
  for (const c of Object.values(results)) {
    expect.soft(c.status, `${c.id}: ${c.message}`).not.toBe('pass');
    if (c.status === 'skip') expect.soft(c.skipKind, `${c.id} skip kind`).toBeDefined();
  }
  expect(decideVerdict(Object.values(results), { strict: false }).summary.verdict).toBe('fail');
}

describe.each(['optipick', 'omnisales'] as const)('%s: a receiver that never accepts', (provider) => {
  const secret = provider === 'omnisales' ? 'whsec_' + 'cd34'.repeat(12) : 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  it.each(Object.keys(RECEIVERS))('%s: no check passes, every skip has a kind, the gate fails', async (name) => {
    const r = await RECEIVERS[name]();
    open.push(r);
    const effects = await emptyEffects();
    const results = await runAgainst({ provider, url: r.url, secret, runs: 3, events: provider === 'omnisales' ? ['order.created', 'payment.succeeded'] : undefined, observation: { settleMs: 50, effects: effectsObserver(effects.url) } });
    expect(Object.keys(results)).toHaveLength(CATALOG.length);
    expectNothingPasses(results);
  });
});

describe('timeout.latency-budget alone', () => {
  it.each(Object.keys(RECEIVERS))('%s: skips as no-evidence, and alone it fails the gate', async (name) => {
    const r = await RECEIVERS[name]();
    open.push(r);
    const results = await runAgainst({ provider: 'dimmy', url: r.url, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', only: ['timeout.latency-budget'] });
    const c = results['timeout.latency-budget'];
    expect(c.status).toBe('skip');
    expect(c.skipKind).toBe('no-evidence');
    expect(c.message).toMatch(/^no evidence: /);
    const judged = decideVerdict([c], { strict: false });
    expect(judged.summary.verdict).toBe('fail');
    expect(judged.summary.verdictReason).toContain('could be judged');
  });

  it('passes on one accepted delivery within the timeout', async () => {
    const r = await listen((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    }, '/webhook');
    open.push(r);
    const results = await runAgainst({ provider: 'dimmy', url: r.url, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', only: ['timeout.latency-budget'] });
    expect(results['timeout.latency-budget'].status).toBe('pass');
    expect(results['timeout.latency-budget'].message).toMatch(/5 accepted/);
  });
});
