// The bench's raw-socket receiver (node:net, no HTTP framework): it answers every request with a
// fixed `200 ok` the moment the whole request arrived (content-length delimits requests on a
// keep-alive connection), so what a load run measures is the generator, not the receiver.
//
// Started as a child process with an IPC channel. It sends {type:'listening', port} and obeys:
//   {type:'reset', sample?, trackIds?}  forget everything; keep a reservoir sample of `sample` raw
//                                       requests; with trackIds, remember every svix-id/webhook-id
//   {type:'stall', atArrival, ms}       once `atArrival` requests arrived (since the reset), answer
//                                       nothing for `ms`, then answer every queued request at once
//   {type:'stats', from?, windowMs?}    reply {type:'stats', ...}: counts, arrivals per window from
//                                       epoch ms `from` (default the first arrival), the sample
//   {type:'count'}                      reply {type:'count', count}: requests so far (cheap)
// `GET /_stats` over HTTP returns the same figures as JSON (not counted as a request).
import { createServer } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok', 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;
const MESSAGE_ID = /\r\n(?:svix-id|webhook-id):[ \t]*([^\r]*)/i;
const MAX_ARRIVALS = 1 << 22;
const origin = performance.timeOrigin;

// The receiver's own hiccups (GC, being descheduled), so uneven arrivals can be told apart from uneven sending.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

let state;
function reset(o = {}) {
  loopDelay.reset();
  state = {
    count: 0,
    bytes: 0,
    arrivals: new Float64Array(1 << 16),
    sampleSize: o.sample ?? 0,
    sample: [],
    trackIds: Boolean(o.trackIds),
    ids: new Set(),
    duplicateIds: 0,
    noLength: 0,
    stall: undefined,
    stalledUntil: 0,
    stalledSockets: new Set(),
    queuedNow: 0,
    maxQueued: 0,
    stallsServed: 0,
  };
}
reset();

function arrived(buf, start, end, head) {
  const s = state;
  const n = ++s.count;
  s.bytes += end - start;
  if (n <= MAX_ARRIVALS) {
    if (n > s.arrivals.length) {
      const grown = new Float64Array(s.arrivals.length * 2);
      grown.set(s.arrivals);
      s.arrivals = grown;
    }
    s.arrivals[n - 1] = origin + performance.now();
  }
  if (s.sampleSize > 0) {
    // Reservoir sampling: every request of the run equally likely to be in the sample.
    const slot = n <= s.sampleSize ? n - 1 : Math.floor(Math.random() * n);
    if (slot < s.sampleSize) s.sample[slot] = Buffer.from(buf.subarray(start, end));
  }
  if (s.trackIds) {
    const m = MESSAGE_ID.exec(head);
    if (m) {
      if (s.ids.has(m[1])) s.duplicateIds++;
      else s.ids.add(m[1]);
    }
  }
  if (s.stall && n === s.stall.atArrival) {
    const ms = s.stall.ms;
    s.stall = undefined;
    s.stalledUntil = performance.now() + ms;
    setTimeout(release, ms);
  }
}

function release() {
  const s = state;
  s.stalledUntil = 0;
  s.queuedNow = 0;
  for (const sock of s.stalledSockets) {
    const queued = sock.queued;
    sock.queued = 0;
    s.stallsServed += queued;
    if (!sock.destroyed) sock.write(queued === 1 ? RESPONSE : Buffer.concat(Array(queued).fill(RESPONSE)));
  }
  s.stalledSockets.clear();
}

function stats(from, windowMs = 100) {
  const s = state;
  const stored = Math.min(s.count, MAX_ARRIVALS);
  const a = s.arrivals;
  const base = from ?? (stored ? a[0] : 0);
  const counts = [];
  let before = 0;
  for (let i = 0; i < stored; i++) {
    const k = Math.floor((a[i] - base) / windowMs);
    if (k < 0) {
      before++;
      continue;
    }
    while (counts.length <= k) counts.push(0);
    counts[k]++;
  }
  return {
    count: s.count,
    bytes: s.bytes,
    noLength: s.noLength,
    windows: { from: base, windowMs, before, counts, stored },
    first: stored ? a[0] : null,
    last: stored ? a[stored - 1] : null,
    sample: s.sample.map((b) => b.toString('base64')),
    ids: s.trackIds ? { tracked: s.ids.size + s.duplicateIds, unique: s.ids.size, duplicates: s.duplicateIds } : null,
    stall: { maxQueued: s.maxQueued, answeredAfterStall: s.stallsServed },
    loopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
  };
}

function answerStats(sock, head) {
  const m = /[?&]from=([\d.]+)/.exec(head.slice(0, head.indexOf('\r\n')));
  const body = Buffer.from(JSON.stringify(stats(m ? Number(m[1]) : undefined)));
  sock.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`);
  sock.write(body);
}

function answer(sock) {
  const s = state;
  if (s.stalledUntil) {
    sock.queued = (sock.queued ?? 0) + 1;
    s.stalledSockets.add(sock);
    if (++s.queuedNow > s.maxQueued) s.maxQueued = s.queuedNow;
  } else sock.write(RESPONSE);
}

const server = createServer({ noDelay: true }, (sock) => {
  let pending = null;
  sock.on('data', (chunk) => {
    let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = null;
    let pos = 0;
    while (pos < buf.length) {
      const headEnd = buf.indexOf(HEAD_END, pos);
      if (headEnd < 0) break;
      const head = buf.toString('latin1', pos, headEnd + 2);
      const m = CONTENT_LENGTH.exec(head);
      if (!m) state.noLength++;
      const end = headEnd + 4 + (m ? Number(m[1]) : 0);
      if (end > buf.length) break;
      if (head.charCodeAt(0) === 0x47 /* G */ && head.startsWith('GET /_stats')) answerStats(sock, head);
      else {
        arrived(buf, pos, end, head);
        answer(sock);
      }
      pos = end;
    }
    if (pos < buf.length) pending = buf.subarray(pos);
  });
  sock.on('error', () => {});
});

process.on('message', (m) => {
  if (m.type === 'reset') reset(m);
  else if (m.type === 'stall') state.stall = { atArrival: m.atArrival, ms: m.ms };
  else if (m.type === 'stats') process.send({ type: 'stats', ...stats(m.from, m.windowMs) });
  else if (m.type === 'count') process.send({ type: 'count', count: state.count });
  else if (m.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ type: 'listening', port });
  else console.log(`raw receiver on http://127.0.0.1:${port}/webhook`);
});
