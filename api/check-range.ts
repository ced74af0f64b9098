import { HookgateError } from '../fixtures/hookgate-error.js';

/**
 * An API option's number, checked as the command line checks its flags (the CLI has validated
 * already; a script calling the API directly gets the same guard): undefined passes through.
 */
export function checkRange(name: string, value: number | undefined, min: number, max: number, opts: { integer?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || (opts.integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new HookgateError('BAD_OPTION', `${name} ${String(value)} is not ${opts.integer ? 'an integer' : 'a number'} from ${min} to ${max}`, `pass ${name} within ${min}..${max}`);
  }
  return value;
}
