// index.html of `check --targets` in real headless Chromium: it renders under its own CSP, makes no
// request, sorts by a column when a header is clicked or activated from the keyboard, and shows
// hostile names, URLs and reasons as text.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetsIndexHtml } from '../../reports/targets-index-html.js';
import { targetsSummaryMarkdown } from '../../reports/targets-summary-md.js';
import type { IndexEntry } from '../../suites/targets/target-entry.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const itBrowser = it.skipIf(!hasChromium);

const entry = (name: string, verdict: IndexEntry['verdict'], p99Ms: number | null, failed: string[] = [], warned: string[] = []): IndexEntry => ({
  name,
  provider: 'optipick',
  url: `https://${name.replace(/\W/g, '') || 'x'}.example/webhook`,
  verdict,
  failed,
  warned,
  p99Ms,
  report: `${name.replace(/\W/g, '') || 'x'}/report.html`,
  durationMs: 1000,
  reason: verdict === 'pass' ? 'every MUST check passed' : `<img src=x onerror=alert(1)> ${verdict}`,
});

const ENTRIES: IndexEntry[] = [
  entry('bravo', 'pass', 12.5),
  entry('<script>window.__pwned=1</script>', 'fail', 3, ['signature.raw-body']),
  entry('alpha', 'unreachable', null),
  entry('charlie', 'timed-out', 250, [], ['status.rejection-is-4xx']),
  entry('delta', 'pass', 1.2),
];

describe('targets summary.md', () => {
  it('counts, failures first, every row escaped', () => {
    const md = targetsSummaryMarkdown(ENTRIES);
    expect(md).toMatch(/2 of 5 passed/);
    expect(md.indexOf('signature.raw-body')).toBeLessThan(md.indexOf('| bravo'));
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<img');
  });
});

describe('targets index.html in headless Chromium', () => {
  let browser: Browser | undefined;
  let page: Page;
  let dir = '';
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    dir = mkdtempSync(join(tmpdir(), 'hookgate-targets-index-'));
    const file = join(dir, 'index.html');
    writeFileSync(file, targetsIndexHtml(ENTRIES, { startedAt: '2026-11-30T16:00:00.000Z', durationMs: 9100, version: 'test' }));
    const fileUrl = pathToFileURL(file).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'] });
    const context = await browser.newContext();
    page = await context.newPage();
    page.on('request', (r) => {
      if (r.url() !== fileUrl && !r.url().startsWith('data:') && !r.url().startsWith('about:')) requests.push(r.url());
    });
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.addInitScript(() => {
      (window as unknown as { __csp: string[] }).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(e.violatedDirective));
    });
    await page.goto(fileUrl, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const column = (i: number) => page.$$eval('#targets tbody tr', (rows, i) => rows.map((r) => (r as HTMLTableRowElement).cells[i].textContent!.trim()), i);

  itBrowser('renders failures first, hostile text as text, with no request, error or CSP violation', async () => {
    expect(await page.title()).toBe('hookgate targets · 2/5 passed');
    const names = await column(0);
    expect(names[0]).toContain('<script>window.__pwned=1</script>');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(requests).toEqual([]);
    expect(problems).toEqual([]);
  });

  itBrowser('sorts by a column on click, reverses on a second click, and works from the keyboard', async () => {
    await page.getByRole('button', { name: 'p99 latency' }).click();
    // Numbers sort as numbers; a blank (no answer) goes last.
    expect((await column(5)).map((t) => t.replace(' ms', ''))).toEqual(['1.2', '3', '12.5', '250', '—']);
    await page.getByRole('button', { name: 'p99 latency' }).click();
    expect((await column(5))[0]).toBe('250 ms');
    await page.getByRole('button', { name: 'Integrator' }).focus();
    await page.keyboard.press('Enter');
    expect((await column(0)).map((t) => t.split('https')[0])).toEqual(['<script>window.__pwned=1</script>', 'alpha', 'bravo', 'charlie', 'delta']);
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toBe('Integrator');
    // Every report link is relative, next to the index.
    const hrefs = await page.$$eval('#targets a', (as) => as.map((a) => a.getAttribute('href')));
    for (const h of hrefs) expect(h).toMatch(/^[A-Za-z0-9_-]+\/report\.html$/);
  });
});
