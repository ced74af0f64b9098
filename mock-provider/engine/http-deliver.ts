import type { ProviderProfile } from '../../fixtures/profile.js';
import { signedRequestFor, signInputFor } from '../delivery.js';
import { schemeFor } from '../signing/index.js';
import { send, type SendOptions } from '../sender.js';
import type { AttemptResult, DeliverFn } from './attempt.js';

export interface HttpDeliverOptions {
  /** `--timeout`: no answer within this is a failed attempt. Default: the profile's (Svix 20 s, OmniSales 30 s). Real ms, never scaled. */
  timeoutMs?: number;
  /** Used for endpoints that carry no secret of their own. */
  secret?: string;
  /** How much of the response body is kept for the attempt record. Default 1 KiB. */
  keepResponseBytes?: number;
  agent?: SendOptions['agent'];
}

/**
 * Production `deliver`: re-sign the message now and POST it once. Each attempt gets a fresh timestamp
 * from the wall clock (never the dispatcher's virtual clock: receivers compare it with their own clock)
 * and the same message id. Transport failures come back as results, so an unreachable target is just a
 * failed attempt.
 */
export function httpDeliver(profile: ProviderProfile, opts: HttpDeliverOptions = {}): DeliverFn {
  const timeoutMs = opts.timeoutMs ?? profile.timeoutMs;
  const keep = opts.keepResponseBytes ?? 1024;
  const scheme = schemeFor(profile);
  return async ({ message, endpoint, signal, at }): Promise<AttemptResult> => {
    const secret = endpoint.secret ?? opts.secret;
    if (secret === undefined) return { error: 'other', message: `no signing secret for endpoint ${endpoint.id}`, latencyMs: 0, startedAt: Date.now() };
    const msg = { type: message.type, messageId: message.id, body: message.body, entityId: message.entityId };
    const identity = { webhookId: endpoint.webhookId ?? endpoint.id };
    const signed = signedRequestFor(profile, secret, msg, identity, { headerStyle: endpoint.headerStyle });
    // After a rotation, Svix signs with the new secret and every old one still in its grace period, all in
    // one header, space-separated: a receiver that still has only the old secret keeps verifying until then.
    const retired = (endpoint.previousSecrets ?? []).filter((p) => p.until > at);
    if (retired.length && scheme.joinSignatures) {
      const names = scheme.headerNames({ headerStyle: endpoint.headerStyle });
      const input = signInputFor(profile, msg, identity, Number(signed.headers[names.timestamp]));
      signed.headers[names.signature] = scheme.joinSignatures([signed.headers[names.signature], ...retired.map((p) => scheme.signatureValue(p.secret, input))]);
    }
    let attempt;
    try {
      attempt = await send({ url: endpoint.url, headers: signed.headers, body: signed.body }, { timeoutMs, signal, agent: opts.agent, maxResponseBytes: keep });
    } catch (err) {
      // Only an unusable URL rejects; for the engine that is one more failed attempt, recorded with the reason.
      return { error: 'other', message: err instanceof Error ? err.message : String(err), latencyMs: 0, startedAt: Date.now() };
    }
    const { outcome, latencyMs, startedAt } = attempt;
    if (outcome.kind === 'response') return { status: outcome.status, responseBody: outcome.body.toString('utf8'), latencyMs, startedAt };
    return { error: outcome.error, message: outcome.message, latencyMs, startedAt };
  };
}
