import type { CheckContext, CheckOutcome } from '../types.js';
import type { Message } from '../../mock-provider/delivery.js';
import type { Observer } from './observer.js';
import { settledCount, waitForCount } from './observer.js';

export interface FirstSight {
  observer: Observer;
  count: number;
}

/**
 * Which observer saw the first processing of `msg`, in SPEC's order: the effects URL
 * when given; else fetch-back, once the receiver fetched this message's entity.
 * Undefined when neither saw anything within the settle time.
 */
export async function observeFirst(ctx: CheckContext, msg: Message): Promise<FirstSight | undefined> {
  const { effects, fetchBack, settleMs } = ctx.observation;
  const observers = [effects, fetchBack?.observer].filter((o): o is Observer => Boolean(o));
  if (observers.length === 0) return undefined;
  const deadline = Date.now() + settleMs;
  // Poll the observers together so a fetch-back receiver is not made to wait out the effects URL first.
  for (;;) {
    for (const o of observers) {
      const n = await o.processed(msg);
      if (n > 0) return { observer: o, count: n };
    }
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The settled processing count of `msg` under `observer`. */
export function countAfterSettle(ctx: CheckContext, observer: Observer, msg: Message): Promise<number> {
  return settledCount(() => observer.processed(msg), { settleMs: ctx.observation.settleMs });
}

export function countReaching(ctx: CheckContext, observer: Observer, msg: Message, atLeast: number): Promise<number> {
  return waitForCount(() => observer.processed(msg), atLeast, { settleMs: ctx.observation.settleMs });
}

export const NOT_OBSERVABLE = 'not observable: no --effects-url and no fetch-back seen';
export const SAW_NO_PROCESSING = 'observer saw no processing of the first delivery';

/**
 * The observer that can see processing right now: the effects URL when given, else fetch-back once the
 * receiver has fetched anything in this run (before that, a zero count proves nothing).
 */
export function activeObserver(ctx: CheckContext): Observer | undefined {
  const { effects, fetchBack } = ctx.observation;
  return effects ?? (fetchBack && fetchBack.counts.totalFetches() > 0 ? fetchBack.observer : undefined);
}

/** Why a dedup check could not judge: nothing can observe this receiver, or an observer works but saw nothing of this message. */
export function unobserved(ctx: CheckContext): string {
  if (activeObserver(ctx)) return SAW_NO_PROCESSING;
  return NOT_OBSERVABLE + (ctx.profile.scheme === 'omnisales-hex' ? ', and no {"duplicate": true} answer' : '');
}

/** The skip a check returns when it could not see processing: `not-observable` without any observer, `no-evidence` when one works but saw nothing. */
export function unobservedSkip(ctx: CheckContext, detail = ''): CheckOutcome {
  return { status: 'skip', skipKind: activeObserver(ctx) ? 'no-evidence' : 'not-observable', message: unobserved(ctx) + detail };
}
