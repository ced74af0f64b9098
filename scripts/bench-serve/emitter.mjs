// The bench's emitting clients: keep-alive HTTP/1.1 connections on plain node:net, one POST (one message)
// at a time per connection, each answer read whole (status line, Content-Length body) before the next
// request. node:http's client cost ~100 µs of CPU per request here, a third of what serve spends per
// message, and it runs on the same two cores: the bench measures serve, so its clients stay lean, as
// `hookgate load` (the baseline) does. The request bytes are built once; every request is a new message.
import net from 'node:net';

/** Opens one connection to `url` (http only); `post()` resolves with {status, text} per request. */
export function connect(url, body, headers) {
  const u = new URL(url);
  const head =
    `POST ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    '\r\n';
  const request = Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body)]);
  const socket = net.connect({ host: u.hostname, port: Number(u.port) });
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let waiting;
  const fail = (err) => {
    const w = waiting;
    waiting = undefined;
    w?.reject(err);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('connection closed')));
  socket.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0 || !waiting) return;
    const header = buf.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(header)?.[1] ?? 0);
    if (buf.length < end + 4 + length) return;
    const status = Number(header.slice(9, 12));
    const text = buf.toString('utf8', end + 4, end + 4 + length);
    buf = buf.subarray(end + 4 + length);
    const w = waiting;
    waiting = undefined;
    w.resolve({ status, text });
  });
  const ready = new Promise((res, rej) => {
    socket.once('connect', res);
    socket.once('error', rej);
  });
  return {
    async post() {
      await ready;
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        socket.write(request);
      });
    },
    close: () => socket.destroy(),
  };
}
