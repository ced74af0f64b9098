import type { Attempt } from '../mock-provider/sender.js';
import { curlCommand } from '../mock-provider/curl.js';
import type { Delivery, Evidence } from './types.js';

/** Evidence keeps the first KB of each body: enough to read, small enough for a report. */
export const EVIDENCE_BODY_BYTES = 1024;

function firstKb(buf: Buffer): { text: string; truncated: boolean } {
  const truncated = buf.length > EVIDENCE_BODY_BYTES;
  return { text: buf.subarray(0, EVIDENCE_BODY_BYTES).toString('utf8'), truncated };
}

/** One attempt as report evidence: the request as sent, what came back, a curl line, and the replay recipe. */
export function toEvidence(url: string, d: Delivery, a: Attempt, label: string, expected: string): Evidence {
  const body = firstKb(d.request.body);
  const ev: Evidence = {
    label,
    expected,
    request: { method: 'POST', url, headers: { ...d.request.headers }, body: body.text, bodyBytes: d.request.body.length, bodyTruncated: body.truncated },
    curl: curlCommand({ url, headers: d.request.headers, body: d.request.body }),
    recipe: d.recipe,
  };
  const o = a.outcome;
  if (o.kind === 'response') {
    ev.response = { status: o.status, headers: o.headers, body: firstKb(o.body).text, bodyBytes: o.bodyBytes, latencyMs: Math.round(a.latencyMs) };
  } else {
    ev.error = { kind: o.error, message: o.message, latencyMs: Math.round(a.latencyMs) };
  }
  return ev;
}
