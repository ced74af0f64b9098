import { curlCommand } from '../../mock-provider/curl.js';
import { decideVerdict } from '../../suites/verdict.js';
import type { CheckResult, Evidence, RunResults } from '../../suites/types.js';

/*
 * A realistic `hookgate check --provider dimmy` run for the human-readable report
 * tests: every status (pass, fail with evidence and a counterexample, warn, skip,
 * MUST and SHOULD error), a transport error, and the receiver's own output.
 * `hostile` is what a hostile or broken receiver answers; it ends up in bodies,
 * headers, messages and the log.
 */

const URL = 'http://127.0.0.1:40123/webhooks/dimmy';

function svixHeaders(id: string, ts: number, sig: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Svix-Webhooks/1.99.1',
    'svix-id': id,
    'svix-timestamp': String(ts),
    'svix-signature': `v1,${sig}`,
  };
}

function ev(opts: {
  label: string;
  expected: string;
  id: string;
  body: string;
  response?: Evidence['response'];
  error?: Evidence['error'];
  variant?: string;
  headers?: Record<string, string>;
}): Evidence {
  const headers = opts.headers ?? svixHeaders(opts.id, 1767323045, 'K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=');
  const body = Buffer.from(opts.body, 'utf8');
  return {
    label: opts.label,
    expected: opts.expected,
    request: { method: 'POST', url: URL, headers, body: opts.body.slice(0, 1024), bodyBytes: body.length, bodyTruncated: body.length > 1024 },
    ...(opts.response ? { response: opts.response } : {}),
    ...(opts.error ? { error: opts.error } : {}),
    curl: curlCommand({ url: URL, headers, body }),
    recipe: { variant: opts.variant ?? 'valid', type: 'items.scanned', messageId: opts.id, signedBody: body.toString('base64'), headerStyle: 'svix' },
  };
}

function check(id: string, title: string, severity: 'must' | 'should', status: CheckResult['status'], message: string, extra: Partial<CheckResult> = {}): CheckResult {
  return { id, title, severity, status, message, durationMs: 120 + id.length * 7, evidence: [], ...extra };
}

export const RAW_BODY_SPELLING = '{ "type" : "items.scanned", "data": {"item_ids": ["itm_\\u0031", "a```b"]} }\n';

export function sampleChecks(hostile: string): CheckResult[] {
  const jsonHeaders = { 'content-type': 'text/html; charset=utf-8', 'x-powered-by': `Express ${hostile}` };
  return [
    check('signature.valid', 'accepts correctly signed events of every subscribed type', 'must', 'pass', 'accepted 2 correctly signed events (items.scanned, item.scanned.full_payload)'),
    check('signature.raw-body', 'verifies the raw body, not a re-serialization (valid JSON spelled unlike JSON.stringify)', 'must', 'fail',
      `refused a correctly signed body that is valid JSON but not in JSON.stringify form (HTTP 401: ${hostile}), while accepting the same content in compact form. Shrunk to: whitespace around ":". Replay with --seed 1234.`, {
        evidence: [
          ev({
            label: 'shrunk counterexample: whitespace around ":"',
            expected: '2xx',
            id: 'msg_2xKq9m3RwV8cPn4TfYb7LdHs1Ae',
            body: RAW_BODY_SPELLING,
            variant: 'raw-body',
            response: { status: 401, headers: jsonHeaders, body: hostile, bodyBytes: Buffer.byteLength(hostile), latencyMs: 4 },
          }),
        ],
        counterexample: { value: { type: 'items.scanned', spelling: 'whitespace around ":"; key "a```b"', extraFields: [] }, seed: 1234, path: '3:0:1', numRuns: 100, shrinks: 4 },
      }),
    check('signature.tampered-body', 'refuses a body changed after signing', 'must', 'pass', 'refused 100 tampered bodies'),
    check('signature.missing-headers', 'refuses when a header verification needs is missing', 'must', 'error', `the receiver dropped the connection: ECONNRESET ${hostile}`, {
      evidence: [
        ev({
          label: 'svix-signature missing',
          expected: 'a refusal (non-2xx)',
          id: 'msg_2xKq9m3RwV8cPn4TfYb7LdHs1Af',
          body: '{"type":"items.scanned","data":{"item_ids":["itm_1"]}}',
          error: { kind: 'ECONNRESET', message: `socket hang up ${hostile}`, latencyMs: 2 },
        }),
      ],
    }),
    check('signature.timestamp-within-window', 'accepts a timestamp 2.5 minutes old', 'should', 'warn', 'refused a timestamp 150 s old (HTTP 401): the window is narrower than 5 minutes', {
      evidence: [
        ev({
          label: 'timestamp 150 s old',
          expected: '2xx',
          id: 'msg_2xKq9m3RwV8cPn4TfYb7LdHs1Ag',
          body: '{"type":"items.scanned","data":{"item_ids":["itm_2"]}}',
          response: { status: 401, headers: { 'content-type': 'application/json' }, body: '{"error":"timestamp too old"}', bodyBytes: 29, latencyMs: 3 },
        }),
      ],
    }),
    check('status.content-type-variants', 'accepts JSON content-type variants', 'should', 'error', 'harness error: the observer timed out'),
    check('dedup.redelivery', 'processes a redelivered message once', 'must', 'skip', 'not observable: no --effects-url and no fetch-back seen'),
    check('signature.multiple-signatures', 'accepts several signatures when one is valid; ignores unknown versions', 'must', 'pass', 'accepted the valid signature in every position'),
  ];
}

export function sampleRun(hostile: string, over: Partial<RunResults> = {}, strict = false): RunResults {
  const judged = decideVerdict(over.checks ?? sampleChecks(hostile), { strict });
  return {
    schemaVersion: 1,
    tool: { name: 'hookgate', version: '0.1.0' },
    provider: 'dimmy',
    target: URL,
    startedAt: '2026-01-02T03:04:05.678Z',
    durationMs: 4321,
    seed: 1234,
    interrupted: false,
    summary: judged.summary,
    checks: judged.checks,
    receiverLog: {
      command: 'node examples/receivers/svix-stringify.mjs',
      stdout: `listening on 40123\n\u001b[32mPOST /webhooks/dimmy 401\u001b[0m\n${hostile}\n`,
      stderr: `WebhookVerificationError: No matching signature found\n    at Webhook.verify (node_modules/svix/dist/webhook.js:92:19)\n${hostile}\n`,
      exitCode: null,
    },
    ...over,
    ...(over.checks ? { checks: judged.checks } : {}),
  };
}
