import type { CheckResult, Counterexample, Evidence, RunResults } from '../suites/types.js';

// The verdict is decided in the core (suites/verdict.ts); this writer only lays it out.

/**
 * JSON.stringify replacer for values we do not control (a fast-check counterexample
 * can hold bigints, which JSON.stringify refuses, or non-finite numbers, which it
 * silently turns into null). Strings are left alone: JSON.stringify already escapes
 * control characters and lone surrogates, so the output is always valid UTF-8 JSON.
 */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'symbol' || typeof value === 'function') return String(value);
  return value;
}

/**
 * results.json with the key order SPEC "Outputs" shows. Objects are rebuilt field by
 * field instead of serialized as given, because the results are assembled in several
 * places (runner, interrupt handler, merge of targets) and a consumer diffing two
 * reports, or a human reading one, should always see the same layout.
 */
export function resultsJson(r: RunResults): string {
  const ordered: Record<string, unknown> = {
    schemaVersion: r.schemaVersion,
    tool: { name: r.tool.name, version: r.tool.version },
    provider: r.provider,
    target: r.target,
    ...(r.insecure ? { insecure: true } : {}),
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    seed: r.seed,
    interrupted: r.interrupted,
    ...(r.latency ? { latency: { answered: r.latency.answered, p50Ms: r.latency.p50Ms, p99Ms: r.latency.p99Ms, maxMs: r.latency.maxMs } } : {}),
    ...(r.safe ? { safe: { left: [...r.safe.left], runs: r.safe.runs } } : {}),
    ...(r.maxRate ? { maxRate: r.maxRate } : {}),
    summary: {
      passed: r.summary.passed,
      failed: r.summary.failed,
      warned: r.summary.warned,
      skipped: r.summary.skipped,
      errored: r.summary.errored,
      verdict: r.summary.verdict,
      verdictReason: r.summary.verdictReason,
      strict: r.summary.strict,
    },
    checks: r.checks.map(orderCheck),
  };
  if (r.invocation) ordered.invocation = { url: r.invocation.url, out: r.invocation.out };
  if (r.receiverLog) {
    const l = r.receiverLog;
    ordered.receiverLog = { command: l.command, stdout: l.stdout, stderr: l.stderr, exitCode: l.exitCode };
  }
  return JSON.stringify(ordered, jsonReplacer, 2) + '\n';
}

function orderCheck(c: CheckResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id,
    title: c.title,
    severity: c.severity,
    status: c.status,
    message: c.message,
    durationMs: c.durationMs,
  };
  if (c.status === 'skip') out.skipKind = c.skipKind ?? 'no-evidence';
  out.countsAgainstVerdict = c.countsAgainstVerdict ?? false;
  out.evidence = c.evidence.map(orderEvidence);
  if (c.counterexample) out.counterexample = orderCounterexample(c.counterexample);
  if (c.receiverSaid) out.receiverSaid = { lines: c.receiverSaid.lines, telling: c.receiverSaid.telling };
  return out;
}

function orderCounterexample(ce: Counterexample): Record<string, unknown> {
  // `value` may legitimately be `undefined` (fc.constant(undefined)); null keeps the key present.
  return { value: ce.value === undefined ? null : ce.value, seed: ce.seed, path: ce.path, numRuns: ce.numRuns, shrinks: ce.shrinks };
}

function orderEvidence(e: Evidence): Record<string, unknown> {
  const out: Record<string, unknown> = {
    label: e.label,
    expected: e.expected,
    request: {
      method: e.request.method,
      url: e.request.url,
      headers: e.request.headers,
      body: e.request.body,
      bodyBytes: e.request.bodyBytes,
      bodyTruncated: e.request.bodyTruncated,
    },
  };
  if (e.response) {
    const s = e.response;
    out.response = { status: s.status, headers: s.headers, body: s.body, bodyBytes: s.bodyBytes, latencyMs: s.latencyMs, ...(s.note ? { note: s.note } : {}) };
  }
  if (e.error) out.error = { kind: e.error.kind, message: e.error.message, latencyMs: e.error.latencyMs };
  out.curl = e.curl;
  // The recipe is replay's input; its optional fields are copied as given (JSON drops undefined ones).
  out.recipe = e.recipe;
  return out;
}
