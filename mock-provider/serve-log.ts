import { formatDuration } from './engine/schedule.js';
import type { AttemptRecord, DeadLetter } from './engine/store.js';

/**
 * The lines `serve` prints while it delivers, one per event, naming the endpoint, the message, the
 * attempt, its schedule offset (virtual, as the API shows it) and the outcome. Pure: the command decides
 * where they go.
 */

const outcomeOf = (r: AttemptRecord): string => {
  const what = r.status !== undefined ? `HTTP ${r.status}` : (r.error ?? 'no answer');
  return r.outcome === 'success' ? `${what} delivered` : r.outcome === 'interrupted' ? `interrupted (serve stopped mid-attempt)` : `${what} failed`;
};

export function attemptLine(r: AttemptRecord): string {
  const manual = r.trigger === 'manual' ? ', manual' : '';
  return `${r.endpointId} ${r.msgId} attempt ${r.n}${manual} at +${r.virtualOffsetMs === 0 ? '0s' : formatDuration(r.virtualOffsetMs)}: ${outcomeOf(r)} (${Math.round(r.latencyMs)} ms)`;
}

export function deadLetterLine(dl: DeadLetter): string {
  const why = dl.reason === 'exhausted' ? `gave up after ${dl.attempts} attempt${dl.attempts === 1 ? '' : 's'}` : 'not sent: endpoint disabled';
  return `${dl.endpointId} ${dl.msgId} dead letter: ${why}${dl.lastError ? ` (last: ${dl.lastError})` : ''}; recover or resend it from the API`;
}

export function endpointDisabledLine(endpointId: string, at: number, reason: 'failures' | 'manual' = 'failures'): string {
  // A user switching an endpoint off through an API must not read as if their receiver had failed for days.
  if (reason === 'manual') return `${endpointId} disabled at ${new Date(at).toISOString()} (virtual) through the API; its waiting messages are dead letters until it is re-enabled and recovered`;
  return `${endpointId} disabled at ${new Date(at).toISOString()} (virtual): every attempt failed for the provider's disable period; its waiting messages are dead letters until it is re-enabled and recovered`;
}

/**
 * Lines gathered during one event-loop turn and written at its end in one call: at thousands of attempts a
 * second, one write per line (a syscall each on a pipe or terminal) was a visible share of `serve`'s CPU.
 */
export function batchedLines(write: (text: string) => void): (line: string) => void {
  let pending: string[] = [];
  return (line) => {
    if (pending.push(line) === 1) {
      setImmediate(() => {
        const text = pending.join('\n') + '\n';
        pending = [];
        write(text);
      });
    }
  };
}
