import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Running } from './receivers.js';

/*
 * Receivers that accept connections and never answer: the dead receiver of issue 13. Raw
 * TCP on 127.0.0.1:0, so nothing in node:http answers for them (no 408, no keep-alive timeout).
 */

/** A raw TCP receiver: `onRequest` decides what happens to a connection once a request arrived. */
export async function rawReceiver(onRequest: (sock: Socket) => void): Promise<Running & { connections(): number }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((sock) => {
    connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    sock.once('data', () => onRequest(sock));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/webhook`,
    origin,
    connections: () => connections,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Accepts, reads the request, never writes a byte. */
export const silentReceiver = () => rawReceiver(() => {});

/**
 * Accepts, reads the request, then drips a valid answer one byte per `everyMs` (default a
 * second): each byte would reset an idle timer, so only a whole-exchange deadline ends it.
 */
export const drippingReceiver = (everyMs = 1000) =>
  rawReceiver((sock) => {
    const answer = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}';
    let i = 0;
    const drip = () => {
      if (sock.destroyed || i >= answer.length) return clearInterval(timer);
      sock.write(answer[i++]);
    };
    const timer = setInterval(drip, everyMs);
    drip();
    sock.on('close', () => clearInterval(timer));
  });
