// The dashboard in real headless Chromium against a real `serve` (in-process, 127.0.0.1:0): live
// attempts without a reload, resend and replay by keyboard, a response with markup shown as text, and
// beyond loopback the login cookie and the Origin rule, both ways. Chromium comes from Debian
// (.ci/run installs it); without it these skip locally and fail under CI=true.
import { existsSync } from 'node:fs';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, waitFor, type KitServe } from '../serve-kit.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const itBrowser = it.skipIf(!hasChromium);

it.runIf(process.env.CI === 'true' && !hasChromium)('has Chromium in CI (.ci/run installs it)', () => {
  throw new Error(`${CHROMIUM} is missing: .ci/run must apt-get install chromium`);
});

const MARKUP = '<img src=x onerror="window.__pwned=1"><b>not bold</b><script>window.__pwned=2</script>';

/** Answers the first request of each event 500 with markup, then 200; `/down` fails until `healed`. */
function receiver() {
  const seen = new Map<string, number>();
  const state = { healed: false };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = (JSON.parse(Buffer.concat(chunks).toString()) as { id: string }).id;
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      const down = (req.url ?? '').startsWith('/down') && !state.healed;
      const status = down || n === 1 ? 500 : 200;
      res.writeHead(status, { 'content-type': 'text/html' }).end(status === 500 ? MARKUP : '{"received":true}');
    });
  });
  return { server, state };
}

async function listen(server: http.Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Watched {
  page: Page;
  context: BrowserContext;
  problems: string[];
  foreign: string[];
}

describe('dashboard in headless Chromium', () => {
  let browser: Browser | undefined;
  const r = receiver();
  let target = '';
  let s: KitServe;

  beforeAll(async () => {
    if (!hasChromium) return;
    target = await listen(r.server);
    s = await startServe({ provider: 'omnisales', target: `${target}/webhook`, timeScale: 1000 });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
    r.server.closeAllConnections();
    r.server.close();
  });

  async function open(base: string, path = '/'): Promise<Watched> {
    const context = await browser!.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (req) => !req.url().startsWith(base) && foreign.push(req.url()));
    await page.addInitScript(() => {
      (window as unknown as { __csp: string[] }).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(base + path);
    return { page, context, problems, foreign };
  }

  const emit = async (type: string) =>
    ((await (await fetch(`${s.base}/_hookgate/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type }) })).json()) as { id: string }).id;

  itBrowser('an emitted message and its attempts appear without a reload; Resend by keyboard adds a manual attempt; markup in a response stays text', { timeout: 60_000 }, async () => {
    const { page, context, problems, foreign } = await open(s.base);
    await page.waitForSelector('html[data-live="on"]');
    expect(await page.title()).toBe('hookgate serve · OmniSales');
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    const id = await emit('order.created');
    const button = page.locator(`button[data-key="msg:${id}"]`);
    await button.waitFor();
    // Keyboard only: focus the message and press Enter.
    await button.focus();
    await page.keyboard.press('Enter');
    // First attempt 500 (with markup), second 200, 1 s later in virtual time: both arrive over the live feed.
    await page.waitForFunction(() => document.querySelectorAll('#attempts tbody tr[data-attempt]').length === 2);
    const rows = await page.locator('#attempts tbody tr[data-attempt]').evaluateAll((trs) => trs.map((tr) => ({ outcome: tr.getAttribute('data-outcome'), text: tr.textContent })));
    expect(rows.map((x) => x.outcome)).toEqual(['fail', 'success']);
    expect(rows[0].text).toContain('HTTP 500');
    expect(rows[0].text).toMatch(/\+0s/);
    expect(rows[1].text).toMatch(/\+1(\.\d+)?s/);
    expect(rows[0].text).toMatch(/\d+ ms/);
    expect(await page.locator('#attempts pre.response').first().textContent()).toBe(MARKUP);
    expect(await page.locator('#detail img, #detail b, #detail script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.waitForFunction((msg) => document.querySelector(`tr[data-msg="${msg}"] .badge`)?.textContent === 'delivered', id);

    const resend = page.locator('#deliveries button', { hasText: 'Resend' });
    await resend.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#attempts tbody tr[data-trigger="manual"]').length === 1);
    expect(await page.locator('#say').textContent()).toMatch(/^Resent /);
    // The keyboard keeps its place across live re-renders.
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.key)).toMatch(/^resend:/);
    // Same document all along: nothing was reloaded.
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  });

  itBrowser('the dead-letter queue fills live; Replay sends it again; a disabled webhook is re-enabled from the page', { timeout: 60_000 }, async () => {
    const { page, context, problems } = await open(s.base);
    await page.waitForSelector('html[data-live="on"]');
    const create = await fetch(`${s.base}/api/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Down', url: `${target}/down`, events: ['refund.failed'] }) });
    const hook = ((await create.json()) as { data: { id: string } }).data;
    await emit('refund.failed');
    const row = page.locator(`#dead-body tr:has(code:text-is("${hook.id}"))`);
    await row.waitFor();
    r.state.healed = true;
    await row.locator('button', { hasText: 'Replay' }).click();
    await row.waitFor({ state: 'detached' });
    await waitFor('the replayed delivery', async () => (await s.store.listAttempts({ endpointId: hook.id })).some((a) => a.outcome === 'success' && a.trigger === 'manual'));

    await fetch(`${s.base}/api/webhooks/${hook.id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"is_active": false}' });
    const enable = page.locator(`button[data-key="enable:${hook.id}"]`);
    await enable.waitFor();
    await enable.press('Enter');
    await page.locator(`tr[data-endpoint="${hook.id}"] .badge`, { hasText: 'active' }).waitFor();
    expect((await s.store.getEndpoint(hook.id))?.disabled).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });

  describe('beyond loopback (--host)', () => {
    let locked: KitServe;
    let attacker: http.Server;
    let attackerBase = '';
    beforeAll(async () => {
      if (!hasChromium) return;
      locked = await startServe({ provider: 'omnisales', target: `${target}/webhook`, requireToken: true, timeScale: 1000 });
      // Another origin on the same machine (same site: the cookie would go along), trying the dashboard's actions.
      attacker = http.createServer((req, res) => {
        const [, msgId, endpointId] = (req.url ?? '').split('/');
        const body = JSON.stringify({ msgId, endpointId });
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><body>
<form id="f" method="post" action="${locked.base}/_hookgate/dashboard/api/resend" enctype="text/plain"><input name='${body.slice(0, -2)}' value='"}'></form>
<script>
window.__done = fetch(${JSON.stringify(locked.base + '/_hookgate/dashboard/api/resend')}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(body)} })
  .then(() => 'sent', (e) => 'error ' + e.message);
</script></body>`);
      });
      attackerBase = await listen(attacker);
    }, 30_000);
    afterAll(async () => {
      await locked?.close();
      attacker?.closeAllConnections();
      attacker?.close();
    });

    itBrowser('the page sends to /login; a wrong token is refused; the right one sets an HttpOnly cookie that the live feed uses', { timeout: 60_000 }, async () => {
      const { page, context, problems } = await open(locked.base);
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.fill('#token', 'wrong');
      await page.press('#token', 'Enter');
      await page.waitForSelector('p.bad');
      expect(await page.locator('p.bad').textContent()).toMatch(/not the token/);
      await page.fill('#token', locked.token);
      await page.press('#token', 'Enter');
      await page.waitForSelector('html[data-live="on"]');
      expect(new URL(page.url()).pathname).toBe('/');
      const cookies = await context.cookies();
      expect(cookies.find((c) => c.name === 'hookgate_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      expect(await page.evaluate(() => document.cookie)).not.toContain('hookgate_session');
      const id = await fetch(`${locked.base}/_hookgate/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${locked.token}` }, body: '{"type":"order.created"}' }).then(async (x) => ((await x.json()) as { id: string }).id);
      await page.locator(`button[data-key="msg:${id}"]`).waitFor();
      expect(problems.filter((p) => !/401/.test(p))).toEqual([]);
      await context.close();
    });

    itBrowser("another origin's page, with the user logged in, cannot resend through the dashboard (fetch or form)", { timeout: 60_000 }, async () => {
      const context = await browser!.newContext();
      const page = await context.newPage();
      // Logged in, as the user would be.
      await page.goto(`${locked.base}/login?token=${encodeURIComponent(locked.token)}`);
      await page.waitForSelector('html[data-live="on"]');
      expect(new URL(page.url()).search).toBe('');
      const id = await fetch(`${locked.base}/_hookgate/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${locked.token}` }, body: '{"type":"order.created"}' }).then(async (x) => ((await x.json()) as { id: string }).id);
      await waitFor('the delivery', async () => (await locked.store.listDeliveries({ msgId: id })).every((d) => d.state === 'delivered'));
      const before = (await locked.store.listDeliveries({ msgId: id })).length;
      const evil = await context.newPage();
      const refused: number[] = [];
      evil.on('response', (res) => res.url().includes('/_hookgate/dashboard/api/resend') && refused.push(res.status()));
      await evil.goto(`${attackerBase}/${id}/${locked.targetId}`);
      expect(await evil.evaluate(() => (window as unknown as { __done: Promise<string> }).__done)).toBe('sent');
      await Promise.all([evil.waitForNavigation(), evil.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit())]);
      await waitFor('both refusals', () => refused.length === 2);
      expect(refused).toEqual([403, 403]);
      expect((await locked.store.listDeliveries({ msgId: id })).length).toBe(before);

      // The same action from the dashboard's own origin, with the cookie, goes through.
      const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      const own = await fetch(`${locked.base}/_hookgate/dashboard/api/resend`, { method: 'POST', headers: { cookie, origin: locked.base, 'content-type': 'application/json' }, body: JSON.stringify({ msgId: id, endpointId: locked.targetId }) });
      expect(own.status).toBe(200);
      expect((await locked.store.listDeliveries({ msgId: id })).length).toBe(before + 1);
      const recover = await fetch(`${locked.base}/_hookgate/dashboard/api/recover`, { method: 'POST', headers: { cookie, origin: locked.base, 'content-type': 'application/json' }, body: JSON.stringify({ endpointId: locked.targetId, since: '2000-01-01T00:00:00Z' }) });
      expect(await recover.json()).toEqual({ count: 0 });
      // Without the cookie: nothing to read, no feed, no action.
      expect((await fetch(`${locked.base}/_hookgate/dashboard/api/overview`)).status).toBe(401);
      expect((await fetch(`${locked.base}/_hookgate/dashboard/events`)).status).toBe(401);
      expect((await fetch(`${locked.base}/_hookgate/dashboard/api/resend`, { method: 'POST', headers: { origin: locked.base, 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
      const page303 = await fetch(`${locked.base}/`, { redirect: 'manual' });
      expect(page303.status).toBe(303);
      expect(page303.headers.get('location')).toBe('/login');
      await context.close();
    });
  });
});
