// port-shim.cjs — a `--require` preload that lets a receiver pasted unchanged
// (one that hard-codes `app.listen(3000, …)`, like the OmniSales guide's
// Node.js example, omnisales-guide.cjs) run on the port a test or
// `hookgate check --start` chooses, without touching the pasted code:
//
//   PORT=0 WEBHOOK_SECRET=whsec_… \
//     node --require ./examples/receivers/port-shim.cjs examples/receivers/omnisales-guide.cjs
//
// What it does, before the pasted code runs:
// - patches net.Server.prototype.listen (http.Server inherits it): a listen on a
//   numeric port — `listen(3000, cb)`, `listen(3000, host, …)`, `listen({ port })`
//   — uses process.env.PORT instead when PORT is set (PORT=0: any free port);
// - binds such listens to 127.0.0.1 (override with PORT_SHIM_HOST), never to
//   every interface as the pasted `app.listen(3000)` would;
// - prints the real address to stderr once listening, as
//   `port-shim: listening on http://127.0.0.1:<port>` (the pasted code's own log
//   line still says "port 3000", which is no longer true);
// - copies HOOKGATE_SECRET into WEBHOOK_SECRET when WEBHOOK_SECRET is unset, so
//   `hookgate check --start` (which provides HOOKGATE_SECRET) can run the paste.
// Listens on pipes/handles and `listen()` with no port are left alone.
'use strict';

const net = require('node:net');

if (!process.env.WEBHOOK_SECRET && process.env.HOOKGATE_SECRET) {
  process.env.WEBHOOK_SECRET = process.env.HOOKGATE_SECRET;
}

const rawPort = process.env.PORT;
let forcedPort;
if (rawPort !== undefined && rawPort !== '') {
  forcedPort = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || forcedPort > 65535) {
    process.stderr.write(`port-shim: PORT must be a port number 0–65535, got ${JSON.stringify(rawPort)}\n`);
    process.exit(2);
  }
}
const host = process.env.PORT_SHIM_HOST || '127.0.0.1';

const isNumericPort = (v) => typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v));
const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function listen(...args) {
  const first = args[0];
  let patched = false;
  if (isNumericPort(first)) {
    // listen(port[, host][, backlog][, callback])
    args[0] = forcedPort ?? Number(first);
    if (typeof args[1] === 'string') args[1] = host;
    else args.splice(1, 0, host);
    patched = true;
  } else if (first && typeof first === 'object' && !Array.isArray(first) && isNumericPort(first.port) && first.path === undefined) {
    args[0] = { ...first, port: forcedPort ?? Number(first.port), host };
    patched = true;
  }
  if (patched) {
    this.once('listening', () => {
      const a = this.address();
      if (a && typeof a === 'object') {
        const shown = a.family === 'IPv6' || a.family === 6 ? `[${a.address}]` : a.address;
        process.stderr.write(`port-shim: listening on http://${shown}:${a.port}\n`);
      }
    });
  }
  return originalListen.apply(this, args);
};
