import type { ProviderProfile } from '../../fixtures/profile.js';
import type { Dispatcher } from '../engine/dispatcher.js';
import { ApiError, notFound } from './http.js';
import type { AppRecord, EndpointRecord, MessageRecord, SvixRegistry } from './registry.js';

/** What every route module works with. */
export interface SvixApiContext {
  profile: ProviderProfile;
  dispatcher: Dispatcher;
  registry: SvixRegistry;
  /** Epoch ms for createdAt/updatedAt/timestamp fields and new ids. */
  now: () => number;
}

export function appOr404(ctx: SvixApiContext, idOrUid: string): AppRecord {
  const app = ctx.registry.findApp(idOrUid);
  if (!app) throw notFound('Application');
  return app;
}

export function endpointOr404(ctx: SvixApiContext, appId: string, idOrUid: string): EndpointRecord {
  const ep = ctx.registry.findEndpoint(appId, idOrUid);
  if (!ep) throw notFound('Endpoint');
  return ep;
}

export function messageOr404(ctx: SvixApiContext, appId: string, idOrEventId: string): MessageRecord {
  const msg = ctx.registry.findMessage(appId, idOrEventId);
  if (!msg) throw notFound('Message');
  return msg;
}

/** The engine's refusals (unknown or disabled endpoint, unknown message) as API errors. */
export function engineError(err: unknown): unknown {
  if (err instanceof Error && err.name === 'EngineError') {
    const code = (err as Error & { code?: string }).code;
    if (code === 'ENDPOINT_DISABLED') return new ApiError(409, 'conflict', 'Endpoint is disabled; enable it first');
    if (code === 'UNKNOWN_ENDPOINT') return notFound('Endpoint');
    if (code === 'UNKNOWN_MESSAGE') return notFound('Message');
  }
  return err;
}
