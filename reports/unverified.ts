import type { CheckResult, RunResults } from '../suites/types.js';

/*
 * What could not be judged, in plain words (issue 10 item 7). A MUST check skipped as
 * "not observable" is a hole in the gate, not a detail: the terminal's verdict and
 * summary.md say what was not verified, why, and the fix, instead of a skip reason.
 */

export const SEE_PROCESSING = 'add a 5-line test hook and pass --effects-url (snippets for Express, Fastify, Flask and FastAPI: "Let hookgate see processing" in hookgate\'s README)';

const WHAT: Array<[prefix: string, said: string]> = [
  ['dedup.', 'deduplication not verified'],
  ['delivery.', 'recovery after failed attempts not verified'],
];

/** One plain sentence per family of MUST checks that skipped because processing could not be seen. */
export function unverifiedNotes(r: Pick<RunResults, 'checks'>): string[] {
  const unobservable = r.checks.filter((c) => c.severity === 'must' && c.status === 'skip' && c.skipKind === 'not-observable');
  const notes: string[] = [];
  for (const [prefix, said] of WHAT) {
    const ids = unobservable.filter((c) => c.id.startsWith(prefix)).map((c) => c.id);
    if (ids.length) notes.push(`${said}: hookgate cannot see whether your receiver processes a message (${ids.join(', ')} skipped). Fix: ${SEE_PROCESSING}.`);
  }
  const other = unobservable.filter((c) => !WHAT.some(([p]) => c.id.startsWith(p))).map((c) => c.id);
  if (other.length) notes.push(`not verified: hookgate cannot see whether your receiver processes a message (${other.join(', ')} skipped). Fix: ${SEE_PROCESSING}.`);
  return notes;
}

/** The MUST checks whose skip failed the gate (`--strict`, or nothing judged), for the terminal. */
export function countedSkips(r: Pick<RunResults, 'checks'>): CheckResult[] {
  return r.checks.filter((c) => c.status === 'skip' && c.countsAgainstVerdict);
}
