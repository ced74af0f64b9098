// Child processes of the bench: receivers and load tools, each pinned to its own core when
// `taskset` (util-linux) exists — the receiver on core 0, the tool under test on core 1.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';

export const RECEIVER_CORE = '0';
export const GENERATOR_CORE = '1';

function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

/** How to pin: { taskset: path | null, note }. Pinning needs taskset and at least two cores. */
export function pinning() {
  const taskset = which('taskset');
  const cores = cpus().length;
  if (!taskset) return { taskset: null, note: 'taskset not found (util-linux): receiver and generator run unpinned, sharing the cores' };
  if (cores < 2) return { taskset: null, note: `only ${cores} core: receiver and generator run unpinned on it` };
  try {
    execFileSync(taskset, ['-c', GENERATOR_CORE, 'true'], { stdio: 'ignore' });
  } catch {
    return { taskset: null, note: `taskset -c ${GENERATOR_CORE} failed (core not allowed here?): running unpinned` };
  }
  return { taskset, note: `receiver pinned to core ${RECEIVER_CORE} (taskset -c ${RECEIVER_CORE}), generators to core ${GENERATOR_CORE} (taskset -c ${GENERATOR_CORE})` };
}

function pinned(pin, core, cmd, args) {
  return pin.taskset ? [pin.taskset, ['-c', core, cmd, ...args]] : [cmd, args];
}

let clockTicks;
/** CPU time (user + system, ms) a process has used so far, all its threads, from /proc (Linux); undefined elsewhere. */
export function processCpuMs(pid) {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}

/**
 * Runs a command to its end; resolves { code, stdout, stderr, ms, probes }. With `probeAt` (ms after
 * the start) and `probe(pid)`, probe is called at those moments (taskset and env exec the command,
 * so the pid is the tool's own) and `probes` holds what it resolved to.
 */
export function run(pin, core, cmd, args, opts = {}) {
  const { probeAt = [], probe, onSpawn, ...spawnOpts } = opts;
  const [file, argv] = pinned(pin, core, cmd, args);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOpts });
    onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    const probes = [];
    const timers = probe ? probeAt.map((at) => setTimeout(() => probes.push(probe(child.pid)), at)) : [];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', async (code) => {
      timers.forEach(clearTimeout);
      resolve({ code, stdout, stderr, ms: performance.now() - t0, probes: await Promise.all(probes) });
    });
  });
}

/**
 * A probe for `run`: the tool's CPU time and the receiver's request count at one moment. Two of
 * them inside the load window give the CPU per request in steady state (no start, no drain).
 */
export function steadyProbe(rx) {
  return async (pid) => {
    const cpuMs = processCpuMs(pid);
    const count = await rx.count();
    return { cpuMs, count, at: performance.now() };
  };
}

/** CPU µs per request and the receiver's rate between the first and the last probe; undefined when not measurable. */
export function steadyFigures(probes) {
  const ok = probes.filter((p) => p && p.cpuMs !== undefined);
  if (ok.length < 2) return {};
  const [a, b] = [ok[0], ok.at(-1)];
  const n = b.count - a.count;
  if (n <= 0) return {};
  return { cpuUsPerRequest: ((b.cpuMs - a.cpuMs) * 1000) / n, arrivalsPerSec: (n * 1000) / (b.at - a.at), cpuShare: (b.cpuMs - a.cpuMs) / (b.at - a.at) };
}

/** A receiver script in its own (pinned) process, talking over IPC; `env` is added to the bench's environment. */
export async function startReceiver(pin, script, env = {}) {
  const [file, argv] = pinned(pin, RECEIVER_CORE, process.execPath, [script]);
  const child = spawn(file, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  const waiters = [];
  child.on('message', (m) => {
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(m);
  });
  const next = (type) =>
    new Promise((resolve, reject) => {
      waiters.push({ type, resolve });
      setTimeout(() => reject(new Error(`receiver ${script}: no '${type}' message within 10 s`)), 10_000).unref();
    });
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`receiver ${script} exited (${code})`))));
  exited.catch(() => {});
  const { type: _, port, ...info } = await Promise.race([next('listening'), exited]);
  return {
    port,
    pid: child.pid,
    info,
    url: `http://127.0.0.1:${port}/webhook`,
    send: (m) => child.send(m),
    async stats(extra = {}) {
      const reply = next('stats');
      child.send({ type: 'stats', ...extra });
      return reply;
    },
    async count() {
      const reply = next('count');
      child.send({ type: 'count' });
      return (await reply).count;
    },
    stop() {
      if (child.exitCode === null) child.send({ type: 'exit' });
      return new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}

/** `hookgate load` (the built CLI) as its own process; resolves load.json plus how the process ended. */
export async function runHookgate(pin, root, { url, secret, duration, connections, rate, maxInflight, out, nodeArgs = [], probe }) {
  const model = rate !== undefined ? ['--rate', String(rate), ...(maxInflight ? ['--max-inflight', String(maxInflight)] : [])] : ['--connections', String(connections)];
  const args = [...nodeArgs, join(root, 'dist/cli/main.js'), 'load', '--provider', 'optipick', '--url', url, '--secret', secret, '--duration', String(duration), ...model, '--out', out];
  const r = await run(pin, GENERATOR_CORE, process.execPath, args, { cwd: out, env: { ...process.env, NO_COLOR: '1' }, ...probe });
  const file = join(out, 'load.json');
  if (!existsSync(file)) throw new Error(`hookgate load wrote no load.json (exit ${r.code}):\n${r.stderr.slice(-2000)}${r.stdout.slice(-2000)}`);
  const load = JSON.parse(readFileSync(file, 'utf8'));
  return { load, code: r.code, rps: load.requests / (load.durationMs / 1000), stderr: r.stderr, ...steadyFigures(r.probes) };
}

/**
 * `hookgate load --find-max` (the built CLI) as its own process; resolves load.json (its `findMax`
 * holds maxRate, generatorBoundAt and the curve), the exit code and the wall time of the whole search.
 */
export async function runHookgateFindMax(pin, root, { url, secret, startRate, stepDuration, thresholds, out, receiverPid }) {
  const args = [join(root, 'dist/cli/main.js'), 'load', '--provider', 'optipick', '--url', url, '--secret', secret, '--find-max', '--start-rate', String(startRate), '--step-duration', String(stepDuration), ...thresholds.flatMap((t) => ['--threshold', t]), '--out', out];
  // Every 200 ms: the machine's CPU counters and the CPU time of hookgate and the receiver, so the
  // other work on the machine during the search is what is left (a busy neighbour makes steps late).
  const samples = [];
  let timer;
  const onSpawn = (child) => {
    const sample = () => {
      const s = { stat: cpuCounters(), hookgate: processCpuMs(child.pid), receiver: receiverPid ? processCpuMs(receiverPid) : 0, bench: cpuUsageMs(), at: performance.now() };
      if (s.stat && s.hookgate !== undefined && s.receiver !== undefined) samples.push(s);
    };
    sample();
    timer = setInterval(sample, 200);
  };
  const r = await run(pin, GENERATOR_CORE, process.execPath, args, { cwd: out, env: { ...process.env, NO_COLOR: '1' }, onSpawn });
  clearInterval(timer);
  const file = join(out, 'load.json');
  if (!existsSync(file)) throw new Error(`hookgate load --find-max wrote no load.json (exit ${r.code}):\n${r.stderr.slice(-2000)}${r.stdout.slice(-2000)}`);
  const load = JSON.parse(readFileSync(file, 'utf8'));
  if (!load.findMax) throw new Error(`hookgate load --find-max wrote a load.json without findMax (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
  let during;
  if (samples.length >= 2) {
    const [a, b] = [samples[0], samples.at(-1)];
    const wallMs = b.at - a.at;
    const cores = cpus().length;
    const busyMs = b.stat.busyMs - a.stat.busyMs;
    const ours = b.hookgate - a.hookgate + (b.receiver - a.receiver) + (b.bench - a.bench);
    during = { seconds: wallMs / 1000, hookgateCore: (b.hookgate - a.hookgate) / wallMs, receiverCore: (b.receiver - a.receiver) / wallMs, benchCore: (b.bench - a.bench) / wallMs, other: Math.max(0, busyMs - ours) / (wallMs * cores) };
  }
  return { load, findMax: load.findMax, code: r.code, ms: r.ms, stdout: r.stdout, stderr: r.stderr, during };
}

/** autocannon's CLI with one static request (-j: JSON result); rate = completed requests / elapsed seconds. */
export async function runAutocannon(root, pin, { url, connections, duration, request, bodyFile, probe }) {
  const bin = join(root, 'node_modules/.bin/autocannon');
  const headers = request.headers.flatMap(([k, v]) => ['-H', `${k}:${v}`]);
  const r = await run(pin, GENERATOR_CORE, bin, ['-j', '-c', String(connections), '-d', String(duration), '-m', request.method, ...headers, '-i', bodyFile, url], { ...probe });
  let j;
  try {
    j = JSON.parse(r.stdout);
  } catch {
    throw new Error(`autocannon printed no JSON (exit ${r.code}): ${r.stderr.slice(-1000)}`);
  }
  const total = j.requests.total;
  return {
    rps: total / j.duration,
    requests: total,
    non2xx: j.non2xx,
    errors: j.errors + j.timeouts,
    p50: j.latency.p50,
    p99: j.latency.p99,
    ...steadyFigures(r.probes),
  };
}

/** wrk with a Lua script that sets one static request; its done() prints the figures as JSON. */
export async function runWrk(pin, { url, connections, duration, luaFile, probe }) {
  const r = await run(pin, GENERATOR_CORE, 'wrk', ['-t1', `-c${connections}`, `-d${duration}s`, '--latency', '-s', luaFile, url], { ...probe });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (!line) throw new Error(`wrk printed no figures (exit ${r.code}): ${r.stderr.slice(-1000)}${r.stdout.slice(-1000)}`);
  const j = JSON.parse(line.slice('BENCH_JSON '.length));
  return {
    rps: j.requests / (j.duration_us / 1e6),
    requests: j.requests,
    non2xx: j.status,
    errors: j.connect + j.read + j.write + j.timeout,
    p50: j.p50_us / 1000,
    p99: j.p99_us / 1000,
    ...steadyFigures(r.probes),
  };
}

/** The wrk script: the request read from files (no Lua escaping of the JSON), figures out as JSON. */
export function wrkScript(request, bodyFile) {
  const lua = (s) => JSON.stringify(s); // ASCII header values: a JSON string is a valid Lua string
  const lines = [
    `wrk.method = ${lua(request.method)}`,
    `local f = assert(io.open(${lua(bodyFile)}, "rb"))`,
    'wrk.body = f:read("*a")',
    'f:close()',
    ...request.headers.map(([k, v]) => `wrk.headers[${lua(k)}] = ${lua(v)}`),
    'function done(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'BENCH_JSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d}\\n\',',
    '    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99)))',
    'end',
  ];
  return lines.join('\n') + '\n';
}

/** wrk on PATH, else (root, not CI) `apt-get install -y wrk`; resolves { ok, note }. */
export async function ensureWrk() {
  if (which('wrk')) return { ok: true, note: `wrk: ${which('wrk')}` };
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || process.env.CI) return { ok: false, note: `wrk not found and not installed (${root ? 'CI is set' : 'not root'}): the wrk baseline is skipped (apt-get install wrk to add it)` };
  console.log('wrk not found: apt-get install -y wrk …');
  const r = await run({ taskset: null }, '', 'apt-get', ['install', '-y', 'wrk'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.code === 0 && which('wrk')) return { ok: true, note: `wrk: installed with apt-get (${which('wrk')})` };
  return { ok: false, note: `wrk could not be installed (apt-get exit ${r.code}): the wrk baseline is skipped` };
}

const cpuUsageMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The machine's CPU counters from /proc/stat (Linux; clock ticks, and busy time in ms summed over all cores); undefined elsewhere. */
export function cpuCounters() {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    const idle = f[3] + f[4];
    return { total, idle, busyMs: ((total - idle) * 1000) / clockTicks };
  } catch {
    return undefined;
  }
}

/** Share (0..1) of all cores busy over `ms`, from /proc/stat (Linux); undefined elsewhere. Run while the bench itself idles: it is the other work on the machine. */
export async function machineBusy(ms = 1000) {
  const read = cpuCounters;
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return a && b && b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : undefined;
}
