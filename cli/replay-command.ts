import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Io } from './io.js';
import { REPLAY_OPTIONS } from './option-specs.js';
import { requireProvider, requireUrl, resolveFor } from './context.js';
import { maskSecret } from './mask.js';
import { looksMasked, maskUrl } from '../fixtures/mask.js';
import { throwIfUnreachable } from './unreachable.js';
import { EXIT, HookgateError, isHookgateError } from '../fixtures/hookgate-error.js';
import { echo } from '../fixtures/echo.js';
import { schemeFor } from '../mock-provider/signing/index.js';
import { buildFromRecipe } from '../mock-provider/recipe.js';
import { send, describeOutcome, isSuccess } from '../mock-provider/sender.js';
import type { Evidence, RunResults } from '../suites/types.js';

interface ReplayOpts {
  secret?: string;
  url?: string;
}

export function registerReplay(program: Command, io: Io, setCode: (c: number) => void): void {
  program
    .command('replay')
    .argument('<ref>', 'FILE#CHECK[/N]: a results.json, a check id, and which evidence item (from 1; default 1)')
    .description("re-send a request from a report's evidence, re-signed now (evidence curl lines go stale after 5 minutes)")
    .option('--secret <secret>', 'the receiver\'s secret (prefer HOOKGATE_SECRET)')
    .option('--url <url>', 'send to this URL instead of the one in the evidence (HOOKGATE_URL); needed when check started the receiver (--start) or the stored URL was masked')
    .addHelpText('after', '\nExit codes: 0 the receiver now answers as the check expects, 1 it does not, 2 usage error, 3 unreachable.\n\nExample:\n  $ HOOKGATE_SECRET=whsec_… hookgate replay hookgate-report/results.json#signature.raw-body/1\n')
    .action(async (ref: string, flags: Record<string, unknown>) => setCode(await runReplay(ref, resolveFor<ReplayOpts>(REPLAY_OPTIONS, flags, io), io)));
}

/**
 * After `check --start`, the receiver was hookgate's to start and stop: it is gone, and the port it had
 * was picked for that run. Say how to bring it back and point replay at it.
 */
function unreachableHint(results: RunResults, url: URL, urlGiven: boolean): string {
  const command = results.receiverLog?.command;
  if (!command) return `is the receiver running? pass --url (or HOOKGATE_URL) to send elsewhere`;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `check started the receiver itself (--start) and stopped it when it finished: start it first, e.g. \`PORT=${port} HOOKGATE_SECRET=<the secret you replay with> ${command}\`, then pass --url with the address it listens on${urlGiven ? ' (is it listening there?)' : ''}`;
}

function parseRef(ref: string): { file: string; checkId: string; n: number } {
  const m = /^(.+)#([a-z0-9.-]+)(?:\/(\d+))?$/i.exec(ref);
  if (!m) throw new HookgateError('BAD_EVIDENCE', `"${echo(ref)}" is not FILE#CHECK[/N]`, 'e.g. hookgate replay hookgate-report/results.json#signature.raw-body/1');
  return { file: m[1], checkId: m[2], n: m[3] ? Number(m[3]) : 1 };
}

const RESULTS_HINT = 'point at the results.json that `hookgate check` wrote (in --out, default ./hookgate-report), as it wrote it';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Evidence replay can rebuild and judge: a request with a URL and headers, a recipe with the signed body, what was expected. */
function isReplayable(ev: unknown): ev is Evidence {
  if (!isObject(ev) || !isObject(ev.request) || !isObject(ev.recipe)) return false;
  const { request, recipe } = ev;
  return typeof ev.expected === 'string' && typeof request.url === 'string' && isObject(request.headers) && typeof recipe.signedBody === 'string' && typeof recipe.type === 'string' && typeof recipe.messageId === 'string';
}

function loadEvidence(path: string, checkId: string, n: number): { results: RunResults; ev: Evidence } {
  let results: RunResults;
  try {
    results = JSON.parse(readFileSync(path, 'utf8')) as RunResults;
  } catch (e) {
    throw new HookgateError('BAD_EVIDENCE', `cannot read ${path}: ${(e as Error).message}`, RESULTS_HINT);
  }
  // Hand-edited, truncated or another tool's JSON: say so instead of failing on a missing field.
  if (!isObject(results) || typeof results.provider !== 'string' || !Array.isArray(results.checks) || !results.checks.every((c) => isObject(c) && Array.isArray(c.evidence))) {
    throw new HookgateError('BAD_EVIDENCE', `${path} is not a hookgate results.json (${results === null ? 'it holds null' : 'it has no provider, or no checks with an evidence list'})`, RESULTS_HINT);
  }
  const check = results.checks.find((c) => c.id === checkId);
  if (!check) throw new HookgateError('BAD_EVIDENCE', `${path} has no check "${echo(checkId)}"`, `checks with evidence: ${results.checks.filter((c) => c.evidence.length).map((c) => c.id).join(', ') || 'none'}`);
  const ev: unknown = check.evidence[n - 1];
  if (n < 1 || n > check.evidence.length) throw new HookgateError('BAD_EVIDENCE', `${checkId} has ${check.evidence.length} evidence item(s), not #${n}`, `use a number from 1 to ${check.evidence.length}`);
  if (!isReplayable(ev)) {
    throw new HookgateError('BAD_EVIDENCE', `evidence ${checkId}/${n} in ${path} has no request to replay (its request or recipe is missing or incomplete)`, `rerun \`hookgate check\` to get fresh evidence, or pick another item (from 1 to ${check.evidence.length})`);
  }
  return { results, ev };
}

/** A recipe that cannot be rebuilt (its body file gone, a field of the wrong kind) is the report's problem, not a bug. */
function rebuild<T>(build: () => T, which: string): T {
  try {
    return build();
  } catch (e) {
    if (isHookgateError(e)) throw e;
    throw new HookgateError('BAD_EVIDENCE', `cannot rebuild evidence ${which} from its recipe: ${echo((e as Error)?.message ?? String(e), 200)}`, 'keep results.json and the evidence/ folder beside it as check wrote them, or rerun `hookgate check`');
  }
}

export async function runReplay(ref: string, o: ReplayOpts, io: Io): Promise<number> {
  const { file, checkId, n } = parseRef(ref);
  const { results, ev } = loadEvidence(resolve(io.cwd, file), checkId, n);
  const profile = requireProvider(results.provider);
  if (o.url === undefined && looksMasked(ev.request.url)) {
    throw new HookgateError('BAD_URL', `the URL in the evidence is masked (${ev.request.url}): its credentials were never stored`, 'set HOOKGATE_URL (or pass --url) to the receiver URL with its credentials');
  }
  const url = requireUrl(o.url ?? ev.request.url);
  if (!o.secret) throw new HookgateError('BAD_SECRET', 'replay re-signs the request and needs the receiver\'s secret', 'set HOOKGATE_SECRET (or pass --secret)');
  schemeFor(profile).validateSecret(o.secret, profile.displayName);
  const webhookId = ev.request.headers['x-webhook-id'] ?? '';
  const req = rebuild(() => buildFromRecipe({ profile, secret: o.secret!, webhookId, baseDir: dirname(resolve(io.cwd, file)) }, ev.recipe), `${checkId}/${n}`);
  io.out(`→ POST ${maskUrl(url.href)}  ${checkId}/${n} "${ev.label}" re-signed now (secret ${maskSecret(o.secret)}); expected: ${ev.expected}\n`);
  const a = await send({ url: url.href, headers: req.headers, body: req.body }, { timeoutMs: profile.timeoutMs });
  throwIfUnreachable(a, url, unreachableHint(results, url, o.url !== undefined));
  io.out(`← ${describeOutcome(a)}\n`);
  const wantAccept = ev.expected.includes('2xx') && !ev.expected.includes('non-2xx');
  const asExpected = isSuccess(a) === wantAccept;
  io.out(asExpected ? 'the receiver now answers as the check expects\n' : `still wrong: expected ${ev.expected}\n`);
  return asExpected ? EXIT.ok : EXIT.failed;
}
