import type { Request, Response } from 'express';
import type { ServeEvent, ServeEvents } from '../serve-events.js';

/** What one `change` event tells the page: which parts to read again. */
export interface ChangeSummary {
  kinds: string[];
  /** Messages whose attempts or deliveries changed (at most MAX_IDS; `more` when there were others). */
  msgIds: string[];
  more: boolean;
}

const MAX_IDS = 100;

/** Folds a burst of engine events into one summary. Pure. */
export function summarize(events: readonly ServeEvent[]): ChangeSummary {
  const kinds = new Set<string>();
  const ids = new Set<string>();
  let more = false;
  for (const e of events) {
    kinds.add(e.kind);
    const id = e.kind === 'message' || e.kind === 'delivery' ? e.msgId : e.kind === 'attempt' ? e.record.msgId : e.kind === 'dead-letter' ? e.letter.msgId : undefined;
    if (id === undefined) continue;
    if (ids.size < MAX_IDS) ids.add(id);
    else if (!ids.has(id)) more = true;
  }
  return { kinds: [...kinds].sort(), msgIds: [...ids], more };
}

/**
 * The dashboard's live feed (server-sent events). Engine events are gathered for `coalesceMs` and sent
 * as one `change` event saying what to read again: thousands of attempts a second become a few small
 * events, and the page reads what it shows through the same JSON routes as on load, so it cannot drift
 * from the store. A comment line every 15 s keeps proxies from closing an idle stream.
 */
export function dashboardStream(events: ServeEvents, coalesceMs = 100) {
  return (req: Request, res: Response): void => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    res.write('retry: 1000\n\nevent: hello\ndata: {}\n\n');
    let buffered: ServeEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      const batch = buffered;
      buffered = [];
      if (batch.length) res.write(`event: change\ndata: ${JSON.stringify(summarize(batch))}\n\n`);
    };
    const unsubscribe = events.subscribe((e) => {
      buffered.push(e);
      timer ??= setTimeout(flush, coalesceMs);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      unsubscribe();
      clearInterval(ping);
      clearTimeout(timer);
    });
  };
}
