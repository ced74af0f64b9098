// npm run bench:targets — `hookgate check --targets` against N correct local receivers (default 100)
// at the default target concurrency, on this machine. Goal (issue 14): under 60 s for 100.
// Also measured in the same run, as the baseline: one target alone (the same check, one receiver),
// and the ratio "N targets' time / (N × one target alone)" — what one process with warm state and
// overlapped targets saves over running the targets one after another.
// The receivers live in one child process (scripts/bench-targets/receivers.mjs); hookgate runs as the
// built CLI (their stderr is dropped: express logs every request hookgate abandons on purpose). Environment: BENCH_TARGETS (100), BENCH_ARGS (extra check flags, e.g. "--runs 10").
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '..');
const N = Number(process.env.BENCH_TARGETS ?? 100);
const EXTRA = (process.env.BENCH_ARGS ?? '').split(' ').filter(Boolean);
const GOAL_S = 60;
const work = mkdtempSync(join(tmpdir(), 'hg-bench-targets-'));

const rx = spawn(process.execPath, [join(root, 'scripts/bench-targets/receivers.mjs'), String(N)], { stdio: ['pipe', 'pipe', 'ignore'] });
const [line] = await once(createInterface({ input: rx.stdout }), 'line');
const targets = JSON.parse(line);

/** Runs the CLI on a targets file; returns wall seconds, hookgate's CPU seconds and the index. */
async function run(list, name) {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(list));
  const out = join(work, name);
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, 'dist/cli/main.js'), 'check', '--targets', file, '--out', out, ...EXTRA], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  const [code] = await once(child, 'exit');
  const wall = (performance.now() - t0) / 1000;
  const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
  if (code !== 0) console.log(`note: exit ${code}; last lines:\n${err.split('\n').slice(-6).join('\n')}`);
  return { wall, index, code };
}

console.log(`hookgate bench:targets — node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${N} correct local receivers (half OptiPick, half OmniSales)${EXTRA.length ? `; extra flags: ${EXTRA.join(' ')}` : ''}`);
const alone = [];
for (const t of [targets[0], targets[1]]) {
  const r = await run([t], `alone-${t.provider}`);
  alone.push(r.wall);
  console.log(`one target alone (${t.provider}): ${r.wall.toFixed(2)} s (process start included), verdict ${r.index[0].verdict}`);
}
const all = await run(targets, 'all');
const pass = all.index.filter((e) => e.verdict === 'pass').length;
const perTarget = all.index.map((e) => e.durationMs / 1000).sort((a, b) => a - b);
const median = perTarget[Math.floor(perTarget.length / 2)];
const aloneMean = alone.reduce((a, b) => a + b, 0) / alone.length;
console.log(`${N} targets, default concurrency: ${all.wall.toFixed(1)} s wall (${(all.wall / N).toFixed(2)} s per target), ${pass}/${N} passed; each target's own time: median ${median.toFixed(1)} s, max ${perTarget.at(-1).toFixed(1)} s`);
console.log(`ratio against ${N} × one target alone (${(N * aloneMean).toFixed(0)} s): ${(all.wall / (N * aloneMean)).toFixed(2)}×`);
console.log(`goal: ${N} targets under ${GOAL_S * (N / 100)} s — ${all.wall < GOAL_S * (N / 100) && pass === N ? 'PASS' : 'FAIL'}`);
rx.stdin.end();
