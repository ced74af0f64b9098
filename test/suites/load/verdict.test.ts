import { describe, expect, it } from 'vitest';
import { INVALID_RUN_REASON, loadVerdict, type VerdictInput } from '../../../suites/load/verdict.js';
import type { ThresholdResult } from '../../../suites/load/types.js';

/*
 * The load gate: a failed threshold fails; an invalid run (the generator was the
 * bottleneck) never passes thresholds on its own figures unless --allow-invalid; a shard
 * never judges; no thresholds pass.
 */

const held: ThresholdResult = { expr: 'p99<250ms', actual: 12.5, pass: true };
const broke: ThresholdResult = { expr: 'errors<0.1%', actual: 0.5, pass: false };
const unobserved: ThresholdResult = { expr: 'duplicatesProcessed==0', actual: Number.NaN, pass: false, note: 'not observable: pass --effects-url' };

function run(thresholds: ThresholdResult[], valid = true): VerdictInput {
  return valid ? { valid, thresholds } : { valid, invalidReason: 'event-loop utilisation 0.99 in worker 2; 1,200 missed starts', thresholds };
}

const lax = { allowInvalid: false };

describe('loadVerdict', () => {
  it('no thresholds: pass', () => {
    expect(loadVerdict(run([]), lax)).toEqual({ verdict: 'pass', reason: 'no thresholds to judge', exitCode: 0 });
  });

  it('every threshold held: pass', () => {
    expect(loadVerdict(run([held]), lax)).toEqual({ verdict: 'pass', reason: 'the threshold held', exitCode: 0 });
    expect(loadVerdict(run([held, held]), lax).reason).toBe('all 2 thresholds held');
  });

  it('a failed threshold fails, naming it with what was measured', () => {
    const v = loadVerdict(run([held, broke, unobserved]), lax);
    expect(v).toMatchObject({ verdict: 'fail', exitCode: 1 });
    expect(v.reason).toBe('2 of 3 thresholds failed: errors<0.1% (actual 0.5%), duplicatesProcessed==0 (not observable: pass --effects-url)');
  });

  it('an invalid run with thresholds fails, even when every threshold held', () => {
    for (const thresholds of [[held], [broke], [held, broke]]) {
      const v = loadVerdict(run(thresholds, false), lax);
      expect(v).toMatchObject({ verdict: 'fail', exitCode: 1 });
      expect(v.reason.startsWith(INVALID_RUN_REASON)).toBe(true);
      expect(v.reason).toContain('event-loop utilisation 0.99 in worker 2');
      expect(v.reason).toContain('--allow-invalid');
    }
    expect(INVALID_RUN_REASON).toBe('the generator could not produce the load; the figures say nothing about the receiver');
  });

  it('--allow-invalid judges the thresholds of an invalid run, and still warns', () => {
    const passed = loadVerdict(run([held], false), { allowInvalid: true });
    expect(passed).toMatchObject({ verdict: 'pass', exitCode: 0 });
    expect(passed.reason).toMatch(/^the threshold held; warning: invalid run judged anyway \(--allow-invalid\)/);
    const failed = loadVerdict(run([held, broke], false), { allowInvalid: true });
    expect(failed).toMatchObject({ verdict: 'fail', exitCode: 1 });
    expect(failed.reason).toMatch(/^1 of 2 thresholds failed: errors<0.1% \(actual 0.5%\); warning: invalid run/);
  });

  it('an invalid run without thresholds passes with the warning', () => {
    const v = loadVerdict(run([], false), lax);
    expect(v).toMatchObject({ verdict: 'pass', exitCode: 0 });
    expect(v.reason).toBe(`no thresholds to judge; warning: invalid run, ${INVALID_RUN_REASON} (event-loop utilisation 0.99 in worker 2; 1,200 missed starts)`);
  });

  it('an invalid run without a recorded reason still says why it counts', () => {
    expect(loadVerdict({ valid: false, thresholds: [held] }, lax).reason).toContain('the generator was saturated');
  });

  it('a shard records and never judges: exit 0 whatever its figures', () => {
    for (const r of [run([broke]), run([held, broke], false), run([])]) {
      const v = loadVerdict(r, { allowInvalid: false, sharded: true });
      expect(v).toMatchObject({ verdict: 'pass', exitCode: 0 });
      expect(v.reason).toMatch(/^shard run: \d+ thresholds? recorded, judged after `hookgate merge`/);
    }
    expect(loadVerdict(run([held, broke], false), { allowInvalid: false, sharded: true }).reason).toContain('warning: invalid run');
  });
});
