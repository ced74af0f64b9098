// hookgate's verdicts on Python receivers, as users write and paste them: every check, run in-process
// against the receiver started as a child process under /usr/bin/python3 (Debian's python3-flask,
// python3-fastapi, python3-uvicorn; .ci/run installs them). The full status map is asserted, so a
// verdict that changes on a real Flask/FastAPI stack shows up here.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAgainst, statuses } from '../helpers/run-checks.js';
import { svixV1 } from '../../mock-provider/signing/svix-v1.js';
import { omnisalesHex } from '../../mock-provider/signing/omnisales-hex.js';
import { freePort, startReceiver, type ReceiverProcess } from '../../suites/receiver-process.js';
import { effectsObserver } from '../../suites/observe/effects-url.js';
import { CATALOG } from '../../suites/conformance/catalog.js';
import type { CheckResult } from '../../suites/types.js';
import type { ProviderName } from '../../fixtures/profile.js';
import type { HeaderStyle } from '../../mock-provider/signing/index.js';

const PYTHON = '/usr/bin/python3';
const dir = resolve(import.meta.dirname, '../../examples/receivers');

function hasModules(...mods: string[]): boolean {
  try {
    execFileSync(PYTHON, ['-c', `import ${mods.join(', ')}`], { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}
const hasFlask = hasModules('flask');
const hasFastapi = hasModules('fastapi', 'uvicorn');

const DEDUP = ['dedup.redelivery', 'dedup.concurrent', 'dedup.distinct-events', 'delivery.retry-recovery'];
/** Every check passes, except those named. */
const expected = (over: Record<string, string>) => Object.fromEntries(CATALOG.map((c) => [c.id, over[c.id] ?? 'pass']));

const procs: ReceiverProcess[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
});

async function python(file: string, secret: string): Promise<{ origin: string; proc: ReceiverProcess }> {
  const port = await freePort();
  const proc = await startReceiver({
    command: `${PYTHON} ${dir}/${file}`,
    // Unbuffered, so the stderr tail a failure message shows is complete.
    env: { PORT: String(port), HOOKGATE_SECRET: secret, PYTHONUNBUFFERED: '1' },
    port,
    readyTimeoutMs: 20_000,
  });
  procs.push(proc);
  return { origin: `http://127.0.0.1:${port}`, proc };
}

/** Each non-pass with its message, and the receiver's last stderr lines (tracebacks), so a mismatch explains itself. */
function explain(res: Record<string, CheckResult>, proc: ReceiverProcess): string {
  const verdicts = Object.values(res)
    .filter((r) => r.status !== 'pass')
    .map((r) => `${r.id}: ${r.status} — ${r.message}`);
  return [...verdicts, '--- receiver stderr (tail) ---', ...proc.stderr.trimEnd().split('\n').slice(-20)].join('\n');
}

async function runAll(provider: ProviderName, url: string, secret: string, effectsUrl?: string, headerStyle: HeaderStyle = 'svix') {
  return runAgainst({ provider, url, secret, headerStyle, observation: effectsUrl ? { effects: effectsObserver(effectsUrl) } : {} });
}

describe('Python modules for the receivers under /usr/bin/python3', () => {
  it.runIf(process.env.CI === 'true')('are installed under CI (flask, fastapi, uvicorn: see .ci/run)', () => {
    expect({ flask: hasFlask, 'fastapi+uvicorn': hasFastapi }).toEqual({ flask: true, 'fastapi+uvicorn': true });
  });
});

describe.skipIf(!hasFlask)('svix-python-flask.py — hand-written Svix verification in Flask', () => {
  const secret = svixV1.generateSecret();
  const runs: { provider: 'dimmy' | 'optipick'; headerStyle: HeaderStyle; title: string }[] = [
    { provider: 'dimmy', headerStyle: 'svix', title: 'dimmy: every check passes, 1 and 5 MiB payloads included (Flask sets no body limit)' },
    { provider: 'optipick', headerStyle: 'svix', title: 'optipick: every check passes; large-payload does not apply (small payloads)' },
    { provider: 'optipick', headerStyle: 'standard', title: 'optipick with webhook-* headers: every check passes' },
  ];
  for (const { provider, headerStyle, title } of runs) {
    it(title, async () => {
      const { origin, proc } = await python('svix-python-flask.py', secret);
      const res = await runAll(provider, `${origin}/webhook`, secret, `${origin}/_effects`, headerStyle);
      expect(statuses(res), explain(res, proc)).toEqual(expected(provider === 'optipick' ? { 'status.large-payload': 'skip' } : {}));
      // Dedup was judged on what the receiver processed (its /_effects), not merely on 2xx answers.
      for (const id of DEDUP) expect(res[id].message).toMatch(/effects URL/);
      expect(res['status.rejection-is-4xx'].message).toMatch(/refusals were 4xx \(HTTP 400\)$/);
      if (provider === 'dimmy') expect(res['status.large-payload'].message).toMatch(/^accepted 1024 kB \(MUST\), 5120 kB \(SHOULD\)/);
    });
  }
});

/**
 * The guide's Python examples verify the raw body (request.data / await request.body()), so every MUST
 * check passes. What they get wrong is how they refuse: an exception where a check was due is a 500.
 * No dedup, no /_effects and no duplicate flag: the dedup checks cannot observe processing, so skip.
 */
const OMNI_PASTE = expected({
  'signature.multiple-signatures': 'skip', // OmniSales sends one signature per request
  'status.rejection-is-4xx': 'warn',
  'dedup.redelivery': 'skip',
  'dedup.concurrent': 'skip',
  'dedup.distinct-events': 'skip',
  'delivery.retry-recovery': 'skip',
});

function expectOmniPasteReasons(res: Record<string, CheckResult>) {
  expect(res['signature.raw-body'].message).toMatch(/^accepted 25 bodies spelled unlike JSON.stringify/);
  // A body flipped into invalid UTF-8 makes .decode() raise (500); a valid-UTF-8 tamper is a 401.
  expect(res['signature.tampered-body'].message).toMatch(/^refused all 25 bodies/);
  // compare_digest raises on a non-ASCII str (500) but the server keeps serving: a refusal, so a pass here…
  expect(res['status.malformed-signature'].message).toMatch(/empty → HTTP 401; wrong-length → HTTP 401; not-hex → HTTP 401; uppercase-other → HTTP 401; huge → HTTP 401; non-ascii → HTTP 500\)$/);
  // …and a warning here.
  expect(res['status.rejection-is-4xx'].message).toMatch(/refusals were not 4xx \(HTTP 500\)/);
  expect(res['status.large-payload'].message).toMatch(/^accepted 256 kB \(SHOULD\)/);
  for (const id of DEDUP) expect(res[id].message).toMatch(/^not observable: no --effects-url and no fetch-back seen, and no \{"duplicate": true\} answer/);
}

describe.skipIf(!hasFlask)("omnisales-python-flask.py — the guide's Flask example, pasted", () => {
  it('MUST checks pass (raw body verified); 500s on missing/malformed headers warn; dedup not observable', async () => {
    const secret = omnisalesHex.generateSecret();
    const { origin, proc } = await python('omnisales-python-flask.py', secret);
    const res = await runAll('omnisales', `${origin}/webhooks`, secret);
    expect(statuses(res), explain(res, proc)).toEqual(OMNI_PASTE);
    expectOmniPasteReasons(res);
    // int(None) for a missing timestamp, compare_digest(None, …) for a missing signature: all refused, all 500.
    expect(res['signature.missing-headers'].message).toBe(
      'refused all 4 (x-webhook-signature missing: HTTP 500; x-webhook-timestamp missing: HTTP 500; all of x-webhook-signature, x-webhook-timestamp missing: HTTP 500; x-webhook-timestamp not a number: HTTP 500)',
    );
  });
});

describe.skipIf(!hasFastapi)("omnisales-python-fastapi.py — the guide's FastAPI example, pasted", () => {
  it('MUST checks pass (raw body verified); 500s on a missing or malformed signature warn; dedup not observable', async () => {
    const secret = omnisalesHex.generateSecret();
    const { origin, proc } = await python('omnisales-python-fastapi.py', secret);
    const res = await runAll('omnisales', `${origin}/webhooks/omni`, secret);
    expect(statuses(res), explain(res, proc)).toEqual(OMNI_PASTE);
    expectOmniPasteReasons(res);
    // headers.get("x-webhook-timestamp", 0): a missing timestamp is 0, outside the window (401); a missing
    // signature passes the window and reaches compare_digest(None, …), which raises (500).
    expect(res['signature.missing-headers'].message).toBe(
      'refused all 4 (x-webhook-signature missing: HTTP 500; x-webhook-timestamp missing: HTTP 401; all of x-webhook-signature, x-webhook-timestamp missing: HTTP 401; x-webhook-timestamp not a number: HTTP 500)',
    );
  });
});
