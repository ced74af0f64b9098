import type { CheckResult, CheckStatus, Evidence, RunResults } from '../suites/types.js';
import { posix } from 'node:path';
import { jsonReplacer } from './results-json.js';
import { looksMasked } from '../fixtures/mask.js';

/*
 * Plain-text pieces shared by the human-readable writers (summary.md, report.html):
 * how a check is grouped, how an answer or a duration reads, the rerun command.
 * Nothing here escapes for a format: each writer does that for its own.
 */

export const STATUS_ICON: Record<CheckStatus, string> = { pass: '✅', fail: '❌', warn: '⚠️', skip: '⏭️', error: '💥' };

export interface Groups {
  /** Count against the verdict (as the core decided: `countsAgainstVerdict`), in run order. */
  failures: CheckResult[];
  /** SHOULD checks that found something (`warn`, a stray SHOULD `fail`) or could not be judged (SHOULD `error`). */
  warnings: CheckResult[];
  /** Skipped and not counted as a failure. */
  skipped: CheckResult[];
}

export function groupChecks(checks: CheckResult[]): Groups {
  const g: Groups = { failures: [], warnings: [], skipped: [] };
  for (const c of checks) {
    if (c.countsAgainstVerdict) g.failures.push(c);
    else if (c.status === 'warn' || c.status === 'fail' || c.status === 'error') g.warnings.push(c);
    else if (c.status === 'skip') g.skipped.push(c);
  }
  return g;
}

/** Why a check is in its group, e.g. "MUST · fail" or "MUST · skip (counts as failed: --strict …)". */
export function statusLabel(c: CheckResult, s: RunResults['summary']): string {
  const sev = c.severity.toUpperCase();
  if (c.status === 'skip' && c.countsAgainstVerdict) return `${sev} · skip (counts as failed ${s.strict ? 'with --strict' : 'because no MUST check could be judged'})`;
  if (c.status === 'error' && c.severity === 'should') return `${sev} · error (not judged; does not fail the gate)`;
  return `${sev} · ${c.status}`;
}

export function countsLine(s: RunResults['summary']): string {
  return `${s.passed} passed, ${s.failed} failed, ${s.warned} warned, ${s.skipped} skipped, ${s.errored} errored`;
}

/** A skip that counts against the gate, for table cells: "(fails the gate: --strict)". */
export function countedSkipNote(c: CheckResult, s: RunResults['summary']): string {
  if (c.status !== 'skip' || !c.countsAgainstVerdict) return '';
  return s.strict ? ' (fails with --strict)' : ' (fails: nothing could be judged)';
}

export function duration(msValue: number): string {
  if (!Number.isFinite(msValue)) return String(msValue);
  if (msValue < 1000) return `${Math.round(msValue)} ms`;
  if (msValue < 60_000) return `${(msValue / 1000).toFixed(1)} s`;
  const m = Math.floor(msValue / 60_000);
  return `${m} min ${Math.round((msValue % 60_000) / 1000)} s`;
}

/** What the receiver did with one request, e.g. "HTTP 500 after 12 ms". */
export function answerOf(e: Evidence): string {
  if (e.response) return `HTTP ${e.response.status} after ${duration(e.response.latencyMs)}`;
  if (e.error) return `transport error ${e.error.kind}: ${e.error.message} (after ${duration(e.error.latencyMs)})`;
  return 'no response recorded';
}

/** Cuts to at most `max` code points (never inside a surrogate pair), marking the cut. */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const points = Array.from(s);
  if (points.length <= max) return s;
  return points.slice(0, Math.max(0, max - 1)).join('') + '…';
}

// C0/C1 controls except \t \n \r, DEL, line/paragraph separators, bidi embeddings/overrides/isolates.
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Writes control and bidi-override characters as `\uXXXX`, so a terminal escape or
 * a "Trojan Source" reordering in what the receiver sent shows as what it is.
 */
export function showInvisible(s: string): string {
  return s.replace(INVISIBLE, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** A counterexample value for humans: strings as they are, the rest as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, jsonReplacer, 2) ?? String(value);
  } catch {
    // Circular structures: a lossy description beats losing the whole report.
    return String(value);
  }
}

/**
 * A URL on a copy-paste line: as it is, or — when its credentials were masked (they are never
 * stored) — `"$HOOKGATE_URL"`, the variable the curl lines in the evidence use too.
 */
export function urlArg(url: string): string {
  return looksMasked(url) ? '"$HOOKGATE_URL"' : shellArg(url);
}

/** POSIX single-quoting, enough for a URL on a copy-paste line. */
export function shellArg(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * `hookgate check` again for `checkId` (or a comma-separated list) with `seed`, as it can be pasted
 * where check ran: after `--start`, the same `--start` and the `--url` as typed (port 0: the port it
 * used is gone), and no secret (hookgate generates one and gives it to the receiver); otherwise the
 * URL it checked, and the secret the receiver verifies with, to fill in.
 */
export function rerunCommand(r: RunResults, checkId: string, seed: number): string {
  const start = r.receiverLog?.command;
  const url = start ? (r.invocation?.url ?? r.target) : r.target;
  const startArg = start ? ` --start ${shellArg(start)}` : '';
  const out = r.invocation && !isDefaultOut(r.invocation.out) ? ` --out ${shellArg(r.invocation.out)}` : '';
  const cmd = `hookgate check --provider ${shellArg(r.provider)}${startArg} --url ${urlArg(url)} --only ${shellArg(checkId)} --seed ${seed}${out}`;
  return start ? cmd : `HOOKGATE_SECRET=<your secret> ${cmd}`;
}

const isDefaultOut = (out: string) => reportDir(out) === 'hookgate-report';

/** `--out` as given, as a path prefix: "./hookgate-report/" → "hookgate-report". */
function reportDir(out: string): string {
  const p = posix.normalize(out);
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/**
 * The reference `hookgate replay` takes; `n` is 1-based, as in "evidence 1/3". With the run's
 * invocation known, the results.json path is the one check wrote, relative to where it ran
 * (`hookgate-report/results.json#signature.raw-body/1`); otherwise bare `results.json#…`.
 */
export function replayRef(checkId: string, n: number, r?: Pick<RunResults, 'invocation'>): string {
  const dir = r?.invocation ? reportDir(r.invocation.out) : '.';
  const file = dir === '.' ? 'results.json' : `${dir}/results.json`;
  return `${shellArg(file)}#${checkId}/${n}`;
}

/**
 * The whole `hookgate replay` line for evidence `n` of a check. It names `--url` when the URL in the
 * evidence cannot be used as it is: hookgate started the receiver (and stopped it: start it first
 * and point --url at it), or the stored URL was masked (`--url "$HOOKGATE_URL"`: set it to the real one).
 */
export function replayCommand(r: RunResults, checkId: string, n: number): string {
  const stored = r.checks.find((c) => c.id === checkId)?.evidence[n - 1]?.request.url ?? r.target;
  const url = r.receiverLog || looksMasked(stored) ? ` --url ${urlArg(stored)}` : '';
  return `hookgate replay ${replayRef(checkId, n, r)}${url}`;
}

/** A curl line longer than this is not shown inline (a large-payload body); replay rebuilds it. */
export const CURL_INLINE_MAX = 8 * 1024;
