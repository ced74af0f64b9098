// Type-checked against the packed declarations by test/api/packed.test.ts (never run): the API's
// types as a TypeScript user meets them. Each @ts-expect-error must stay an error, so types that
// loosened to `any` would fail the check.
import { runCheck, runLoad, HookgateError, type CheckEvent, type CheckRun, type LoadRun, type RunResults, type CheckResult } from 'hookgate';

export async function gate(url: string, signal: AbortSignal): Promise<boolean> {
  const seen: CheckResult['status'][] = [];
  const run: CheckRun = await runCheck({
    provider: 'optipick',
    url,
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    headers: { 'X-Gateway-Key': 'k' },
    signal,
    onEvent: (e: CheckEvent) => {
      if (e.type === 'check-finished') seen.push(e.result.status);
    },
  });
  const results: RunResults = run.results;
  const verdict: 'pass' | 'fail' = results.summary.verdict;
  const load: LoadRun = await runLoad({ provider: 'dimmy', url: new URL(url), secret: 'whsec_x', rate: 10, durationMs: 1000, insecure: true });
  const p99: number = load.results.latencyMs.p99;
  void p99;
  // @ts-expect-error runs is a number
  await runCheck({ provider: 'optipick', url, runs: 'ten' });
  // @ts-expect-error url is required
  await runCheck({ provider: 'optipick' });
  // @ts-expect-error a load needs its secret
  await runLoad({ provider: 'optipick', url });
  try {
    await runCheck({ provider: 'nope', url });
  } catch (e) {
    if (e instanceof HookgateError) return e.exitCode === 2;
  }
  return verdict === 'pass';
}
