import { HookgateError } from '../fixtures/hookgate-error.js';
import { describeOutcome, type Attempt } from '../mock-provider/sender.js';

/**
 * Refused or unresolvable means the target could not be reached at all (exit 3), as opposed to a
 * receiver that answered badly or too slowly (a judged failure). One rule for every command.
 */
export function throwIfUnreachable(a: Attempt, url: URL, hint: string): void {
  if (a.outcome.kind === 'error' && (a.outcome.error === 'refused' || a.outcome.error === 'dns')) {
    throw new HookgateError('UNREACHABLE', `cannot reach ${url.origin}: ${describeOutcome(a)}`, hint);
  }
}
