import type { HeaderStyle } from '../mock-provider/signing/index.js';
import type { ProviderName } from '../fixtures/profile.js';
import type { FetchHandler } from './fetch-handler-listener.js';
import type { NodeApp } from './serve-in-process.js';

/** What a factory gets: the secret to verify with and, for OptiPick and Dimmy, hookgate's fetch-back API. */
export interface AppContext {
  secret: string;
  /** The provider REST API hookgate serves for this run (OptiPick, Dimmy); `undefined` for OmniSales. */
  apiUrl?: string;
  /** Any non-empty key is accepted; send it as `X-API-KEY`. */
  apiKey?: string;
}

/** Exactly one of these says what is checked. */
export type ConformanceTarget =
  /** A receiver already listening (give `secret`). */
  | { url: string | URL }
  /** A Node request listener (an Express app, Koa's `app.callback()`, Fastify's `app.routing` after `await app.ready()`) or an `http.Server` (Fastify's `app.server`); give `secret`. */
  | { app: NodeApp }
  /** A fetch-style handler (a Next.js route handler, Hono's `app.fetch`); give `secret`. */
  | { handler: FetchHandler }
  /** Builds the Node app once the secret (generated unless given) and the fetch-back API URL are known. */
  | { createApp(ctx: AppContext): NodeApp | Promise<NodeApp> }
  /** Builds the fetch-style handler once the secret and the fetch-back API URL are known. */
  | { createHandler(ctx: AppContext): FetchHandler | Promise<FetchHandler> };

export interface ConformanceSettings {
  provider: ProviderName | string;
  /** The secret the receiver verifies with. Optional with `createApp`/`createHandler` (then generated in the provider's format). */
  secret?: string;
  /** Where the in-process app takes webhooks (default `/webhook`). Not with `url`. */
  path?: string;
  headerStyle?: HeaderStyle;
  /** The event types the receiver is subscribed to (default: the whole catalog). */
  events?: string[];
  /** The receiver's test hook listing processed dedup keys; for an in-process app, a path such as `/_effects`. */
  effectsUrl?: string;
  /** Check ids or prefixes (`'signature.'`); only those get a test. */
  only?: string[];
  skip?: string[];
  /** Property-based runs per check (default 50). */
  runs?: number;
  /** Replays a previous run's generation and shrinking (a failure's message gives it). */
  seed?: number;
  /** `'warn'` (default): a SHOULD finding passes with a warning; `'fail'`: it fails its test. */
  should?: 'warn' | 'fail';
  /** How long the one run in `beforeAll` may take, ms (default 120,000); the hook's own timeout is a little above. */
  timeout?: number;
  /** The test file's msw `setupServer()` instance: the app's calls to hookgate's fetch-back API are let through it (`passthrough()`). */
  msw?: { use(...handlers: unknown[]): void };
  /** The describe block's name (default "<Provider> webhook conformance"). */
  name?: string;
}

export type ConformanceOptions = ConformanceSettings & ConformanceTarget;
