import { describe, expect, it } from 'vitest';
import { countedSkips, unverifiedNotes } from '../../reports/unverified.js';
import { decideVerdict } from '../../suites/verdict.js';
import type { CheckResult, CheckStatus, Severity, SkipKind } from '../../suites/types.js';

const check = (id: string, severity: Severity, status: CheckStatus, skipKind?: SkipKind): CheckResult => ({ id, title: id, severity, status, ...(skipKind ? { skipKind } : {}), message: id, durationMs: 1, evidence: [] });

describe('unverifiedNotes', () => {
  it('says in plain words that deduplication was not verified, and the fix', () => {
    const notes = unverifiedNotes({ checks: [check('signature.valid', 'must', 'pass'), check('dedup.redelivery', 'must', 'skip', 'not-observable'), check('dedup.distinct-events', 'must', 'skip', 'not-observable'), check('dedup.concurrent', 'should', 'skip', 'not-observable')] });
    expect(notes).toEqual([
      'deduplication not verified: hookgate cannot see whether your receiver processes a message (dedup.redelivery, dedup.distinct-events skipped). Fix: add a 5-line test hook and pass --effects-url (snippets for Express, Fastify, Flask and FastAPI: "Let hookgate see processing" in hookgate\'s README).',
    ]);
  });

  it('says nothing when processing was observable, or the skip had another reason', () => {
    expect(unverifiedNotes({ checks: [check('dedup.redelivery', 'must', 'pass'), check('dedup.distinct-events', 'must', 'skip', 'baseline-refused')] })).toEqual([]);
  });
});

describe('countedSkips', () => {
  it('names the skipped MUST checks that failed the gate under --strict', () => {
    const { checks } = decideVerdict([check('signature.valid', 'must', 'pass'), check('dedup.redelivery', 'must', 'skip', 'not-observable'), check('status.large-payload', 'must', 'skip', 'not-applicable')], { strict: true });
    expect(countedSkips({ checks }).map((c) => c.id)).toEqual(['dedup.redelivery']);
  });
});
