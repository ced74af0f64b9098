// "Reproductions that work when pasted": after `check --start`, the rerun and replay lines hookgate prints
// (terminal and summary.md) are run exactly as printed, from the directory check ran in, with the built CLI
// standing in for `hookgate` on the PATH.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { svixV1 } from '../../mock-provider/signing/svix-v1.js';
import { startReceiver, type ReceiverProcess } from '../../suites/receiver-process.js';

const bin = resolve(import.meta.dirname, '../../dist/cli/main.js');
const example = resolve(import.meta.dirname, '../../examples/receivers/svix-stringify.mjs');

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** The environment of a shell with nothing of hookgate's set, plus `extra`. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of Object.keys(e)) if (k.startsWith('HOOKGATE_') && !(k in extra)) delete e[k];
  return e;
}

interface Ran { code: number | null; stdout: string; stderr: string }
function sh(line: string, cwd: string, extra: Record<string, string> = {}): Promise<Ran> {
  // `hookgate` as the first word of the pasted line is the built CLI.
  const script = line.replace(/^((?:\w+=\S+\s+)*)hookgate /, `$1${sq(process.execPath)} ${sq(bin)} `);
  return new Promise((done) => {
    const child = spawn('/bin/sh', ['-c', script], { cwd, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const started: ReceiverProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
});

describe('reproduction lines after check --start', () => {
  it('the rerun line reproduces the verdict; the replay line says to start the receiver and pass --url, then runs', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hg-repro-'));
    const check = await sh(`hookgate check --start ${sq(`node ${example}`)} --url http://127.0.0.1:0/webhook --provider optipick --only signature.raw-body`, cwd);
    expect(check.code, check.stderr).toBe(1);

    const rerun = /^rerun: +(.+)$/m.exec(check.stdout)?.[1];
    const replay = /^replay: +(.+)$/m.exec(check.stdout)?.[1];
    expect(rerun).toBe(`hookgate check --provider optipick --start ${sq(`node ${example}`)} --url http://127.0.0.1:0/webhook --only signature.raw-body --seed ${/seed (\d+)/.exec(check.stdout)![1]}`);
    expect(rerun).not.toContain('HOOKGATE_SECRET'); // the receiver gets a generated one again
    expect(replay).toMatch(/^hookgate replay hookgate-report\/results\.json#signature\.raw-body\/1 --url http:\/\/127\.0\.0\.1:\d+\/webhook$/);
    expect(replay).not.toContain(':0/');

    // summary.md prints the same lines.
    const md = readFileSync(join(cwd, 'hookgate-report/summary.md'), 'utf8');
    expect(md).toContain(`Rerun: \`${rerun}\``);
    expect(md).toContain(`${replay}  # `);

    // Replay as printed: the receiver hookgate started is gone → exit 3, with a hint naming --url and how to start it.
    const secret = svixV1.generateSecret();
    const refused = await sh(replay!, cwd, { HOOKGATE_SECRET: secret });
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(/^error: cannot reach http:\/\/127\.0\.0\.1:\d+/m);
    const hint = /^hint: (.*)$/m.exec(refused.stderr)?.[1] ?? '';
    expect(hint).toContain('--url');
    expect(hint).toMatch(/start it first/);

    // Started as the hint says (on the port the line names), the same line runs: the flaw is still there → exit 1.
    const port = Number(/:(\d+)\/webhook$/.exec(replay!)![1]);
    const startLine = /`(PORT=\d+ HOOKGATE_SECRET=<the secret you replay with> .+)`/.exec(hint)?.[1];
    expect(startLine).toBe(`PORT=${port} HOOKGATE_SECRET=<the secret you replay with> node ${example}`);
    started.push(await startReceiver({ command: startLine!.replace('<the secret you replay with>', sq(secret)), env: {}, port, readyTimeoutMs: 10_000 }));
    const ran = await sh(replay!, cwd, { HOOKGATE_SECRET: secret });
    expect(ran.code, ran.stderr).toBe(1);
    expect(ran.stdout).toMatch(/^← HTTP 400/m);
    expect(ran.stdout).toContain('still wrong: expected a 2xx answer');
    // HOOKGATE_URL stands for --url.
    const byEnv = await sh('hookgate replay hookgate-report/results.json#signature.raw-body/1', cwd, { HOOKGATE_SECRET: secret, HOOKGATE_URL: `http://127.0.0.1:${port}/webhook` });
    expect(byEnv.code, byEnv.stderr).toBe(1);
    expect(byEnv.stdout).toContain(`→ POST http://127.0.0.1:${port}/webhook`);
    await started.pop()!.stop();

    // Rerun as printed, from the same directory: hookgate starts the receiver again and the same check fails.
    const again = await sh(rerun!, cwd);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stdout).toMatch(/^FAIL /);
    expect(again.stdout).toContain('✗ signature.raw-body:');
  }, 60_000);

  it('without --start, the rerun names the secret to fill in and the replay keeps the URL it checked', async () => {
    const secret = svixV1.generateSecret();
    const cwd = mkdtempSync(join(tmpdir(), 'hg-repro-'));
    const { freePort } = await import('../../suites/receiver-process.js');
    const port = await freePort();
    started.push(await startReceiver({ command: `node ${sq(example)}`, env: { PORT: String(port), HOOKGATE_SECRET: secret }, port, readyTimeoutMs: 10_000 }));
    const url = `http://127.0.0.1:${port}/webhook`;
    const check = await sh(`hookgate check --url ${url} --provider optipick --only signature.raw-body --out reports/a`, cwd, { HOOKGATE_SECRET: secret });
    expect(check.code, check.stderr).toBe(1);
    const rerun = /^rerun: +(.+)$/m.exec(check.stdout)?.[1];
    expect(rerun).toMatch(new RegExp(`^HOOKGATE_SECRET=<your secret> hookgate check --provider optipick --url ${url} --only signature\\.raw-body --seed \\d+ --out reports/a$`));
    const replay = /^replay: +(.+)$/m.exec(check.stdout)?.[1];
    expect(replay).toBe('hookgate replay reports/a/results.json#signature.raw-body/1');
    // Both run as printed once the placeholder is filled in (the replay needs only HOOKGATE_SECRET set).
    const again = await sh(rerun!.replace('<your secret>', sq(secret)), cwd);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stdout).toContain('✗ signature.raw-body:');
    const ran = await sh(replay!, cwd, { HOOKGATE_SECRET: secret });
    expect(ran.code, ran.stderr).toBe(1);
    expect(ran.stdout).toContain('still wrong: expected a 2xx answer');
  }, 60_000);
});
