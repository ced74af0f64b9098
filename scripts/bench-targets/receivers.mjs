// The receivers of `npm run bench:targets`, all in this one process (so they stay off hookgate's
// core as much as the machine allows): N example receivers on 127.0.0.1:0, half svix-correct
// (OptiPick), half omnisales-correct, each with its own secret. Prints one JSON line with
// [{name, provider, url, secret, effectsUrl}] and serves until stdin closes.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const n = Number(process.argv[2] ?? 100);
const root = resolve(import.meta.dirname, '../..');
const load = async (f) => (await import(pathToFileURL(resolve(root, 'examples/receivers', f)).href)).createApp;
const svix = await load('svix-correct.mjs');
const omni = await load('omnisales-correct.mjs');
const servers = [];
const targets = [];
for (let i = 0; i < n; i++) {
  const isOmni = i % 2 === 1;
  const secret = isOmni ? 'whsec_' + randomBytes(24).toString('hex') : 'whsec_' + randomBytes(24).toString('base64');
  const server = createServer((isOmni ? omni : svix)({ secret }));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const origin = `http://127.0.0.1:${server.address().port}`;
  targets.push({ name: `integrator-${String(i + 1).padStart(3, '0')}`, provider: isOmni ? 'omnisales' : 'optipick', url: origin + (isOmni ? '/webhooks/omni' : '/webhook'), secret, effectsUrl: `${origin}/_effects` });
}
process.stdout.write(JSON.stringify(targets) + '\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
