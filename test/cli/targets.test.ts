// `hookgate check --targets`: 23 local receivers of mixed quality in one run — correct ones, one per
// flaw a check targets, one that never answers, one that resets, one that is not listening — each must
// get its own right verdict; the targets must run overlapped; the index must be right and safe.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli } from '../helpers/cli.js';
import { listen, type Running } from '../helpers/receivers.js';
import { rawReceiver, silentReceiver } from '../helpers/dead-receivers.js';
import { newOmniSecret, newSvixSecret } from '../examples/kit.js';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { RequestListener } from 'node:http';
import type { IndexEntry } from '../../suites/targets/target-entry.js';

interface Spec {
  name: string;
  file?: string;
  provider: 'optipick' | 'omnisales';
  verdict: IndexEntry['verdict'];
  /** Checks that must be among the failed ones (MUST) or the warned ones (SHOULD). */
  failed?: string[];
  warned?: string[];
  kind?: 'silent' | 'reset' | 'closed';
}

const SPECS: Spec[] = [
  ...[1, 2, 3, 4].map((i): Spec => ({ name: `svix correct ${i}`, file: 'svix-correct.mjs', provider: 'optipick', verdict: 'pass' })),
  ...[1, 2, 3].map((i): Spec => ({ name: `omni correct ${i}`, file: 'omnisales-correct.mjs', provider: 'omnisales', verdict: 'pass' })),
  { name: 'stringify', file: 'svix-stringify.mjs', provider: 'optipick', verdict: 'fail', failed: ['signature.raw-body'] },
  { name: 'accept all', file: 'svix-accept-all.mjs', provider: 'optipick', verdict: 'fail', failed: ['signature.tampered-body', 'signature.wrong-secret', 'signature.stale-timestamp'] },
  { name: 'no timestamp check', file: 'svix-no-timestamp-check.mjs', provider: 'optipick', verdict: 'fail', failed: ['signature.stale-timestamp', 'signature.future-timestamp'] },
  { name: 'first signature only', file: 'svix-first-signature-only.mjs', provider: 'optipick', verdict: 'fail', failed: ['signature.multiple-signatures'] },
  { name: 'ignores missing headers', file: 'svix-ignores-missing-headers.mjs', provider: 'optipick', verdict: 'fail', failed: ['signature.missing-headers'] },
  { name: 'global json parser', file: 'svix-global-json-parser.mjs', provider: 'optipick', verdict: 'fail', failed: ['signature.valid'] },
  { name: 'no dedup', file: 'svix-no-dedup.mjs', provider: 'optipick', verdict: 'fail', failed: ['dedup.redelivery'] },
  { name: 'narrow window', file: 'svix-narrow-window.mjs', provider: 'optipick', verdict: 'pass', warned: ['signature.timestamp-within-window'] },
  { name: '5xx on refusal', file: 'svix-5xx-on-bad-signature.mjs', provider: 'optipick', verdict: 'pass', warned: ['status.rejection-is-4xx'] },
  { name: 'strict content type', file: 'svix-strict-content-type.mjs', provider: 'optipick', verdict: 'pass', warned: ['status.content-type-variants'] },
  { name: 'omni unknown type 400', file: 'omnisales-unknown-type-400.mjs', provider: 'omnisales', verdict: 'pass', warned: ['status.unknown-event-type'] },
  { name: 'omni no timestamp check', file: 'omnisales-no-timestamp-check.mjs', provider: 'omnisales', verdict: 'fail', failed: ['signature.stale-timestamp'] },
  { name: 'omni dedup on webhook id', file: 'omnisales-dedup-on-webhook-id.mjs', provider: 'omnisales', verdict: 'fail', failed: ['dedup.distinct-events'] },
  { name: 'never answers', provider: 'optipick', verdict: 'fail', failed: ['timeout.latency-budget'], kind: 'silent' },
  { name: 'resets', provider: 'optipick', verdict: 'fail', kind: 'reset' },
  { name: '<script>alert(1)</script> not listening', provider: 'omnisales', verdict: 'unreachable', kind: 'closed' },
];

/** Each receiver records when it saw requests, to prove the targets overlapped. */
const seen = new Map<string, { first: number; last: number }>();
const stamp = (name: string) => {
  const now = performance.now();
  const s = seen.get(name);
  if (s) s.last = now;
  else seen.set(name, { first: now, last: now });
};

async function start(spec: Spec, secret: string): Promise<Running & { path: string }> {
  const path = spec.provider === 'omnisales' ? '/webhooks/omni' : '/webhook';
  if (spec.kind === 'silent') return { ...(await silentReceiver()), path };
  if (spec.kind === 'reset') return { ...(await rawReceiver((s) => s.resetAndDestroy())), path };
  if (spec.kind === 'closed') {
    // A port that was free a moment ago: nothing listens there.
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    return { url: `http://127.0.0.1:${port}${path}`, origin: `http://127.0.0.1:${port}`, path, close: async () => {} };
  }
  const mod = (await import(pathToFileURL(resolve(import.meta.dirname, '../../examples/receivers', spec.file!)).href)) as { createApp(o: Record<string, unknown>): RequestListener };
  const app = mod.createApp({ secret });
  const r = await listen((req, res) => {
    if (req.method === 'POST') stamp(spec.name);
    app(req, res);
  });
  return { ...r, url: r.origin + path, path };
}

describe('check --targets against 23 local receivers of mixed quality', () => {
  const receivers: Running[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'hookgate-targets-'));
  let run: Awaited<ReturnType<typeof cli>>;
  let index: IndexEntry[];
  const secrets: string[] = [];

  beforeAll(async () => {
    const lines: string[] = [];
    const env: Record<string, string> = {};
    for (const [i, spec] of SPECS.entries()) {
      const secret = spec.provider === 'omnisales' ? newOmniSecret() : newSvixSecret();
      secrets.push(secret);
      const r = await start(spec, secret);
      receivers.push(r);
      // Half the secrets inline, half from the environment: neither may show up anywhere.
      const secretLine = i % 2 ? `  secret: "${secret}"` : `  secretEnv: SECRET_${i}`;
      if (!(i % 2)) env[`SECRET_${i}`] = secret;
      lines.push(`- name: ${JSON.stringify(spec.name)}`, `  provider: ${spec.provider}`, `  url: ${r.url}`, secretLine);
      if (spec.file) lines.push(`  effectsUrl: ${r.origin}/_effects`);
    }
    writeFileSync(join(dir, 'targets.yaml'), lines.join('\n') + '\n');
    // svix-global-json-parser logs its error per refused delivery: expected, and not worth the noise.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    run = await cli(['check', '--targets', 'targets.yaml', '--runs', '10', '--timeout', '2', '--target-timeout', '120', '--out', 'out'], { cwd: dir, env });
    quiet.mockRestore();
    index = JSON.parse(readFileSync(join(dir, 'out', 'index.json'), 'utf8')) as IndexEntry[];
  }, 240_000);

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('gives every target its own right verdict, naming the checks it failed or warned on', () => {
    expect(index).toHaveLength(SPECS.length);
    for (const spec of SPECS) {
      const e = index.find((x) => x.name === spec.name);
      expect(e, spec.name).toBeDefined();
      expect({ name: spec.name, verdict: e!.verdict, reason: e!.reason }).toMatchObject({ name: spec.name, verdict: spec.verdict });
      for (const id of spec.failed ?? []) expect(e!.failed, `${spec.name} failed`).toContain(id);
      for (const id of spec.warned ?? []) expect(e!.warned, `${spec.name} warned`).toContain(id);
      if (spec.verdict === 'pass') expect(e!.failed, spec.name).toEqual([]);
      if (spec.file) expect(e!.p99Ms, spec.name).toBeGreaterThan(0);
    }
    expect(run.code).toBe(1);
  });

  it('ran the targets overlapped, not one after another', () => {
    const spans = [...seen.values()];
    expect(spans.length).toBeGreaterThanOrEqual(15);
    // The most targets busy at one moment: at least two (the default allows eight).
    const peak = Math.max(...spans.map((s) => spans.filter((o) => o.first <= s.first && s.first <= o.last).length));
    expect(peak).toBeGreaterThanOrEqual(2);
  });

  it('writes one report folder per target and an index: index.json, a sortable escaped index.html, summary.md', () => {
    const out = join(dir, 'out');
    for (const e of index) expect(existsSync(join(out, e.report)), e.report).toBe(true);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toMatch(/Content-Security-Policy/);
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(md).toMatch(new RegExp(`${SPECS.filter((s) => s.verdict === 'pass').length} of ${SPECS.length} passed`));
    // Folder names are sanitised: no "<", "/" or spaces.
    for (const name of readdirSync(out)) expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('never writes or prints a secret, inline or from the environment', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d, { withFileTypes: true })) {
        if (f.isDirectory()) walk(join(d, f.name));
        else files.push(join(d, f.name));
      }
    };
    walk(join(dir, 'out'));
    const all = files.map((f) => readFileSync(f, 'latin1')).join('\n') + run.stdout + run.stderr;
    for (const s of secrets) {
      expect(all).not.toContain(s);
      expect(all).not.toContain(s.slice('whsec_'.length));
    }
  });
});

describe('check --targets: exit codes, shards, merge', () => {
  const receivers: Running[] = [];
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('exit 0 when every target passed; --shard K/N takes every N-th; merge builds one index; a mix with a load run is exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-targets-'));
    const lines: string[] = [];
    for (let i = 0; i < 3; i++) {
      const secret = newOmniSecret();
      const r = await start({ name: `ok ${i}`, file: 'omnisales-correct.mjs', provider: 'omnisales', verdict: 'pass' }, secret);
      receivers.push(r);
      lines.push(`- {name: "ok ${i}", provider: omnisales, url: "${r.url}", secret: "${secret}", effectsUrl: "${r.origin}/_effects"}`);
    }
    writeFileSync(join(dir, 't.yaml'), lines.join('\n'));
    const a = await cli(['check', '--targets', 't.yaml', '--runs', '5', '--shard', '1/2', '--out', 's1'], { cwd: dir });
    const b = await cli(['check', '--targets', 't.yaml', '--runs', '5', '--shard', '2/2', '--out', 's2', '--safe', '--max-rate', '200'], { cwd: dir });
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const names = (d: string) => (JSON.parse(readFileSync(join(dir, d, 'index.json'), 'utf8')) as IndexEntry[]).map((e) => e.name);
    expect(names('s1')).toEqual(['ok 0', 'ok 2']);
    expect(names('s2')).toEqual(['ok 1']);
    // --safe left out what no provider sends, and says so in the target's results.
    const r1 = JSON.parse(readFileSync(join(dir, 's2', 'ok-1', 'results.json'), 'utf8'));
    expect(r1.safe.left).toContain('timeout.abandoned-request');
    expect(r1.checks.map((c: { id: string }) => c.id)).not.toContain('timeout.abandoned-request');
    expect(r1.maxRate).toBe(200);

    const m = await cli(['merge', 's1', 's2', '--out', 'merged'], { cwd: dir });
    expect(m.code, m.stderr).toBe(0);
    const merged = JSON.parse(readFileSync(join(dir, 'merged', 'index.json'), 'utf8')) as IndexEntry[];
    expect(merged.map((e) => e.name).sort()).toEqual(['ok 0', 'ok 1', 'ok 2']);
    for (const e of merged) expect(existsSync(join(dir, 'merged', e.report)), e.report).toBe(true);

    mkdirSync(join(dir, 'load'));
    writeFileSync(join(dir, 'load', 'load.json'), '{"schemaVersion":1,"timeline":[],"histogram":""}');
    const mix = await cli(['merge', 's1', 'load', '--out', 'mixed'], { cwd: dir });
    expect(mix.code).toBe(2);
    expect(mix.stderr).toMatch(/--targets report.*load run|load run.*--targets/);
  }, 120_000);

  it('exit 3 when no target could be reached; a bad targets file is exit 2 with one line and a hint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-targets-'));
    writeFileSync(join(dir, 't.json'), JSON.stringify([{ name: 'gone', provider: 'optipick', url: 'http://127.0.0.1:1/webhook', secret: newSvixSecret() }]));
    const r = await cli(['check', '--targets', 't.json', '--out', 'o'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(JSON.parse(readFileSync(join(dir, 'o', 'index.json'), 'utf8'))[0].verdict).toBe('unreachable');
    writeFileSync(join(dir, 'bad.yaml'), '- name: x\n  provider: optipick\n  url: http://127.0.0.1:1/\n  secretEnv: NOPE\n');
    const bad = await cli(['check', '--targets', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: targets file bad\.yaml: target "x": environment variable NOPE \(secretEnv\) is not set\nhint: /);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('a target past its --target-timeout is timed-out and does not hold up the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-targets-'));
    const silent = await silentReceiver();
    receivers.push(silent);
    const secret = newOmniSecret();
    const ok = await start({ name: 'ok', file: 'omnisales-correct.mjs', provider: 'omnisales', verdict: 'pass' }, secret);
    receivers.push(ok);
    writeFileSync(
      join(dir, 't.yaml'),
      `- {name: slow, provider: optipick, url: "${silent.url}", secret: "${newSvixSecret()}"}\n- {name: ok, provider: omnisales, url: "${ok.url}", secret: "${secret}", effectsUrl: "${ok.origin}/_effects"}\n`,
    );
    const r = await cli(['check', '--targets', 't.yaml', '--runs', '5', '--target-timeout', '3', '--out', 'o'], { cwd: dir });
    const idx = JSON.parse(readFileSync(join(dir, 'o', 'index.json'), 'utf8')) as IndexEntry[];
    expect(idx.find((e) => e.name === 'slow')).toMatchObject({ verdict: 'timed-out' });
    expect(idx.find((e) => e.name === 'ok')).toMatchObject({ verdict: 'pass' });
    expect(r.code).toBe(1);
  }, 60_000);
});
