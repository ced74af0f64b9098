// npm run bench:check — how long a full `hookgate check` (every check, default runs) takes per
// provider against the bundled correct receivers, started by hookgate itself as CI would.
// Baseline, measured in the same run: `check --only signature.valid` (process start, receiver
// start, one check), so the ratio shows what the whole catalog costs on top of the fixed part.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createServer } from 'node:net';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist/cli/main.js');
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const BUDGET_MS = 10_000;
// Receivers whose processing hookgate can observe, so the dedup checks run in full instead of skipping:
// the Svix one fetches details from hookgate's API (fetch-back), the OmniSales one offers /_effects.
const receivers = {
  optipick: ['examples/receivers/svix-fetchback-correct.mjs', '/webhook'],
  dimmy: ['examples/receivers/svix-fetchback-correct.mjs', '/webhook'],
  omnisales: ['examples/receivers/omnisales-correct.mjs', '/webhooks/omni', true],
};

function freePort() {
  return new Promise((res) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function timeCheck(provider, extra) {
  const [file, path, effects] = receivers[provider];
  const out = mkdtempSync(join(tmpdir(), 'hg-bench-'));
  const port = await freePort();
  const effectsArgs = effects ? ['--effects-url', `http://127.0.0.1:${port}/_effects`] : [];
  const t0 = performance.now();
  execFileSync(process.execPath, [bin, 'check', '--provider', provider, '--url', `http://127.0.0.1:${port}${path}`, '--start', `node ${join(root, file)}`, '--out', out, ...effectsArgs, ...extra], {
    stdio: 'ignore',
  });
  return performance.now() - t0;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`full check per provider, median of ${REPEAT} (budget ${BUDGET_MS / 1000} s)`);
let worst = 0;
for (const provider of Object.keys(receivers)) {
  const full = [];
  const base = [];
  for (let i = 0; i < REPEAT; i++) {
    full.push(await timeCheck(provider, []));
    base.push(await timeCheck(provider, ['--only', 'signature.valid']));
  }
  const [f, b] = [median(full), median(base)];
  worst = Math.max(worst, f);
  console.log(
    `${provider.padEnd(10)} full ${(f / 1000).toFixed(2)} s   baseline (signature.valid only) ${(b / 1000).toFixed(2)} s   ratio ${(f / b).toFixed(2)}×   ${((100 * f) / BUDGET_MS).toFixed(0)}% of budget`,
  );
}
if (worst > BUDGET_MS) {
  console.log(`over budget: ${(worst / 1000).toFixed(2)} s`);
  process.exitCode = 1;
}
