import { describe, expect, it } from 'vitest';
import { resultsJson } from '../../reports/results-json.js';
import { decideVerdict } from '../../suites/verdict.js';
import type { CheckResult, CheckStatus, Evidence, RunResults, Severity } from '../../suites/types.js';

const garbage = 'nope</failure><script>alert(1)</script>\u0000\u001b[31m \ud800 x \udfff ]]> "q" \ufffe 😀';

function evidence(): Evidence {
  return {
    label: 'run 3 (shrunk)',
    expected: '2xx',
    request: { method: 'POST', url: 'http://127.0.0.1:1/hook', headers: { 'svix-id': 'msg_1' }, body: '{"a":1}', bodyBytes: 7, bodyTruncated: false },
    response: { status: 401, headers: { 'x-junk': garbage }, body: garbage, bodyBytes: 80, latencyMs: 3 },
    curl: "curl -sS -i -X POST 'http://127.0.0.1:1/hook'",
    recipe: { variant: 'valid', type: 'order.created', messageId: 'msg_1', signedBody: 'e30=', headerStyle: 'svix' },
  };
}

function check(id: string, severity: Severity, status: CheckStatus, extra: Partial<CheckResult> = {}): CheckResult {
  return { id, title: `title of ${id}`, severity, status, message: `${status}: ${id}`, durationMs: 12, evidence: [], ...extra };
}

const allStatuses: CheckResult[] = [
  check('signature.valid', 'must', 'pass'),
  check('signature.raw-body', 'must', 'fail', {
    evidence: [evidence()],
    counterexample: { value: { body: '{ "a" : 1 }', big: 10n }, seed: 42, path: '3:0:1', numRuns: 100, shrinks: 4 },
  }),
  check('status.unknown-event-type', 'should', 'warn', { evidence: [evidence()] }),
  check('dedup.redelivery', 'must', 'skip', { message: 'not observable: no --effects-url and no fetch-back seen' }),
  check('timeout.latency-budget', 'must', 'error'),
];

function run(checks: CheckResult[], withLog = true): RunResults {
  const r: RunResults = {
    schemaVersion: 1,
    tool: { name: 'hookgate', version: '0.1.0' },
    provider: 'dimmy',
    target: 'http://127.0.0.1:1/hook',
    startedAt: '2026-01-02T03:04:05.678Z',
    durationMs: 1234,
    seed: 42,
    interrupted: false,
    ...decideVerdict(checks, { strict: false }),
  };
  if (withLog) r.receiverLog = { command: 'node server.js', stdout: garbage, stderr: 'warn', exitCode: null };
  return r;
}

describe('resultsJson', () => {
  it('writes the top-level keys in the order SPEC shows, receiverLog last', () => {
    const out = JSON.parse(resultsJson(run(allStatuses))) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual([
      'schemaVersion', 'tool', 'provider', 'target', 'startedAt', 'durationMs',
      'seed', 'interrupted', 'summary', 'checks', 'receiverLog',
    ]);
    expect(Object.keys(out.tool as object)).toEqual(['name', 'version']);
    expect(Object.keys(out.summary as object)).toEqual(['passed', 'failed', 'warned', 'skipped', 'errored', 'verdict', 'verdictReason', 'strict']);
    expect(Object.keys(out.receiverLog as object)).toEqual(['command', 'stdout', 'stderr', 'exitCode']);
  });

  it('writes invocation (the --url and --out as typed) after checks and before receiverLog, keys in a fixed order', () => {
    const r = run(allStatuses);
    r.invocation = { out: './hookgate-report', url: 'http://127.0.0.1:0/webhook' } as RunResults['invocation'];
    const out = JSON.parse(resultsJson(r)) as Record<string, unknown>;
    expect(Object.keys(out).slice(-3)).toEqual(['checks', 'invocation', 'receiverLog']);
    expect(Object.keys(out.invocation as object)).toEqual(['url', 'out']);
    expect(out.invocation).toEqual({ url: 'http://127.0.0.1:0/webhook', out: './hookgate-report' });
    expect(Object.keys(JSON.parse(resultsJson(run(allStatuses, false))) as object).at(-1)).toBe('checks');
  });

  it('writes receiverSaid after counterexample, lines then telling, only where present; its text round-trips', () => {
    const said = { telling: garbage, lines: ['GET / 200', garbage] };
    const checks = allStatuses.map((c) => (c.status === 'fail' || c.status === 'warn' ? { ...c, receiverSaid: { ...said } } : c));
    const out = JSON.parse(resultsJson(run(checks))) as { checks: Array<Record<string, unknown>> };
    const base = ['id', 'title', 'severity', 'status', 'message', 'durationMs', 'countsAgainstVerdict', 'evidence'];
    expect(Object.keys(out.checks[0])).toEqual(base);
    expect(Object.keys(out.checks[1])).toEqual([...base, 'counterexample', 'receiverSaid']);
    expect(Object.keys(out.checks[2])).toEqual([...base, 'receiverSaid']);
    expect(Object.keys(out.checks[1].receiverSaid as object)).toEqual(['lines', 'telling']);
    expect(out.checks[2].receiverSaid).toEqual({ lines: ['GET / 200', garbage], telling: garbage });
  });

  it('omits receiverLog when hookgate did not start the receiver', () => {
    const out = JSON.parse(resultsJson(run(allStatuses, false))) as Record<string, unknown>;
    expect(Object.keys(out)).not.toContain('receiverLog');
    expect(Object.keys(out).at(-1)).toBe('checks');
  });

  it('keeps the key order even when the input objects were built in another order', () => {
    const r = run(allStatuses);
    const scrambled = Object.fromEntries(Object.entries(r).reverse()) as unknown as RunResults;
    scrambled.checks = r.checks.map((c) => Object.fromEntries(Object.entries(c).reverse()) as unknown as CheckResult);
    expect(resultsJson(scrambled)).toBe(resultsJson(r));
  });

  it('writes checks with the SPEC fields, counterexample only when present', () => {
    const out = JSON.parse(resultsJson(run(allStatuses))) as { checks: Array<Record<string, unknown>> };
    const base = ['id', 'title', 'severity', 'status', 'message', 'durationMs', 'countsAgainstVerdict', 'evidence'];
    expect(Object.keys(out.checks[0])).toEqual(base);
    expect(Object.keys(out.checks[1])).toEqual([...base, 'counterexample']);
    expect(Object.keys(out.checks[3])).toEqual(['id', 'title', 'severity', 'status', 'message', 'durationMs', 'skipKind', 'countsAgainstVerdict', 'evidence']);
    expect(out.checks.map((c) => c.countsAgainstVerdict)).toEqual([false, true, false, false, true]);
    expect(out.checks.map((c) => c.status)).toEqual(['pass', 'fail', 'warn', 'skip', 'error']);
    expect(out.checks[3].message).toBe('not observable: no --effects-url and no fetch-back seen');
    const ev = (out.checks[1].evidence as Array<Record<string, unknown>>)[0];
    expect(Object.keys(ev)).toEqual(['label', 'expected', 'request', 'response', 'curl', 'recipe']);
    expect(Object.keys(ev.request as object)).toEqual(['method', 'url', 'headers', 'body', 'bodyBytes', 'bodyTruncated']);
    expect(Object.keys(ev.response as object)).toEqual(['status', 'headers', 'body', 'bodyBytes', 'latencyMs']);
    // bigint in a fast-check counterexample must not make JSON.stringify throw.
    expect(out.checks[1].counterexample).toEqual({
      value: { body: '{ "a" : 1 }', big: '10n' }, seed: 42, path: '3:0:1', numRuns: 100, shrinks: 4,
    });
  });

  it('round-trips receiver garbage as valid UTF-8 JSON, lone surrogates escaped', () => {
    const text = resultsJson(run(allStatuses));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "schemaVersion": 1,');
    expect(text).toContain('\\ud800');
    // A lone surrogate written raw would not survive UTF-8 encoding.
    expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
    const out = JSON.parse(text) as RunResults;
    expect(out.checks[1].evidence[0].response?.body).toBe(garbage);
    expect(out.receiverLog?.stdout).toBe(garbage);
  });
});
