import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HookgateError, EXIT } from '../../../fixtures/hookgate-error.js';
import {
  describeActual,
  formatThreshold,
  judgeThreshold,
  judgeThresholds,
  METRICS,
  NO_REQUESTS_NOTE,
  NOT_OBSERVABLE_NOTE,
  parseThreshold,
  type Threshold,
  type ThresholdFigures,
  type ThresholdMetric,
  type ThresholdOp,
  type ThresholdUnit,
} from '../../../suites/load/thresholds.js';

/*
 * `--threshold`: every metric, operator and unit read the way SPEC "Load" writes them, every
 * malformed expression refused with a hint (exit 2, never a silent pass), and judging in the
 * unit the user wrote.
 */

const shape = (expr: string) => {
  const { metric, op, value, unit } = parseThreshold(expr);
  return { metric, op, value, unit };
};

function refusal(expr: string): HookgateError {
  try {
    parseThreshold(expr);
  } catch (e) {
    expect(e).toBeInstanceOf(HookgateError);
    return e as HookgateError;
  }
  throw new Error(`${JSON.stringify(expr)} was accepted`);
}

describe('parseThreshold: accepted forms', () => {
  it.each([
    ['p99<250ms', { metric: 'p99', op: '<', value: 250, unit: 'ms' }],
    ['p99 < 250 ms', { metric: 'p99', op: '<', value: 250, unit: 'ms' }],
    ['  p50<=10  ', { metric: 'p50', op: '<=', value: 10, unit: 'ms' }],
    ['p90>1.5s', { metric: 'p90', op: '>', value: 1.5, unit: 's' }],
    ['p999 >= 800us', { metric: 'p999', op: '>=', value: 800, unit: 'us' }],
    ['p999<800µs', { metric: 'p999', op: '<', value: 800, unit: 'us' }],
    ['max==2s', { metric: 'max', op: '==', value: 2, unit: 's' }],
    ['mean<.5ms', { metric: 'mean', op: '<', value: 0.5, unit: 'ms' }],
    ['P99<250MS', { metric: 'p99', op: '<', value: 250, unit: 'ms' }],
    ['errors<0.1%', { metric: 'errors', op: '<', value: 0.1, unit: '%' }],
    ['errors <= 5', { metric: 'errors', op: '<=', value: 5, unit: 'count' }],
    ['errors>1 %', { metric: 'errors', op: '>', value: 1, unit: '%' }],
    ['errors>=0', { metric: 'errors', op: '>=', value: 0, unit: 'count' }],
    ['errors==100%', { metric: 'errors', op: '==', value: 100, unit: '%' }],
    ['timeouts==0', { metric: 'timeouts', op: '==', value: 0, unit: 'count' }],
    ['timeouts < 1%', { metric: 'timeouts', op: '<', value: 1, unit: '%' }],
    ['rps>=2000', { metric: 'rps', op: '>=', value: 2000, unit: 'req/s' }],
    ['rps > 1e3', { metric: 'rps', op: '>', value: 1000, unit: 'req/s' }],
    ['rps<5000/s', { metric: 'rps', op: '<', value: 5000, unit: 'req/s' }],
    ['rps<=5000 req/s', { metric: 'rps', op: '<=', value: 5000, unit: 'req/s' }],
    ['duplicatesProcessed==0', { metric: 'duplicatesProcessed', op: '==', value: 0, unit: 'count' }],
    ['duplicatesprocessed < 3', { metric: 'duplicatesProcessed', op: '<', value: 3, unit: 'count' }],
  ])('%s', (expr, expected) => {
    expect(shape(expr)).toEqual(expected);
  });

  it('keeps the expression as written (trimmed) for reports', () => {
    expect(parseThreshold('  p99 < 250 ms ').expr).toBe('p99 < 250 ms');
  });

  it('accepts every operator for every metric except == for rps', () => {
    for (const metric of METRICS) {
      for (const op of ['<', '<=', '>', '>=', '=='] as const) {
        const expr = `${metric}${op}1`;
        if (metric === 'rps' && op === '==') expect(() => parseThreshold(expr)).toThrow(HookgateError);
        else expect(parseThreshold(expr).op).toBe(op);
      }
    }
  });
});

describe('parseThreshold: refusals', () => {
  it.each([
    ['', /empty expression/, /p99<250ms/],
    ['   ', /empty expression/, /p99<250ms/],
    ['<250ms', /does not start with a metric/, /metrics: p50/],
    ['p99', /no comparison after p99/, /p99<250ms/],
    ['p99 250ms', /no comparison after p99/, /< <= > >= ==/],
    ['p99=250ms', /"=" is not a comparison/, /did you mean "p99==250ms"\?/],
    ['p99 =< 250ms', /"=<" is not a comparison/, /did you mean "p99<=250ms"\?/],
    ['rps=>2000', /"=>" is not a comparison/, /did you mean "rps>=2000"\?/],
    ['p99!=250', /cannot be compared with "!="/, /< <= > >= ==/],
    ['rps==2000', /rps cannot be compared with "==": throughput is measured/, /rps>=2000/],
    ['p99<', /no number after "<"/, /p99<250ms/],
    ['p99<ms', /no number after "<"/, /p99<250ms/],
    ['p99<-5ms', /negative/, /p99<250ms/],
    ['p99<1e999', /too large/, /p99<250ms/],
    ['p99<250msec', /unexpected "msec".*ms, s or us/, /one threshold per --threshold/],
    ['p99<5%', /unexpected "%".*ms, s or us/, /p99<250ms/],
    ['p99<250ms and p90<100ms', /unexpected "ms and p90<100ms"/, /one threshold per --threshold/],
    ['errors<5ms', /unexpected "ms".*N% \(of requests\) or a count/, /errors<0.1%/],
    ['errors<2.5', /2.5 is not a whole number of errors/, /for a rate write 2.5%/],
    ['timeouts<150%', /150% is more than all requests/, /0 to 100%/],
    ['rps>2000ms', /unexpected "ms".*requests per second/, /rps>=2000/],
    ['duplicatesProcessed<1%', /duplicatesProcessed is a count, not a rate/, /duplicatesProcessed==0/],
    ['duplicatesProcessed<0.5', /0.5 is not a whole number/, /a count is a whole number$/],
  ])('%j', (expr, message, hint) => {
    const e = refusal(expr);
    expect(e.code).toBe('BAD_THRESHOLD');
    expect(e.exitCode).toBe(EXIT.usage);
    expect(e.message).toContain('--threshold');
    expect(e.message).toContain(JSON.stringify(expr.trim() || expr));
    expect(e.message).toMatch(message);
    expect(e.hint).toMatch(hint);
  });

  it.each([
    ['p99.9<250ms', 'p999<250ms'],
    ['p99_9 < 1s', 'p999< 1s'],
    ['error<0.1%', 'errors<0.1%'],
    ['timeout==0', 'timeouts==0'],
    ['throughput>=2000', 'rps>=2000'],
    ['duplicates==0', 'duplicatesProcessed==0'],
    ['avg<10ms', 'mean<10ms'],
    ['dupilcatesProcessed==0', 'duplicatesProcessed==0'],
  ])('unknown metric %j: did you mean %j', (expr, suggestion) => {
    const e = refusal(expr);
    expect(e.message).toMatch(/unknown metric/);
    expect(e.hint).toBe(`did you mean ${JSON.stringify(suggestion)}?`);
    // The suggestion itself must parse: a hint that leads to another error helps no one.
    expect(() => parseThreshold(suggestion)).not.toThrow();
  });

  it('latency is pointed at the percentiles, with the user\'s own comparison', () => {
    const e = refusal('latency < 250ms');
    expect(e.message).toBe('--threshold "latency < 250ms": unknown metric "latency"');
    expect(e.hint).toMatch(/p50, p90, p99, p999, max or mean/);
    expect(e.hint).toContain('"p99< 250ms"');
  });

  it('an unreported percentile is named as such, not "corrected" to a neighbour', () => {
    for (const [expr, name] of [['p95<100ms', 'p95'], ['p9<250', 'p9'], ['p99.99<1s', 'p99.99']]) {
      const e = refusal(expr);
      expect(e.message).toContain(`percentile "${name}" is not reported`);
      expect(e.hint).not.toMatch(/did you mean/);
      expect(e.hint).toMatch(/p50, p90, p99 and p999/);
    }
  });

  it('a metric nothing resembles gets the list of metrics', () => {
    const e = refusal('banana<3');
    expect(e.message).toMatch(/unknown metric "banana"/);
    expect(e.hint).toMatch(/metrics: p50, p90, p99, p999, max, mean .*errors, timeouts .*rps .*duplicatesProcessed/);
  });
});

const UNITS_FOR: Record<ThresholdMetric, readonly ThresholdUnit[]> = {
  p50: ['ms', 's', 'us'],
  p90: ['ms', 's', 'us'],
  p99: ['ms', 's', 'us'],
  p999: ['ms', 's', 'us'],
  max: ['ms', 's', 'us'],
  mean: ['ms', 's', 'us'],
  errors: ['%', 'count'],
  timeouts: ['%', 'count'],
  rps: ['req/s'],
  duplicatesProcessed: ['count'],
};

const thresholdArb: fc.Arbitrary<Omit<Threshold, 'expr'>> = fc
  .constantFrom(...METRICS)
  .chain((metric) =>
    fc.record({
      metric: fc.constant(metric),
      op: fc.constantFrom<ThresholdOp>(...(metric === 'rps' ? (['<', '<=', '>', '>='] as const) : (['<', '<=', '>', '>=', '=='] as const))),
      unit: fc.constantFrom(...UNITS_FOR[metric]),
    }),
  )
  .chain((t) => {
    const value =
      t.unit === 'count'
        ? fc.nat({ max: 1e9 })
        : t.unit === '%'
          ? fc.double({ min: 0, max: 100, noNaN: true })
          : fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true });
    // -0 formats as "0": the same threshold, but not the same double.
    return value.map((v) => ({ ...t, value: Object.is(v, -0) ? 0 : v }));
  });

describe('parse(format(x)) round trips', () => {
  it('the canonical form reads back to the same threshold', () => {
    fc.assert(
      fc.property(thresholdArb, (t) => {
        const expr = formatThreshold(t);
        expect(parseThreshold(expr)).toEqual({ ...t, expr });
      }),
    );
  });

  it('whitespace between the parts does not change the threshold', () => {
    const ws = fc.stringMatching(/^[ \t]{0,3}$/);
    fc.assert(
      fc.property(thresholdArb, ws, ws, ws, ws, (t, a, b, c, d) => {
        const suffix = formatThreshold(t).slice(`${t.metric}${t.op}${String(t.value)}`.length);
        const spaced = `${a}${t.metric}${b}${t.op}${c}${String(t.value)}${d}${suffix}`;
        expect(shape(spaced)).toEqual(t);
      }),
    );
  });
});

function figures(over: Partial<ThresholdFigures> = {}): ThresholdFigures {
  return {
    requests: 1000,
    throughputPerSec: 1834.25,
    latencyMs: { p50: 12.5, p90: 80.25, p99: 312.4, p999: 900.123, max: 1500, mean: 20.001 },
    errors: 3,
    timeouts: 1,
    ...over,
  };
}

const judge = (expr: string, f: ThresholdFigures = figures()) => judgeThreshold(parseThreshold(expr), f);

describe('judgeThresholds', () => {
  it.each([
    // latency, in the unit the expression used
    ['p99<250ms', 312.4, false],
    ['p99<=312.4', 312.4, true],
    ['p99>312.4ms', 312.4, false],
    ['p99>=312.4ms', 312.4, true],
    ['p99==312.4ms', 312.4, true],
    ['p99<0.5s', 0.3124, true],
    ['p99<0.3124s', 0.3124, false],
    ['p99<=0.3124s', 0.3124, true],
    ['p50<12600us', 12500, true],
    ['p999==900123us', 900123, true],
    ['max<=1.5s', 1.5, true],
    ['mean>20ms', 20.001, true],
    ['p90<80.25', 80.25, false],
    // rates are percent of requests, counts are counts
    ['errors<0.1%', 0.3, false],
    ['errors<=0.3%', 0.3, true],
    ['errors==0.3%', 0.3, true],
    ['errors>0.3%', 0.3, false],
    ['errors>=0.3%', 0.3, true],
    ['errors<5', 3, true],
    ['errors==3', 3, true],
    ['timeouts==0', 1, false],
    ['timeouts<=0.1%', 0.1, true],
    ['timeouts>0', 1, true],
    // throughput
    ['rps>=2000', 1834.25, false],
    ['rps>1800', 1834.25, true],
    ['rps<2000', 1834.25, true],
    ['rps<=1834.25', 1834.25, true],
  ])('%s → actual %d, pass %s', (expr, actual, pass) => {
    const r = judge(expr);
    expect(r).toMatchObject({ expr, actual, pass });
    expect(r.note).toBeUndefined();
  });

  it('a rate of exactly the threshold is exactly the threshold (no binary noise)', () => {
    for (let errors = 0; errors <= 1000; errors++) {
      const pct = errors / 10; // errors out of 1000 requests, in percent, as a user would write it
      const expr = `errors<=${pct}%`;
      expect(judge(expr, figures({ errors })).pass, expr).toBe(true);
      expect(judge(`errors==${pct}%`, figures({ errors })).actual).toBe(pct);
    }
  });

  it('duplicatesProcessed is a count when observed, and fails visibly when not', () => {
    expect(judge('duplicatesProcessed==0', figures({ duplicatesProcessed: 0 }))).toEqual({ expr: 'duplicatesProcessed==0', actual: 0, pass: true });
    expect(judge('duplicatesProcessed==0', figures({ duplicatesProcessed: 2 }))).toEqual({ expr: 'duplicatesProcessed==0', actual: 2, pass: false });
    const unobserved = judge('duplicatesProcessed==0', figures());
    expect(unobserved.pass).toBe(false);
    expect(unobserved.actual).toBeNaN();
    expect(unobserved.note).toBe(NOT_OBSERVABLE_NOTE);
    expect(NOT_OBSERVABLE_NOTE).toBe('not observable: pass --effects-url');
    // Even a bound that no count could break does not pass on an unknown.
    expect(judge('duplicatesProcessed>=0', figures()).pass).toBe(false);
  });

  it('a run that measured no requests passes nothing (empty histograms read as 0 ms)', () => {
    const empty = figures({ requests: 0, errors: 0, timeouts: 0, throughputPerSec: 0, latencyMs: { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 } });
    for (const expr of ['p99<250ms', 'errors<1%', 'errors==0', 'timeouts==0', 'rps<10', 'duplicatesProcessed==0']) {
      const r = judge(expr, { ...empty, duplicatesProcessed: 0 });
      expect(r.pass, expr).toBe(false);
      expect(r.note).toBe(NO_REQUESTS_NOTE);
    }
    expect(judge('rps<10', empty).actual).toBe(0);
    expect(judge('p99<250ms', empty).actual).toBeNaN();
  });

  it('judges a list in order', () => {
    const results = judgeThresholds(['p99<250ms', 'rps>1000', 'duplicatesProcessed==0'].map(parseThreshold), figures());
    expect(results.map((r) => [r.expr, r.pass])).toEqual([
      ['p99<250ms', false],
      ['rps>1000', true],
      ['duplicatesProcessed==0', false],
    ]);
  });
});

describe('describeActual', () => {
  it.each([
    ['p99<250ms', '312.4 ms'],
    ['p99<0.5s', '0.312 s'],
    ['p50<12600us', '12500 µs'],
    ['errors<0.1%', '0.3%'],
    ['errors<5', '3'],
    ['rps>=2000', '1834.25 req/s'],
    ['mean<25', '20.001 ms'],
  ])('%s → %s', (expr, shown) => {
    expect(describeActual(judge(expr))).toBe(shown);
  });

  it('never rounds a failing figure onto the bound', () => {
    const latencyMs = { p50: 1, p90: 1, p99: 250.0004, p999: 300, max: 300, mean: 1 };
    const r = judge('p99<=250ms', figures({ latencyMs }));
    expect(r.pass).toBe(false);
    expect(describeActual(r)).toBe('250.0004 ms');
    // Where the rounded figure tells the same story, it is shown rounded.
    expect(describeActual(judge('p99<250ms', figures({ latencyMs })))).toBe('250 ms');
  });

  it('keeps tiny rates readable', () => {
    expect(describeActual(judge('errors<0.01%', figures({ requests: 1_000_000, errors: 1 })))).toBe('0.0001%');
  });

  it('an unobserved figure reads as not measured, with the reason', () => {
    expect(describeActual(judge('duplicatesProcessed==0'))).toBe('not measured (not observable: pass --effects-url)');
  });

  it('an expression it cannot read (hand-edited load.json) shows the bare number', () => {
    expect(describeActual({ expr: 'p95<1', actual: 3, pass: false })).toBe('3');
  });
});
