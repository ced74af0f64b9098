import type { Command } from 'commander';
import type { Io } from './io.js';
import { LOAD_OPTIONS } from './option-specs.js';
import { requireProvider, requireUrl, resolveFor } from './context.js';
import { prepareOutDir, writeLoadReports } from './report-files.js';
import { maskSecret } from './mask.js';
import { colorEnabled } from './progress.js';
import { curveLine, findMaxText, loadProgressLine, loadTable } from './load-text.js';
import { EXIT, HookgateError } from '../fixtures/hookgate-error.js';
import type { HeaderStyle } from '../mock-provider/signing/index.js';
import { runLoad } from '../api/run-load.js';
import type { LoadEvent } from '../api/types.js';
import { requestHeaders } from '../api/request-headers.js';
import { readCaFile } from './ca-file.js';

export interface LoadOpts {
  provider?: string;
  url?: string;
  secret?: string;
  headerStyle: HeaderStyle;
  duration: number;
  warmup: number;
  connections: number;
  rate?: number;
  maxInflight: number;
  duplicates: number;
  large: number;
  largeSize?: number;
  header: string[];
  ca?: string;
  insecure: boolean;
  threshold: string[];
  allowInvalid: boolean;
  effectsUrl?: string;
  settleMs: number;
  events?: string[];
  seed?: number;
  workers: number;
  timeout?: number;
  out: string;
  findMax: boolean;
  startRate: number;
  stepDuration: number;
  shard?: string;
  startAt?: string;
}

/** `--shard K/N`, K from 1 to N. */
export function parseShard(raw: string): { k: number; n: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || n > 10_000 || k < 1 || k > n) {
    throw new HookgateError('BAD_OPTION', `--shard "${raw}" is not K/N with K from 1 to N`, 'e.g. --shard 2/4 (the second of four); a Kubernetes Indexed Job passes $((JOB_COMPLETION_INDEX + 1))/N');
  }
  return { k, n };
}

/** `--start-at`: ISO 8601 or epoch seconds; more than 5 s in the past is too late to join the others. */
export function parseStartAt(raw: string, nowMs: number): number {
  const t = /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
  if (!Number.isFinite(t)) throw new HookgateError('BAD_OPTION', `--start-at "${raw}" is neither an ISO 8601 time nor epoch seconds`, 'e.g. --start-at 2026-12-01T10:00:00Z or --start-at $(( $(date +%s) + 60 ))');
  if (t < nowMs - 5000) throw new HookgateError('BAD_OPTION', `--start-at ${new Date(t).toISOString()} was ${((nowMs - t) / 1000).toFixed(1)} s ago: this shard is more than 5 s late to start with the others`, 'pick a start moment far enough ahead for every shard to be scheduled (a minute is usual), and rerun all shards');
  if (t > nowMs + 86_400_000) throw new HookgateError('BAD_OPTION', `--start-at ${new Date(t).toISOString()} is more than a day ahead`, 'give the moment the shards should start, within the next day');
  return t;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerLoad(program: Command, io: Io, setCode: (c: number) => void): void {
  program
    .command('load')
    .description('send correctly signed, unique, realistic webhook traffic at a receiver; measure throughput and latency; gate on thresholds')
    .option('--provider <name>', 'optipick | dimmy | omnisales')
    .option('--url <url>', "the receiver's webhook URL")
    .option('--secret <secret>', 'the secret the receiver verifies with (prefer HOOKGATE_SECRET)')
    .option('--header-style <style>', 'svix (svix-* headers) | standard (webhook-* headers)')
    .option('--duration <seconds>', 'how long to measure (default 10)')
    .option('--warmup <seconds>', 'load sent before measuring, excluded from the figures (default 0)')
    .option('--connections <n>', 'closed model: connections, each sending as soon as its previous answer arrived (default 10)')
    .option('--rate <r>', 'open model: requests per second, request i due at start + i/R (latency from the due time)')
    .option('--max-inflight <n>', 'open model: most requests in flight; a start beyond it is dropped and counted (default 1000)')
    .option('--duplicates <fraction>', 'share of requests that redeliver a message already answered (same id, new timestamp and signature)')
    .option('--large <fraction>', 'share of requests with a large payload')
    .option('--large-size <bytes>', 'size of the large payloads (default: Dimmy 1 MiB, others 256 KiB)')
    .option('--header <K:V>', 'extra request header, repeatable (for a gateway in front of the receiver); its value is never printed', collect)
    .option('--ca <file>', 'trust this CA certificate (PEM) for an https:// receiver, beside the system\'s')
    .option('--insecure', 'do not verify the receiver\'s TLS certificate (testing only; said in the output and load.json)')
    .option('--threshold <expr>', 'gate, repeatable: p99<250ms, p50<=20ms, errors<0.1%, timeouts==0, rps>=2000, duplicatesProcessed==0', collect)
    .option('--allow-invalid', 'judge the thresholds even when the generator, not the receiver, was the bottleneck')
    .option('--effects-url <url>', "the receiver's test hook (GET → JSON array of processed dedup keys): counts duplicatesProcessed")
    .option('--settle-ms <n>', 'with --effects-url: wait this long for asynchronous processing before counting (default 500)')
    .option('--events <types>', 'the event types to send (default: the whole catalog)')
    .option('--seed <n>', 'fixes the payload pool and which requests are duplicates or large')
    .option('--workers <n>', 'generator threads; their figures merge exactly (default 1)')
    .option('--timeout <seconds>', "per-request timeout (default the provider's: 20 s Svix, 30 s OmniSales)")
    .option('--out <dir>', 'report folder (default ./hookgate-load)')
    .option('--find-max', 'search for the highest open-model rate that holds every --threshold (doubling, then bisecting to 5%; a rate counts once it passed twice)')
    .option('--start-rate <r>', 'with --find-max: the first rate tried (default 100/s)')
    .option('--step-duration <seconds>', 'with --find-max: how long each step runs (default 10)')
    .option('--shard <K/N>', 'this run is shard K of N: it takes its share of the rate or connections; thresholds are judged by `hookgate merge`')
    .option('--start-at <time>', 'with --shard: start at this moment (ISO 8601 or epoch seconds) so all shards start together')
    .addHelpText(
      'after',
      '\nExit codes: 0 every threshold held (or none given), 1 a threshold failed, the receiver refused the first requests, or the generator was the bottleneck with thresholds (see --allow-invalid), 2 usage error, 3 receiver unreachable or its TLS certificate not trusted, 130 interrupted.\n\nExamples:\n  $ HOOKGATE_SECRET=whsec_… hookgate load --provider optipick --url http://127.0.0.1:3000/webhook --connections 20 --duration 30\n  $ hookgate load --provider omnisales --url http://127.0.0.1:3000/webhooks/omni --rate 500 --duplicates 0.1 --threshold "p99<250ms" --threshold "errors<0.1%"\n',
    )
    .action(async (flags: Record<string, unknown>) => setCode(await runLoadCommand(resolveFor<LoadOpts>(LOAD_OPTIONS, flags, io), io)));
}

export async function runLoadCommand(o: LoadOpts, io: Io): Promise<number> {
  // What the API would refuse anyway, refused before the report folder is made; --shard and
  // --start-at are the command line's spellings of the API's { k, n } and epoch ms.
  requireProvider(o.provider);
  requireUrl(o.url);
  const headers = requestHeaders(o.header);
  const shard = o.shard !== undefined ? parseShard(o.shard) : undefined;
  const startAtEpochMs = o.startAt !== undefined ? parseStartAt(o.startAt, Date.now()) : undefined;
  const ca = o.ca !== undefined ? readCaFile(o.ca, io.cwd) : undefined;
  const shape = o.findMax ? `find-max from ${o.startRate}/s, ${o.stepDuration} s steps, at most ${o.maxInflight} in flight` : o.rate !== undefined ? `open model, ${o.rate}/s, at most ${o.maxInflight} in flight` : `closed model, ${o.connections} connection${o.connections === 1 ? '' : 's'}`;
  const extras = [
    o.duplicates ? `${o.duplicates * 100}% duplicates` : '',
    o.large ? `${o.large * 100}% large` : '',
    headers.length ? `headers ${headers.map(([k]) => k).join(', ')} (values hidden)` : '',
    o.workers > 1 ? `${o.workers} workers` : '',
    shard ? `shard ${shard.k}/${shard.n}` : '',
    startAtEpochMs !== undefined ? `starting at ${new Date(startAtEpochMs).toISOString()}` : '',
  ].filter(Boolean);
  const outDir = prepareOutDir(o.out, io.cwd);

  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const color = colorEnabled(io);
  let lastLine = '';
  const onEvent = (e: LoadEvent): void => {
    switch (e.type) {
      case 'run-started':
        return io.err(`hookgate load: ${e.providerDisplayName} → ${e.target}  (${shape}${o.findMax ? '' : `, ${o.duration} s`}${o.warmup ? ` + ${o.warmup} s warmup` : ''}, seed ${e.seed}, secret ${maskSecret(o.secret!)}${extras.length ? ', ' + extras.join(', ') : ''})\n`);
      case 'warning':
        return io.err(`hookgate: WARNING: --insecure: ${e.message}\n`);
      case 'step':
        if (io.isTTY && lastLine) io.err('\r\x1b[2K');
        lastLine = '';
        return io.err(`${curveLine(e.point)}\n`);
      case 'tick':
        lastLine = loadProgressLine(e.tick);
        // On a terminal the line rewrites itself; in CI logs it is one line per second.
        return io.err(io.isTTY ? `\r\x1b[2K${lastLine}` : `${lastLine}\n`);
    }
  };
  try {
    const { results, verdict } = await runLoad({
      provider: o.provider!,
      url: o.url!,
      secret: o.secret!,
      headerStyle: o.headerStyle,
      events: o.events,
      seed: o.seed,
      durationMs: o.duration * 1000,
      warmupMs: o.warmup * 1000,
      connections: o.connections,
      rate: o.rate,
      maxInflight: o.maxInflight,
      duplicates: o.duplicates,
      large: o.large,
      largeSize: o.largeSize,
      thresholds: o.threshold,
      allowInvalid: o.allowInvalid,
      effectsUrl: o.effectsUrl,
      settleMs: o.settleMs,
      workers: o.workers,
      timeoutMs: o.timeout === undefined ? undefined : o.timeout * 1000,
      ...(o.findMax ? { findMax: { startRate: o.startRate, stepDurationMs: o.stepDuration * 1000 } } : {}),
      ...(shard ? { shard } : {}),
      ...(startAtEpochMs !== undefined ? { startAtEpochMs } : {}),
      headers,
      ca,
      insecure: o.insecure,
      signal: abort.signal,
      onEvent,
    });
    if (io.isTTY && lastLine) io.err('\n');
    const dir = outDir;
    writeLoadReports(dir, results, { allowInvalid: o.allowInvalid, sharded: Boolean(shard) });
    io.out(loadTable(results, verdict, { color }));
    if (results.findMax) io.out(findMaxText(results.findMax, o.startRate));
    io.out(`reports: ${dir}/summary.md, report.html, load.json, junit.xml\n`);
    if (results.insecure) io.err(`hookgate: WARNING: --insecure: the receiver's certificate was not verified in this run\n`);
    if (results.interrupted) return EXIT.interrupted;
    // The search's question is "how much can it take?": no rate that held is a failed answer.
    if (results.findMax && results.findMax.maxRate === null) return EXIT.failed;
    return verdict.exitCode;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
