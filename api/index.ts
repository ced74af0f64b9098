/**
 * hookgate as a library: what `hookgate check` and `hookgate load` do, minus argument parsing and
 * printing. `import { runCheck, runLoad } from 'hookgate'`.
 */
export { runCheck } from './run-check.js';
export { runLoad } from './run-load.js';
export { HookgateError, EXIT, isHookgateError, type HookgateErrorCode } from '../fixtures/hookgate-error.js';
export type { CheckOptions, CheckEvent, CheckRun, LoadOptions, LoadEvent, LoadRun, TransportOptions } from './types.js';
export type { HeadersInput } from './request-headers.js';
export type { RunResults, RunSummary, CheckResult, CheckStatus, Severity, SkipKind, Evidence, Counterexample } from '../suites/types.js';
export type { LoadResults, LatencyFigures, ThresholdResult, TimelineSecond, FindMaxResult, CurvePoint } from '../suites/load/types.js';
export type { LoadVerdict } from '../suites/load/verdict.js';
export type { Tick } from '../suites/load/generator.js';
export type { ProviderName } from '../fixtures/profile.js';
export type { HeaderStyle } from '../mock-provider/signing/index.js';
