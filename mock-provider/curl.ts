/**
 * A `curl` command line that reproduces a request byte for byte: bash ANSI-C
 * quoting ($'…') carries any byte, curl's own Accept/Expect/User-Agent defaults are
 * switched off or overridden, and the body goes through --data-binary so it is not
 * re-encoded. Signature headers are included because they are what reproduces the
 * request; the secret never is (it is not part of the request).
 */
import { isSecretHeader, maskUrl } from '../fixtures/mask.js';

export interface CurlRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  method?: string;
}

/** Quotes a string of latin1 "byte chars" (how node sends headers) or a Buffer as one bash word. */
export function shellQuoteBytes(bytes: Buffer): string {
  let plain = true;
  for (const b of bytes) {
    if (b < 0x20 || b > 0x7e || b === 0x27) {
      plain = false;
      break;
    }
  }
  if (plain) return `'${bytes.toString('latin1')}'`;
  let out = "$'";
  for (const b of bytes) {
    if (b === 0x27) out += "\\'";
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x09) out += '\\t';
    else if (b < 0x20 || b > 0x7e) out += '\\x' + b.toString(16).padStart(2, '0');
    else out += String.fromCharCode(b);
  }
  return out + "'";
}

export function shellQuote(text: string): string {
  return shellQuoteBytes(Buffer.from(text, 'utf8'));
}

/** Bodies above this go to a file next to the command rather than inline, so the line stays usable. */
export const INLINE_BODY_LIMIT = 16 * 1024;

/**
 * A URL with credentials (`maskUrl` changes it) and the values of secret headers (Authorization,
 * Cookie, the user's `--header` names in `secretHeaders`) are not written into the line: they become
 * shell variables the user sets — `"$HOOKGATE_URL"` (the variable `hookgate replay` also reads) and
 * `"$HOOKGATE_HEADER_1"`… — and a comment line before the command says which to set.
 */
export function curlCommand(req: CurlRequest, opts: { bodyFile?: string; secretHeaders?: Iterable<string> } = {}): string {
  const toSet: string[] = [];
  const shownUrl = maskUrl(req.url);
  let urlArg = shellQuote(req.url);
  if (shownUrl !== req.url) {
    urlArg = '"$HOOKGATE_URL"';
    toSet.push(`HOOKGATE_URL (the receiver URL with its credentials: ${shownUrl.replace(/[\r\n]/g, ' ')})`);
  }
  const secretHeaders = [...(opts.secretHeaders ?? [])];
  let headerVars = 0;
  const parts = ['curl', '-sS', '-i', '-X', req.method ?? 'POST', urlArg];
  const names = new Set(Object.keys(req.headers).map((h) => h.toLowerCase()));
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== '' && isSecretHeader(name, secretHeaders)) {
      const v = `HOOKGATE_HEADER_${++headerVars}`;
      toSet.push(`${v} (the ${name} value)`);
      parts.push('-H', shellQuoteBytes(Buffer.from(`${name}: `, 'latin1')) + `"$${v}"`);
      continue;
    }
    // curl sends `Name;` as a header with an empty value; `Name:` would remove it.
    const line = value === '' ? `${name};` : `${name}: ${value}`;
    parts.push('-H', shellQuoteBytes(Buffer.from(line, 'latin1')));
  }
  // Suppress curl's own defaults that hookgate's request did not carry.
  if (!names.has('accept')) parts.push('-H', "'Accept:'");
  if (!names.has('user-agent')) parts.push('-H', "'User-Agent:'");
  parts.push('-H', "'Expect:'");
  if (opts.bodyFile) parts.push('--data-binary', shellQuote('@' + opts.bodyFile));
  else parts.push('--data-binary', shellQuoteBytes(req.body));
  const command = parts.join(' ');
  return toSet.length ? `# set first: ${toSet.join(', ')}\n${command}` : command;
}
