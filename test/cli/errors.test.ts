import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { cli } from '../helpers/cli.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hg-err-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A port nothing listens on: bind, read it, close. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** One error line, one hint line, no stack trace, the secret nowhere. */
function expectCleanError(r: { stdout: string; stderr: string }, what: RegExp, hint: RegExp) {
  const lines = r.stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(what);
  expect(lines.find((l) => l.startsWith('hint: '))).toMatch(hint);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout + r.stderr).not.toContain(SECRET);
}

const send = (...extra: string[]) => ['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', 'http://127.0.0.1:9/webhook', '--secret', SECRET, ...extra];

describe('errors users can cause', () => {
  it('unknown provider: exit 2, lists the valid ones', async () => {
    const r = await cli(['events', '--provider', 'stripe']);
    expect(r.code).toBe(2);
    expectCleanError(r, /unknown provider "stripe"/, /optipick.*dimmy.*omnisales/);
  });

  it('unknown event: exit 2, suggests the nearest', async () => {
    const r = await cli(['send', '--provider', 'omnisales', '--event', 'order.craeted', '--url', 'http://127.0.0.1:9/x', '--dry-run']);
    expect(r.code).toBe(2);
    expectCleanError(r, /order\.craeted/, /order\.created/);
  });

  it('malformed URL: exit 2', async () => {
    const r = await cli(send().map((a) => (a.startsWith('http://127.0.0.1:9') ? 'localhost:3000/webhook' : a)));
    expect(r.code).toBe(2);
    expectCleanError(r, /not (a valid|an http\(s\)) URL/, /http:\/\/127\.0\.0\.1:3000\/webhook/);
  });

  it('unreachable URL: exit 3', async () => {
    const port = await deadPort();
    const r = await cli(send().map((a) => (a.startsWith('http://127.0.0.1:9') ? `http://127.0.0.1:${port}/webhook` : a)));
    expect(r.code).toBe(3);
    expectCleanError(r, /cannot reach .*refused/, /receiver running/);
  });

  it('a secret in the wrong format: exit 2 and the secret is not echoed', async () => {
    const bad = 'sk_live_51Habc';
    const r = await cli(send('--dry-run').map((a) => (a === SECRET ? bad : a)));
    expect(r.code).toBe(2);
    expectCleanError(r, /not in the OptiPick secret format/, /Signing Secret|omit --secret/);
    expect(r.stderr).not.toContain(bad);
    const omni = await cli(['send', '--provider', 'omnisales', '--event', 'order.created', '--url', 'http://127.0.0.1:9/x', '--dry-run'], { env: { HOOKGATE_SECRET: 'hunter2-hunter2' } });
    expect(omni.code).toBe(2);
    expect(omni.stderr).not.toContain('hunter2');
  });

  it('an invalid config file: exit 2 naming the file', async () => {
    const r = await cli(['events'], { cwd: dirWith({ 'hookgate.config.json': '{"provider": "optipick",}' }) });
    expect(r.code).toBe(2);
    expectCleanError(r, /hookgate\.config\.json is not valid JSON/, /fix or remove/);
    const unknown = await cli(['events'], { cwd: dirWith({ 'hookgate.config.json': '{"provder": "optipick"}' }) });
    expect(unknown.code).toBe(2);
    expectCleanError(unknown, /unknown key "provder"/, /did you mean "provider"/);
  });

  it('a missing --data file: exit 2', async () => {
    const r = await cli(send('--data', 'nope.json', '--dry-run'));
    expect(r.code).toBe(2);
    expectCleanError(r, /--data file nope\.json does not exist/, /JSON file/);
  });

  it('invalid JSON in --data: exit 2', async () => {
    const dir = dirWith({ 'bad.json': '{"request_id": ' });
    const r = await cli(send('--data', 'bad.json', '--dry-run'), { cwd: dir });
    expect(r.code).toBe(2);
    expectCleanError(r, /not valid JSON/, /fix the JSON/);
  });

  it('an unknown flag or bad flag value: exit 2', async () => {
    expect((await cli(send('--bogus'))).code).toBe(2);
    const r = await cli(send('--header-style', 'fancy', '--dry-run'));
    expect(r.code).toBe(2);
    expectCleanError(r, /--header-style must be one of: svix, standard/, /svix, standard/);
  });

  it('--debug adds the stack trace', async () => {
    const r = await cli(['events', '--provider', 'stripe', '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('configuration precedence: flag, then HOOKGATE_*, then hookgate.config.json', () => {
  it('reads the config file', async () => {
    const r = await cli(['events'], { cwd: dirWith({ 'hookgate.config.json': '{"provider": "dimmy"}' }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Dimmy: 2 event types/);
  });
  it('environment beats the config file', async () => {
    const r = await cli(['events'], { cwd: dirWith({ 'hookgate.config.json': '{"provider": "dimmy"}' }), env: { HOOKGATE_PROVIDER: 'omnisales' } });
    expect(r.stdout).toMatch(/^OmniSales: 34 event types/);
  });
  it('a flag beats both', async () => {
    const r = await cli(['events', '--provider', 'optipick'], { cwd: dirWith({ 'hookgate.config.json': '{"provider": "dimmy"}' }), env: { HOOKGATE_PROVIDER: 'omnisales' } });
    expect(r.stdout).toMatch(/^OptiPick: 4 event types/);
  });
});

describe('hookgate events', () => {
  it('lists OptiPick including the per-warehouse templates', async () => {
    const r = await cli(['events', '--provider', 'optipick']);
    expect(r.stdout).toContain('cluster.optimized.{warehouse name}.{user id}');
    expect(r.stdout).toMatch(/cluster\.optimized\.Example\.[0-9a-f]{24}/);
  });
  it('--json gives the catalog as data', async () => {
    const r = await cli(['events', '--provider', 'omnisales', '--json']);
    expect(JSON.parse(r.stdout)).toHaveLength(34);
  });
});
