// npm run bench:check — how long a full `hookgate check` (every check, default runs) takes per
// provider against the bundled correct receivers, started by hookgate itself as CI would.
// Baseline, measured in the same run: `check --only signature.valid` (process start, receiver
// start, one check), so the ratio shows what the whole catalog costs on top of the fixed part.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist/cli/main.js');
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const BUDGET_MS = 10_000;
const receivers = {
  optipick: ['examples/receivers/svix-correct.mjs', '/webhook'],
  dimmy: ['examples/receivers/svix-correct.mjs', '/webhook'],
  omnisales: ['examples/receivers/omnisales-correct.mjs', '/webhooks/omni'],
};

function timeCheck(provider, extra) {
  const [file, path] = receivers[provider];
  const out = mkdtempSync(join(tmpdir(), 'hg-bench-'));
  const t0 = performance.now();
  execFileSync(process.execPath, [bin, 'check', '--provider', provider, '--url', `http://127.0.0.1:0${path}`, '--start', `node ${join(root, file)}`, '--out', out, ...extra], {
    stdio: 'ignore',
  });
  return performance.now() - t0;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`full check per provider, median of ${REPEAT} (budget ${BUDGET_MS / 1000} s)`);
let worst = 0;
for (const provider of Object.keys(receivers)) {
  const full = median(Array.from({ length: REPEAT }, () => timeCheck(provider, [])));
  const base = median(Array.from({ length: REPEAT }, () => timeCheck(provider, ['--only', 'signature.valid'])));
  worst = Math.max(worst, full);
  console.log(
    `${provider.padEnd(10)} full ${(full / 1000).toFixed(2)} s   baseline (signature.valid only) ${(base / 1000).toFixed(2)} s   ratio ${(full / base).toFixed(2)}×   ${((100 * full) / BUDGET_MS).toFixed(0)}% of budget`,
  );
}
if (worst > BUDGET_MS) {
  console.log(`over budget: ${(worst / 1000).toFixed(2)} s`);
  process.exitCode = 1;
}
