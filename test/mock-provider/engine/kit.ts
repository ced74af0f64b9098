// Shared set-up for the dispatcher tests: a ManualClock, the memory store and a scripted receiver.
import type { ProviderProfile } from '../../../fixtures/profile.js';
import type { AttemptResult, DeliveryJob } from '../../../mock-provider/engine/attempt.js';
import { ManualClock } from '../../../mock-provider/engine/clock.js';
import { createDispatcher, type DispatcherOptions } from '../../../mock-provider/engine/dispatcher.js';
import { memoryStore } from '../../../mock-provider/engine/store.js';
import type { Message } from '../../../mock-provider/delivery.js';

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** Instant answers unless a latency is given. */
export const status = (s: number, latencyMs = 0): AttemptResult => ({ status: s, latencyMs });
export const error = (kind: 'timeout' | 'reset' | 'refused', latencyMs = 0): AttemptResult => ({ error: kind, message: kind, latencyMs });

export type Script = (job: DeliveryJob) => AttemptResult | Promise<AttemptResult>;

/** Answers from a list per message id, then `otherwise`. */
export function sequence(perMessage: Record<string, AttemptResult[]>, otherwise: AttemptResult = status(500)): Script {
  const used = new Map<string, number>();
  return ({ message }) => {
    const i = used.get(message.id) ?? 0;
    used.set(message.id, i + 1);
    return perMessage[message.id]?.[i] ?? otherwise;
  };
}

export function message(id: string): Message {
  return { type: 'route.optimized', messageId: id, body: Buffer.from(`{"request_id":"${id}"}`) };
}

export async function setup(profile: ProviderProfile, script: Script, extra: Partial<DispatcherOptions> = {}) {
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const store = memoryStore();
  const jobs: DeliveryJob[] = [];
  let current = script;
  const dispatcher = createDispatcher({
    profile,
    clock,
    store,
    deliver: async (job) => {
      jobs.push(job);
      return current(job);
    },
    ...extra,
  });
  await dispatcher.addEndpoint({ id: 'ep_1', url: 'http://receiver.test/hook', secret: 'whsec_x' });
  await dispatcher.start();
  const t0 = clock.now();
  return {
    clock,
    store,
    dispatcher,
    jobs,
    t0,
    /** Swap the receiver's behaviour mid-test (it came back up, it broke...). */
    setScript(s: Script) {
      current = s;
    },
    async offsets(msgId: string) {
      return (await store.listAttempts({ msgId })).map((a) => a.virtualOffsetMs);
    },
  };
}
