import { createServer, Server, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchHandlerListener, type FetchHandler } from './fetch-handler-listener.js';

/** What an in-process target may be: a Node request listener (Express, Koa's callback(), Fastify's `routing`), an `http.Server`, or a fetch-style handler. */
export type NodeApp = RequestListener | Server | { server: Server };
export type InProcessTarget = { kind: 'node'; app: NodeApp } | { kind: 'fetch'; handler: FetchHandler };

export interface InProcessServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Hands the app over; requests that arrived before wait for it (the app may be built once the fetch-back API's URL is known). */
  provide(target: Promise<InProcessTarget>): void;
  close(): Promise<void>;
}

/*
 * hookgate's own server for an in-process app, on 127.0.0.1 port 0: the app is never asked to
 * listen (an http.Server the user built is driven through its 'request' event, as supertest does),
 * so nothing of the user's is bound to a port and everything closes with the run.
 */
export async function serveInProcess(): Promise<InProcessServer> {
  let listener: Promise<RequestListener> | undefined;
  let origin = '';
  const waiting: Array<() => void> = [];
  const server = createServer((req, res) => {
    // A listener that throws or rejects answers 500 (as Node frameworks do) instead of crashing the test process.
    const dispatch = () => listener!.then((l) => l(req, res) as unknown).catch((e: unknown) => fail(res, e));
    if (listener) void dispatch();
    else waiting.push(() => void dispatch());
  });
  // Deliveries are few and short-lived; a socket the sender abandons must not keep the run open.
  server.keepAliveTimeout = 2_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    provide(target) {
      listener = target.then((t) => listenerOf(t, () => origin));
      // Unhandled here, reported by whoever awaits the target.
      listener.catch(() => {});
      for (const go of waiting.splice(0)) go();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listenerOf(t: InProcessTarget, origin: () => string): RequestListener {
  if (t.kind === 'fetch') return fetchHandlerListener(t.handler, origin);
  const app = t.app;
  const server = app instanceof Server ? app : typeof app === 'object' && app.server instanceof Server ? app.server : undefined;
  if (server) return (req, res) => void server.emit('request', req, res);
  return app as RequestListener;
}

function fail(res: ServerResponse, e: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(500, { 'content-type': 'text/plain' }).end(`the app threw: ${(e as Error)?.message ?? String(e)}`);
}
