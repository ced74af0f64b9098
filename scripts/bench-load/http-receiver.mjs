// The bench's node:http receiver: reads the whole body, then answers 200 "ok" (keep-alive, as
// node:http does by default) — what a minimal Node webhook receiver costs per request.
// Started as a child process with an IPC channel: sends {type:'listening', port}; {type:'stats'}
// and {type:'count'} reply with the requests answered since the last {type:'reset'}.
import { createServer } from 'node:http';

let count = 0;
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    count++;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    res.end('ok');
  });
});
server.keepAliveTimeout = 30_000;

process.on('message', (m) => {
  if (m.type === 'reset') count = 0;
  else if (m.type === 'stats') process.send({ type: 'stats', count });
  else if (m.type === 'count') process.send({ type: 'count', count });
  else if (m.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ type: 'listening', port });
  else console.log(`node:http receiver on http://127.0.0.1:${port}/webhook`);
});
