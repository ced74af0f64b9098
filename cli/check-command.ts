import type { Command } from 'commander';
import type { Io } from './io.js';
import { CHECK_OPTIONS } from './option-specs.js';
import { requireProvider, requireUrl, resolveFor } from './context.js';
import { CATALOG } from '../suites/conformance/catalog.js';
import { runCheckSession } from './check-session.js';
import { runTargetsSession, type TargetsOpts } from './targets-session.js';
import { HookgateError } from '../fixtures/hookgate-error.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerCheck(program: Command, io: Io, setCode: (c: number) => void): void {
  program
    .command('check')
    .description('run the conformance checks against a receiver; write results.json, junit.xml, summary.md and report.html')
    .option('--provider <name>', 'optipick | dimmy | omnisales')
    .option('--url <url>', "the receiver's webhook URL")
    .option('--secret <secret>', 'the secret the receiver verifies with (prefer HOOKGATE_SECRET)')
    .option('--only <ids>', 'run only these check ids or prefixes, comma-separated (e.g. signature.)')
    .option('--skip <ids>', 'skip these check ids or prefixes')
    .option('--out <dir>', 'report folder (default ./hookgate-report)')
    .option('--seed <n>', 'replay generation and shrinking of a previous run')
    .option('--runs <n>', 'property-based runs per check (default 50)')
    .option('--events <types>', 'the event types the receiver is subscribed to (default: the whole catalog)')
    .option('--header-style <style>', 'svix (svix-* headers) | standard (webhook-* headers)')
    .option('--large-size <bytes>', 'payload size for status.large-payload')
    .option('--strict', 'a MUST check that is skipped counts as failed')
    .option('--start <cmd>', 'start the receiver with this shell command (PORT, HOOKGATE_SECRET, HOOKGATE_API_URL, HOOKGATE_API_KEY injected)')
    .option('--ready-url <url>', 'with --start: ready when this URL answers (default: when --url\'s port accepts connections)')
    .option('--ready-timeout <seconds>', 'with --start: how long to wait for readiness (default 30)')
    .option('--concurrency <n>', 'checks run at once (default 4)')
    .option('--effects-url <url>', "the receiver's test hook: GET returns a JSON array of processed dedup keys")
    .option('--api-port <n>', 'port of the fetch-back REST API hookgate serves (OptiPick, Dimmy; default random)')
    .option('--settle-ms <n>', 'how long to wait for asynchronous processing before judging (default 500)')
    .option('--timeout <seconds>', "per-request timeout, 0.001 (1 ms) to 86400 (a day) (default the provider's: 20 s Svix, 30 s OmniSales)")
    .option('--header <K:V>', 'extra request header, repeatable (for a gateway in front of the receiver); its value is never printed', collect)
    .option('--ca <file>', 'trust this CA certificate (PEM) for an https:// receiver, beside the system\'s')
    .option('--insecure', 'do not verify the receiver\'s TLS certificate (testing only; said in the output and results.json)')
    .option('--safe', 'send only what the provider itself would send (for production endpoints): no abandoned requests, malformed headers or foreign content types; at most 10 property runs')
    .option('--max-rate <n>', 'at most this many requests per second to a receiver')
    .option('--targets <file>', 'check many receivers (JSON or YAML list of {name, provider, url, secret | secretEnv, events?, effectsUrl?, headers?}); writes one folder per target plus index.html, index.json, summary.md')
    .option('--target-concurrency <n>', 'with --targets: targets checked at once (default 8)')
    .option('--target-timeout <seconds>', 'with --targets: time budget of each target (default 300)')
    .option('--shard <K/N>', 'with --targets: check every N-th target, starting with the K-th (1-based), for a CI matrix or a Kubernetes Indexed Job')
    .option('--list', 'list the check catalog and exit')
    .addHelpText(
      'after',
      '\nExit codes: 0 every MUST check passed, 1 a MUST check failed or errored, 2 usage error, 3 receiver unreachable or its TLS certificate not trusted, 130 interrupted. With --targets: 0 every target passed, 3 none could be reached, 1 otherwise.\n\nExamples:\n  $ HOOKGATE_SECRET=whsec_… hookgate check --provider optipick --url http://127.0.0.1:3000/webhook\n  $ hookgate check --provider dimmy --url http://127.0.0.1:4000/webhook --start "node server.js" --only signature.\n  $ hookgate check --targets integrators.yaml --safe --max-rate 5 --out reports/\n',
    )
    .action(async (flags: Record<string, unknown>) => {
      const o = resolveFor<TargetsOpts>(CHECK_OPTIONS, flags, io);
      if (o.list) {
        const profile = o.provider ? requireProvider(o.provider) : undefined;
        for (const c of CATALOG) {
          const applies = profile ? c.appliesTo(profile) : true;
          const sev = profile ? c.severity(profile) : c.severity(requireProvider('omnisales'));
          io.out(`${c.id.padEnd(34)} ${sev.toUpperCase().padEnd(6)} ${c.title}${applies === true ? '' : ` (n/a: ${applies})`}\n`);
        }
        return setCode(0);
      }
      if (o.targets !== undefined) return setCode(await runTargetsSession(o, io));
      if (o.shard !== undefined) throw new HookgateError('BAD_OPTION', '--shard splits a --targets run', 'pass --targets FILE with --shard K/N (a load run has its own --shard)');
      requireUrl(o.url);
      setCode(await runCheckSession(o, io));
    });
}
