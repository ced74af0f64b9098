// npm run bench:schedule — the delivery engine's own cost, without sockets: N messages (default 10,000)
// each failing all 8 Svix attempts over the full 27 h 35 min 5 s schedule, through the real dispatcher
// and in-memory store, on a virtual clock that jumps to the next due attempt and an always-failing
// fake deliver. Baseline, measured in the same run: the same attempts through the pure `simulate`
// (the schedule arithmetic alone), so the ratio is what the dispatcher's bookkeeping costs on top.
// Runs the built JS: `npm run build` first (the npm script does).
import { performance } from 'node:perf_hooks';
import { PROVIDERS } from '../dist/fixtures/index.js';
import { ManualClock } from '../dist/mock-provider/engine/clock.js';
import { createDispatcher } from '../dist/mock-provider/engine/dispatcher.js';
import { formatDuration, simulate } from '../dist/mock-provider/engine/schedule.js';
import { memoryStore } from '../dist/mock-provider/engine/store.js';

const N = Number(process.env.BENCH_MESSAGES ?? 10_000);
const profile = PROVIDERS.optipick;
const attemptsPerMessage = simulate(profile.retry, []).attempts.length;
const total = N * attemptsPerMessage;

/** `staggerMs` 0: every message created at the same instant; otherwise one message every `staggerMs` of virtual time. */
async function runDispatcher(staggerMs) {
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const store = memoryStore();
  const fail = { status: 500, latencyMs: 0 };
  const dispatcher = createDispatcher({ profile, clock, store, deliver: async () => fail, disableAfterMs: null });
  await dispatcher.addEndpoint({ id: 'ep_bench', url: 'http://receiver.invalid/' });
  await dispatcher.start();
  const body = Buffer.from('{"request_id":"bench"}');
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    await dispatcher.enqueue({ type: 'route.optimized', messageId: `msg_${i}`, body }, ['ep_bench']);
    if (staggerMs > 0) await clock.advance(staggerMs);
  }
  while (await clock.runNext());
  const wallMs = performance.now() - t0;
  await dispatcher.stop();

  const attempts = await store.listAttempts();
  const dead = await store.listDeadLetters();
  const byMsg = new Map();
  for (const a of attempts) (byMsg.get(a.msgId) ?? byMsg.set(a.msgId, []).get(a.msgId)).push(a.virtualOffsetMs);
  const expected = simulate(profile.retry, []).attempts.map((a) => a.offsetMs).join(',');
  const wrong = [...byMsg.values()].filter((offsets) => offsets.join(',') !== expected).length;
  if (attempts.length !== total || dead.length !== N || wrong > 0) {
    throw new Error(`bench invalid: ${attempts.length}/${total} attempts, ${dead.length}/${N} dead letters, ${wrong} messages off schedule`);
  }
  const spans = [...byMsg.values()].map((o) => o.at(-1));
  return { wallMs, spanMs: Math.max(...spans), virtualTotalMs: clock.now() - Date.UTC(2025, 0, 1) };
}

function runSimulate() {
  const t0 = performance.now();
  let attempts = 0;
  let span = 0;
  for (let i = 0; i < N; i++) {
    const sim = simulate(profile.retry, []);
    attempts += sim.attempts.length;
    span = sim.spanMs;
  }
  const wallMs = performance.now() - t0;
  if (attempts !== total) throw new Error(`simulate made ${attempts} attempts, expected ${total}`);
  return { wallMs, spanMs: span };
}

const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
// One warm-up pass of each so the figures are steady-state, not JIT warm-up; then the median of REPEAT
// runs, interleaved so machine noise hits every variant alike.
runSimulate();
await runDispatcher(0);
const runs = { base: [], burst: [], staggered: [] };
let spanMs = 0;
let covered = {};
for (let r = 0; r < REPEAT; r++) {
  runs.base.push(runSimulate().wallMs);
  const burst = await runDispatcher(0);
  const staggered = await runDispatcher(1000);
  runs.burst.push(burst.wallMs);
  runs.staggered.push(staggered.wallMs);
  spanMs = burst.spanMs;
  covered = { burst: burst.virtualTotalMs, staggered: staggered.virtualTotalMs };
}
const base = median(runs.base);

console.log(`hookgate bench:schedule — ${fmt(N)} messages × ${attemptsPerMessage} failing attempts = ${fmt(total)} attempts (${profile.displayName}, Svix schedule), node ${process.version}, median of ${REPEAT}`);
console.log(`virtual span per message: ${formatDuration(spanMs)} (simulate: ${formatDuration(simulate(profile.retry, []).spanMs)})`);
console.log(`${'baseline: pure simulate() only'.padEnd(40)}${base.toFixed(1).padStart(9)} ms ${fmt(total / (base / 1000)).padStart(12)} attempts/s`);
for (const [name, key] of [['dispatcher, all created at once', 'burst'], ['dispatcher, one message per second', 'staggered']]) {
  const ms = median(runs[key]);
  console.log(
    `${name.padEnd(40)}${ms.toFixed(1).padStart(9)} ms ${fmt(total / (ms / 1000)).padStart(12)} attempts/s  ` +
      `${(ms / base).toFixed(0)}× the baseline (virtual time covered: ${formatDuration(covered[key])})`,
  );
}
