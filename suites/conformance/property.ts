import fc from 'fast-check';
import type { Attempt } from '../../mock-provider/sender.js';
import type { CheckContext, Counterexample, Delivery } from '../types.js';

/** What one property run did on the wire, kept so the shrunk counterexample comes with its evidence. */
export interface Trial {
  ok: boolean;
  d: Delivery;
  a: Attempt;
  /** The run proved nothing either way (e.g. the receiver refused the content itself, not its spelling). */
  inconclusive?: boolean;
}

export type PropertyResult<T> =
  | { failed: false; numRuns: number; inconclusive: number }
  | { failed: true; value: T; trial: Trial; counterexample: Counterexample };

/**
 * Runs an async property against the receiver with the run's seed, so `--seed N`
 * regenerates and shrinks the same inputs. fast-check tries smaller inputs after a
 * failure; the last failing trial is the shrunk counterexample, so its request
 * and response become the evidence.
 */
export async function runProperty<T>(ctx: CheckContext, arb: fc.Arbitrary<T>, trial: (v: T) => Promise<Trial>, describe: (v: T) => unknown): Promise<PropertyResult<T>> {
  let lastFailure: { value: T; trial: Trial } | undefined;
  let inconclusive = 0;
  // A trial that threw (Ctrl-C, a receiver taken for silent, a bug) proved nothing: fast-check would count
  // it as a failure without a trial, which read as "no failure" here. It ends the check instead.
  let thrown: { error: unknown } | undefined;
  const details = await fc.check(
    fc.asyncProperty(arb, async (v): Promise<boolean> => {
      if (thrown) throw thrown.error;
      let t: Trial;
      try {
        if (ctx.signal.aborted) throw new Error('interrupted');
        t = await trial(v);
      } catch (error) {
        thrown ??= { error };
        throw error;
      }
      if (t.inconclusive) inconclusive++;
      if (!t.ok) lastFailure = { value: v, trial: t };
      return t.ok;
    }),
    { seed: ctx.seed, numRuns: ctx.runs, endOnFailure: false },
  );
  if (thrown) {
    if (!lastFailure) throw thrown.error;
    // A real failure came first: it stands, shrunk only as far as the trials went (no replay path to give).
    const { value, trial: t } = lastFailure;
    return { failed: true, value, trial: t, counterexample: { value: describe(value), seed: details.seed, path: '', numRuns: details.numRuns, shrinks: details.numShrinks } };
  }
  if (!details.failed || !lastFailure || details.counterexample === null) return { failed: false, numRuns: details.numRuns, inconclusive };
  const value = details.counterexample[0];
  return {
    failed: true,
    value,
    trial: lastFailure.trial,
    counterexample: {
      value: describe(value),
      seed: details.seed,
      path: details.counterexamplePath ?? '',
      numRuns: details.numRuns,
      shrinks: details.numShrinks,
    },
  };
}
