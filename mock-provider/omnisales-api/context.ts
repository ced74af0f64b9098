import type { ProviderProfile } from '../../fixtures/profile.js';
import type { Dispatcher } from '../engine/dispatcher.js';
import type { ServeStore } from '../engine/records.js';
import type { StoredEndpoint } from '../engine/store.js';
import type { ServeEvents } from '../serve-events.js';
import { conflict, notFound, OmniApiError } from './errors.js';
import { webhookIdOf } from './webhook-fields.js';

/** What every OmniSales route module works with. */
export interface OmnisalesApiContext {
  profile: ProviderProfile;
  /** The event types a webhook may subscribe to (the guide's 34). */
  catalog: readonly string[];
  dispatcher: Dispatcher;
  /** The one store: webhooks are its endpoints, logs its attempts, the dead-letter queue its dead letters. */
  store: ServeStore;
  events: ServeEvents;
  /** The one virtual clock. */
  now: () => number;
  /** How long `POST …/test` waits for the test delivery's first answer before saying it is still pending (real ms). */
  testWaitMs: number;
}

/** A webhook that is not deleted, by the id the API shows (its X-Webhook-ID) or its endpoint id. */
export async function webhookOr404(ctx: OmnisalesApiContext, id: string): Promise<StoredEndpoint> {
  const all = (await ctx.store.listEndpoints()).filter((e) => !e.deleted);
  const e = all.find((x) => webhookIdOf(x) === id) ?? all.find((x) => x.id === id);
  if (!e) throw notFound(`webhook "${id.slice(0, 80)}"`);
  return e;
}

export const inactive = (): OmniApiError =>
  conflict('webhook_inactive', 'the webhook is not active; set "is_active": true with PUT /api/webhooks/:id first');

/** The engine's refusals in the API's terms. */
export function engineRefusal(err: unknown): unknown {
  if (!(err instanceof Error) || err.name !== 'EngineError') return err;
  switch ((err as Error & { code?: string }).code) {
    case 'ENDPOINT_DISABLED':
      return inactive();
    case 'UNKNOWN_DEAD_LETTER':
      return notFound('failure');
    case 'ALREADY_REPLAYED':
      return conflict('already_replayed', 'this failure was already replayed; see GET /api/webhooks/:id/logs for the new attempts');
    case 'UNKNOWN_MESSAGE':
      return notFound('event');
    case 'UNKNOWN_ENDPOINT':
      return notFound('webhook');
    default:
      return new OmniApiError(409, 'conflict', err.message);
  }
}
