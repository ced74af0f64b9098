import type { Io } from './io.js';
import { prepareOutDir, writeReports } from './report-files.js';
import { colorEnabled, progressLine, verdictText } from './progress.js';
import { maskSecret } from './mask.js';
import { readCaFile } from './ca-file.js';
import { maskUrl } from '../fixtures/mask.js';
import { EXIT } from '../fixtures/hookgate-error.js';
import type { HeaderStyle } from '../mock-provider/signing/index.js';
import { runCheck } from '../api/run-check.js';
import type { CheckEvent, CheckOptions } from '../api/types.js';
import { requestHeaders } from '../api/request-headers.js';
import { requireProvider } from '../api/require-provider.js';
import { requireUrl } from '../api/require-url.js';

export interface CheckOpts {
  provider?: string;
  url?: string;
  secret?: string;
  headerStyle: HeaderStyle;
  only?: string[];
  skip?: string[];
  out: string;
  seed?: number;
  runs: number;
  events?: string[];
  strict: boolean;
  start?: string;
  readyUrl?: string;
  readyTimeout: number;
  largeSize?: number;
  concurrency: number;
  list: boolean;
  effectsUrl?: string;
  apiPort?: number;
  settleMs: number;
  /** `--timeout S`: per-request timeout in seconds (default the provider's). */
  timeout?: number;
  /** `--header K:V`, repeatable: sent with every request, never printed. */
  header: string[];
  /** `--ca FILE`: an extra CA (PEM) to trust for an https:// receiver. */
  ca?: string;
  insecure: boolean;
  /** `--safe`: only what the provider itself would send. */
  safe: boolean;
  /** `--max-rate R`: requests per second to the receiver, at most. */
  maxRate?: number;
}

/** The options of a run that do not name its receiver: the same for `check` and every target of `check --targets`. */
export function checkRunOptions(o: CheckOpts): Omit<CheckOptions, 'provider' | 'url'> {
  return {
    headerStyle: o.headerStyle,
    only: o.only,
    skip: o.skip,
    runs: o.runs,
    seed: o.seed,
    strict: o.strict,
    largeSize: o.largeSize,
    concurrency: o.concurrency,
    settleMs: o.settleMs,
    timeoutMs: o.timeout === undefined ? undefined : Math.max(1, Math.round(o.timeout * 1000)),
    insecure: o.insecure,
    safe: o.safe,
    maxRate: o.maxRate,
  };
}

/**
 * `hookgate check` on the command line: options in, `runCheck` (api/run-check.ts) does the run;
 * this renders its progress and verdict, writes the reports and maps the outcome to an exit code.
 */
export async function runCheckSession(o: CheckOpts, io: Io): Promise<number> {
  // What the API would refuse anyway, refused before the report folder is made.
  requireProvider(o.provider);
  requireUrl(o.url);
  const headers = requestHeaders(o.header);
  const ca = o.ca !== undefined ? readCaFile(o.ca, io.cwd) : undefined;
  const outDir = prepareOutDir(o.out, io.cwd);
  const color = colorEnabled(io);
  const onEvent = (e: CheckEvent): void => {
    switch (e.type) {
      case 'run-started': {
        if (e.generatedSecret) io.err(`hookgate: generated a secret for this ${e.providerDisplayName} run (given to the receiver as HOOKGATE_SECRET):\n  ${e.generatedSecret}\n`);
        const n = e.checks.length;
        const extras = headers.length ? `, headers ${headers.map(([k]) => k).join(', ')} (values hidden)` : '';
        io.err(`hookgate check: ${e.providerDisplayName} → ${e.target}  (${n} check${n === 1 ? '' : 's'}, ${e.runs} run${e.runs === 1 ? '' : 's'} each, seed ${e.seed}, secret ${e.generatedSecret ? 'generated' : maskSecret(o.secret!)}${extras})\n`);
        return;
      }
      case 'api-started':
        return io.err(`fetch-back API: ${e.url} (any non-empty X-API-KEY${e.givenToReceiver ? '; given to the receiver as HOOKGATE_API_URL / HOOKGATE_API_KEY' : ''})\n`);
      case 'receiver-started':
        return io.err(`started receiver: ${e.command} (pid ${e.pid})\n`);
      case 'warning':
        return io.err(e.code === 'insecure' ? `hookgate: WARNING: --insecure: ${e.message}\n` : `hookgate: ${e.message}\n`);
      case 'check-finished':
        return io.err(progressLine(e.result, e.done, e.total, { color }));
    }
  };

  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const run = await runCheck({
      ...checkRunOptions(o),
      provider: o.provider!,
      url: o.url!,
      secret: o.secret,
      events: o.events,
      effectsUrl: o.effectsUrl,
      apiPort: o.apiPort,
      start: o.start,
      readyUrl: o.readyUrl,
      readyTimeoutMs: o.readyTimeout * 1000,
      cwd: io.cwd,
      headers,
      ca,
      signal: abort.signal,
      onEvent,
    });
    // As typed (port 0 included), for the rerun and replay lines in the reports; credentials masked.
    const results = { ...run.results, invocation: { url: maskUrl(o.url!), out: o.out } };
    writeReports(outDir, results, { attachments: new Map(run.attachments) });
    io.out(verdictText(results, outDir, { color }));
    if (results.insecure) io.err(`hookgate: WARNING: --insecure: the receiver's certificate was not verified in this run\n`);
    if (results.interrupted) return EXIT.interrupted;
    if (run.nothingToCheck) {
      const profile = requireProvider(o.provider);
      io.err(`error: nothing to check: every selected check is not applicable to ${profile.displayName}${o.events?.length ? ' with these --events' : ''}\nhint: widen --only/--skip (\`hookgate check --list --provider ${profile.name}\` shows what applies)\n`);
      return EXIT.usage;
    }
    return results.summary.verdict === 'pass' ? EXIT.ok : EXIT.failed;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
