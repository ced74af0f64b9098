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
    // Unbuffered, so the receiver's own output is complete when a failure message shows it.
    env: { PORT: String(port), HOOKGATE_SECRET: secret, PYTHONUNBUFFERED: '1' },
    port,
    readyTimeoutMs: 20_000,
  });
  procs.push(proc);
  return { origin: `http://127.0.0.1:${port}`, proc };
}

/** Status map with each non-pass message, so a mismatch explains itself. */
function explain(res: Record<string, CheckResult>): string {
  return Object.values(res)
    .filter((r) => r.status !== 'pass')
    .map((r) => `${r.id}: ${r.status} — ${r.message}`)
    .join('\n');
}

async function runAll(provider: ProviderName, url: string, secret: string, effectsUrl?: string) {
  return runAgainst({ provider, url, secret, observation: effectsUrl ? { effects: effectsObserver(effectsUrl) } : {} });
}

describe('Python modules for the receivers under /usr/bin/python3', () => {
  it.runIf(process.env.CI === 'true')('are installed under CI (flask, fastapi, uvicorn: see .ci/run)', () => {
    expect({ flask: hasFlask, 'fastapi+uvicorn': hasFastapi }).toEqual({ flask: true, 'fastapi+uvicorn': true });
  });
});

describe.skipIf(!hasFlask)('svix-python-flask.py — hand-written Svix verification in Flask', () => {
  const secret = svixV1.generateSecret();
  for (const provider of ['dimmy', 'optipick'] as const) {
    it(`${provider}: every check passes${provider === 'optipick' ? ' (large-payload n/a)' : ', 1 and 5 MiB included'}; dedup judged by /_effects`, async () => {
      const { origin } = await python('svix-python-flask.py', secret);
      const res = await runAll(provider, `${origin}/webhook`, secret, `${origin}/_effects`);
      expect(statuses(res), explain(res)).toEqual(expected(provider === 'optipick' ? { 'status.large-payload': 'skip' } : {}));
      for (const id of ['dedup.redelivery', 'dedup.concurrent', 'dedup.distinct-events']) expect(res[id].message).toMatch(/effects URL/);
      if (provider === 'dimmy') expect(res['status.large-payload'].message).toMatch(/1024 kB \(MUST\) → HTTP 200; 5120 kB \(SHOULD\) → HTTP 200/);
    });
  }
});

describe.skipIf(!hasFlask)("omnisales-python-flask.py — the guide's Flask example, pasted", () => {
  it('MUST checks pass (raw body verified); 500s on missing/malformed headers warn; dedup not observable', async () => {
    const secret = omnisalesHex.generateSecret();
    const { origin } = await python('omnisales-python-flask.py', secret);
    const res = await runAll('omnisales', `${origin}/webhooks`, secret);
    console.log(explain(res));
    expect(statuses(res), explain(res)).toEqual(
      expected({
        'signature.multiple-signatures': 'skip',
        'status.rejection-is-4xx': 'warn',
        'dedup.redelivery': 'skip',
        'dedup.concurrent': 'skip',
        'dedup.distinct-events': 'skip',
      }),
    );
  });
});

describe.skipIf(!hasFastapi)("omnisales-python-fastapi.py — the guide's FastAPI example, pasted", () => {
  it('MUST checks pass (raw body verified); 500s on malformed headers warn; dedup not observable', async () => {
    const secret = omnisalesHex.generateSecret();
    const { origin } = await python('omnisales-python-fastapi.py', secret);
    const res = await runAll('omnisales', `${origin}/webhooks/omni`, secret);
    console.log(explain(res));
    expect(statuses(res), explain(res)).toEqual(
      expected({
        'signature.multiple-signatures': 'skip',
        'status.rejection-is-4xx': 'warn',
        'dedup.redelivery': 'skip',
        'dedup.concurrent': 'skip',
        'dedup.distinct-events': 'skip',
      }),
    );
  });
});
