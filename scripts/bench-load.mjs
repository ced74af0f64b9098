// npm run bench:load — how fast `hookgate load` produces uniquely signed webhook traffic, on this
// machine, against baselines measured in the same run:
//   - autocannon (CLI, -j) and wrk (Lua script), each sending ONE static prebuilt request: a real
//     hookgate request captured at the receiver (same method, headers, body size);
//   - receivers in their own processes: a raw node:net receiver that answers `200 ok` as soon as a
//     whole request arrived (so the generator is what is measured), and a node:http one;
//   - receiver pinned to core 0 and generator to core 1 with taskset when it exists;
//   - interleaved repetitions (hookgate, autocannon, wrk, hookgate, …); each ratio is the median of
//     the per-repetition ratios, with min and max.
// Each run also shows the tool's CPU per request and share of a core in steady state (from /proc,
// between two moments inside the load window): on a shared machine the rates swing with other
// work, the CPU cost much less; a tool below ~90% of its core was waiting, not working.
// Then the open model: the achieved rate, arrivals per 100 ms at the receiver, and a 1 s receiver
// stall that must show in p99 (latency runs from due times). Signatures of a sample of captured
// requests are verified with the svix library.
//
// Environment: BENCH_DURATION (s, default 5), BENCH_CONNECTIONS (10), BENCH_REPS (5),
// BENCH_HTTP_REPS (2), BENCH_RATE (2000), BENCH_STALL_MS (1000), BENCH_SAMPLE (200 per run),
// BENCH_PROFILE=1 adds a `node --cpu-prof` run of hookgate and prints its self time per kind of work,
// file and function, in µs per request.
// Then the capacity search (issue 12 item 1): `hookgate load --find-max` against a token-bucket receiver
// of BENCH_FINDMAX_CAPACITY (500) requests/s (burst BENCH_FINDMAX_BURST, 50; refilled continuously,
// 503 when empty) must find a maxRate within ±10% of it; BENCH_FINDMAX_STEP (s per step, default 3),
// BENCH_FINDMAX_START (start rate, 100).
// BENCH_ONLY=closed,open,findmax (any of them, comma-separated) runs only those sections; the default
// is all (BENCH_ONLY=findmax: the capacity search alone).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureWrk, machineBusy, pinning, runAutocannon, runHookgate, runHookgateFindMax, runWrk, startReceiver, steadyProbe, wrkScript } from './bench-load/procs.mjs';
import { addVerification, ms, rate, ratio, spread, spreadText, staticRequest, verifySample, windowCheck } from './bench-load/analyse.mjs';
import { selfTimes } from './bench-load/profile.mjs';

const root = resolve(import.meta.dirname, '..');
const env = (k, d) => (process.env[k] === undefined || process.env[k] === '' ? d : Number(process.env[k]));
const DURATION = env('BENCH_DURATION', 5);
const CONNECTIONS = env('BENCH_CONNECTIONS', 10);
const REPS = env('BENCH_REPS', 5);
const HTTP_REPS = env('BENCH_HTTP_REPS', 2);
const RATE = env('BENCH_RATE', 2000);
const STALL_MS = env('BENCH_STALL_MS', 1000);
const SAMPLE = env('BENCH_SAMPLE', 200);
const PROFILE = process.env.BENCH_PROFILE === '1';
const FINDMAX_STEP = env('BENCH_FINDMAX_STEP', 3);
const FINDMAX_START = env('BENCH_FINDMAX_START', 100);
const FINDMAX_CAPACITY = env('BENCH_FINDMAX_CAPACITY', 500);
const FINDMAX_BURST = env('BENCH_FINDMAX_BURST', 50);
// errors<1% is the sharp edge of a token bucket (above capacity it refuses 1 − capacity/rate of the
// requests at once); p99<250ms keeps a receiver that queues instead from passing. A bucket accepts at
// most burst + capacity × step, so with 3 s steps and a burst of 50 (100 ms, room for a receiver
// hiccup) 525/s refuses ≥ 1.6% and fails every time, 500/s refuses nothing: the search lands on 500.
const FINDMAX_THRESHOLDS = ['errors<1%', 'p99<250ms'];
const FINDMAX_TOLERANCE = 0.1;
const SECTIONS = ['closed', 'open', 'findmax'];
const only = (process.env.BENCH_ONLY ?? '').split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
for (const x of only) if (!SECTIONS.includes(x)) throw new Error(`BENCH_ONLY: unknown section '${x}' (sections: ${SECTIONS.join(', ')})`);
const runs = (section) => only.length === 0 || only.includes(section);
const GOAL_AUTOCANNON = 1.0;
const GOAL_WRK = 0.6;

const work = mkdtempSync(join(tmpdir(), 'hg-bench-load-'));
const secret = 'whsec_' + randomBytes(24).toString('base64');
const t0 = performance.now();
let outDirs = 0;
const outDir = () => mkdtempSync(join(work, `run${++outDirs}-`));
const pf = (ok) => (ok ? 'PASS' : 'FAIL');
const log = (s = '') => console.log(s);

const pin = pinning();
const wrk = runs('closed') ? await ensureWrk() : { ok: false, note: 'wrk: not needed (closed model not run)' };
log(`hookgate bench:load — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
if (only.length) log(`sections: ${only.join(', ')} (BENCH_ONLY)`);
if (runs('closed')) log(`closed model: ${CONNECTIONS} connections, ${DURATION} s per run, ${REPS} interleaved repetitions on the raw receiver, ${HTTP_REPS} on node:http`);
log(pin.note);
if (runs('closed')) log(wrk.note);
const busyBefore = await machineBusy(1000);
const busyText = (b) => (b === undefined ? 'unknown' : `${Math.round(b * 100)}% of all cores`);
log(`other work on the machine (1 s before start, bench idle): ${busyText(busyBefore)} busy`);
if (busyBefore > 0.1) log('note: the machine is not idle: absolute figures are noisy; the ratios pair runs made seconds apart, and the CPU per request is the steadier figure');
log();

const raw = runs('closed') || runs('open') || PROFILE ? await startReceiver(pin, join(root, 'scripts/bench-load/raw-receiver.mjs')) : undefined;
const http = runs('closed') ? await startReceiver(pin, join(root, 'scripts/bench-load/http-receiver.mjs')) : undefined;
let verified = { total: 0, valid: 0, uniqueIds: 0, errors: [] };
const summary = [];
let closed; // { rawRows, httpRows }
let opened; // { achieved, rateOk, win, ids, open, stalled, stallOk }
let fm; // the find-max section's figures

try {
  if (runs('closed')) {
    // Priming: a short hookgate run warms the receiver and gives the baselines their static request.
    raw.send({ type: 'reset', sample: 50 });
    await runHookgate(pin, root, { url: raw.url, secret, duration: 1, connections: CONNECTIONS, out: outDir() });
    const primed = await raw.stats();
    const req = staticRequest(primed.sample);
    verified = addVerification(verified, verifySample(primed.sample, secret));
    const bodyFile = join(work, 'body.json');
    writeFileSync(bodyFile, req.body);
    const luaFile = join(work, 'static.lua');
    writeFileSync(luaFile, wrkScript(req, bodyFile));
    log(`static request of the baselines (a captured hookgate request): ${req.method} ${req.path}, ${req.size} bytes, body ${req.body.length} bytes, headers ${req.headers.map(([k]) => k).join(', ')} (+ host, content-length, connection)`);
    log();

    const closedRow = async (rx, reps, capture) => {
      const rows = { hookgate: [], autocannon: [], wrk: [], hgAc: [], hgWrk: [], elu: [], cpu: { hookgate: [], autocannon: [], wrk: [] }, core: { hookgate: [], autocannon: [], wrk: [] } };
      // Each tool's CPU time (user + system, from /proc) per request the receiver counted, between two
      // moments inside the load window (2 s after the spawn, past any tool's start-up, and just before the
      // end): steady state only.
      const probe = DURATION >= 3 ? { probeAt: [2000, DURATION * 1000 - 200], probe: steadyProbe(rx) } : undefined;
      const cpuText = (r) => (r.cpuUsPerRequest === undefined ? 'n/a' : `${r.cpuUsPerRequest.toFixed(1)} µs/request (${Math.round(r.cpuShare * 100)}% of a core)`);
      const line = (name, r, extra = '') => `${name.padEnd(10)} ${rate(r.rps).padStart(7)}/s  p99 ${ms(r.p99).padStart(8)}  cpu ${cpuText(r)}${extra}`;
      for (let i = 1; i <= reps; i++) {
        rx.send({ type: 'reset', sample: capture ? SAMPLE : 0 });
        const hg = await runHookgate(pin, root, { url: rx.url, secret, duration: DURATION, connections: CONNECTIONS, out: outDir(), probe });
        let check = '';
        if (capture) {
          const v = verifySample((await rx.stats()).sample, secret);
          verified = addVerification(verified, v);
          check = `  valid signatures: ${v.valid}/${v.total} sampled, ${v.uniqueIds === v.total ? 'ids unique' : `${v.total - v.uniqueIds} duplicate ids`}`;
        }
        rx.send({ type: 'reset' });
        const ac = await runAutocannon(root, pin, { url: rx.url, connections: CONNECTIONS, duration: DURATION, request: req, bodyFile, probe });
        let wk;
        if (wrk.ok) {
          rx.send({ type: 'reset' });
          wk = await runWrk(pin, { url: rx.url, connections: CONNECTIONS, duration: DURATION, luaFile, probe });
        }
        const cpu = { hookgate: hg.cpuUsPerRequest, autocannon: ac.cpuUsPerRequest, wrk: wk?.cpuUsPerRequest };
        rows.hookgate.push(hg.rps);
        rows.autocannon.push(ac.rps);
        rows.elu.push(hg.load.generatorCpu.max);
        rows.hgAc.push(hg.rps / ac.rps);
        const share = { hookgate: hg.cpuShare, autocannon: ac.cpuShare, wrk: wk?.cpuShare };
        for (const k of ['hookgate', 'autocannon', 'wrk']) {
          if (cpu[k] !== undefined) rows.cpu[k].push(cpu[k]);
          if (share[k] !== undefined) rows.core[k].push(share[k]);
        }
        if (wk) {
          rows.wrk.push(wk.rps);
          rows.hgWrk.push(hg.rps / wk.rps);
        }
        const errs = (n, what) => (n ? `  ${n} errors/non-2xx (${what})` : '');
        log(`  rep ${i}/${reps}  ${line('hookgate', { ...hg, p99: hg.load.latencyMs.p99 }, `  event loop ${Math.round(hg.load.generatorCpu.max * 100)}% busy${check}${errs(hg.load.errors + hg.load.timeouts, 'hookgate')}`)}`);
        log(`           ${line('autocannon', ac, errs(ac.errors + ac.non2xx, 'autocannon'))}`);
        if (wk) log(`           ${line('wrk', wk, errs(wk.errors + wk.non2xx, 'wrk'))}`);
        log(`           ratios: hookgate/autocannon ${ratio(hg.rps / ac.rps)}${wk ? `, hookgate/wrk ${ratio(hg.rps / wk.rps)}` : ''}`);
      }
      return rows;
    };

    log(`raw node:net receiver (answers on arrival), ${REPS} interleaved repetitions:`);
    const rawRows = await closedRow(raw, REPS, true);
    log();
    log(`node:http receiver (reads the body, then 200), ${HTTP_REPS} interleaved repetitions:`);
    const httpRows = await closedRow(http, HTTP_REPS, false);
    log();
    closed = { rawRows, httpRows };
  }

  if (runs('open')) {

    // Open model at a fixed rate: the rate achieved, and how evenly requests arrive.
    const maxInflight = Math.max(1000, Math.ceil((RATE * (STALL_MS + 1000)) / 1000));
    raw.send({ type: 'reset', sample: SAMPLE, trackIds: true });
    const open = await runHookgate(pin, root, { url: raw.url, secret, duration: DURATION, rate: RATE, maxInflight, out: outDir() });
    const startedAt = Date.parse(open.load.startedAt);
    const openStats = await raw.stats({ from: startedAt, windowMs: 100 });
    const achieved = open.load.requests / (open.load.durationMs / 1000);
    const rateOk = Math.abs(achieved / RATE - 1) <= 0.01;
    const win = windowCheck(openStats, RATE, 0.1);
    const openV = verifySample(openStats.sample, secret);
    verified = addVerification(verified, openV);
    const ids = openStats.ids;
    log(`open model, --rate ${RATE} --duration ${DURATION} (--max-inflight ${maxInflight}), raw receiver:`);
    log(`  achieved ${achieved.toFixed(1)}/s = requests ${open.load.requests} / ${open.load.durationMs / 1000} s  (${((achieved / RATE - 1) * 100).toFixed(2)}% off ${RATE}; within 1%: ${pf(rateOk)})`);
    log(`  arrivals per 100 ms at the receiver: ${win.judged} windows judged (first and last skipped), expected ${win.expected} ±10%, min ${win.min}, max ${win.max}, ${win.outside} outside: ${pf(win.pass)}`);
    if (win.offenders.length) log(`    off (window start after startedAt: arrivals): ${win.offenders.slice(0, 12).join(', ')}${win.offenders.length > 12 ? ', …' : ''}`);
    log(`  every id unique at the receiver: ${ids.unique}/${ids.tracked} (${ids.duplicates} repeated): ${pf(ids.duplicates === 0)};  valid signatures: ${openV.valid}/${openV.total} sampled`);
    log(`  p50 ${ms(open.load.latencyMs.p50)}, p99 ${ms(open.load.latencyMs.p99)}, missed starts ${open.load.missedStarts}, hookgate's event loop ${Math.round(open.load.generatorCpu.max * 100)}% busy${open.load.valid ? '' : ` (load.json valid: false — ${open.load.invalidReason})`}`);
    log(`  the receiver's own event-loop delay: p99 ${ms(openStats.loopDelayMs.p99)}, max ${ms(openStats.loopDelayMs.max)} (a window off by a receiver hiccup is not the generator's)`);
    log();

    // The same run with the receiver silent for STALL_MS in the middle of it: the stall must show in p99.
    const stallAt = Math.max(1, Math.round((RATE * Math.max(0, DURATION * 1000 - STALL_MS)) / 2000));
    raw.send({ type: 'reset', sample: 0 });
    raw.send({ type: 'stall', atArrival: 1 + stallAt, ms: STALL_MS }); // +1: hookgate's preflight request
    const stalled = await runHookgate(pin, root, { url: raw.url, secret, duration: DURATION, rate: RATE, maxInflight, out: outDir() });
    const stallStats = await raw.stats();
    const inStall = stallStats.stall.answeredAfterStall / Math.max(1, stalled.load.requests);
    const stallOk = stalled.load.latencyMs.p99 >= 0.9 * STALL_MS;
    log(`open model, --rate ${RATE}, receiver silent for ${STALL_MS} ms from request ${stallAt} (${(stallAt / RATE).toFixed(1)} s in) on:`);
    log(`  the receiver held ${stallStats.stall.answeredAfterStall} requests (${(inStall * 100).toFixed(1)}% of the run, most at once ${stallStats.stall.maxQueued}) and answered them after the stall`);
    log(`  p50 ${ms(open.load.latencyMs.p50)} → ${ms(stalled.load.latencyMs.p50)}, p99 ${ms(open.load.latencyMs.p99)} → ${ms(stalled.load.latencyMs.p99)} (without → with the stall); p99 ≥ ${0.9 * STALL_MS} ms: ${pf(stallOk)}`);
    log(`  timeouts ${stalled.load.timeouts}, errors ${stalled.load.errors}, missed starts ${stalled.load.missedStarts}`);
    log();
    opened = { achieved, rateOk, win, ids, open, stalled, stallOk };
  }

  if (runs('findmax')) fm = await findMaxSection();

  if (PROFILE) {
    const dir = outDir();
    raw.send({ type: 'reset' });
    const prof = await runHookgate(pin, root, { url: raw.url, secret, duration: DURATION, connections: CONNECTIONS, out: dir, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
    const count = (await raw.stats()).count;
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      const p = selfTimes(join(dir, file), root);
      const per = (x) => `${((x.ms * 1000) / count).toFixed(2).padStart(6)} µs/request  ${(x.share * 100).toFixed(1).padStart(5)}%`;
      log(`cpu profile of one closed run (node --cpu-prof, ${rate(prof.rps)}/s, ${count} requests; load window ${(p.windowMs / 1000).toFixed(1)} s: busy ${(p.busyMs / 1000).toFixed(2)} s, idle ${(p.idleMs / 1000).toFixed(2)} s)`);
      log('  self time by kind of work (share of busy time):');
      for (const x of p.kinds()) log(`    ${per(x)}  ${x.name}`);
      log('  by file:');
      for (const x of p.files(10)) log(`    ${per(x)}  ${x.name}`);
      log('  top functions:');
      for (const x of p.functions(20)) log(`    ${per(x)}  ${x.name}`);
      log();
    }
  }

  const s = (xs) => spread(xs);
  const goals = [];
  summary.push(`== summary (${((performance.now() - t0) / 1000).toFixed(0)} s${only.length ? `; sections: ${only.join(', ')}` : ''}) ==`);
  if (closed) {
    const { rawRows, httpRows } = closed;
    const acGoal = s(rawRows.hgAc).median >= GOAL_AUTOCANNON;
    const wrkGoal = wrk.ok ? s(rawRows.hgWrk).median >= GOAL_WRK : undefined;
    const cpuRatio = rawRows.cpu.autocannon.length && rawRows.cpu.hookgate.length ? s(rawRows.cpu.autocannon).median / s(rawRows.cpu.hookgate).median : NaN;
    summary.push(
      `closed model, ${CONNECTIONS} connections, ${DURATION} s; req/s as median (min–max); ratios: median of per-repetition ratios`,
      `${'receiver'.padEnd(10)} ${'reps'.padStart(4)} ${'hookgate'.padStart(24)} ${'autocannon'.padStart(24)} ${'wrk'.padStart(24)}  ${'hookgate/autocannon'.padEnd(40)} hookgate/wrk`,
      ...[['raw net', REPS, rawRows], ['node:http', HTTP_REPS, httpRows]].map(([name, n, r]) => {
        const col = (xs) => {
          const x = s(xs);
          return (x.n ? `${rate(x.median)} (${rate(x.min)}–${rate(x.max)})` : 'skipped').padStart(24);
        };
        return `${name.padEnd(10)} ${String(n).padStart(4)} ${col(r.hookgate)} ${col(r.autocannon)} ${col(r.wrk)}  ${spreadText(s(r.hgAc)).padEnd(40)} ${r.hgWrk.length ? spreadText(s(r.hgWrk)) : 'skipped'}`;
      }),
      `hookgate's event loop busy (raw receiver): ${spreadText(s(rawRows.elu), (x) => `${Math.round(x * 100)}%`)}`,
      `CPU per request in steady state (user+system from /proc, raw receiver, median): ${['hookgate', 'autocannon', 'wrk'].map((k) => `${k} ${rawRows.cpu[k].length ? `${s(rawRows.cpu[k]).median.toFixed(1)} µs` : 'n/a'}`).join(', ')}`,
      `  share of its core each tool used (median): ${['hookgate', 'autocannon', 'wrk'].map((k) => `${k} ${rawRows.core[k].length ? `${Math.round(s(rawRows.core[k]).median * 100)}%` : 'n/a'}`).join(', ')} (below ~90%: waiting on the receiver or the scheduler, not CPU-bound)`,
      `  → hookgate/autocannon when both are CPU-bound on their core (autocannon's CPU per request / hookgate's): ${ratio(cpuRatio)}`,
    );
    goals.push(
      'goals (issue 11):',
      `  closed model, every request uniquely signed: ≥ ${GOAL_AUTOCANNON.toFixed(1)}× static autocannon — measured ${ratio(s(rawRows.hgAc).median)} (by CPU per request ${ratio(cpuRatio)}): ${pf(acGoal)}`,
      `  closed model, every request uniquely signed: ≥ ${GOAL_WRK}× wrk — measured ${wrk.ok ? ratio(s(rawRows.hgWrk).median) : 'n/a (wrk skipped)'}: ${wrkGoal === undefined ? 'NOT MEASURED' : pf(wrkGoal)}`,
    );
    if (!acGoal || wrkGoal === false) goals.push('  below a goal: BENCH_PROFILE=1 npm run bench:load prints where the generator spends its time');
  }
  if (verified.total > 0) summary.push(`valid signatures: ${verified.valid}/${verified.total} sampled (svix Webhook.verify)${verified.errors.length ? ` — ${verified.errors.slice(0, 3).join('; ')}` : ''}; ids unique in every sample: ${verified.uniqueIds === verified.total ? 'yes' : 'NO'}`);
  if (opened) {
    const { achieved, rateOk, win, ids, open, stalled, stallOk } = opened;
    summary.push(
      `open model ${RATE}/s: achieved ${achieved.toFixed(1)}/s, within 1%: ${pf(rateOk)}; arrivals per 100 ms within ±10% of ${win.expected} (${win.judged} windows, min ${win.min}, max ${win.max}): ${pf(win.pass)}; ids unique: ${ids.unique}/${ids.tracked} ${pf(ids.duplicates === 0)}`,
      `receiver stall ${STALL_MS} ms: p50 ${ms(open.load.latencyMs.p50)} → ${ms(stalled.load.latencyMs.p50)}, p99 ${ms(open.load.latencyMs.p99)} → ${ms(stalled.load.latencyMs.p99)}: ${pf(stallOk)}`,
    );
  }
  if (fm) {
    summary.push(`find-max vs a ${FINDMAX_CAPACITY}/s token bucket (${fm.thresholds}, ${FINDMAX_STEP} s steps from ${FINDMAX_START}/s): maxRate ${fm.maxText}${fm.generatorBoundAt !== undefined ? `, generator-bound at ${fm.generatorBoundAt}/s` : ''}; ${fm.steps} steps in ${(fm.ms / 1000).toFixed(1)} s; other work during it ${fm.other}`);
    goals.push(
      'goal (issue 12 item 1):',
      `  find-max within ±${FINDMAX_TOLERANCE * 100}% of the receiver's ${FINDMAX_CAPACITY}/s — measured ${fm.maxText}${fm.off === undefined ? '' : ` (${fm.off >= 0 ? '+' : ''}${(fm.off * 100).toFixed(1)}%)`}: ${pf(fm.pass)}${fm.cutShort ? ` (search cut short generator-bound at ${fm.generatorBoundAt}/s, other work during it ${fm.other})` : ''}`,
    );
  }
  summary.push(`${pin.note}${runs('closed') ? `; ${wrk.note}` : ''}`);
  const busyAfter = await machineBusy(1000);
  summary.push(`other work on the machine: ${busyText(busyBefore)} busy before, ${busyText(busyAfter)} after (bench idle)`, ...goals);
  summary.forEach((l) => log(l));
  const allSigned = verified.valid === verified.total && verified.uniqueIds === verified.total;
  if (!allSigned || (runs('closed') && verified.total === 0) || (opened && opened.ids.duplicates > 0)) process.exitCode = 1;
} finally {
  await Promise.all([raw?.stop(), http?.stop()]);
  if (existsSync(work) && !process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
}

/**
 * The capacity search: a token-bucket receiver of FINDMAX_CAPACITY/s in its own pinned process, and
 * `hookgate load --find-max` against it. Prints the curve (with the share the bucket must refuse at
 * each rate, for comparison), maxRate, whether it is within ±10% of the capacity, and the search's time.
 */
async function findMaxSection() {
  const bucket = await startReceiver(pin, join(root, 'scripts/bench-load/bucket-receiver.mjs'), { BUCKET_CAPACITY: String(FINDMAX_CAPACITY), BUCKET_BURST: String(FINDMAX_BURST) });
  try {
    const { capacity, burst } = bucket.info;
    const cmd = `hookgate load --find-max --start-rate ${FINDMAX_START} --step-duration ${FINDMAX_STEP} ${FINDMAX_THRESHOLDS.map((t) => `--threshold "${t}"`).join(' ')}`;
    log(`find-max: token-bucket receiver of ${capacity}/s (burst ${burst}, refilled continuously, 503 when empty), pinned like the others:`);
    log(`  ${cmd}`);
    bucket.send({ type: 'reset' });
    const r = await runHookgateFindMax(pin, root, { url: bucket.url, secret, startRate: FINDMAX_START, stepDuration: FINDMAX_STEP, thresholds: FINDMAX_THRESHOLDS, out: outDir(), receiverPid: bucket.pid });
    const rx = await bucket.stats();
    const { maxRate, generatorBoundAt, curve } = r.findMax;
    // What an ideal bucket refuses at `rate` over one step: the excess over capacity, less the burst it starts with.
    const refused = (rate) => Math.max(0, ((rate - capacity) * FINDMAX_STEP - burst) / (rate * FINDMAX_STEP));
    log(`  ${'step'.padStart(4)} ${'rate'.padStart(9)} ${'achieved'.padStart(10)} ${'2xx'.padStart(9)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'errors'.padStart(7)} ${'bucket'.padStart(7)} ${'timeouts'.padStart(8)}  pass`);
    curve.forEach((p, i) => {
      const verdict = !p.valid ? 'generator-bound' : p.pass ? 'pass' : 'FAIL';
      log(`  ${String(i + 1).padStart(4)} ${`${p.rate}/s`.padStart(9)} ${`${p.achieved.toFixed(1)}/s`.padStart(10)} ${`${Math.round(p.achieved * (1 - p.errorRate / 100))}/s`.padStart(9)} ${ms(p.p50).padStart(9)} ${ms(p.p99).padStart(9)} ${`${p.errorRate.toFixed(2)}%`.padStart(7)} ${`${(refused(p.rate) * 100).toFixed(2)}%`.padStart(7)} ${String(p.timeouts).padStart(8)}  ${verdict}`);
    });
    log(`  (2xx: achieved × (1 − errors); bucket: the least an ideal ${capacity}/s bucket of ${burst} refuses at that rate over ${FINDMAX_STEP} s, starting full — steps follow closely, so it may start partly drained)`);
    const maxText = maxRate === null ? 'none' : `${maxRate}/s`;
    const off = maxRate === null ? undefined : maxRate / capacity - 1;
    const pass = off !== undefined && Math.abs(off) <= FINDMAX_TOLERANCE;
    log(`  maxRate: ${maxText}${generatorBoundAt !== undefined ? `  (generator-bound at ${generatorBoundAt}/s)` : ''}  (hookgate exit ${r.code})`);
    // A search the generator ended below the capacity did not find the receiver's knee: say so.
    const cutShort = !pass && generatorBoundAt !== undefined;
    log(`  within ±${FINDMAX_TOLERANCE * 100}% of ${capacity}/s: ${pf(pass)}${off === undefined ? '' : ` (${off >= 0 ? '+' : ''}${(off * 100).toFixed(1)}%)`}${cutShort ? ` — not the receiver's knee: hookgate judged the ${generatorBoundAt}/s step generator-bound (it fell behind its schedule or dropped starts) and stopped there` : ''}`);
    log(`  total search time: ${(r.ms / 1000).toFixed(1)} s (${curve.length} steps of ${FINDMAX_STEP} s; ${(r.ms / 1000 / Math.max(1, curve.length)).toFixed(2)} s per step with start-up and drain)`);
    log(`  the receiver answered ${rx.count}: ${rx.accepted} × 200, ${rx.rejected} × 503; its event-loop delay p99 ${ms(rx.loopDelayMs.p99)}, max ${ms(rx.loopDelayMs.max)}`);
    const d = r.during;
    const other = d ? `${Math.round(d.other * 100)}% of all cores` : 'unknown';
    if (d) log(`  during the search: hookgate used ${Math.round(d.hookgateCore * 100)}% of a core, the receiver ${Math.round(d.receiverCore * 100)}%, this script ${Math.round(d.benchCore * 100)}%; the rest of the machine (other work, and kernel time not charged to these processes, loopback networking included) ${other}${d.other > 0.25 ? ': a busy neighbour on the generator\'s core makes steps late, and a generator-bound step then says more about the machine than about hookgate' : ''}`);
    log();
    return { maxText, off, pass, cutShort, other, generatorBoundAt, steps: curve.length, ms: r.ms, thresholds: FINDMAX_THRESHOLDS.join(', ') };
  } finally {
    await bucket.stop();
  }
}
