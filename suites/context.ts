import type { ProviderProfile, JsonObject } from '../fixtures/profile.js';
import { buildMessage } from '../fixtures/index.js';
import { schemeFor, type HeaderStyle } from '../mock-provider/signing/index.js';
import { buildFromRecipe, type ReplayRecipe } from '../mock-provider/recipe.js';
import { send, isSuccess } from '../mock-provider/sender.js';
import type { Message } from '../mock-provider/delivery.js';
import type { CheckContext, Delivery, Observation, RecipeChange } from './types.js';
import { findEvent } from '../fixtures/index.js';
import fc from 'fast-check';
import { toEvidence } from './evidence.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { newLiveness, sendWatched } from './liveness.js';
import type { Agent as HttpsAgent } from 'node:https';
import type { SignedRequest } from '../mock-provider/signing/index.js';
import { agentFor } from './tls-trust.js';
import { createRateLimit } from './rate-limit.js';
import { SEED_STREAM, streamSeed } from '../fixtures/prng.js';

/**
 * The check whose code is running: the runner enters it around each check, so a request
 * is attributed to its check even when a shared helper (baseline, observers) sends it.
 */
export const runningCheck = new AsyncLocalStorage<string>();

export interface ContextOptions {
  profile: ProviderProfile;
  secret: string;
  url: string;
  headerStyle: HeaderStyle;
  events: string[];
  seed: number;
  runs: number;
  largeSize?: number;
  signal: AbortSignal;
  /** OmniSales X-Webhook-ID for this run's endpoint. */
  webhookId: string;
  /** Per-request timeout in ms; the provider's by default (`check --timeout`, tests). */
  timeoutMs?: number;
  observation?: Partial<Observation>;
  /**
   * `--header K:V`: sent with every request, after the provider's own headers (a gateway in front of
   * the receiver needs them on every delivery, forged ones included). Their values are masked in evidence.
   */
  headers?: ReadonlyArray<readonly [string, string]>;
  /** The agent for https:// requests under `--ca`/`--insecure` (suites/tls-trust.ts); the caller destroys it. */
  agent?: HttpsAgent;
  /** `--max-rate`: at most this many requests per second to the receiver, across all checks. */
  maxRate?: number;
}

/** The services a check gets: message factory, variant builder, a sender bound to the target, evidence. */
export function createContext(o: ContextOptions): CheckContext {
  const env = { profile: o.profile, secret: o.secret, webhookId: o.webhookId };
  let counter = 0;
  const timeoutMs = o.timeoutMs ?? o.profile.timeoutMs;
  const extraHeaders = o.headers ?? [];
  const secretHeaders = extraHeaders.map(([k]) => k);
  const agent = agentFor(o.url, o.agent);
  const limit = o.maxRate ? createRateLimit(o.maxRate) : undefined;
  const ctx: CheckContext = {
    checkId: '',
    profile: o.profile,
    scheme: schemeFor(o.profile),
    url: o.url,
    headerStyle: o.headerStyle,
    events: o.events,
    seed: o.seed,
    runs: o.runs,
    largeSize: o.largeSize,
    signal: o.signal,
    newMessage(type = o.events[0], data?: JsonObject): Message {
      // Generated data gives every message its own entity ids, so fetch-back counts of one
      // check's messages never include another's (catalog examples all share one id).
      const def = findEvent(o.profile, type);
      const d = data ?? (def ? fc.sample(def.arbitrary(), { numRuns: 1, seed: streamSeed(o.seed, SEED_STREAM.checkMessages, ++counter) })[0] : undefined);
      return buildMessage(o.profile, type, d);
    },
    messageWithBody(type, body, messageId) {
      return { type, messageId, body };
    },
    delivery(msg, change?: RecipeChange): Delivery {
      const recipe: ReplayRecipe = {
        variant: 'valid',
        ...change,
        type: msg.type,
        messageId: msg.messageId,
        signedBody: msg.body.toString('base64'),
        headerStyle: o.headerStyle,
      };
      return { msg, recipe, request: withHeaders(buildFromRecipe(env, recipe), extraHeaders) };
    },
    timeoutMs,
    agent,
    async send(d) {
      const checkId = runningCheck.getStore() ?? '';
      if (limit) await limit.take(o.signal);
      // A silent receiver costs one timeout, not one per request (suites/liveness.ts).
      const a = await sendWatched(ctx.liveness, { checkId, d, timeoutMs, profile: o.profile }, o.signal, (signal) =>
        send({ url: o.url, headers: d.request.headers, body: d.request.body }, { timeoutMs, signal, agent }),
      );
      if (d.recipe.variant === 'valid') ctx.validAttempts.push(a);
      ctx.sent.push({ checkId, d, a });
      return a;
    },
    evidence(d, a, label, expected) {
      return toEvidence(o.url, d, a, label, expected, ctx.attachments, secretHeaders);
    },
    refusals: [],
    attachments: new Map(),
    validAttempts: [],
    sent: [],
    observation: { settleMs: 500, sawDuplicateFlag: false, ...o.observation },
    liveness: newLiveness(),
    async baseline(type) {
      const delivery = ctx.delivery(ctx.newMessage(type));
      const attempt = await ctx.send(delivery);
      return { accepted: isSuccess(attempt), attempt, delivery };
    },
  };
  return ctx;
}

/** The signed request plus the user's headers; the provider's own headers are never replaced by them. */
function withHeaders(req: SignedRequest, extra: ReadonlyArray<readonly [string, string]>): SignedRequest {
  if (!extra.length) return req;
  const headers = { ...req.headers };
  const taken = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  for (const [k, v] of extra) if (!taken.has(k.toLowerCase())) headers[k] = v;
  return { ...req, headers };
}
