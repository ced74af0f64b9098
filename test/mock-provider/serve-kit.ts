// An in-process `serve` wired as cli/serve-command.ts wires it — SQLite store, dispatcher on a scaled
// clock, engine callbacks into the events, the observed dispatcher, the fast emit path — on 127.0.0.1:0.
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { getProfile } from '../../fixtures/index.js';
import { newWebhookId } from '../../fixtures/ids.js';
import { createDispatcher, httpDeliver, scaledClock } from '../../mock-provider/engine/index.js';
import type { Dispatcher } from '../../mock-provider/engine/dispatcher.js';
import type { ServeStore } from '../../mock-provider/engine/records.js';
import { sqliteStore } from '../../mock-provider/engine/sqlite-store.js';
import { counterIds } from '../../mock-provider/engine/util.js';
import { observedDispatcher } from '../../mock-provider/observed-dispatcher.js';
import { serveApp } from '../../mock-provider/serve-app.js';
import { serveEvents, type ServeEvents } from '../../mock-provider/serve-events.js';
import { serveListener } from '../../mock-provider/serve-fast.js';
import { newSvixId } from '../../mock-provider/svix-api/ids.js';
import { schemeFor } from '../../mock-provider/signing/index.js';

export interface KitServe {
  base: string;
  store: ServeStore;
  dispatcher: Dispatcher;
  events: ServeEvents;
  token: string;
  /** The --target endpoint (when a target was given). */
  targetId?: string;
  targetSecret?: string;
  close(): Promise<void>;
}

export async function startServe(o: { provider: string; target?: string; requireToken?: boolean; timeScale?: number; token?: string; timeoutMs?: number }): Promise<KitServe> {
  const profile = getProfile(o.provider);
  const svix = profile.scheme === 'svix-v1';
  const store = sqliteStore(':memory:');
  const events = serveEvents();
  const clock = scaledClock(o.timeScale ?? 1000);
  const ids = counterIds();
  const raw = createDispatcher({
    profile,
    clock,
    store,
    deliver: httpDeliver(profile, { timeoutMs: o.timeoutMs }),
    newId: svix ? (p: string, at: number) => newSvixId(p, at) : (p: string) => ids(p === 'dl' ? 'fail' : p),
    onAttempt: (record) => events.publish({ kind: 'attempt', record }),
    onDeadLetter: (letter) => events.publish({ kind: 'dead-letter', letter }),
    onEndpointDisabled: (endpointId) => events.publish({ kind: 'endpoint', endpointId }),
  });
  const now = () => clock.now();
  const app = { id: newSvixId('app', now()), uid: 'hookgate', name: 'hookgate', attrs: { metadata: {} }, createdAt: now(), updatedAt: now() };
  await store.putApp(app);
  let targetId: string | undefined;
  let targetSecret: string | undefined;
  if (o.target) {
    const webhookId = newWebhookId();
    targetId = svix ? newSvixId('ep', now()) : webhookId;
    targetSecret = schemeFor(profile).generateSecret();
    const attrs = { description: 'hookgate --target', version: 1, filterTypes: null, channels: null, metadata: {} };
    await raw.addEndpoint({ id: targetId, url: o.target, secret: targetSecret, webhookId, appId: app.id, attrs, createdAt: now(), updatedAt: now() });
  }
  const token = o.token ?? 'tok_kit_' + Math.random().toString(36).slice(2);
  const dispatcher = observedDispatcher(raw, events);
  const appOptions = { profile, dispatcher, store, token, requireTokenEverywhere: o.requireToken ?? false, now, appId: app.id, events };
  const server: Server = createServer(serveListener(appOptions, serveApp(appOptions)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  await raw.start();
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    store,
    dispatcher,
    events,
    token,
    targetId,
    targetSecret,
    async close() {
      await raw.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      store.close();
    },
  };
}

/** Polls until `check` gives a truthy value; on the deadline fails naming what was awaited and what was last seen. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, deadlineMs = 20_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}; last: ${String(last)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
