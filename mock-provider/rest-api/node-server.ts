import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HookgateError } from '../../fixtures/index.js';
import type { FetchBackApi } from './fetch-back.js';
import { respond } from './respond.js';

export interface ServeFetchBackOptions {
  /** 0 (default) picks a free port; the check command prints the one it got. */
  port?: number;
  /** Loopback by default: the API accepts any key, so it should not face a network unasked. */
  host?: string;
}

export interface FetchBackServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A thin node:http host for the fetch-back API (the check command's `--api-port`). */
export function serveFetchBack(api: FetchBackApi, opts: ServeFetchBackOptions = {}): Promise<FetchBackServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    // req.url is the raw request target: node does not normalise `//optimize/...`, which handle() must see.
    const out = respond(api, { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers });
    res.writeHead(out.status, { ...out.headers, 'content-length': String(Buffer.byteLength(out.body)) });
    res.end(out.body);
  });
  // A receiver under test may send garbage; that must not crash the harness.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new HookgateError('PORT_IN_USE', `the fetch-back API port ${opts.port} on ${host} is already in use`, 'pass another --api-port, or omit it to use a free one'),
        );
      } else reject(err);
    });
    server.listen(opts.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://${urlHost(host)}:${port}`, port, close: once(() => closeServer(server)) });
    });
  });
}

/** The URL is what a receiver on this machine dials, so a wildcard bind is shown as loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((done, fail) => {
    server.close((err) => (err ? fail(err) : done()));
    // Receivers keep connections alive; without this close() would wait for them to time out.
    server.closeAllConnections();
  });
}

/** close() may be called from several cleanup paths; the second call must not reject. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}
