import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { cli, type CliRun } from '../helpers/cli.js';
import { listen, startExample, type Running } from '../helpers/receivers.js';
import { runCli } from '../../cli/run-cli.js';
import type { Io } from '../../cli/io.js';
import { curlCommand } from '../../mock-provider/curl.js';
import type { RunResults } from '../../suites/types.js';

/*
 * Every command, run with a known secret, a URL carrying credentials (userinfo and secret query
 * parameters) and secret headers: none of them may appear in anything printed or written
 * (SPEC: a user's secret is never printed or written to a report; header values are masked
 * wherever requests are shown). The serve store is the one place allowed to keep them, so it
 * lives outside the folder searched.
 */

const SECRET = 'whsec_' + Buffer.alloc(24, 0x5a).toString('base64');
const USER = 'hookuser9f3';
const PASSWORD = 'pw-Xq7t5Lm2';
const TOKEN = 'qtok-8HcV2p';
const EFFECTS_KEY = 'effk-R4nd0m';
const HEADER_VALUE = 'gw-Zx81Pq';
const AUTH_VALUE = 'auth-K9w2Bv';
const LEAKS = [SECRET, SECRET.slice(6), USER, PASSWORD, TOKEN, EFFECTS_KEY, HEADER_VALUE, AUTH_VALUE, Buffer.from(`${USER}:${PASSWORD}`).toString('base64')];

const open: Running[] = [];
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
});

/** The receiver URL with credentials in it: userinfo and a `token` query parameter. */
const withCredentials = (r: Running, path = '/webhook') => `http://${USER}:${PASSWORD}@${r.origin.slice('http://'.length)}${path}?token=${TOKEN}&tenant=7`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function expectNoLeak(where: string, text: string) {
  for (const leak of LEAKS) expect(text, `${where} contains ${leak}`).not.toContain(leak);
}

/** `hookgate serve` in-process: resolves with its output once it printed its banner, then stops it as Ctrl-C would. */
async function serveOnce(args: string[], env: Record<string, string>, cwd: string): Promise<CliRun> {
  const before = new Set(process.listeners('SIGINT'));
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env, cwd, isTTY: false };
  const done = runCli(['serve', ...args], io);
  for (let i = 0; i < 200 && !stdout.includes('emit events'); i++) await new Promise((r) => setTimeout(r, 25));
  for (const l of process.listeners('SIGINT').filter((l) => !before.has(l))) {
    process.removeListener('SIGINT', l);
    (l as () => void)();
  }
  const code = await done;
  return { code, stdout, stderr };
}

const sh = (command: string, env: Record<string, string>) =>
  new Promise<string>((resolve, reject) => execFile('bash', ['-c', command], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 10_000 }, (err, out) => (err ? reject(err) : resolve(out))));

describe('no secret is printed or written, by any command', () => {
  it('check, replay, send, load, merge, serve, events and the error paths: secret, URL credentials and header values nowhere', { timeout: 60_000 }, async () => {
    const flawed = await startExample('svix-stringify.mjs', SECRET, '');
    open.push(flawed);
    const url = withCredentials(flawed);
    const effects = `${flawed.origin}/_effects?key=${EFFECTS_KEY}`;
    const cwd = mkdtempSync(join(tmpdir(), 'hg-noleak-'));
    const env = { HOOKGATE_SECRET: SECRET };
    const runs: Array<[string, CliRun]> = [];
    const run = async (name: string, args: string[], extraEnv: Record<string, string> = {}) => {
      const r = await cli(args, { env: { ...env, ...extraEnv }, cwd });
      runs.push([name, r]);
      return r;
    };

    // check: a failing check, so there is evidence with a curl line and replay/rerun lines in every report.
    const check = await run('check', ['check', '--provider', 'optipick', '--url', url, '--only', 'signature.raw-body,dedup.redelivery', '--runs', '5', '--effects-url', effects, '--settle-ms', '50']);
    expect(check.code, check.stderr).toBe(1);
    expect(check.stderr).toContain(`http://***:***@127.0.0.1:`);
    const results = JSON.parse(readFileSync(join(cwd, 'hookgate-report/results.json'), 'utf8')) as RunResults;
    expect(results.target).toMatch(/^http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/webhook\?token=\*\*\*&tenant=7$/);
    expect(results.invocation?.url).toBe(results.target);
    const ev = results.checks.find((c) => c.id === 'signature.raw-body')!.evidence[0];
    expect(ev.request.url).toBe(results.target);
    expect(ev.curl).toMatch(/^# set first: HOOKGATE_URL \(the receiver URL with its credentials: http:\/\/\*\*\*:\*\*\*@/);
    expect(ev.curl).toContain(`curl -sS -i -X POST "$HOOKGATE_URL" `);
    const summary = readFileSync(join(cwd, 'hookgate-report/summary.md'), 'utf8');
    // The lines to paste take the real URL from the environment, as the curl line does.
    expect(summary).toContain('hookgate replay hookgate-report/results.json#signature.raw-body/1 --url "$HOOKGATE_URL"');
    expect(summary).toMatch(/HOOKGATE_SECRET=<your secret> hookgate check --provider optipick --url "\$HOOKGATE_URL" --only/);

    // The curl line runs once HOOKGATE_URL is set: the receiver gets the credentials and the query.
    let got: { url?: string; authorization?: string } = {};
    const probe = await listen((req, res) => {
      got = { url: req.url, authorization: req.headers.authorization };
      res.end('ok');
    });
    open.push(probe);
    const curlLine = ev.curl.split('\n').find((l) => l.startsWith('curl '))!;
    await sh(curlLine, { HOOKGATE_URL: withCredentials(probe) });
    expect(got.url).toBe(`/webhook?token=${TOKEN}&tenant=7`);
    expect(got.authorization).toBe('Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));

    // replay: the stored URL is masked, so it refuses without --url / HOOKGATE_URL, and sends with it.
    const refused = await run('replay (masked)', ['replay', 'hookgate-report/results.json#signature.raw-body/1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/masked.*\nhint: set HOOKGATE_URL/);
    const replayed = await run('replay', ['replay', 'hookgate-report/results.json#signature.raw-body/1'], { HOOKGATE_URL: url });
    expect(replayed.code, replayed.stderr).toBe(1);
    expect(replayed.stdout).toMatch(/^→ POST http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/webhook\?token=\*\*\*&tenant=7 /);

    // send, for real and as a dry run.
    expect((await run('send', ['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', url])).code).toBe(0);
    const dry = await run('send --dry-run', ['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', url, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('"$HOOKGATE_URL"');

    // load with secret headers, as a shard, then merge.
    const load = await run('load', ['load', '--provider', 'optipick', '--url', url, '--duration', '0.3', '--connections', '1', '--header', `X-Gateway-Key: ${HEADER_VALUE}`, '--header', `Authorization: Bearer ${AUTH_VALUE}`, '--effects-url', effects, '--settle-ms', '10', '--shard', '1/1', '--out', 'shard-1']);
    expect(load.code, load.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'shard-1/load.json'), 'utf8')).target).toBe(results.target);
    const merged = await run('merge', ['merge', 'shard-1', '--out', 'merged']);
    expect(merged.code, merged.stderr).toBe(0);

    // The error paths that quote what was typed.
    const malformed = await run('malformed URL', ['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', `${USER}:${PASSWORD}@localhost:3000/webhook?token=${TOKEN}`]);
    expect(malformed.code).toBe(2);
    const notHttp = await run('not http', ['check', '--provider', 'optipick', '--url', `ftp://${USER}:${PASSWORD}@h/x?token=${TOKEN}`]);
    expect(notHttp.code).toBe(2);
    const dead = await listen(() => undefined);
    await dead.close();
    expect((await run('unreachable', ['check', '--provider', 'optipick', '--url', withCredentials(dead), '--out', 'dead'])).code).toBe(3);
    expect((await run('events', ['events', '--provider', 'optipick'])).code).toBe(0);

    // serve: its store may keep the target (SPEC), so it lives elsewhere.
    const store = join(mkdtempSync(join(tmpdir(), 'hg-noleak-store-')), 'serve.db');
    const served = await serveOnce(['--provider', 'optipick', '--target', url, '--port', '0', '--store', store], env, cwd);
    runs.push(['serve', served]);
    expect(served.code).toBe(0);
    expect(served.stdout).toMatch(/mock provider → http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/webhook\?token=\*\*\*&tenant=7 /);

    for (const [name, r] of runs) expectNoLeak(`${name} output`, r.stdout + r.stderr);
    const files = filesUnder(cwd);
    expect(files.map((f) => f.slice(cwd.length + 1)).sort()).toEqual(
      expect.arrayContaining(['hookgate-report/results.json', 'hookgate-report/summary.md', 'hookgate-report/junit.xml', 'hookgate-report/report.html', 'shard-1/load.json', 'shard-1/summary.md', 'shard-1/junit.xml', 'merged/load.json', 'merged/summary.md', 'merged/junit.xml']),
    );
    for (const f of files) expectNoLeak(f, readFileSync(f, 'latin1'));
  });

  it('curl lines take Authorization, Cookie and --header values from variables, and run once they are set', async () => {
    let got: Record<string, string | string[] | undefined> = {};
    const probe = await listen((req, res) => {
      got = req.headers;
      res.end('ok');
    });
    open.push(probe);
    const line = curlCommand(
      { url: `${probe.url}/hook?sig=${TOKEN}`, headers: { 'content-type': 'application/json', Authorization: `Bearer ${AUTH_VALUE}`, 'X-Gateway-Key': HEADER_VALUE, Cookie: "a=1; b='2'", 'svix-id': 'msg_1' }, body: Buffer.from('{}') },
      { secretHeaders: ['x-gateway-key'] },
    );
    expectNoLeak('curl', line);
    expect(line).not.toContain("a=1; b='2'");
    const [comment, command] = line.split('\n');
    expect(comment).toBe(`# set first: HOOKGATE_URL (the receiver URL with its credentials: ${probe.url}/hook?sig=***), HOOKGATE_HEADER_1 (the Authorization value), HOOKGATE_HEADER_2 (the X-Gateway-Key value), HOOKGATE_HEADER_3 (the Cookie value)`);
    expect(command).toContain(`-H 'Authorization: '"$HOOKGATE_HEADER_1"`);
    expect(command).toContain(`-H 'svix-id: msg_1'`);
    await sh(line, { HOOKGATE_URL: `${probe.url}/hook?sig=${TOKEN}`, HOOKGATE_HEADER_1: `Bearer ${AUTH_VALUE}`, HOOKGATE_HEADER_2: HEADER_VALUE, HOOKGATE_HEADER_3: "a=1; b='2'" });
    expect(got).toMatchObject({ authorization: `Bearer ${AUTH_VALUE}`, 'x-gateway-key': HEADER_VALUE, cookie: "a=1; b='2'", 'svix-id': 'msg_1' });
    // Nothing to hide: the line is as before, one command.
    expect(curlCommand({ url: probe.url, headers: { 'svix-id': 'msg_1' }, body: Buffer.from('{}') })).toMatch(/^curl /);
  });
});
