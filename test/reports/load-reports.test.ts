import * as hdr from 'hdr-histogram-js';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { loadJson } from '../../reports/load-json.js';
import { loadSummaryMd } from '../../reports/load-summary-md.js';
import { loadJunitXml } from '../../reports/load-junit.js';
import { mdCode } from '../../reports/md-escape.js';
import { judgeThresholds, parseThreshold } from '../../suites/load/thresholds.js';
import { INVALID_RUN_REASON } from '../../suites/load/verdict.js';
import type { LoadResults } from '../../suites/load/types.js';

/*
 * The load run's three report files, from a LoadResults built by hand: load.json's layout
 * and its NaN, summary.md's verdict-first layout and escaping, junit.xml's one testcase per
 * threshold agreeing with the exit code, valid XML whatever the user typed.
 */

const CONFIG = { lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 } as const;

/** An encoded histogram of latencies given in microseconds, as the engine writes them. */
function encoded(micros: number[]): string {
  const h = hdr.build(CONFIG);
  for (const us of micros) h.recordValue(us);
  const out = hdr.encodeIntoCompressedBase64(h);
  h.destroy();
  return out;
}

// 1,000 requests: most fast, a slow tail.
const micros = Array.from({ length: 1000 }, (_, i) => (i < 980 ? 2000 + i * 10 : 300_000 + i * 100));
const hostileTarget = 'http://127.0.0.1:1/hook?x=<img src=x>&y=`a|b`*@team\u001b[31m]]>"';

function run(over: Partial<LoadResults> = {}): LoadResults {
  const base: LoadResults = {
    schemaVersion: 1,
    tool: { name: 'hookgate', version: '0.1.0' },
    provider: 'optipick',
    target: 'http://127.0.0.1:3000/webhook',
    startedAt: '2026-01-02T03:04:05.678Z',
    model: { kind: 'open', rate: 200, maxInflight: 1000 },
    durationMs: 5000,
    warmupMs: 1000,
    requests: 1000,
    throughputPerSec: 199.8,
    latencyMs: { p50: 6.999, p90: 10.999, p99: 398.079, p999: 399.871, max: 399.999, mean: 15.5 },
    statusCodes: { '503': 12, '200': 980, '202': 3 },
    ok2xx: 983,
    errors: 3,
    errorKinds: { non2xx: 0, reset: 2, refused: 0, closed: 1, parse: 0, other: 0 },
    timeouts: 2,
    missedStarts: 0,
    duplicatesSent: 50,
    largeSent: 10,
    drained: 1,
    generatorCpu: { elu: [0.41, 0.38], max: 0.41 },
    valid: true,
    thresholds: [],
    histogramConfig: { ...CONFIG },
    histogram: encoded(micros),
    timeline: [0, 1, 2, 3, 4].map((t) => ({
      t,
      requests: 200,
      ok2xx: 196,
      non2xx: 3,
      errors: t === 0 ? 1 : 0,
      timeouts: 0,
      histogram: encoded(micros.slice(t * 200, t * 200 + 200)),
    })),
    interrupted: false,
    ...over,
  };
  return base;
}

/** Thresholds judged on the fixture's figures, as the CLI would. */
function judged(exprs: string[], over: Partial<LoadResults> = {}): LoadResults {
  const r = run(over);
  return { ...r, thresholds: judgeThresholds(exprs.map(parseThreshold), r) };
}

describe('load.json', () => {
  it('has the LoadResults key order, 2-space JSON and a final newline', () => {
    const text = loadJson(judged(['p99<250ms'], { duplicatesProcessed: 0, valid: false, invalidReason: 'elu 0.99' }));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "schemaVersion": 1,\n');
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual([
      'schemaVersion', 'tool', 'provider', 'target', 'startedAt', 'model', 'durationMs', 'warmupMs', 'requests', 'throughputPerSec',
      'latencyMs', 'statusCodes', 'ok2xx', 'errors', 'errorKinds', 'timeouts', 'missedStarts', 'duplicatesSent', 'duplicatesProcessed',
      'largeSent', 'drained', 'generatorCpu', 'valid', 'invalidReason', 'thresholds', 'histogramConfig', 'histogram', 'timeline', 'interrupted',
    ]);
    expect(Object.keys(doc.latencyMs as object)).toEqual(['p50', 'p90', 'p99', 'p999', 'max', 'mean']);
    expect(Object.keys(doc.statusCodes as object)).toEqual(['200', '202', '503']);
    expect(Object.keys((doc.timeline as object[])[0])).toEqual(['t', 'requests', 'ok2xx', 'non2xx', 'errors', 'timeouts', 'histogram']);
    expect(Object.keys(doc.model as object)).toEqual(['kind', 'rate', 'maxInflight']);
  });

  it('is the same text whatever order the object was built in', () => {
    const r = judged(['p99<250ms', 'rps>=100']);
    const shuffled = Object.fromEntries(Object.entries(r).reverse()) as unknown as LoadResults;
    expect(loadJson(shuffled)).toBe(loadJson(r));
  });

  it('leaves out what was not observed instead of writing null', () => {
    const doc = JSON.parse(loadJson(run())) as Record<string, unknown>;
    expect('duplicatesProcessed' in doc).toBe(false);
    expect('invalidReason' in doc).toBe(false);
  });

  it('writes NaN as the string "NaN", never as null', () => {
    const text = loadJson(judged(['duplicatesProcessed==0']));
    const doc = JSON.parse(text) as { thresholds: unknown[] };
    expect(doc.thresholds).toEqual([{ expr: 'duplicatesProcessed==0', actual: 'NaN', pass: false, note: 'not observable: pass --effects-url' }]);
    expect(text).not.toContain('null');
  });

  it('keeps the histograms byte for byte, so merge can decode them', () => {
    const r = run();
    const doc = JSON.parse(loadJson(r)) as LoadResults;
    expect(doc.histogram).toBe(r.histogram);
    const h = hdr.decodeFromCompressedBase64(doc.histogram);
    expect(h.totalCount).toBe(1000);
    expect(doc.timeline.map((s) => hdr.decodeFromCompressedBase64(s.histogram).totalCount)).toEqual([200, 200, 200, 200, 200]);
    expect(doc.histogramConfig).toEqual(CONFIG);
  });

  it('keeps fields added after this writer, after the known ones', () => {
    const r = { ...run(), maxRate: 1800 } as LoadResults;
    const doc = JSON.parse(loadJson(r)) as Record<string, unknown>;
    expect(Object.keys(doc).at(-1)).toBe('maxRate');
    expect(doc.maxRate).toBe(1800);
  });
});

describe('summary.md', () => {
  it('starts with the verdict line and says why', () => {
    const md = loadSummaryMd(judged(['p99<250ms', 'rps>=100']));
    const [first, , why] = md.split('\n');
    expect(first).toMatch(/^### ❌ FAIL — hookgate load · optipick → `http:\/\/127\.0\.0\.1:3000\/webhook` · open model, 200\/s \(max in flight 1,000\) · 5\.0 s$/);
    expect(why).toBe('**Why:** 1 of 2 thresholds failed: p99&lt;250ms \\(actual 398.079 ms\\)');
    expect(loadSummaryMd(judged(['p99<500ms'])).split('\n')[0]).toMatch(/^### ✅ PASS/);
    expect(loadSummaryMd(run()).split('\n')[0]).toMatch(/^### ✅ PASS/);
  });

  it('shows each threshold with its actual value in the unit it was written in', () => {
    const md = loadSummaryMd(judged(['p99<250ms', 'p50<0.01s', 'errors<0.5%', 'timeouts==0', 'rps>=100', 'duplicatesProcessed==0']));
    expect(md).toContain('| Threshold | Actual | Result |');
    expect(md).toContain('| p99&lt;250ms | 398.079 ms | ❌ fail |');
    expect(md).toContain('| p50&lt;0.01s | 0.007 s | ✅ pass |');
    expect(md).toContain('| errors&lt;0.5% | 0.3% | ✅ pass |');
    expect(md).toContain('| timeouts==0 | 2 | ❌ fail |');
    expect(md).toContain('| rps&gt;=100 | 199.8 req/s | ✅ pass |');
    expect(md).toContain('| duplicatesProcessed==0 | not measured \\(not observable: pass --effects-url\\) | ❌ fail |');
  });

  it('has the figures table and the status codes, in numeric order', () => {
    const md = loadSummaryMd(run({ duplicatesProcessed: 4 }));
    for (const row of [
      '| Requests | 1,000 (2xx 983) |',
      '| Throughput | 199.8 req/s |',
      '| Latency p50 | 6.999 ms |',
      '| Latency p90 | 10.999 ms |',
      '| Latency p99 | 398.079 ms |',
      '| Latency p99.9 | 399.871 ms |',
      '| Latency max | 399.999 ms |',
      '| Errors | 3 (reset 2, closed 1) |',
      '| Timeouts | 2 |',
      '| Missed starts | 0 |',
      '| Duplicates sent | 50 |',
      '| Duplicates processed | 4 |',
      '| Large payloads sent | 10 |',
      '| Generator event-loop use (max) | 41% |',
    ]) {
      expect(md).toContain(row);
    }
    expect(md).toMatch(/\| 200 \| 980 \|\n\| 202 \| 3 \|\n\| 503 \| 12 \|/);
    expect(loadSummaryMd(run())).toContain('| Duplicates processed | not observed (pass --effects-url) |');
  });

  it('flags an invalid run right under the verdict', () => {
    const md = loadSummaryMd(judged(['p99<500ms'], { valid: false, invalidReason: 'event-loop utilisation 0.99 in worker 2' }));
    const lines = md.split('\n');
    expect(lines[0]).toMatch(/^### ❌ FAIL \(INVALID run\)/);
    expect(lines[2]).toBe(`**Why:** ${INVALID_RUN_REASON} \\(event-loop utilisation 0.99 in worker 2\\); pass --allow-invalid to judge the thresholds anyway`);
    expect(md).toContain(`> [!WARNING]\n> **INVALID run:** ${INVALID_RUN_REASON}.\n> event-loop utilisation 0.99 in worker 2`);
    expect(md).toContain('| p99&lt;500ms | 398.079 ms | ⚠️ not judged: invalid run |');
    // Allowed: judged on its figures, still flagged.
    const allowed = loadSummaryMd(judged(['p99<500ms'], { valid: false, invalidReason: 'x' }), { allowInvalid: true });
    expect(allowed.split('\n')[0]).toMatch(/^### ⚠️ PASS \(INVALID run\)/);
    expect(allowed).toContain('| p99&lt;500ms | 398.079 ms | ✅ pass |');
    expect(allowed).toContain('**INVALID run:**');
    // No thresholds: passes, with the warning.
    expect(loadSummaryMd(run({ valid: false, invalidReason: 'x' })).split('\n')[0]).toMatch(/^### ⚠️ PASS \(INVALID run\)/);
  });

  it('a shard says its thresholds are judged after merge', () => {
    const md = loadSummaryMd(judged(['p99<250ms']), { sharded: true });
    expect(md.split('\n')[0]).toMatch(/^### ✅ PASS .* · shard$/);
    expect(md).toContain('| p99&lt;250ms | 398.079 ms | ⏭️ judged after merge |');
  });

  it('escapes the target and anything else read back from a load.json', () => {
    const md = loadSummaryMd(
      run({
        target: hostileTarget,
        provider: 'optipick<b>',
        statusCodes: { '200': 1, '<img src=x>|': 2 },
        valid: false,
        invalidReason: '# heading\n- list <script>',
        thresholds: [{ expr: 'p99<1|x', actual: 3, pass: false }],
      }),
    );
    // The target is shown in a code span, which GFM renders literally; nowhere else may markup survive.
    const span = mdCode(hostileTarget);
    expect(md).toContain(`→ ${span} ·`);
    const outside = md.replace(span, '');
    expect(outside).not.toMatch(/<img|<script>|<b>/);
    expect(md).not.toContain('\u001b');
    expect(md).not.toMatch(/^#(?!#{2,3} )/m);
    expect(md).not.toMatch(/^- /m);
    expect(md).toContain('\\u001b');
    // The hostile status key stays inside its table row.
    expect(md).toContain('| &lt;img src=x&gt;\\| | 2 |');
    expect(md).toContain('| p99&lt;1\\|x | 3 | ⚠️ not judged: invalid run |');
  });

  it('says when the run was interrupted', () => {
    expect(loadSummaryMd(run({ interrupted: true }))).toContain('> The run was interrupted: these figures are partial.');
  });
});

interface Attrs {
  [k: string]: string | Attrs | undefined;
}
interface Parsed {
  testsuites: Attrs & { testsuite: Attrs & { testcase: Array<Record<string, string | Attrs>>; properties: { property: Attrs[] } } };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true,
  isArray: (name) => name === 'testcase' || name === 'property',
});

function parse(xml: string): Parsed['testsuites']['testsuite'] & { root: Attrs } {
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(xml).not.toMatch(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u);
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const doc = parser.parse(xml) as Parsed;
  return Object.assign(doc.testsuites.testsuite, { root: doc.testsuites });
}

const failureOf = (tc: Record<string, string | Attrs>) => tc.failure as Attrs | undefined;

describe('junit.xml', () => {
  it('has one testcase per threshold; a failed one carries the actual value', () => {
    const suite = parse(loadJunitXml(judged(['p99<250ms', 'rps>=100', 'errors<0.1%', 'duplicatesProcessed==0'])));
    expect(suite.name).toBe('hookgate load optipick');
    expect(suite.testcase.map((t) => t.name)).toEqual(['p99<250ms', 'rps>=100', 'errors<0.1%', 'duplicatesProcessed==0']);
    expect({ tests: suite.tests, failures: suite.failures, errors: suite.errors, skipped: suite.skipped }).toEqual({ tests: '4', failures: '3', errors: '0', skipped: '0' });
    expect(suite.root.failures).toBe('3');
    expect(suite.time).toBe('5.000');
    const [p99, rps, errors, dup] = suite.testcase;
    expect(failureOf(p99)?.message).toBe('p99<250ms: actual 398.079 ms');
    expect(failureOf(p99)?.type).toBe('threshold');
    expect(failureOf(p99)?.['#text']).toContain('status codes: 200: 980, 202: 3, 503: 12');
    expect(failureOf(rps)).toBeUndefined();
    expect(failureOf(errors)?.message).toBe('errors<0.1%: actual 0.3%');
    expect(failureOf(dup)?.message).toBe('duplicatesProcessed==0: not measured (not observable: pass --effects-url)');
    expect(failureOf(dup)?.['#text']).not.toContain('note:');
  });

  it('records the verdict and the run in properties', () => {
    const suite = parse(loadJunitXml(judged(['p99<250ms'])));
    const props = Object.fromEntries(suite.properties.property.map((p) => [p.name, p.value]));
    expect(props).toMatchObject({ provider: 'optipick', target: 'http://127.0.0.1:3000/webhook', valid: 'true', verdict: 'fail', requests: '1000' });
    expect(props.verdictReason).toBe('1 of 1 threshold failed: p99<250ms (actual 398.079 ms)');
  });

  it('an invalid run fails every threshold, even one that held, unless --allow-invalid', () => {
    const r = judged(['p99<500ms', 'p99<250ms'], { valid: false, invalidReason: 'elu 0.99 in worker 1' });
    const suite = parse(loadJunitXml(r));
    expect(suite.failures).toBe('2');
    for (const tc of suite.testcase) {
      const f = failureOf(tc);
      expect(f?.type).toBe('invalid-run');
      expect(f?.message).toBe(`${tc.name as string}: ${INVALID_RUN_REASON}`);
      expect(f?.['#text']).toContain('why: elu 0.99 in worker 1');
      expect(f?.['#text']).toContain('--allow-invalid');
    }
    const allowed = parse(loadJunitXml(r, { allowInvalid: true }));
    expect(allowed.failures).toBe('1');
    expect(failureOf(allowed.testcase[0])).toBeUndefined();
    expect(failureOf(allowed.testcase[1])?.message).toBe('p99<250ms: actual 398.079 ms');
    expect(allowed['system-out']).toContain('INVALID run');
    expect(allowed['system-out']).toContain('Judged anyway (--allow-invalid)');
  });

  it('without thresholds it has one passing "load run" testcase, so the report is never empty', () => {
    for (const r of [run(), run({ valid: false, invalidReason: 'elu' })]) {
      const suite = parse(loadJunitXml(r));
      expect(suite.tests).toBe('1');
      expect(suite.failures).toBe('0');
      expect(suite.testcase[0].name).toBe('load run');
      expect(suite.testcase[0]['system-out']).toContain('no thresholds: nothing was judged');
    }
  });

  it('a shard skips its thresholds: they are judged after merge', () => {
    const suite = parse(loadJunitXml(judged(['p99<250ms']), { sharded: true }));
    expect({ failures: suite.failures, skipped: suite.skipped }).toEqual({ failures: '0', skipped: '1' });
    expect((suite.testcase[0].skipped as Attrs).message).toBe('p99<250ms: shard run, judged after hookgate merge (actual 398.079 ms)');
  });

  it('stays valid XML whatever the target, provider or expressions hold', () => {
    const xml = loadJunitXml(
      run({
        target: hostileTarget + '\u0000\ud800',
        provider: 'a"b<c>',
        thresholds: [{ expr: 'p99<1 ]]> </failure>&#0;\u0001', actual: 3, pass: false }],
        valid: false,
        invalidReason: '<x>&nbsp;\u001b',
      }),
    );
    const suite = parse(xml);
    expect(xml).not.toContain(']]>');
    expect(xml).not.toContain('<x>');
    expect(suite.testcase[0].name).toBe('p99<1 ]]> </failure>&#0;\\u0001');
    expect(suite.name).toBe('hookgate load a"b<c>');
  });
});

describe('loadSummaryMd with --find-max', () => {
  it('gives the max rate and every step', async () => {
    const { loadSummaryMd } = await import('../../reports/load-summary-md.js');
    const { createAggregate } = await import('../../suites/load/aggregate.js');
    const p = createAggregate(0).partial();
    const r = {
      schemaVersion: 1, tool: { name: 'hookgate', version: '0' }, provider: 'optipick', target: 'http://127.0.0.1:1/w', startedAt: '2026-01-01T00:00:00Z',
      model: { kind: 'open', rate: 400, maxInflight: 1000 }, durationMs: 2000, warmupMs: 0, requests: 800, throughputPerSec: 400,
      latencyMs: { p50: 1, p90: 2, p99: 3, p999: 4, max: 5, mean: 1 }, statusCodes: { 200: 800 }, ok2xx: 800, errors: 0,
      errorKinds: { non2xx: 0, reset: 0, refused: 0, closed: 0, parse: 0, other: 0 }, timeouts: 0, missedStarts: 0, duplicatesSent: 0, largeSent: 0, drained: 0,
      generatorCpu: { elu: [0.3], max: 0.3 }, valid: true, thresholds: [{ expr: 'errors<1%', actual: 0, pass: true }], histogramConfig: p.histogramConfig, histogram: p.histogram, timeline: [],
      findMax: { maxRate: 400, generatorBoundAt: 1600, curve: [
        { rate: 400, achieved: 400, p50: 1, p99: 3, errorRate: 0, timeouts: 0, pass: true, valid: true },
        { rate: 800, achieved: 790, p50: 2, p99: 900, errorRate: 4.5, timeouts: 0, pass: false, valid: true },
        { rate: 1600, achieved: 1200, p50: 2, p99: 900, errorRate: 4.5, timeouts: 0, pass: false, valid: false },
      ] },
      interrupted: false,
    } as const;
    const md = loadSummaryMd(r as never);
    expect(md).toContain('**Max rate: 400/s** held every threshold (measured twice).');
    expect(md).toContain('Generator-bound at 1,600/s');
    expect(md).toContain('| 800/s | 790/s | 2 ms | 900 ms | 4.5% | 0 | ❌ fail |');
    expect(md).toContain('⚠️ generator-bound');
  });
});
