import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportHtml } from '../../reports/load-report-html.js';
import { curveSeries, distributionSeries, jsonForHtml, loadReportData, timelineSeries } from '../../reports/load-report-data.js';
import { createAggregate, latencyFigures } from '../../suites/load/aggregate.js';
import { judgeThresholds, parseThreshold } from '../../suites/load/thresholds.js';
import { HISTOGRAM_CONFIG, type FindMaxResult, type LoadResults, type Sample } from '../../suites/load/types.js';

/*
 * The load run's report.html: the series it charts (computed in Node from the real
 * per-second histograms the aggregate writes), and the page opened for real in headless
 * Chromium from a file:// URL: every chart draws, no request of any kind, no CSP
 * violation, and a hostile target URL stays text. Chromium comes from Debian
 * (`apt-get install chromium`, done by .ci/run); without it the browser tests are skipped
 * locally, but CI (CI=true) fails.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const itBrowser = it.skipIf(!hasChromium);

// A developer without Chromium gets skips; CI (CI=true) must have it, or a green run would prove nothing.
it.runIf(process.env.CI === 'true' && !hasChromium)('has Chromium in CI (.ci/run installs it)', () => {
  throw new Error(`${CHROMIUM} is missing: .ci/run must apt-get install chromium`);
});

const HOSTILE_TARGET = 'http://x/<img src=x onerror=window.__pwned=1>';
const RATE = 200;
const SECONDS = 10;

/**
 * An open-model run at 200/s for 10 s, folded by the real aggregate. The receiver answers in
 * 2–14 ms, except: it stalls from 3.0 s to 4.0 s (every request due then waits for 4.0 s),
 * answers 503 to every 10th request in second 6, resets two connections in second 7, and
 * lets two requests time out (5 s) in second 8.
 */
function samples(): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < RATE * SECONDS; i++) {
    const due = (i * 1000) / RATE;
    const base = 2 + ((i * 7) % 13);
    const stalled = due >= 3000 && due < 4000;
    const end = stalled ? 4000 + base : due + base;
    let outcome: Sample['outcome'] = { kind: 'response', status: 200 };
    if (due >= 6000 && due < 7000 && i % 10 === 0) outcome = { kind: 'response', status: 503 };
    if (due >= 7000 && due < 7020) outcome = { kind: 'error', error: 'reset' };
    if (due >= 8000 && due < 8010) {
      out.push({ dueMs: due, endMs: due + 5000, outcome: { kind: 'timeout' }, duplicate: false });
      continue;
    }
    out.push({ dueMs: due, endMs: end, outcome, duplicate: i % 20 === 0 });
  }
  return out;
}

const FIND_MAX: FindMaxResult = {
  maxRate: 600,
  curve: [
    { rate: 100, achieved: 100, p50: 3, p99: 9, errorRate: 0, timeouts: 0, pass: true, valid: true },
    { rate: 200, achieved: 199.9, p50: 3.2, p99: 11, errorRate: 0, timeouts: 0, pass: true, valid: true },
    { rate: 400, achieved: 399.5, p50: 3.9, p99: 18, errorRate: 0, timeouts: 0, pass: true, valid: true },
    { rate: 800, achieved: 701, p50: 60, p99: 820, errorRate: 4.2, timeouts: 3, pass: false, valid: true },
    { rate: 600, achieved: 598.8, p50: 5, p99: 42, errorRate: 0.01, timeouts: 0, pass: true, valid: true },
    { rate: 700, achieved: 688, p50: 22, p99: 310, errorRate: 0.6, timeouts: 0, pass: false, valid: true },
    { rate: 600, achieved: 599.1, p50: 5.2, p99: 47, errorRate: 0, timeouts: 0, pass: true, valid: true },
  ],
};

function fixture(over: Partial<LoadResults> = {}, thresholds = ['p99<500ms', 'errors<5%', 'rps>=150', 'p50<20ms']): LoadResults {
  const agg = createAggregate(0);
  for (const s of samples()) agg.add(s);
  const p = agg.partial();
  const figures = {
    requests: p.requests,
    throughputPerSec: p.requests / SECONDS,
    latencyMs: latencyFigures(p.histogram, p.histogramConfig),
    errors: p.errors,
    timeouts: p.timeouts,
    ok2xx: p.ok2xx,
  };
  return {
    schemaVersion: 1,
    tool: { name: 'hookgate', version: '0.1.0' },
    provider: 'optipick',
    target: HOSTILE_TARGET,
    startedAt: '2026-01-02T03:04:05.678Z',
    model: { kind: 'open', rate: RATE, maxInflight: 1000 },
    durationMs: SECONDS * 1000,
    warmupMs: 0,
    ...figures,
    statusCodes: p.statusCodes,
    errorKinds: p.errorKinds,
    missedStarts: 0,
    duplicatesSent: p.duplicatesSent,
    largeSent: 0,
    drained: 0,
    generatorCpu: { elu: [0.31, 0.28], max: 0.31 },
    valid: true,
    thresholds: judgeThresholds(thresholds.map(parseThreshold), figures),
    histogramConfig: p.histogramConfig,
    histogram: p.histogram,
    timeline: p.timeline,
    interrupted: false,
    ...over,
  };
}

describe('load report series (computed in Node from the histograms)', () => {
  const r = fixture();
  const tl = timelineSeries(r.timeline, r.histogramConfig, SECONDS);

  it('has one entry per second with the counts of the timeline', () => {
    expect(tl.t).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(tl.requests).toEqual(Array(10).fill(RATE));
    expect(tl.errors).toEqual([0, 0, 0, 0, 0, 0, 20, 4, 0, 0]);
    expect(tl.timeouts).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 2, 0]);
    expect(tl.ok2xx[6]).toBe(180);
  });

  it("shows a 1 s stall in second 3 as p99 ≈ 1000 ms at t = 3 only, from that second's own histogram", () => {
    expect(tl.p99[3]).toBeGreaterThan(980);
    expect(tl.p99[3]).toBeLessThan(1010);
    expect(tl.max[3]).toBeGreaterThan(990);
    // Half the second waited at least half a second.
    expect(tl.p50[3]).toBeGreaterThan(480);
    for (const t of [0, 1, 2, 4, 5, 6, 7, 9]) {
      expect(tl.p99[t]).toBeLessThan(15);
      expect(tl.max[t]).toBeLessThan(15);
    }
    // The timeouts enter their second's histogram at their elapsed time; p99 of 200 requests with 2 at 5 s is not 5 s.
    expect(tl.max[8]).toBeCloseTo(5000, -1);
    expect(tl.p99[8]).toBeLessThan(15);
    // The whole run's p99 (2,000 requests, 200 stalled) is not any second's p99: never combined from them.
    expect(r.latencyMs.p99).toBeGreaterThan(900);
  });

  it('keeps a second without requests as a gap, and extends to the measured duration', () => {
    const holed = r.timeline.filter((s) => s.t !== 2);
    const g = timelineSeries(holed, r.histogramConfig, 12);
    expect(g.t).toHaveLength(12);
    expect(g.requests[2]).toBe(0);
    expect(g.p99[2]).toBeNull();
    expect(g.p99[11]).toBeNull();
    expect(g.p99[1]).toBe(tl.p99[1]);
  });

  it('plots the whole-run distribution on x = 1/(1−p), ending at the maximum', () => {
    const d = distributionSeries(r.histogram, r.histogramConfig);
    expect(d.count).toBe(RATE * SECONDS);
    expect(d.x[0]).toBe(1);
    expect(d.percentile[0]).toBe(0);
    for (const [x, p] of [[10, 90], [100, 99], [1000, 99.9]] as const) {
      const i = d.x.indexOf(x);
      expect(i).toBeGreaterThan(0);
      expect(d.percentile[i]).toBeCloseTo(p, 6);
    }
    expect(d.x.at(-1)).toBe(RATE * SECONDS);
    expect(d.ms.at(-1)).toBe(r.latencyMs.max);
    for (let i = 1; i < d.ms.length; i++) expect(d.ms[i]).toBeGreaterThanOrEqual(d.ms[i - 1]!);
    expect(d.ms[d.x.indexOf(100)]).toBeCloseTo(r.latencyMs.p99, 0);
    expect(distributionSeries(createAggregate(0).partial().histogram, HISTOGRAM_CONFIG)).toEqual({ x: [], percentile: [], ms: [], count: 0 });
  });

  it('sorts the find-max curve by the rate asked and keeps the answer', () => {
    const c = curveSeries(FIND_MAX);
    expect(c.rate).toEqual([100, 200, 400, 600, 600, 700, 800]);
    expect(c.pass).toEqual([true, true, true, true, true, false, false]);
    expect(c.maxRate).toBe(600);
    expect(c.generatorBoundAt).toBeNull();
    expect(loadReportData(r).curve).toBeUndefined();
    expect(loadReportData({ ...r, findMax: FIND_MAX }).curve?.rate).toHaveLength(7);
  });

  it('writes JSON that cannot close its script element', () => {
    const value = { s: '</script><script>window.__pwned=1</script><!-- & \u2028', n: [1.5, null, Number.NaN] };
    const json = jsonForHtml(value);
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual({ ...value, n: [1.5, null, null] });
  });
});

describe('loadReportHtml (static)', () => {
  const html = loadReportHtml(fixture({ findMax: FIND_MAX }));

  it('allows exactly its own inline blocks by hash, and nothing by URL', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'") ?? '';
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[^']+' 'sha256-[^']+'; script-src 'sha256-[^']+' 'sha256-[^']+'; base-uri 'none'; form-action 'none'$/);
    expect(csp).not.toContain('unsafe');
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => hash(m[1]!));
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => hash(m[1]!));
    expect(styles).toHaveLength(2);
    expect(scripts).toHaveLength(2);
    expect(csp).toBe(`default-src 'none'; style-src ${styles.join(' ')}; script-src ${scripts.join(' ')}; base-uri 'none'; form-action 'none'`);
    // The library keeps its MIT notice; nothing is loaded by URL.
    expect(html).toContain('Copyright (c) 2022 Leon Sorokin');
    expect(html).toContain('/*! https://github.com/leeoniya/uPlot (v1.6.32) */');
    expect(html).not.toMatch(/<link|<img|<iframe|<object|<embed|@import|url\(|@font-face/i);
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|href|srcset|action|poster)=/i);
  });

  it('escapes the target everywhere and embeds the series as a data island', () => {
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('http://x/&lt;img src=x onerror=window.__pwned=1&gt;');
    const island = /<script type="application\/json" id="load-data">([^<]*)<\/script>/.exec(html)?.[1];
    expect(island).toBeDefined();
    const data = JSON.parse(island!) as ReturnType<typeof loadReportData>;
    expect(data.timeline.p99[3]).toBeGreaterThan(980);
    expect(data.curve?.maxRate).toBe(600);
  });

  it('leaves out the find-max section without --find-max, and flags an invalid run', () => {
    const plain = loadReportHtml(fixture());
    expect(plain).not.toContain('id="chart-curve"');
    expect(plain).not.toContain('id="find-max"');
    expect(html).toContain('id="chart-curve"');
    expect(plain).not.toContain('INVALID');
    const invalid = loadReportHtml(fixture({ valid: false, invalidReason: "the generator's event loop was busy 97% <b>x</b>" }));
    expect(invalid).toContain('<h1 id="verdict">✗ FAIL <small>(INVALID run)</small>');
    expect(invalid).toContain('busy 97% &lt;b&gt;x&lt;/b&gt;');
    expect(invalid).toContain('not judged: invalid run');
    const allowed = loadReportHtml(fixture({ valid: false }, ['errors<5%']), { allowInvalid: true });
    expect(allowed).toContain('⚠ PASS <small>(INVALID run)</small>');
  });
});

interface Opened {
  page: Page;
  fileUrl: string;
  offending: string[];
  problems: string[];
}

describe('load report.html in headless Chromium', () => {
  let dir = '';
  let browser: Browser | undefined;
  let main: Opened;
  let invalid: Opened;

  async function open(name: string, html: string): Promise<Opened> {
    const file = join(dir, name);
    writeFileSync(file, html);
    const fileUrl = pathToFileURL(file).href;
    const offending: string[] = [];
    const problems: string[] = [];
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    // Every request the page makes, of any scheme, is seen here; only the file itself may load.
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url === fileUrl || url.startsWith('data:') || url.startsWith('about:')) return route.continue();
      offending.push(url);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('request', (req) => {
      const url = req.url();
      if (url !== fileUrl && !url.startsWith('data:') && !url.startsWith('about:')) offending.push(url);
    });
    page.on('console', (msg) => {
      // Chromium's hint after this test reads the canvases back (getImageData) is about the test, not the page.
      if (msg.text().startsWith('Canvas2D: Multiple readback operations')) return;
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    // Injected by the browser ahead of the page (not subject to its CSP): records any violation.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __csp?: string[] }).__csp?.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
      (window as unknown as { __csp: string[] }).__csp = [];
    });
    await page.goto(fileUrl, { waitUntil: 'load' });
    return { page, fileUrl, offending, problems };
  }

  beforeAll(async () => {
    if (!hasChromium) return;
    dir = mkdtempSync(join(tmpdir(), 'hookgate-load-report-html-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    main = await open('report.html', loadReportHtml(fixture({ findMax: FIND_MAX })));
    invalid = await open('invalid.html', loadReportHtml(fixture({ valid: false, invalidReason: "the generator's event loop was busy 97% of the time (thread 1 of 2)" }, [])));
  });

  afterAll(async () => {
    await browser?.close();
    if (dir && !process.env.HOOKGATE_KEEP_REPORT) rmSync(dir, { recursive: true, force: true });
    else if (dir) console.log(`load report kept in ${dir}`);
  });

  /** Per chart: how many saturated pixels its plot area (`.u-over`) has: the series, not the grey axes and grid. */
  function drawnPixels(page: Page): Promise<Record<string, { painted: number; coloured: number }>> {
    return page.evaluate(() => {
      const out: Record<string, { painted: number; coloured: number }> = {};
      for (const fig of document.querySelectorAll('figure.chart')) {
        const canvas = fig.querySelector('canvas');
        const over = fig.querySelector<HTMLElement>('.u-over');
        if (!canvas || !over) continue;
        const ctx = canvas.getContext('2d')!;
        const k = canvas.width / canvas.clientWidth;
        const img = ctx.getImageData(Math.round(over.offsetLeft * k), Math.round(over.offsetTop * k), Math.round(over.clientWidth * k), Math.round(over.clientHeight * k)).data;
        const whole = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        let coloured = 0;
        for (let i = 0; i < whole.length; i += 4) if (whole[i + 3]! > 0 && !(whole[i]! > 250 && whole[i + 1]! > 250 && whole[i + 2]! > 250)) painted++;
        for (let i = 0; i < img.length; i += 4) {
          const [r, g, b, a] = [img[i]!, img[i + 1]!, img[i + 2]!, img[i + 3]!];
          if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
        }
        out[fig.id] = { painted, coloured };
      }
      return out;
    });
  }

  itBrowser('renders the verdict and draws every chart, under its CSP, without a request', async () => {
    const { page } = main;
    expect(await page.title()).toBe(`hookgate load FAIL · optipick · ${HOSTILE_TARGET}`);
    expect(await page.locator('#verdict').textContent()).toContain('✗ FAIL');
    expect(await page.evaluate(() => document.documentElement.dataset.charts)).toBe('4');
    const drawn = await drawnPixels(page);
    expect(Object.keys(drawn).sort()).toEqual(['chart-curve', 'chart-distribution', 'chart-latency', 'chart-throughput']);
    for (const [id, px] of Object.entries(drawn)) {
      expect(px.painted, id).toBeGreaterThan(1000);
      expect(px.coloured, id).toBeGreaterThan(200);
    }
    const legend = async (id: string) => (await page.locator(`#${id} .u-legend .u-series th`).allTextContents()).map((s) => s.trim());
    expect(await legend('chart-throughput')).toEqual(['second', 'requests', '2xx', 'errors', 'timeouts']);
    expect(await legend('chart-latency')).toEqual(['second', 'p50', 'p90', 'p99', 'max']);
    expect(await legend('chart-distribution')).toEqual(['percentile', 'latency']);
    expect(await legend('chart-curve')).toEqual(['rate asked', 'p99', 'error rate', 'failed step (p99)']);
    expect(await page.locator('#max-rate').textContent()).toBe('600/s');
    expect(main.offending).toEqual([]);
    expect(main.problems).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
  });

  itBrowser('shows the values under the cursor in the legend, with their units', async () => {
    const { page } = main;
    const values = async (id: string) => {
      const over = page.locator(`#${id} .u-over`);
      await over.scrollIntoViewIfNeeded();
      const box = (await over.boundingBox())!;
      // Over second 3 of 0..9, where the stall is.
      await over.hover({ position: { x: box.width / 3, y: box.height / 2 } });
      const cells = page.locator(`#${id} .u-legend .u-series .u-value`);
      // The legend follows the cursor on the next animation frame.
      await expect.poll(async () => (await cells.first().textContent())?.trim(), { timeout: 2000 }).not.toBe('–');
      return (await cells.allTextContents()).map((s) => s.trim());
    };
    const latency = await values('chart-latency');
    expect(latency[0]).toBe('3 s');
    expect(latency.slice(1)).toEqual(latency.slice(1).map(() => expect.stringMatching(/^[\d,.]+ ms$/)));
    expect(Number(latency[3]!.replace(/[, ms]/g, ''))).toBeGreaterThan(980);
    expect(await values('chart-throughput')).toEqual(['3 s', '200 /s', '200 /s', '0 /s', '0 /s']);
    const distribution = await values('chart-distribution');
    expect(distribution[0]).toMatch(/^\d+(\.\d+)?%$/);
    expect(distribution[1]).toMatch(/ ms$/);
    expect((await values('chart-curve'))[0]).toMatch(/^[\d,]+ \/s$/);
    expect(main.problems).toEqual([]);
  });

  itBrowser('redraws the latency charts on a log scale and back', async () => {
    const { page } = main;
    for (const id of ['chart-latency', 'chart-distribution']) {
      const box = page.locator(`#${id} input[data-log]`);
      expect(await box.isVisible()).toBe(true);
      await box.check();
      expect(await page.locator(`#${id} canvas`).count()).toBe(1);
      expect((await drawnPixels(page))[id]!.coloured, id).toBeGreaterThan(200);
      await box.uncheck();
      expect((await drawnPixels(page))[id]!.coloured, id).toBeGreaterThan(200);
    }
    expect(main.problems).toEqual([]);
  });

  itBrowser('shows the thresholds with their actual values and the status codes', async () => {
    const { page } = main;
    const rows = await page.locator('#thresholds tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent).join(' | ')));
    expect(rows).toEqual([
      expect.stringMatching(/^p99<500ms \| 9\d\d(\.\d+)? ms \| ✗ fail$/),
      'errors<5% | 1.2% | ✓ pass',
      'rps>=150 | 200 req/s | ✓ pass',
      expect.stringMatching(/^p50<20ms \| \d(\.\d+)? ms \| ✓ pass$/),
    ]);
    const status = (await page.locator('#status table').first().innerText()).replace(/\s+/g, ' ');
    expect(status).toContain('200 1,974');
    expect(status).toContain('503 20');
    expect(status).toContain('no answer: reset 4');
    expect(status).toContain('timeout 2');
  });

  itBrowser('shows the hostile target URL as text and never runs it', async () => {
    const { page } = main;
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    const meta = page.locator('.meta', { hasText: HOSTILE_TARGET });
    expect(await meta.isVisible()).toBe(true);
  });

  itBrowser('warns visibly about an invalid run, and has no find-max chart without --find-max', async () => {
    const { page } = invalid;
    const banner = page.locator('#invalid');
    expect(await banner.isVisible()).toBe(true);
    const text = await banner.innerText();
    expect(text).toContain('INVALID run: the generator could not produce the load; the figures say nothing about the receiver.');
    expect(text).toContain("the generator's event loop was busy 97% of the time (thread 1 of 2)");
    expect(await page.locator('#chart-curve').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.dataset.charts)).toBe('3');
    expect(await page.locator('#thresholds').innerText()).toContain('No --threshold was given');
    expect(invalid.offending).toEqual([]);
    expect(invalid.problems).toEqual([]);
  });

  itBrowser('fits a phone screen, and redraws there', async () => {
    const { page } = main;
    await page.screenshot({ path: process.env.HOOKGATE_LOAD_SCREENSHOT ?? join(dir, 'load-report.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => (document.querySelector<HTMLCanvasElement>('#chart-latency canvas')?.clientWidth ?? 9999) < 390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const drawn = await drawnPixels(page);
    for (const [id, px] of Object.entries(drawn)) expect(px.coloured, id).toBeGreaterThan(100);
    if (process.env.HOOKGATE_LOAD_SCREENSHOT) await page.screenshot({ path: process.env.HOOKGATE_LOAD_SCREENSHOT.replace(/\.png$/, '-phone.png'), fullPage: true });
    expect(main.offending).toEqual([]);
    expect(main.problems).toEqual([]);
  });
});
