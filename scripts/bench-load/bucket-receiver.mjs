// The bench's capacity-limited receiver, for `hookgate load --find-max`: a raw node:net receiver
// (as raw-receiver.mjs) in front of a token bucket of CAPACITY tokens per second, refilled
// continuously from the monotonic clock (not per wall-clock window), holding at most BURST tokens.
// A whole request that finds a token takes it and gets `200 ok`; one that finds the bucket empty
// gets `503` at once. So it holds any steady rate up to CAPACITY/s and, above it, refuses the excess
// (1 − CAPACITY/rate of the requests, less the BURST it started with): the knee is sharp.
//
// Started as a child process with an IPC channel; configured by the environment
// BUCKET_CAPACITY (requests/s, default 500) and BUCKET_BURST (tokens, default 50 = 100 ms at 500/s:
// a receiver or generator hiccup shorter than that costs no refusals; the bench passes its own value).
// Sends {type:'listening', port, capacity, burst} and obeys:
//   {type:'reset'}   refill the bucket, forget the counts
//   {type:'stats'}   reply {type:'stats', count, accepted, rejected, capacity, burst, loopDelayMs}
//   {type:'count'}   reply {type:'count', count}
import { createServer } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const CAPACITY = Number(process.env.BUCKET_CAPACITY || 500);
const BURST = Number(process.env.BUCKET_BURST || 50);
const PER_MS = CAPACITY / 1000;
const OK = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok', 'latin1');
const BUSY = Buffer.from('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 4\r\nretry-after: 1\r\n\r\nbusy', 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

let tokens = BURST;
let refilledAt = performance.now();
let count = 0;
let accepted = 0;
let rejected = 0;

function reset() {
  tokens = BURST;
  refilledAt = performance.now();
  count = accepted = rejected = 0;
  loopDelay.reset();
}

/** One token if there is one: the bucket first gains what the time since the last refill is worth. */
function take() {
  const now = performance.now();
  tokens = Math.min(BURST, tokens + (now - refilledAt) * PER_MS);
  refilledAt = now;
  if (tokens >= 1) {
    tokens -= 1;
    return true;
  }
  return false;
}

const server = createServer({ noDelay: true }, (sock) => {
  let pending = null;
  sock.on('data', (chunk) => {
    const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = null;
    let pos = 0;
    const out = [];
    while (pos < buf.length) {
      const headEnd = buf.indexOf(HEAD_END, pos);
      if (headEnd < 0) break;
      const m = CONTENT_LENGTH.exec(buf.toString('latin1', pos, headEnd + 2));
      const end = headEnd + 4 + (m ? Number(m[1]) : 0);
      if (end > buf.length) break;
      count++;
      if (take()) {
        accepted++;
        out.push(OK);
      } else {
        rejected++;
        out.push(BUSY);
      }
      pos = end;
    }
    if (out.length) sock.write(out.length === 1 ? out[0] : Buffer.concat(out));
    if (pos < buf.length) pending = buf.subarray(pos);
  });
  sock.on('error', () => {});
});

process.on('message', (m) => {
  if (m.type === 'reset') reset();
  else if (m.type === 'stats') process.send({ type: 'stats', count, accepted, rejected, capacity: CAPACITY, burst: BURST, loopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 } });
  else if (m.type === 'count') process.send({ type: 'count', count });
  else if (m.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ type: 'listening', port, capacity: CAPACITY, burst: BURST });
  else console.log(`token-bucket receiver (${CAPACITY}/s, burst ${BURST}) on http://127.0.0.1:${port}/webhook`);
});
