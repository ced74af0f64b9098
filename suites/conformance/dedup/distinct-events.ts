import type { Check, CheckContext, CheckOutcome, Delivery, Evidence } from '../../types.js';
import type { Message } from '../../../mock-provider/delivery.js';
import { isSuccess, type Attempt } from '../../../mock-provider/sender.js';
import { flaggedDuplicate } from '../../observe/duplicate-flag.js';
import { countReaching, observeFirst, unobservedSkip } from '../../observe/watch.js';
import type { Observer } from '../../observe/observer.js';
import { ACCEPTANCE, answer, skipBaseline } from '../verdicts.js';

const DISTINCT = 3;

interface Sent {
  msg: Message;
  d: Delivery;
  a: Attempt;
}

async function sendAll(ctx: CheckContext, msgs: Message[]): Promise<Sent[]> {
  const out: Sent[] = [];
  for (const msg of msgs) {
    const d = ctx.delivery(msg);
    out.push({ msg, d, a: await ctx.send(d) });
  }
  return out;
}

/** Distinct messages whose data is byte-identical: processed once each (fetch-back sees them as one entity fetched twice). */
async function identicalDataPart(ctx: CheckContext, observer: Observer): Promise<{ ok: boolean; note: string; evidence: Evidence[] }> {
  const first = ctx.newMessage();
  const data = JSON.parse(first.body.toString('utf8'));
  const inner = ctx.profile.scheme === 'omnisales-hex' ? data.data : data;
  const twins = [first, ctx.newMessage(first.type, inner)];
  const sent = await sendAll(ctx, twins);
  const refused = sent.filter((s) => !isSuccess(s.a) || flaggedDuplicate(s.a, ctx.profile));
  if (refused.length) return { ok: false, note: `a distinct message with byte-identical data got ${answer(refused[0].a)}${flaggedDuplicate(refused[0].a, ctx.profile) ? ' {"duplicate": true}' : ''}`, evidence: refused.map((s) => ctx.evidence(s.d, s.a, 'distinct message, identical data', ACCEPTANCE)) };
  const counts =
    observer.kind === 'fetch-back'
      ? [await countReaching(ctx, observer, twins[0], 2)].map((n) => (n >= 2 ? 1 : 0))
      : await Promise.all(twins.map((m) => countReaching(ctx, observer, m, 1)));
  const ok = counts.every((n) => n >= 1);
  return {
    ok,
    note: ok ? 'two distinct messages with byte-identical data were both processed' : `of two distinct messages with byte-identical data only one was processed (${observer.name}): the receiver dedups on the content, not the ${ctx.profile.dedupKey}`,
    evidence: ok ? [] : sent.map((s, i) => ctx.evidence(s.d, s.a, `distinct message ${i + 1}, identical data`, 'processed')),
  };
}

export const distinctEvents: Check = {
  id: 'dedup.distinct-events',
  title: 'processes each distinct event, even with a shared X-Webhook-ID or identical data',
  severity: () => 'must',
  appliesTo: () => true,
  async run(ctx): Promise<CheckOutcome> {
    const msgs = Array.from({ length: DISTINCT }, () => ctx.newMessage());
    const sent = await sendAll(ctx, msgs);
    if (!isSuccess(sent[0].a)) return skipBaseline(sent[0].a);
    const shared = ctx.profile.scheme === 'omnisales-hex' ? ' (all with the same X-Webhook-ID, which names the endpoint, not the event)' : '';
    const wrong = sent.filter((s) => !isSuccess(s.a) || flaggedDuplicate(s.a, ctx.profile));
    if (wrong.length) {
      return {
        status: 'fail',
        message: `${wrong.length} of ${DISTINCT} distinct events${shared} were refused or answered as duplicates (${wrong.map((s) => answer(s.a) + (flaggedDuplicate(s.a, ctx.profile) ? ' duplicate' : '')).join(', ')}). Deduplicate on the ${ctx.profile.dedupKey === 'svix-id' ? 'svix-id' : 'envelope id'} only.`,
        evidence: wrong.map((s) => ctx.evidence(s.d, s.a, `distinct event ${s.msg.messageId}`, 'a 2xx, processed as new')),
      };
    }
    const seen = await observeFirst(ctx, msgs[0]);
    if (!seen) {
      if (ctx.observation.sawDuplicateFlag) return { status: 'pass', message: `the receiver flags duplicates and flagged none of ${DISTINCT} distinct events${shared}` };
      return unobservedSkip(ctx);
    }
    const counts = await Promise.all(msgs.map((m) => countReaching(ctx, seen.observer, m, 1)));
    const missed = sent.filter((_, i) => counts[i] < 1);
    if (missed.length) {
      return {
        status: 'fail',
        message: `${missed.length} of ${DISTINCT} distinct events${shared} were never processed (${seen.observer.name}). Deduplicate on the ${ctx.profile.dedupKey === 'svix-id' ? 'svix-id' : "envelope's id"} only.`,
        evidence: missed.map((s) => ctx.evidence(s.d, s.a, `distinct event ${s.msg.messageId}`, 'processed')),
      };
    }
    const twins = await identicalDataPart(ctx, seen.observer);
    if (!twins.ok) return { status: 'warn', message: `all ${DISTINCT} distinct events processed, but ${twins.note} (SHOULD)`, evidence: twins.evidence };
    return { status: 'pass', message: `all ${DISTINCT} distinct events processed${shared}; ${twins.note} (${seen.observer.name})` };
  },
};
