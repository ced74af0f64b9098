// node scripts/bench-traffic.mjs (after `npm run build`) — what the load generator's request
// building costs: requests built per second by createTraffic().next() (a fresh copy of a prebuilt
// template, fixed-width writes, one node:crypto HMAC), per provider, no sockets. Baseline, measured
// in the same run: copying a static prebuilt request Buffer of the same size the same way
// (allocUnsafe + copy) — what a tool sending one static request pays at the least.
// BENCH_MS sets each measurement's length (default 1500 ms).
import { performance } from 'node:perf_hooks';
import { PROVIDERS } from '../dist/fixtures/index.js';
import { createTraffic } from '../dist/suites/load/traffic.js';

const MS = Number(process.env.BENCH_MS ?? 1500);
const BATCH = 1000;

function measure(fn) {
  for (let i = 0; i < 20 * BATCH; i++) fn(); // warm up the JIT
  let n = 0;
  let sink = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < MS) {
    for (let i = 0; i < BATCH; i++) sink += fn();
    n += BATCH;
    t = performance.now();
  }
  if (sink === -1) console.log(sink); // keep the work observable
  return n / ((t - t0) / 1000);
}

const fmt = (x) => Math.round(x).toLocaleString('en-US').padStart(11);
const secrets = { 'svix-v1': 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'omnisales-hex': 'whsec_3f9a1c7e5b2d4a6c8e0f1a3b5c7d9e1f' };

console.log(`node ${process.version}, ${MS} ms per figure`);
console.log(`${'provider'.padEnd(28)} ${'built/s'.padStart(11)} ${'static copy/s'.padStart(14)}  ratio  µs/request  avg bytes`);
for (const [name, label, over] of [
  ['optipick', 'optipick', {}],
  ['dimmy', 'dimmy', {}],
  ['omnisales', 'omnisales', {}],
  ['dimmy', 'dimmy --duplicates 0.1', { duplicates: 0.1 }],
]) {
  const profile = PROVIDERS[name];
  const traffic = createTraffic({
    profile, secret: secrets[profile.scheme], url: new URL('http://127.0.0.1:8080/webhook'), headerStyle: 'svix',
    seed: 1, duplicates: 0, large: 0, headers: [], webhookId: '6f1c2b9e-3a4d-4e5f-8a7b-9c0d1e2f3a4b', ...over,
  });
  const now = Math.floor(Date.now() / 1000);
  // The baseline copies a request of the pool's average size, so both sides move the same bytes.
  let bytes = 0;
  for (let i = 0; i < traffic.poolSize; i++) bytes += traffic.next(now).bytes.length;
  const avg = Math.round(bytes / traffic.poolSize);
  const staticRequest = Buffer.alloc(avg, 0x61);
  const built = measure(() => {
    const r = traffic.next(now);
    traffic.answered(r.handle, 200);
    return r.bytes.length;
  });
  const copied = measure(() => {
    const out = Buffer.allocUnsafe(staticRequest.length);
    staticRequest.copy(out);
    return out.length;
  });
  console.log(`${label.padEnd(28)} ${fmt(built)} ${fmt(copied).padStart(14)}  ${(built / copied).toFixed(3)}  ${(1e6 / built).toFixed(2).padStart(10)}  ${String(avg).padStart(9)}`);
}
