/*
 * A whole HTTP/1.1 request prebuilt as bytes: request line, headers, body. The parts that change
 * per request (message id counter, timestamp, signature, entity id counters, OmniSales's
 * created_at) are fixed-width, at offsets located once here, so sending a request is a copy and
 * a few in-place writes.
 */
import { HookgateError } from '../../fixtures/hookgate-error.js';
import { maskUrl } from '../../fixtures/mask.js';
import type { ProviderProfile } from '../../fixtures/profile.js';
import { schemeFor } from '../../mock-provider/signing/index.js';
import type { HeaderStyle } from '../../mock-provider/signing/scheme.js';
import type { PayloadSpec } from './payload-pool.js';
import { PLACEHOLDER, type MessageIdShape } from './traffic-ids.js';

export interface HeadOptions {
  profile: ProviderProfile;
  url: URL;
  headerStyle: HeaderStyle;
  /** `--header K:V`, in order; a name of a default header (host, user-agent, content-type, connection) replaces it. */
  headers: ReadonlyArray<readonly [string, string]>;
  /** OmniSales `X-Webhook-ID`: the endpoint configuration's id. */
  webhookId: string;
  messageId: MessageIdShape;
}

export interface RequestTemplate {
  type: string;
  large: boolean;
  bytes: Buffer;
  bodyOffset: number;
  /** The whole message id (`msg_…` in the Svix id header, `evt_…` in the OmniSales body) and its counter. */
  idOffset: number;
  counterOffset: number;
  tsOffset: number;
  sigOffset: number;
  /** -1 when the body has no created_at to refresh (Svix bodies are the payload alone). */
  createdAtOffset: number;
  entityOffsets: number[];
}

/** Svix `v1,` + base64 of 32 bytes; OmniSales 64 lowercase hex. */
export function signatureChars(profile: ProviderProfile): number {
  return profile.scheme === 'svix-v1' ? 44 : 64;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const OVERRIDABLE = new Set(['host', 'content-type', 'user-agent', 'connection']);

/** The head for a body of `contentLength` bytes (blank line included). */
export function requestHead(o: HeadOptions): (contentLength: number) => string {
  if (o.url.protocol !== 'http:' && o.url.protocol !== 'https:') {
    throw new HookgateError('BAD_URL', `unsupported URL scheme ${o.url.protocol} in ${maskUrl(o.url.href)}`, 'use an http:// or https:// URL');
  }
  const isSvix = o.profile.scheme === 'svix-v1';
  if (!isSvix && !/^[\x21-\x7e]+$/.test(o.webhookId)) {
    throw new HookgateError('BAD_OPTION', `invalid webhook id "${o.webhookId}"`, 'the X-Webhook-ID is one token of visible ASCII, e.g. a UUID');
  }
  const names = schemeFor(o.profile).headerNames({ headerStyle: o.headerStyle });
  const reserved = new Set(['content-length', 'transfer-encoding', names.id, names.timestamp, names.signature]);
  const defaults = new Map<string, string>([['host', o.url.host], ...Object.entries(o.profile.staticHeaders)]);
  defaults.set('connection', 'keep-alive');
  const extra: Array<[string, string]> = [];
  for (const [k, v] of o.headers) {
    const name = k.trim().toLowerCase();
    // Header bytes are latin1 on the wire (as node's http allows): no controls, nothing above U+00FF.
    if (!TOKEN.test(name) || /[^\t\x20-\x7e\x80-\xff]/.test(v)) {
      throw new HookgateError('BAD_OPTION', `invalid --header "${k}: ${v}"`, 'use --header Name:value with a token name and a one-line latin1 value');
    }
    if (reserved.has(name)) throw new HookgateError('BAD_OPTION', `--header ${name} cannot be set`, `hookgate sets ${name} on every request itself`);
    if (OVERRIDABLE.has(name) || defaults.has(name)) defaults.set(name, v.trim());
    else extra.push([name, v.trim()]);
  }
  const connection = defaults.get('connection') as string;
  defaults.delete('connection');
  const idValue = isSvix ? o.messageId.fixed + PLACEHOLDER.messageCounter(o.messageId.counterChars) : o.webhookId;
  const sig = (isSvix ? 'v1,' : '') + PLACEHOLDER.signature(signatureChars(o.profile));
  const line = ([k, v]: readonly [string, string]) => `${k}: ${v}\r\n`;
  const start = `POST ${o.url.pathname}${o.url.search} HTTP/1.1\r\n`;
  const before = [...defaults].map(line).join('') + extra.map(line).join('') + line(['connection', connection]);
  const sigLines = line([names.id, idValue]) + line([names.timestamp, PLACEHOLDER.timestamp]) + line([names.signature, sig]);
  return (contentLength) => `${start}${before}content-length: ${contentLength}\r\n${sigLines}\r\n`;
}

/** Finds a placeholder that must occur exactly once, and blanks it with '0's. */
function locate(buf: Buffer, placeholder: string, optional = false): number {
  const at = buf.indexOf(placeholder, 0, 'latin1');
  if (at < 0 && optional) return -1;
  if (at < 0 || buf.indexOf(placeholder, at + 1, 'latin1') >= 0) {
    throw new Error(`request template: placeholder ${placeholder} found ${at < 0 ? 'nowhere' : 'more than once'}`);
  }
  buf.fill(0x30, at, at + placeholder.length);
  return at;
}

export function buildTemplate(head: (contentLength: number) => string, p: PayloadSpec, shape: MessageIdShape, sigChars: number): RequestTemplate {
  const body = Buffer.from(p.body, 'utf8');
  const headText = head(body.length);
  const bytes = Buffer.concat([Buffer.from(headText, 'latin1'), body]);
  const counterOffset = locate(bytes, PLACEHOLDER.messageCounter(shape.counterChars));
  return {
    type: p.type,
    large: p.large,
    bytes,
    bodyOffset: headText.length,
    idOffset: counterOffset - shape.fixed.length,
    counterOffset,
    tsOffset: locate(bytes, PLACEHOLDER.timestamp),
    sigOffset: locate(bytes, PLACEHOLDER.signature(sigChars)),
    createdAtOffset: locate(bytes, PLACEHOLDER.createdAt, true),
    entityOffsets: Array.from({ length: p.entitySlots }, (_, j) => locate(bytes, PLACEHOLDER.entity(j))),
  };
}
