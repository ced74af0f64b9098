/*
 * The request generator of `hookgate load` (SPEC "Load"): every request a correctly signed
 * event of the provider with a unique message id, fresh timestamp and unique entity id(s);
 * a seeded share of them redeliveries of messages already answered, a seeded share large.
 *
 * Cost: the payloads are drawn once (payload-pool.ts) and prebuilt as whole HTTP/1.1 requests
 * (request-template.ts); a request is one copy of its template, a few fixed-width writes and one
 * HMAC (hmac-sha256.ts; the svix library's sign costs ~10× as much: ~20 µs against ~2 µs here).
 */
import { HookgateError } from '../../fixtures/hookgate-error.js';
import type { ProviderProfile } from '../../fixtures/profile.js';
import { isoSeconds } from '../../fixtures/providers/arbitraries.js';
import { schemeFor, type HeaderStyle } from '../../mock-provider/signing/index.js';
import { svixKey } from '../../mock-provider/signing/svix-v1.js';
import { buildPool, defaultLargeSize, largePayload, subscribedTypes } from './payload-pool.js';
import { buildTemplate, requestHead, signatureChars, type RequestTemplate } from './request-template.js';
import {
  ENTITY_COUNTER_CHARS, TIMESTAMP_CHARS, entityCounterStart, entityTag, messageIdShape, namespaceNumber, writeDigits, writeHex,
} from './traffic-ids.js';
import { prng } from '../../fixtures/prng.js';
import { HmacSha256 } from './hmac-sha256.js';

export interface TrafficOptions {
  profile: ProviderProfile;
  secret: string;
  url: URL;
  headerStyle: HeaderStyle;
  /** Subscribed types; default: one concrete type per catalog entry. */
  events?: string[];
  /** Fixes the payload pool and which requests are duplicates or large (ids stay unique per run). */
  seed: number;
  /** Share (0..1) of requests that redeliver a message already answered with a 2xx. */
  duplicates: number;
  /** Share (0..1) of fresh requests that carry the large payload. */
  large: number;
  /** Bytes of the large body; default Dimmy 1 MiB, OmniSales and OptiPick 256 KiB. */
  largeSize?: number;
  /** `--header K:V`, sent on every request. */
  headers: Array<[string, string]>;
  /** OmniSales `X-Webhook-ID` (the run's endpoint configuration id); unused by Svix providers. */
  webhookId: string;
  /** Shard/worker namespace: 0–6 characters of [0-9a-z], distinct per generator of one run. */
  idPrefix?: string;
}

export interface OutgoingRequest {
  /** The whole request (head and body), a fresh Buffer per request: the caller owns it. */
  bytes: Buffer;
  /** The dedup key: `svix-id`/`webhook-id` header value, or the OmniSales envelope `id`. */
  readonly messageId: string;
  duplicate: boolean;
  large: boolean;
  /** Pass back to `answered` when the response arrives. */
  handle: number;
}

/** A request as `next` returns it; the id is read from its bytes on demand, since the load hot path needs it only for redeliveries. */
class Outgoing implements OutgoingRequest {
  constructor(
    readonly bytes: Buffer,
    private readonly idStart: number,
    private readonly idEnd: number,
    readonly duplicate: boolean,
    readonly large: boolean,
    readonly handle: number,
  ) {}

  get messageId(): string {
    return this.bytes.toString('latin1', this.idStart, this.idEnd);
  }
}

export interface TrafficStats {
  sent: number;
  duplicates: number;
  large: number;
}

export interface Traffic {
  next(nowSec: number): OutgoingRequest;
  /** A response arrived for `handle`; a 2xx answer to an original makes it eligible for redelivery. */
  answered(handle: number, status: number): void;
  readonly poolSize: number;
  stats(): TrafficStats;
}

/** Requests remembered until answered: an answer to a request older than the last 65,536 is ignored. */
const INFLIGHT = 1 << 16;
/** Answered originals that duplicates are drawn from (the most recent ones). */
const ANSWERED = 1 << 12;
const MAX_LARGE = 256 * 1024 * 1024;

function share(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new HookgateError('BAD_OPTION', `--${name} must be a fraction from 0 to 1, got ${v}`, `e.g. --${name} 0.1 for 10% of requests`);
  return v;
}


/** One request's identity: enough to rebuild it exactly (a redelivery) with a new timestamp. */
class Records {
  readonly tpl: Int32Array;
  readonly msg: Float64Array;
  readonly entity: Float64Array;
  readonly created: Float64Array;
  constructor(n: number) {
    this.tpl = new Int32Array(n);
    this.msg = new Float64Array(n);
    this.entity = new Float64Array(n);
    this.created = new Float64Array(n);
  }
}

export function createTraffic(o: TrafficOptions): Traffic {
  const { profile, secret } = o;
  const duplicates = share('duplicates', o.duplicates);
  const largeShare = share('large', o.large);
  const largeSize = o.largeSize ?? defaultLargeSize(profile);
  if (!Number.isInteger(largeSize) || largeSize < 1 || largeSize > MAX_LARGE) {
    throw new HookgateError('BAD_OPTION', `--large-size must be a whole number of bytes from 1 to ${MAX_LARGE}, got ${largeSize}`, 'e.g. --large-size 1048576 for 1 MiB');
  }
  schemeFor(profile).validateSecret(secret, profile.displayName);
  const isSvix = profile.scheme === 'svix-v1';

  const namespace = namespaceNumber(o.idPrefix ?? '');
  const shape = messageIdShape(profile, namespace);
  const poolOptions = { profile, types: subscribedTypes(profile, o.events), seed: o.seed, messageId: shape, entityTag: entityTag(namespace) };
  const head = requestHead({ profile, url: o.url, headerStyle: o.headerStyle, headers: o.headers, webhookId: o.webhookId, messageId: shape });
  const sigChars = signatureChars(profile);
  const templates: RequestTemplate[] = buildPool(poolOptions).map((p) => buildTemplate(head, p, shape, sigChars));
  const poolSize = templates.length;
  // The large template sits after the pool; built only when asked for (1 MiB of JSON takes a few ms).
  if (largeShare > 0) templates.push(buildTemplate(head, largePayload(poolOptions, largeSize), shape, sigChars));

  const hmac = new HmacSha256(isSvix ? svixKey(secret) : Buffer.from(secret, 'utf8'));
  const noPrefix = Buffer.alloc(0);
  const idLength = shape.fixed.length + shape.counterChars;
  // Svix signs `{id}.{timestamp}.{body}`: the first two parts live here, the body in the request.
  const signedHead = Buffer.alloc(idLength + TIMESTAMP_CHARS + 2, '.');
  signedHead.write(shape.fixed, 0, 'latin1');

  const rand = prng(o.seed);
  const inflight = new Records(INFLIGHT);
  const inflightHandle = new Float64Array(INFLIGHT).fill(-1);
  const inflightOriginal = new Uint8Array(INFLIGHT);
  const done = new Records(ANSWERED);
  let answeredCount = 0;
  let cursor = 0;
  let messageCounter = 0;
  let entityCounter = entityCounterStart();
  let seq = 0;
  const stats: TrafficStats = { sent: 0, duplicates: 0, large: 0 };
  let currentSec = -1;
  const tsBytes = Buffer.alloc(TIMESTAMP_CHARS);
  let createdText = '';

  function render(t: RequestTemplate, msg: number, entity: number, createdSec: number): Buffer {
    const out = Buffer.allocUnsafe(t.bytes.length);
    t.bytes.copy(out);
    const slots = t.entityOffsets;
    for (let j = 0; j < slots.length; j++) writeHex(out, slots[j], entity + j, ENTITY_COUNTER_CHARS);
    if (t.createdAtOffset >= 0) out.write(createdSec === currentSec ? createdText : isoSeconds(createdSec * 1000), t.createdAtOffset, 'latin1');
    // Ten bytes each: a loop beats a native write call at this size.
    for (let j = 0; j < TIMESTAMP_CHARS; j++) out[t.tsOffset + j] = tsBytes[j];
    if (isSvix) {
      writeDigits(signedHead, shape.fixed.length, msg, shape.counterChars, shape.digits);
      for (let j = 0; j < TIMESTAMP_CHARS; j++) signedHead[idLength + 1 + j] = tsBytes[j];
      signedHead.copy(out, t.idOffset, 0, idLength);
      hmac.signInto(signedHead, out.subarray(t.bodyOffset), 'base64', out, t.sigOffset);
    } else {
      writeDigits(out, t.counterOffset, msg, shape.counterChars, shape.digits);
      hmac.signInto(noPrefix, out.subarray(t.bodyOffset), 'hex', out, t.sigOffset);
    }
    return out;
  }

  function next(nowSec: number): OutgoingRequest {
    const now = Math.floor(nowSec);
    if (now !== currentSec) {
      if (!(now >= 1e9 && now < 1e10)) throw new RangeError(`nowSec must be unix seconds (10 digits), got ${nowSec}`);
      currentSec = now;
      tsBytes.write(String(now), 0, 'latin1');
      createdText = isoSeconds(now * 1000);
    }
    // Two draws per request whatever happens, so the sequence of decisions depends on the seed alone.
    const r1 = rand();
    const r2 = rand();
    const available = Math.min(answeredCount, ANSWERED);
    const duplicate = r1 < duplicates && available > 0;
    let tpl: number, msg: number, entity: number, created: number;
    if (duplicate) {
      const k = Math.floor(r2 * available);
      tpl = done.tpl[k];
      msg = done.msg[k];
      entity = done.entity[k];
      created = done.created[k];
    } else {
      const large = poolSize < templates.length && r2 < largeShare;
      tpl = large ? poolSize : cursor;
      if (!large) cursor = cursor + 1 === poolSize ? 0 : cursor + 1;
      msg = messageCounter++;
      entity = entityCounter;
      entityCounter += templates[tpl].entityOffsets.length;
      created = now;
    }
    const t = templates[tpl];
    const bytes = render(t, msg, entity, created);
    const handle = seq++;
    const slot = handle & (INFLIGHT - 1);
    inflightHandle[slot] = handle;
    inflightOriginal[slot] = duplicate ? 0 : 1;
    inflight.tpl[slot] = tpl;
    inflight.msg[slot] = msg;
    inflight.entity[slot] = entity;
    inflight.created[slot] = created;
    stats.sent++;
    if (duplicate) stats.duplicates++;
    if (t.large) stats.large++;
    return new Outgoing(bytes, t.idOffset, t.idOffset + idLength, duplicate, t.large, handle);
  }

  function answered(handle: number, status: number): void {
    const slot = handle & (INFLIGHT - 1);
    if (inflightHandle[slot] !== handle) return;
    inflightHandle[slot] = -1;
    // Only originals the receiver accepted: redelivering what it refused tests nothing about dedup.
    if (!inflightOriginal[slot] || status < 200 || status > 299) return;
    const k = answeredCount & (ANSWERED - 1);
    done.tpl[k] = inflight.tpl[slot];
    done.msg[k] = inflight.msg[slot];
    done.entity[k] = inflight.entity[slot];
    done.created[k] = inflight.created[slot];
    answeredCount++;
  }

  return { next, answered, poolSize, stats: () => ({ ...stats }) };
}
