import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createServer, type RequestListener } from 'node:http';

export interface Running {
  url: string;
  origin: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0 and returns the base URL; `path` is appended for the webhook URL. */
export async function listen(handler: RequestListener, path = ''): Promise<Running> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: origin + path,
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Imports an example receiver module and serves its express app on a random port. */
export async function startExample(file: string, secret: string, path: string, options: Record<string, unknown> = {}): Promise<Running> {
  const mod = (await import(/* @vite-ignore */ pathToFileURL(resolve(import.meta.dirname, '../../examples/receivers', file)).href)) as { createApp(o: Record<string, unknown>): RequestListener };
  return listen(mod.createApp({ secret, ...options }), path);
}
