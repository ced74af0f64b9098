// A user's script: imports hookgate as an installed package (test/api/packed.test.ts copies this file
// into a temp project where the packed tarball is installed) and prints what it saw as JSON.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { runCheck, runLoad, HookgateError } from 'hookgate';

const [mode, receivers] = process.argv.slice(2);
const example = (file) => `${receivers}/${file}`;
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** An example receiver's express app, served in this process on 127.0.0.1:0 (a target that is "already running"). */
async function inProcess(file, secret) {
  const { createApp } = await import(pathToFileURL(example(file)).href);
  const server = createServer(createApp({ secret }));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/webhook`, close: () => new Promise((r) => server.close(r)) };
}

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const out = {};

if (mode === 'check') {
  // Two runs at once in one process: one starts its receiver (a generated secret), one checks a running one.
  const events = [];
  const running = await inProcess('svix-correct.mjs', SECRET);
  const [a, b] = await Promise.all([
    runCheck({
      provider: 'optipick',
      url: 'http://127.0.0.1:0/webhook',
      start: `node "${example('svix-fetchback-correct.mjs')}"`,
      runs: 5,
      seed: 11,
      onEvent: (e) => events.push(e),
    }),
    runCheck({ provider: 'dimmy', url: running.url, secret: SECRET, only: ['signature.'], runs: 3 }),
  ]);
  await running.close();
  const pid = events.find((e) => e.type === 'receiver-started')?.pid;
  out.a = {
    verdict: a.results.summary.verdict,
    provider: a.results.provider,
    checks: a.results.checks.map((c) => [c.id, c.status]),
    generatedSecret: a.generatedSecret,
    receiverLog: Boolean(a.results.receiverLog),
    receiverAliveAfter: pid === undefined ? null : alive(pid),
    eventTypes: events.map((e) => e.type),
    started: events.filter((e) => e.type === 'check-started').map((e) => e.id),
    finished: events.filter((e) => e.type === 'check-finished').map((e) => [e.result.id, e.result.status, e.done, e.total]),
    runStarted: events.find((e) => e.type === 'run-started'),
  };
  out.b = { verdict: b.results.summary.verdict, provider: b.results.provider, hasGeneratedSecret: 'generatedSecret' in b, checks: b.results.checks.length };
}

if (mode === 'abort') {
  // Aborted after the first check finished: the rest are reported as interrupted skips, never a pass.
  const ac = new AbortController();
  let pid;
  const run = await runCheck({
    provider: 'optipick',
    url: 'http://127.0.0.1:0/webhook',
    start: `node "${example('svix-fetchback-correct.mjs')}"`,
    runs: 5,
    concurrency: 1,
    signal: ac.signal,
    onEvent: (e) => {
      if (e.type === 'receiver-started') pid = e.pid;
      if (e.type === 'check-finished' && e.done === 1) ac.abort();
    },
  });
  out.verdict = run.results.summary.verdict;
  out.interrupted = run.results.interrupted;
  out.statuses = run.results.checks.map((c) => [c.id, c.status, c.skipKind ?? null]);
  out.receiverAliveAfter = alive(pid);
}

if (mode === 'load') {
  const running = await inProcess('svix-correct.mjs', SECRET);
  const ticks = [];
  // The receiver shares this thread with the generator: on a busy machine the run can be `valid: false`
  // (late starts); this test is about the API, so the threshold is judged either way.
  const run = await runLoad({ provider: 'optipick', url: running.url, secret: SECRET, durationMs: 1300, rate: 100, thresholds: ['errors<1%'], allowInvalid: true, onEvent: (e) => e.type === 'tick' && ticks.push(e.tick) });
  await running.close();
  out.requests = run.results.requests;
  out.ok2xx = run.results.ok2xx;
  out.verdict = run.verdict.verdict;
  out.reason = run.verdict.reason;
  out.thresholds = run.results.thresholds.map((t) => [t.expr, t.pass]);
  out.ticks = ticks.length;
}

if (mode === 'bad') {
  out.errors = [];
  for (const o of [
    { provider: 'optipik', url: 'http://127.0.0.1:1/webhook', secret: SECRET },
    { provider: 'optipick', url: 'ftp://127.0.0.1/webhook', secret: SECRET },
    { provider: 'optipick', url: 'http://127.0.0.1:1/webhook', secret: SECRET, runs: 0 },
    { provider: 'optipick', url: 'http://127.0.0.1:1/webhook' },
    { provider: 'optipick', url: 'https://127.0.0.1:1/webhook', secret: SECRET, ca: 'not a pem' },
  ]) {
    try {
      await runCheck(o);
      out.errors.push(null);
    } catch (e) {
      out.errors.push({ isHookgateError: e instanceof HookgateError, code: e.code, exitCode: e.exitCode, message: e.message, hint: e.hint });
    }
  }
}

process.stdout.write(JSON.stringify(out));
