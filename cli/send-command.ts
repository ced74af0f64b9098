import type { Command } from 'commander';
import type { Io } from './io.js';
import { SEND_OPTIONS } from './option-specs.js';
import { requireProvider, requireUrl, resolveFor } from './context.js';
import { resolveSecret } from './secret.js';
import { readDataArg, type DataFile } from './data-file.js';
import { parseSet, setPath, type PathPart } from '../fixtures/set-path.js';
import fc from 'fast-check';
import { maskSecret } from './mask.js';
import { maskHeaders, maskUrl } from '../fixtures/mask.js';
import { printable } from './printable.js';
import { throwIfUnreachable } from './unreachable.js';
import { EXIT, HookgateError } from '../fixtures/hookgate-error.js';
import { buildMessage, resolveEvent } from '../fixtures/index.js';
import { newWebhookId } from '../fixtures/ids.js';
import type { ProviderProfile } from '../fixtures/profile.js';
import { signedRequestFor, type Message } from '../mock-provider/delivery.js';
import { curlCommand } from '../mock-provider/curl.js';
import { send, describeOutcome, type Attempt } from '../mock-provider/sender.js';
import type { HeaderStyle } from '../mock-provider/signing/index.js';
import { agentFor, httpsAgentFor } from '../suites/tls-trust.js';
import { requestHeaders } from '../api/request-headers.js';
import { trustOf, INSECURE_WARNING } from '../api/trust-of.js';
import { assertTlsTrusted } from '../api/tls-probe.js';
import { readCaFile } from './ca-file.js';

/** A path as one shell word (single quotes; a quote inside closed, escaped and reopened). */
function shellQuote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

interface SendOpts {
  provider?: string;
  url?: string;
  secret?: string;
  headerStyle: HeaderStyle;
  event?: string;
  data?: string;
  dryRun: boolean;
  timeout?: number;
  header: string[];
  ca?: string;
  insecure: boolean;
  /** `--set path=value`, repeatable: overrides of the payload's fields. */
  set: string[];
  /** `--id ID`: the message id to use (send it twice to test dedup by hand). */
  id?: string;
  /** `--count N`: N distinct messages. */
  count: number;
}

/** How much of the receiver's answer `send` prints. */
const RESPONSE_PREVIEW_BYTES = 500;

export function registerSend(program: Command, io: Io, setCode: (c: number) => void): void {
  program
    .command('send')
    .description('sign and POST one event to a receiver; print status, latency and the start of the response')
    .option('--provider <name>', 'optipick | dimmy | omnisales')
    .option('--event <type>', 'event type (see `hookgate events`)')
    .option('--url <url>', "the receiver's webhook URL")
    .option('--secret <secret>', 'signing secret (prefer HOOKGATE_SECRET); generated and printed once when absent')
    .option('--data <file|json>', "the event's data: a JSON file, or inline JSON starting with { (Svix providers: sent byte for byte)")
    .option('--set <path=value>', 'override one field of the payload (repeatable): --set order.total=12.5, --set items[0].sku=ABC; the value is JSON when it parses, else text', (v: string, prev: string[] = []) => [...prev, v])
    .option('--id <id>', 'use this message id (svix-id / the OmniSales envelope id): send twice to test dedup by hand')
    .option('--count <n>', 'send N distinct messages, one after another (default 1)')
    .option('--header-style <style>', 'svix (svix-* headers) | standard (webhook-* headers); Svix providers only')
    .option('--timeout <seconds>', "per-request timeout (default: the provider's, 20 s Svix, 30 s OmniSales)")
    .option('--header <K:V>', 'extra request header, repeatable (for a gateway in front of the receiver); its value is never printed', (v: string, prev: string[] = []) => [...prev, v])
    .option('--ca <file>', 'trust this CA certificate (PEM) for an https:// receiver, beside the system\'s')
    .option('--insecure', 'do not verify the receiver\'s TLS certificate (testing only; said in the output)')
    .option('--dry-run', 'print the headers and a curl command instead of sending')
    .addHelpText(
      'after',
      '\nExit codes: 0 the receiver answered 2xx (every one, with --count), 1 it did not, 2 usage error, 3 unreachable or its TLS certificate not trusted.\n\nExamples:\n  $ HOOKGATE_SECRET=whsec_… hookgate send --provider optipick --event cluster.optimized --url http://127.0.0.1:3000/webhook\n  $ hookgate send --provider omnisales --event order.created --url http://127.0.0.1:3000/webhooks/omni --set total=0 --set customer.email=qa@example.com\n  $ hookgate send … --id msg_dedup_test_1   # twice: the second must not be processed again\n',
    )
    .action(async (flags: Record<string, unknown>) => setCode(await runSend(resolveFor<SendOpts>(SEND_OPTIONS, flags, io), io)));
}

export interface ComposeOptions {
  /** `--set` overrides, applied in order. */
  sets?: ReadonlyArray<{ path: PathPart[]; value: unknown }>;
  /** `--id`: the message id. */
  id?: string;
  /** Draw realistic data (distinct entity ids) instead of the catalog example: `--count` does. */
  draw?: boolean;
}

export function composeMessage(profile: ProviderProfile, type: string, data: DataFile | undefined, opts: ComposeOptions = {}): Message {
  const sets = opts.sets ?? [];
  const event = resolveEvent(profile, type);
  let value = data?.value ?? (opts.draw ? fc.sample(event.arbitrary(), { numRuns: 1 })[0] : event.exampleData());
  for (const s of sets) value = setPath(value, s.path, s.value);
  const envelope = profile.scheme !== 'svix-v1' && data !== undefined && typeof value.id === 'string' && typeof value.event === 'string' && 'data' in value;
  // A full OmniSales envelope in --data is sent as it is; so is any Svix payload (its body is the data).
  // Overridden fields mean re-serialising; without them the file's bytes go out unchanged.
  if (data && (profile.scheme === 'svix-v1' || envelope)) {
    if (envelope && opts.id) value = { ...value, id: opts.id };
    const messageId = profile.scheme === 'svix-v1' ? (opts.id ?? profile.newMessageId()) : String(value.id);
    const body = sets.length || (envelope && opts.id) ? Buffer.from(JSON.stringify(value), 'utf8') : data.bytes;
    return { type, messageId, body };
  }
  return buildMessage(profile, type, value, opts.id ? { messageId: opts.id } : {});
}

const ID = /^[\x21-\x7e]{1,256}$/;

export async function runSend(o: SendOpts, io: Io): Promise<number> {
  const profile = requireProvider(o.provider);
  if (!o.event) throw new HookgateError('BAD_OPTION', 'no --event given', `pass --event TYPE; \`hookgate events --provider ${profile.name}\` lists them`);
  resolveEvent(profile, o.event);
  const url = requireUrl(o.url);
  const data = o.data ? readDataArg(o.data, io.cwd) : undefined;
  const sets = (o.set ?? []).map(parseSet);
  if (o.id !== undefined && !ID.test(o.id)) throw new HookgateError('BAD_OPTION', '--id must be 1 to 256 visible ASCII characters, no spaces', 'e.g. --id msg_dedup_test_1');
  const count = o.count ?? 1;
  if (count > 1 && o.id !== undefined) throw new HookgateError('BAD_OPTION', '--count sends distinct messages; --id makes them one', 'to test dedup, send the same --id twice (two commands), or drop --id');
  if (count > 1 && o.dryRun) throw new HookgateError('BAD_OPTION', '--dry-run shows one message', 'drop --count, or drop --dry-run to send them');
  const extra = requestHeaders(o.header);
  const secretHeaders = extra.map(([k]) => k);
  const trust = trustOf({ ca: o.ca !== undefined ? readCaFile(o.ca, io.cwd) : undefined, insecure: o.insecure });
  const secret = resolveSecret(profile, o.secret, io);
  const webhookId = newWebhookId();
  const build = (draw: boolean) => {
    const msg = composeMessage(profile, o.event!, data, { sets, id: o.id, draw });
    const req = signedRequestFor(profile, secret.value, msg, { webhookId }, { headerStyle: o.headerStyle });
    const headers = { ...req.headers };
    // The provider's own headers stand: a --header of the same name does not replace them.
    for (const [k, v] of extra) if (!Object.keys(headers).some((h) => h.toLowerCase() === k.toLowerCase())) headers[k] = v;
    return { msg, req, outgoing: { url: url.href, headers, body: req.body } };
  };
  const { msg, req, outgoing } = build(false);
  const headers = outgoing.headers;
  if (trust?.insecure) io.err(`hookgate: WARNING: --insecure: ${INSECURE_WARNING}\n`);

  if (o.dryRun) {
    io.out(`POST ${maskUrl(url.href)}\n`);
    for (const [k, v] of Object.entries(maskHeaders(headers, secretHeaders))) io.out(`${k}: ${v}\n`);
    io.out(`\n# ${req.body.length} bytes; reproduce byte for byte (valid for ${profile.timestampToleranceSec / 60} min from now):\n`);
    // curl verifies as hookgate would: the same CA file, or -k for --insecure.
    const tlsFlags = `${o.insecure ? ' -k' : ''}${o.ca !== undefined ? ` --cacert ${shellQuote(o.ca)}` : ''}`;
    io.out(curlCommand(outgoing, { secretHeaders }).replace('curl -sS', `curl -sS${tlsFlags}`) + '\n');
    return EXIT.ok;
  }

  const secretNote = secret.generated ? 'generated secret' : `secret ${maskSecret(secret.value)}`;
  await assertTlsTrusted(url, trust);
  const agent = httpsAgentFor(trust);
  try {
    let failed = 0;
    for (let i = 0; i < count; i++) {
      // The first message is the one --dry-run shows; with --count the rest draw their own data (distinct entity ids).
      const one = i === 0 && count === 1 ? { msg, req, outgoing } : build(count > 1);
      const n = count > 1 ? `[${i + 1}/${count}] ` : '';
      io.out(`${n}→ POST ${maskUrl(url.href)}  ${o.event}  ${one.msg.messageId}  (${one.req.body.length} bytes, ${secretNote})\n`);
      const attempt = await send(one.outgoing, { timeoutMs: o.timeout ? o.timeout * 1000 : profile.timeoutMs, agent: agentFor(url.href, agent) });
      if (printAttempt(attempt, url, io) !== EXIT.ok) failed++;
    }
    if (count > 1) io.out(`sent ${count} messages: ${count - failed} answered 2xx, ${failed} did not\n`);
    return failed ? EXIT.failed : EXIT.ok;
  } finally {
    agent?.destroy();
  }
}

function printAttempt(a: Attempt, url: URL, io: Io): number {
  const out = a.outcome;
  throwIfUnreachable(a, url, 'is the receiver running? check the host and port in --url');
  if (out.kind === 'error') {
    io.out(`← ${describeOutcome(a)}\n`);
    return EXIT.failed;
  }
  io.out(`← ${describeOutcome(a)}\n`);
  if (out.bodyBytes > 0) {
    const preview = printable(out.body.subarray(0, RESPONSE_PREVIEW_BYTES).toString('utf8'));
    io.out(preview + (out.bodyBytes > RESPONSE_PREVIEW_BYTES ? ` … (${out.bodyBytes}${out.truncated ? '+' : ''} bytes)` : '') + '\n');
  }
  return out.status >= 200 && out.status < 300 ? EXIT.ok : EXIT.failed;
}
