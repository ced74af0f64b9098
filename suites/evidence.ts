import { createHash } from 'node:crypto';
import type { Attempt } from '../mock-provider/sender.js';
import { curlCommand, INLINE_BODY_LIMIT } from '../mock-provider/curl.js';
import { ATTACHMENT_PREFIX } from '../mock-provider/recipe.js';
import { maskHeaders, maskUrl } from '../fixtures/mask.js';
import type { Delivery, Evidence } from './types.js';

/** Evidence keeps the first KB of each body: enough to read, small enough for a report. */
export const EVIDENCE_BODY_BYTES = 1024;

function firstKb(buf: Buffer): { text: string; truncated: boolean } {
  const truncated = buf.length > EVIDENCE_BODY_BYTES;
  return { text: buf.subarray(0, EVIDENCE_BODY_BYTES).toString('utf8'), truncated };
}

/**
 * Bodies over the inline limit (large-payload checks send megabytes) go to a file
 * beside the report, named by content hash; the curl line and the replay recipe
 * point at it instead of carrying megabytes of base64.
 */
function externalize(body: Buffer, attachments: Map<string, Buffer>): string {
  const path = `evidence/${createHash('sha256').update(body).digest('hex').slice(0, 16)}.body`;
  attachments.set(path, body);
  return path;
}

/**
 * One attempt as report evidence: the request as sent, what came back, a curl line, and the replay recipe.
 * What is stored is masked: the URL's credentials and secret query parameters, the values of
 * Authorization, Cookie and `secretHeaders` (the user's `--header` names); the curl line takes them
 * from shell variables the user sets.
 */
export function toEvidence(url: string, d: Delivery, a: Attempt, label: string, expected: string, attachments: Map<string, Buffer>, secretHeaders: readonly string[] = []): Evidence {
  const body = firstKb(d.request.body);
  const big = d.request.body.length > INLINE_BODY_LIMIT;
  const recipe = { ...d.recipe };
  let bodyFile: string | undefined;
  if (big) {
    bodyFile = externalize(d.request.body, attachments);
    const signed = Buffer.from(recipe.signedBody, 'base64');
    recipe.signedBody = ATTACHMENT_PREFIX + (signed.equals(d.request.body) ? bodyFile : externalize(signed, attachments));
    if (recipe.sentBody !== undefined) recipe.sentBody = ATTACHMENT_PREFIX + bodyFile;
  }
  const ev: Evidence = {
    label,
    expected,
    request: { method: 'POST', url: maskUrl(url), headers: maskHeaders(d.request.headers, secretHeaders), body: body.text, bodyBytes: d.request.body.length, bodyTruncated: body.truncated },
    curl: curlCommand({ url, headers: d.request.headers, body: d.request.body }, { bodyFile, secretHeaders }),
    recipe,
  };
  const o = a.outcome;
  if (o.kind === 'response') {
    ev.response = { status: o.status, headers: o.headers, body: firstKb(o.body).text, bodyBytes: o.bodyBytes, latencyMs: Math.round(a.latencyMs), ...(o.note ? { note: o.note } : {}) };
  } else {
    ev.error = { kind: o.error, message: o.message, latencyMs: Math.round(a.latencyMs) };
  }
  return ev;
}
