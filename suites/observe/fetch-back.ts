import type { Observer } from './observer.js';

/** The part of the fetch-back API the observer reads: authorised fetches per entity id. */
export interface FetchCounts {
  fetchCount(id: string): number;
  totalFetches(): number;
}

/**
 * OptiPick and Dimmy receivers fetch details by id after a webhook (as the public
 * examples do). One processing fetches each of the message's entities once;
 * `items.scanned` carries several item ids (joined with ','), and a processing
 * counts when any of them is fetched, so the most-fetched id is the count.
 */
export function fetchBackObserver(api: FetchCounts, apiUrl: string): Observer {
  return {
    kind: 'fetch-back',
    name: `fetch-back API ${apiUrl}`,
    async processed(msg) {
      const ids = (msg.entityId ?? '').split(',').filter(Boolean);
      return ids.length ? Math.max(...ids.map((id) => api.fetchCount(id))) : 0;
    },
  };
}
