import { HookgateError } from '../fixtures/hookgate-error.js';
import { maskUrl } from '../fixtures/mask.js';

/** Accepts http(s) URLs only; the message names the bad value (credentials masked) and what a good one looks like. */
export function requireUrl(raw: string | URL | undefined, flag = '--url'): URL {
  if (raw instanceof URL) raw = raw.href;
  if (!raw) throw new HookgateError('BAD_URL', `no ${flag} given`, `pass ${flag} http://127.0.0.1:3000/webhook (the receiver's webhook endpoint)`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HookgateError('BAD_URL', `${flag} "${maskUrl(raw)}" is not a valid URL`, `give a full URL with scheme and host, e.g. http://127.0.0.1:3000/webhook`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HookgateError('BAD_URL', `${flag} "${maskUrl(raw)}" is not an http(s) URL`, 'webhooks are delivered over http:// or https://, e.g. http://127.0.0.1:3000/webhook');
  }
  return url;
}
