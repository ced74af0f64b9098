import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, reportHtml } from '../../reports/report-html.js';
import { sampleChecks, sampleRun } from './fixture-run.js';

/*
 * report.html opened for real in headless Chromium from a file:// URL, as a user
 * opens it from a CI artifact: it renders, the table and the evidence work, it
 * makes no request of any kind, and what the receiver sent stays text.
 * Chromium comes from Debian (`apt-get install chromium`, done by .ci/run); without
 * it these tests are skipped so `npm test` still runs on a bare machine.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const itBrowser = it.skipIf(!hasChromium);

// A developer without Chromium gets skips; CI (CI=true) must have it, or a green run would prove nothing.
it.runIf(process.env.CI === 'true' && !hasChromium)('has Chromium in CI (.ci/run installs it)', () => {
  throw new Error(`${CHROMIUM} is missing: .ci/run must apt-get install chromium`);
});

const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
// Also a table/fence breaker and a line break, as the Markdown test uses.
const run = sampleRun(`${HOSTILE} | \`\`\` \n&amp; 'q'`);
const html = reportHtml(run);

describe('reportHtml (static)', () => {
  it('is one self-contained document under a strict Content-Security-Policy', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY.replace(/'/g, '&#39;')}">`);
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    // Nothing that could fetch: no external stylesheet, image, font, frame or script by URL.
    expect(html).not.toMatch(/<link|<img|<iframe|<object|<embed|@import|url\(|@font-face/i);
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|href|srcset|action|poster)=/i);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;');
  });

  it('says why the verdict is what it is, with and without --strict', () => {
    expect(html).toContain('<b>2 MUST checks failed or errored: signature.raw-body, signature.missing-headers</b>');
    const strict = reportHtml(sampleRun('x', {}, true));
    expect(strict).toContain('<b>3 MUST checks failed, errored or skipped under --strict: signature.raw-body, signature.missing-headers, dedup.redelivery</b>');
    expect(strict).toContain('fails with --strict');
    const passing = reportHtml(sampleRun('ok', { checks: sampleChecks('ok').filter((c) => c.status === 'pass'), interrupted: true }));
    expect(passing).toContain('<h1 id="verdict">✓ PASS</h1>');
    expect(passing).toContain('The run was interrupted');
  });

  it('shows what the receiver said about a failing check, escaped, with its other lines folded', () => {
    const said = { telling: `Error: ${HOSTILE}\u001b[2J\u202e`, lines: ['listening', `Error: ${HOSTILE}\u001b[2J\u202e`] };
    const checks = sampleChecks('x').map((c) => (c.id === 'signature.raw-body' ? { ...c, receiverSaid: said } : c));
    const out = reportHtml(sampleRun('x', { checks }));
    expect(out).toContain('<p><strong>Receiver said:</strong> <code>Error: &lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;\\u001b[2J\\u202e</code></p>');
    expect(out).toContain('<summary>Its log lines during this check (2)</summary><pre>listening\nError: &lt;img');
    expect(out).not.toContain('<img src=x');
    expect(html).not.toContain('Receiver said');
  });

  it('reproduces from where check ran: --start and the --url as typed, the report path, --url on replay', () => {
    const out = reportHtml({ ...run, invocation: { url: 'http://127.0.0.1:0/webhooks/dimmy', out: 'hookgate-report' } });
    expect(out).toContain("hookgate check --provider dimmy --start &#39;node examples/receivers/svix-stringify.mjs&#39; --url http://127.0.0.1:0/webhooks/dimmy --only signature.raw-body --seed 1234</pre>");
    expect(out).toContain('hookgate replay hookgate-report/results.json#signature.raw-body/1 --url http://127.0.0.1:40123/webhooks/dimmy</pre>');
  });
});

describe('report.html in headless Chromium', () => {
  let dir = '';
  let fileUrl = '';
  let browser: Browser | undefined;
  let page: Page;
  const offending: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    dir = mkdtempSync(join(tmpdir(), 'hookgate-report-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    fileUrl = pathToFileURL(file).href;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Every request the page makes, of any scheme, is seen here; only the file itself may load.
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url === fileUrl || url.startsWith('data:') || url.startsWith('about:')) return route.continue();
      offending.push(url);
      return route.abort('blockedbyclient');
    });
    page = await context.newPage();
    page.on('request', (req) => {
      const url = req.url();
      if (url !== fileUrl && !url.startsWith('data:') && !url.startsWith('about:')) offending.push(url);
    });
    // A CSP violation (our own style or script refused) or a script error shows up here.
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(fileUrl, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir && !process.env.HOOKGATE_KEEP_REPORT) rmSync(dir, { recursive: true, force: true });
    else if (dir) console.log(`report and screenshot kept in ${dir}`);
  });

  itBrowser('renders the verdict and the counts, styled and scripted under its CSP', async () => {
    expect(await page.title()).toBe('hookgate FAIL · dimmy · http://127.0.0.1:40123/webhooks/dimmy');
    const verdict = page.locator('#verdict');
    expect(await verdict.isVisible()).toBe(true);
    expect(await verdict.textContent()).toBe('✗ FAIL');
    expect(await page.locator('.counts').innerText()).toMatch(/3\s*passed\s*1\s*failed\s*1\s*warned\s*1\s*skipped\s*2\s*errored/);
    // The hashed stylesheet applied (the banner's red edge) and the hashed script ran.
    expect(await verdict.evaluate((el) => getComputedStyle(el).color)).not.toBe('rgb(0, 0, 0)');
    expect(await page.evaluate(() => document.documentElement.classList.contains('js'))).toBe(true);
    expect(problems).toEqual([]);
  });

  itBrowser('has one table row per check, with its status', async () => {
    const rows = page.locator('table.checks tbody tr.check');
    expect(await rows.count()).toBe(run.checks.length);
    for (const [i, c] of run.checks.entries()) {
      const row = rows.nth(i);
      expect(await row.locator('td').nth(1).locator('code').textContent()).toBe(c.id);
      expect(await row.locator('.badge').textContent()).toContain(c.status);
    }
    expect(await page.locator('tr.check .badge.fail').count()).toBe(1);
    expect(await page.locator('tr.check .badge.skip').count()).toBe(1);
  });

  itBrowser('shows the evidence, the fix and the curl reproduction when a row is expanded', async () => {
    const details = page.locator('[id="check-signature.raw-body"] + tr.detail-row details');
    const curl = details.locator('pre', { hasText: 'curl -sS -i -X POST' });
    expect(await curl.isVisible()).toBe(false);
    await details.locator('summary').click();
    expect(await curl.isVisible()).toBe(true);
    expect(await curl.textContent()).toBe(run.checks[1]?.evidence[0]?.curl);
    const text = (await details.textContent()) ?? '';
    expect(text).toContain('hookgate replay results.json#signature.raw-body/1');
    expect(text).toContain("express.raw({ type: 'application/json' })");
    expect(text).toContain('--only signature.raw-body --seed 1234');
    expect(text).toContain('HTTP 401 after 4 ms');

    const copy = curl.locator('xpath=..').locator('button');
    await copy.click();
    // The clipboard answers asynchronously.
    await vi.waitFor(async () => expect(await copy.textContent()).toMatch(/Copied|Selected/), { timeout: 1000, interval: 20 });
  });

  itBrowser("shows the receiver's markup as literal text and never runs it", async () => {
    const body = (await page.textContent('body')) ?? '';
    expect(body).toContain(HOSTILE);
    expect(body).toContain('WebhookVerificationError: No matching signature found');
    await page.locator('details').evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);

    // The policy is enforced, not just present: a script that is not ours is refused
    // (on a page of its own, so the expected violation does not mix with `problems`).
    const probe = await page.context().newPage();
    const refused: string[] = [];
    probe.on('console', (msg) => refused.push(msg.text()));
    await probe.goto(fileUrl, { waitUntil: 'load' });
    await probe.addScriptTag({ content: 'window.__pwned = 3' }).catch(() => undefined);
    expect(await probe.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // The violation is reported asynchronously.
    await vi.waitFor(() => expect(refused.join('\n')).toMatch(/Content Security Policy/), { timeout: 2000, interval: 20 });
    await probe.close();
  });

  itBrowser('fits a phone screen without sideways scrolling, and makes no request at all', async () => {
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.locator('#verdict').isVisible()).toBe(true);

    expect(offending).toEqual([]);
    expect(problems).toEqual([]);
  });
});
