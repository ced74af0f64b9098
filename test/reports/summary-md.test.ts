import { describe, expect, it } from 'vitest';
import { FIXED_CHECK_IDS, fixFor } from '../../reports/fixes.js';
import { decideVerdict } from '../../suites/verdict.js';
import { MAX_BYTES, summaryMarkdown } from '../../reports/summary-md.js';
import type { CheckResult, RunResults } from '../../suites/types.js';
import { sampleChecks, sampleRun } from './fixture-run.js';

/** What a hostile receiver answers: markup, a table breaker, a fence breaker, line breaks, a mention. */
const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>alert(1)</script> a|b ``` end\n## heading\r\n```\n@octocat &amp; [x](https://evil.example/p.png)';

/** Fenced blocks as GFM reads them: an opening run of ≥3 backticks closes only with a run at least as long. */
function fences(md: string): { blocks: string[]; unclosed: boolean } {
  const blocks: string[] = [];
  let open: { len: number; lines: string[] } | null = null;
  for (const line of md.split('\n')) {
    if (!open) {
      const m = /^ {0,3}(`{3,})[^`]*$/.exec(line);
      if (m) open = { len: (m[1] as string).length, lines: [] };
      continue;
    }
    const close = /^ {0,3}(`{3,})\s*$/.exec(line);
    if (close && (close[1] as string).length >= open.len) {
      blocks.push(open.lines.join('\n'));
      open = null;
    } else {
      open.lines.push(line);
    }
  }
  return { blocks, unclosed: open !== null };
}

/** The text outside fenced blocks: where Markdown syntax and raw HTML would be live. */
function outsideFences(md: string): string {
  let out = md;
  for (const b of fences(md).blocks) out = out.replace(b, '');
  return out;
}

function tableRows(md: string): string[] {
  const start = md.indexOf('### All checks');
  return md
    .slice(start)
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Check ') && !l.startsWith('| ---'));
}

/** Cell separators: a `|` not escaped with a backslash. */
function cells(row: string): number {
  return row.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length - 2;
}

describe('summaryMarkdown', () => {
  const run = sampleRun(HOSTILE);
  const md = summaryMarkdown(run);

  it('puts the verdict first, on one line: verdict, provider, target, counts, seed, duration', () => {
    const first = md.split('\n')[0] as string;
    expect(first).toMatch(/^### ❌ FAIL /);
    expect(first).toContain('dimmy');
    expect(first).toContain('`http://127.0.0.1:40123/webhooks/dimmy`');
    expect(first).toContain('3 passed, 1 failed, 1 warned, 1 skipped, 2 errored');
    expect(first).toContain('seed 1234');
    expect(first).toContain('4.3 s');
    expect(first).not.toContain('interrupted');

    const passing = sampleRun('ok', { checks: sampleChecks('ok').filter((c) => c.status === 'pass') });
    expect(summaryMarkdown(passing).split('\n')[0]).toMatch(/^### ✅ PASS .*3 passed, 0 failed/);
    const interrupted = summaryMarkdown(sampleRun('ok', { interrupted: true }));
    expect(interrupted.split('\n')[0]).toContain('⚠️ interrupted');
    expect(interrupted).toContain('partial');
  });

  it('groups MUST failures and errors first, then SHOULD warnings, then the table', () => {
    const at = (s: string): number => md.indexOf(s);
    expect(at('### Failures (2)')).toBeGreaterThan(0);
    expect(at('#### ❌ `signature.raw-body`')).toBeGreaterThan(at('### Failures (2)'));
    expect(at('#### 💥 `signature.missing-headers`')).toBeGreaterThan(at('#### ❌ `signature.raw-body`'));
    expect(at('### Warnings (2)')).toBeGreaterThan(at('#### 💥 `signature.missing-headers`'));
    expect(at('#### ⚠️ `signature.timestamp-within-window`')).toBeGreaterThan(at('### Warnings (2)'));
    // A SHOULD check in error does not fail the gate: it is listed with the warnings, and says so.
    expect(at('#### 💥 `status.content-type-variants`')).toBeGreaterThan(at('### Warnings (2)'));
    expect(md).toContain('**SHOULD · error (not judged; does not fail the gate)**');
    expect(at('### All checks')).toBeGreaterThan(at('#### 💥 `status.content-type-variants`'));
    // Passing checks get no section of their own.
    expect(md).not.toContain('`signature.valid` —');
  });

  it('gives each failure what happened, what it should do, the fix, the counterexample and a reproduction', () => {
    const block = md.slice(md.indexOf('#### ❌ `signature.raw-body`'), md.indexOf('#### 💥 `signature.missing-headers`'));
    const { should, fix } = fixFor('signature.raw-body', 'dimmy');
    expect(block).toContain('- **What happened:** refused a correctly signed body');
    expect(block).toContain('- **Receiver answered:** HTTP 401 after 4 ms; expected 2xx');
    expect(block).toContain(`- **Should:** ${should}`);
    expect(block).toContain(`- **Fix:** ${fix}`);
    expect(fix).toContain("express.raw({ type: 'application/json' })");
    expect(block).toContain('rerun with `--seed 1234`');
    // hookgate started the receiver: the rerun starts it again, and needs no secret.
    expect(block).toContain("`hookgate check --provider dimmy --start 'node examples/receivers/svix-stringify.mjs' --url http://127.0.0.1:40123/webhooks/dimmy --only signature.raw-body --seed 1234`");
    const repro = fences(block).blocks.find((b) => b.includes('curl '));
    expect(repro).toBeDefined();
    expect(repro).toContain(run.checks[1]?.evidence[0]?.curl);
    expect(repro).toContain('hookgate replay results.json#signature.raw-body/1');
    // The counterexample value, backticks and all, sits inside one fence.
    expect(fences(block).blocks.some((b) => b.includes('"spelling": "whitespace around \\":\\"; key \\"a```b\\""'))).toBe(true);

    const transport = md.slice(md.indexOf('#### 💥 `signature.missing-headers`'), md.indexOf('### Warnings'));
    expect(transport).toContain('- **Receiver answered:** transport error ECONNRESET: socket hang up');
    expect(transport).toContain('hookgate replay results.json#signature.missing-headers/1');
  });

  it('reproduction lines paste where check ran: --start and --url as typed, the report path from --out, --url on replay', () => {
    const started = summaryMarkdown({ ...run, invocation: { url: 'http://127.0.0.1:0/webhooks/dimmy', out: './out/run 1/' } });
    expect(started).toContain("`hookgate check --provider dimmy --start 'node examples/receivers/svix-stringify.mjs' --url http://127.0.0.1:0/webhooks/dimmy --only signature.raw-body --seed 1234 --out './out/run 1/'`");
    expect(started).toContain("hookgate replay 'out/run 1/results.json'#signature.raw-body/1 --url http://127.0.0.1:40123/webhooks/dimmy  # shrunk counterexample");
    expect(started).not.toContain('HOOKGATE_SECRET=<');

    const { receiverLog: _, ...notStarted } = run;
    const byUrl = summaryMarkdown({ ...notStarted, invocation: { url: 'http://127.0.0.1:40123/webhooks/dimmy', out: './hookgate-report' } });
    expect(byUrl).toContain('`HOOKGATE_SECRET=<your secret> hookgate check --provider dimmy --url http://127.0.0.1:40123/webhooks/dimmy --only signature.raw-body --seed 1234`');
    expect(byUrl).toContain('hookgate replay hookgate-report/results.json#signature.raw-body/1  # shrunk');
    expect(byUrl).not.toContain('--url http://127.0.0.1:40123/webhooks/dimmy  #');
  });

  it('says what the receiver said, as inert code', () => {
    const checks = sampleChecks(HOSTILE).map((c) => (c.id === 'signature.raw-body' ? { ...c, receiverSaid: { lines: [HOSTILE], telling: `Error: ${HOSTILE}` } } : c));
    const out = summaryMarkdown(sampleRun(HOSTILE, { checks }));
    const block = out.slice(out.indexOf('#### ❌ `signature.raw-body`'), out.indexOf('#### 💥 `signature.missing-headers`'));
    const said = block.split('\n').find((l) => l.startsWith('- **Receiver said:** '));
    expect(said).toBeDefined();
    // One line, in a code span longer than any backtick run inside: nothing in it is live Markdown or HTML.
    expect(said).toMatch(/^- \*\*Receiver said:\*\* ````Error: <img src=x .* ↵ ## heading ↵ ``` ↵ @octocat .*````$/);
    expect(out.indexOf('- **Receiver said:**')).toBeGreaterThan(out.indexOf('- **Receiver answered:**'));
    expect(summaryMarkdown(sampleRun(HOSTILE))).not.toContain('Receiver said');
  });

  it('keeps receiver text inert: no raw HTML, no links or mentions, table rows intact, fences unbroken', () => {
    const live = outsideFences(md);
    expect(md).not.toMatch(/<script|<img|<\/script/i);
    expect(live).not.toContain('](https://');
    expect(live).not.toMatch(/^#{1,6} heading/m);
    expect(md).toContain('&lt;script&gt;alert\\(1\\)&lt;/script&gt;');
    expect(md).toContain('&amp;amp;');
    expect(md).not.toMatch(/@octocat/);
    expect(md).toContain('@\u200boctocat');

    const rows = tableRows(md);
    expect(rows).toHaveLength(run.checks.length);
    for (const row of rows) {
      expect(row.endsWith(' |')).toBe(true);
      expect(cells(row)).toBe(4);
    }
    const f = fences(md);
    expect(f.unclosed).toBe(false);
    // Every fence the writer opened is one it closed: the receiver's ``` never ended one early.
    expect(f.blocks.length).toBe((md.match(/^ *`{3,}(json|sh)$/gm) ?? []).length);
  });

  it('lists skipped checks with their reasons, and MUST skips as failures with --strict', () => {
    expect(md).toContain('### Skipped (1)\n\n- `dedup.redelivery` — not observable: no --effects-url and no fetch-back seen');
    expect(tableRows(md).find((r) => r.includes('dedup.redelivery'))).toContain('⏭️ skip');

    const strictRun = sampleRun(HOSTILE, {}, true);
    const strict = summaryMarkdown(strictRun);
    expect(strict.split('\n')[0]).toContain('--strict');
    expect(strict).toContain('### Failures (3)');
    expect(strict).toContain('**MUST · skip (counts as failed with --strict)**');
    expect(strict).not.toContain('### Skipped');
  });

  it('names the report files, and links them with reportLinks', () => {
    expect(md).toContain('`report.html` · `results.json` · `junit.xml`');
    expect(summaryMarkdown(run, { reportLinks: true })).toContain('[report.html](report.html)');
    expect(md).toContain('Receiver started with `node examples/receivers/svix-stringify.mjs`');
  });

  it(`stays under ${MAX_BYTES} bytes with hundreds of failures, huge curl lines and long messages`, () => {
    const base = sampleChecks(HOSTILE)[1] as CheckResult;
    const bigEvidence = { ...(base.evidence[0] as CheckResult['evidence'][number]) };
    bigEvidence.curl = `curl -sS -X POST 'http://x/' --data-binary '${'x'.repeat(200_000)}'`;
    bigEvidence.response = { status: 500, headers: {}, body: '`'.repeat(1024), bodyBytes: 5_000_000, latencyMs: 20_000 };
    const checks: CheckResult[] = Array.from({ length: 300 }, (_, i) => ({
      ...base,
      id: `signature.raw-body-${i}`,
      message: `${HOSTILE} `.repeat(200),
      evidence: Array.from({ length: 20 }, () => bigEvidence),
    }));
    const big: RunResults = { ...run, ...decideVerdict(checks, { strict: false }) };
    const out = summaryMarkdown(big);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(MAX_BYTES);
    expect(out.split('\n')[0]).toMatch(/^### ❌ FAIL .*0 passed, 300 failed/);
    expect(out).toMatch(/_\d+ more failure and warning sections left out to fit a PR comment/);
    expect(out).toContain('curl command left out (195 KB)');
    expect(out).toContain('# … 15 more: results.json#signature.raw-body-0/6 to /20');
    expect(out).toContain('### All checks');
    expect(out).toMatch(/_\d+ more rows in `results.json`._/);
    expect(fences(out).unclosed).toBe(false);
  });
});

describe('fixFor', () => {
  const CATALOG = [
    'signature.valid', 'signature.raw-body', 'signature.tampered-body', 'signature.wrong-secret', 'signature.missing-headers',
    'signature.stale-timestamp', 'signature.future-timestamp', 'signature.timestamp-within-window', 'signature.multiple-signatures',
    'status.rejection-is-4xx', 'status.malformed-signature', 'status.unknown-event-type', 'status.content-type-variants', 'status.large-payload',
    'dedup.redelivery', 'dedup.concurrent', 'dedup.distinct-events', 'timeout.latency-budget', 'timeout.abandoned-request', 'delivery.retry-recovery',
  ];

  it("has a specific entry for every id in SPEC's catalog, and only those", () => {
    expect([...FIXED_CHECK_IDS].sort()).toEqual([...CATALOG].sort());
    for (const id of CATALOG) {
      for (const provider of ['optipick', 'dimmy', 'omnisales']) {
        const f = fixFor(id, provider);
        expect(f.should.length, `${id} ${provider}`).toBeGreaterThan(20);
        expect(f.fix.length, `${id} ${provider}`).toBeGreaterThan(20);
        // Rendered as our own Markdown: outside `code spans` nothing that could be HTML or break a table.
        expect((f.should + f.fix).replace(/`[^`]*`/g, '')).not.toMatch(/[<>|&\\]/);
      }
    }
  });

  it('is provider-aware', () => {
    expect(fixFor('signature.valid', 'optipick').fix).toContain('new Webhook(secret).verify(rawBody, headers)');
    const omni = fixFor('signature.valid', 'omnisales').fix;
    expect(omni).toContain('hmac.compare_digest');
    expect(omni).toContain('timingSafeEqual');
    expect(omni).not.toContain('new Webhook');
    expect(fixFor('signature.missing-headers', 'omnisales').fix).toContain('X-Webhook-Timestamp');
    expect(fixFor('dedup.redelivery', 'dimmy').fix).toContain('`svix-id`');
    expect(fixFor('dedup.redelivery', 'omnisales').fix).toContain('envelope `id`');
    expect(fixFor('status.large-payload', 'dimmy').fix).toContain("limit: '10mb'");
    expect(fixFor('status.content-type-variants', 'dimmy').should).toContain('application/json; charset=utf-8');
    expect(fixFor('status.unknown-event-type', 'omnisales').should).toContain('2xx');
    expect(fixFor('signature.raw-body', 'omnisales').fix).toMatch(/request\.get_data\(\).*await request\.body\(\)/);
  });

  it('gives unknown ids a generic entry', () => {
    expect(fixFor('dedup.something-new', 'dimmy').should).toContain('exactly once');
    expect(fixFor('nonsense', 'dimmy').fix).toContain('hookgate replay');
  });
});
