import { HookgateError } from '../fixtures/hookgate-error.js';

/** Extra request headers as the API takes them: `{name: value}`, `[name, value]` pairs, or `"Name: value"` lines (`--header`). */
export type HeadersInput = Record<string, string> | ReadonlyArray<readonly [string, string]> | readonly string[];

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Framing and routing are hookgate's: a body goes out with the length that matches it, to the host of the URL. */
const RESERVED = new Set(['content-length', 'transfer-encoding', 'host', 'connection']);

/**
 * The user's headers as pairs, validated: a name must be an HTTP token and not one hookgate frames
 * the request with; a value may not hold a line break (it would smuggle a header of its own).
 * Errors quote the name, never the value: values are credentials as often as not.
 */
export function requestHeaders(input: HeadersInput | undefined): Array<[string, string]> {
  if (!input) return [];
  const pairs: Array<[string, string]> = Array.isArray(input)
    ? (input as ReadonlyArray<string | readonly [string, string]>).map((h) => (typeof h === 'string' ? splitLine(h) : [String(h[0]), String(h[1])]))
    : Object.entries(input as Record<string, string>).map(([k, v]) => [k, String(v)]);
  for (const [name, value] of pairs) {
    if (!TOKEN.test(name)) {
      throw new HookgateError('BAD_OPTION', `--header "${name.slice(0, 40)}…" is not NAME:VALUE with a valid header name`, 'e.g. --header "X-Gateway-Key: $KEY" (the value is sent, never printed)');
    }
    if (RESERVED.has(name.toLowerCase())) {
      throw new HookgateError('BAD_OPTION', `--header ${name} cannot be set: hookgate frames every request itself`, `drop --header ${name}; Host comes from --url, Content-Length from the body`);
    }
    if (/[\r\n\0]/.test(value)) {
      throw new HookgateError('BAD_OPTION', `--header ${name} has a line break or NUL in its value`, 'give the value on one line');
    }
  }
  return pairs;
}

function splitLine(line: string): [string, string] {
  const at = line.indexOf(':');
  // Only the part before the colon may be quoted back: after it comes the value.
  const name = at > 0 ? line.slice(0, at).trim() : '';
  if (!name) {
    throw new HookgateError('BAD_OPTION', `--header "${at > 0 ? line.slice(0, at) : line.slice(0, 20)}…" is not NAME:VALUE`, 'e.g. --header "X-Gateway-Key: $KEY" (the value is sent, never printed)');
  }
  return [name, line.slice(at + 1).trim()];
}
