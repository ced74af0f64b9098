import type { ProviderProfile } from '../../fixtures/profile.js';
import type { Dispatcher } from '../engine/dispatcher.js';
import type { ServeStore, StoredApp } from '../engine/records.js';
import type { StoredEndpoint, StoredMessage } from '../engine/store.js';
import { ApiError, notFound } from './http.js';

/** What every route module works with. */
export interface SvixApiContext {
  profile: ProviderProfile;
  dispatcher: Dispatcher;
  /** The dispatcher's store: the API's records live beside the deliveries (one source of truth). */
  store: ServeStore;
  /** Virtual epoch ms for createdAt/updatedAt/timestamp fields, ids and windows: the dispatcher's clock. */
  now: () => number;
}

export async function appOr404(ctx: SvixApiContext, idOrUid: string): Promise<StoredApp> {
  const app = await ctx.store.getApp(idOrUid);
  if (!app) throw notFound('Application');
  return app;
}

export async function endpointOr404(ctx: SvixApiContext, appId: string, idOrUid: string): Promise<StoredEndpoint> {
  const ep = await ctx.store.findEndpoint(appId, idOrUid);
  if (!ep) throw notFound('Endpoint');
  return ep;
}

export async function messageOr404(ctx: SvixApiContext, appId: string, idOrEventId: string): Promise<StoredMessage> {
  const msg = await ctx.store.findMessage(appId, idOrEventId);
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
