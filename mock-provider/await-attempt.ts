import type { AttemptRecord } from './engine/store.js';
import type { ServeEvents } from './serve-events.js';

export interface AttemptWatch {
  /** The first attempt recorded for (msgId, endpointId) after the watch began; undefined when `timeoutMs` passed first. */
  result(timeoutMs: number): Promise<AttemptRecord | undefined>;
  cancel(): void;
}

/**
 * Watches for the first attempt of one message to one endpoint. Begun before the message is queued,
 * so an attempt that completes before the caller gets around to waiting is still caught.
 */
export function watchAttempt(events: ServeEvents, msgId: string, endpointId: string): AttemptWatch {
  let seen: AttemptRecord | undefined;
  let wake: ((r: AttemptRecord) => void) | undefined;
  const stop = events.subscribe((e) => {
    if (e.kind !== 'attempt' || seen || e.record.msgId !== msgId || e.record.endpointId !== endpointId) return;
    seen = e.record;
    wake?.(e.record);
  });
  return {
    async result(timeoutMs) {
      if (seen) return (stop(), seen);
      let timer: NodeJS.Timeout | undefined;
      try {
        return await new Promise<AttemptRecord | undefined>((resolve) => {
          wake = resolve;
          timer = setTimeout(() => resolve(undefined), timeoutMs);
        });
      } finally {
        clearTimeout(timer);
        stop();
      }
    },
    cancel: stop,
  };
}
