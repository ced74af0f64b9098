import type { CheckResult, Evidence, RunResults } from '../suites/types.js';
import { whyItCounts } from '../suites/verdict.js';
import { answerOf, cut, describeValue, showInvisible, CURL_INLINE_MAX } from '../reports/report-text.js';

/** How one check's result reads as a vitest test. */
export type CheckVerdict =
  | { kind: 'pass' }
  /** A SHOULD check found something: the test passes with a warning annotation (or fails with `should: 'fail'`). */
  | { kind: 'warn'; message: string; details: string }
  | { kind: 'skip'; reason: string }
  | { kind: 'fail'; details: string };

const EVIDENCE_SHOWN = 3;

/*
 * A test is red exactly when the check counts against hookgate's verdict (decided once, in the
 * core), as junit.xml does; the one addition is `should: 'fail'`, which makes a SHOULD warning
 * red too. A run stopped by the timeout leaves checks `interrupted`: those fail, since nothing
 * was judged and the run was asked for.
 */
export function checkVerdict(c: CheckResult, r: RunResults, should: 'warn' | 'fail', rerun: (id: string, seed: number) => string): CheckVerdict {
  if (c.status === 'skip' && c.skipKind === 'interrupted') return { kind: 'fail', details: details(c, r, `not finished: ${c.message}`, rerun) };
  if (c.countsAgainstVerdict) {
    const headline = c.status === 'skip' ? `skipped, and ${whyItCounts(c, r.summary)}: ${c.message}` : c.status === 'error' ? `error: ${c.message}` : c.message;
    return { kind: 'fail', details: details(c, r, headline, rerun) };
  }
  switch (c.status) {
    case 'pass':
      return { kind: 'pass' };
    case 'warn':
    case 'fail': {
      const text = details(c, r, `SHOULD: ${c.message}`, rerun);
      return should === 'fail' ? { kind: 'fail', details: text } : { kind: 'warn', message: c.message, details: text };
    }
    case 'error':
      // A SHOULD check that could not run was not judged: like junit.xml, a skip saying so.
      return { kind: 'skip', reason: `error (SHOULD, not judged): ${c.message}` };
    case 'skip':
      return { kind: 'skip', reason: `${c.skipKind ?? 'skipped'}: ${c.message}` };
  }
}

/** The message, the counterexample and the reproduction: what junit.xml's <failure> says, for a terminal. */
function details(c: CheckResult, r: RunResults, headline: string, rerun: (id: string, seed: number) => string): string {
  const lines = [`${c.id} (${c.severity.toUpperCase()}) — ${c.title}`, showInvisible(headline)];
  const ce = c.counterexample;
  if (ce) {
    lines.push(
      '',
      `Counterexample (after ${ce.numRuns} runs, shrunk ${ce.shrinks} times):`,
      ...showInvisible(describeValue(ce.value)).split('\n').map((l) => `  ${l}`),
      `  seed: ${ce.seed}, path: ${ce.path}`,
      `  rerun: ${rerun(c.id, ce.seed)}`,
    );
  } else {
    lines.push('', `rerun: ${rerun(c.id, r.seed)}`);
  }
  c.evidence.slice(0, EVIDENCE_SHOWN).forEach((e, i) => lines.push('', ...evidenceLines(e, i + 1, c.evidence.length)));
  if (c.evidence.length > EVIDENCE_SHOWN) lines.push('', `(${c.evidence.length - EVIDENCE_SHOWN} more evidence records not shown)`);
  return lines.join('\n');
}

function evidenceLines(e: Evidence, n: number, total: number): string[] {
  const req = e.request;
  const lines = [`Evidence ${n}/${total}: ${showInvisible(e.label)}`, `  request:  ${req.method} ${req.url} (body ${req.bodyBytes} bytes)`, `  expected: ${e.expected}`, `  actual:   ${showInvisible(answerOf(e))}`];
  if (e.response?.body) lines.push(`  response body: ${showInvisible(cut(e.response.body, 300))}`);
  // The curl line carries the original signature and timestamp: it reproduces the request within
  // the provider's tolerance window, against a receiver listening at that URL.
  const curl = e.curl.length <= CURL_INLINE_MAX ? e.curl : `(a curl line of ${e.curl.length} characters, not shown: the body is large)`;
  lines.push('  reproduce:', `    ${curl}`);
  return lines;
}
