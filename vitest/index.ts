/**
 * `hookgate/vitest`: one vitest test per conformance check, for a receiver at a URL or in the test's
 * own process. vitest is an optional peer dependency: only this entry imports it, so the CLI and
 * the main entry never load it.
 */
export { describeWebhookConformance } from './describe-webhook-conformance.js';
export type { ConformanceOptions, ConformanceSettings, ConformanceTarget, AppContext } from './conformance-options.js';
export type { FetchHandler } from './fetch-handler-listener.js';
export type { NodeApp } from './serve-in-process.js';
