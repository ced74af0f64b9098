import { it } from 'vitest';
import { resolve } from 'node:path';
import { getProfile, concreteTypes, newWebhookId } from '../../fixtures/index.js';
import { createContext } from '../../suites/context.js';
import { selectChecks } from '../../suites/conformance/catalog.js';
import { runChecks } from '../../suites/runner.js';
import { omnisalesHex } from '../../mock-provider/signing/omnisales-hex.js';
import { freePort, startReceiver } from '../../suites/receiver-process.js';
const dir = resolve(import.meta.dirname, '../../examples/receivers');
for (const [file, path] of [['omnisales-python-flask.py', '/webhooks'], ['omnisales-python-fastapi.py', '/webhooks/omni']]) {
  it(file, async () => {
    const secret = omnisalesHex.generateSecret();
    const port = await freePort();
    const p = await startReceiver({ command: `/usr/bin/python3 ${dir}/${file}`, env: { PORT: String(port), HOOKGATE_SECRET: secret }, port });
    const profile = getProfile('omnisales');
    const ctx = createContext({ profile, secret, url: `http://127.0.0.1:${port}${path}`, headerStyle: 'svix', events: concreteTypes(profile), seed: 42, runs: 25, signal: new AbortController().signal, webhookId: newWebhookId(), observation: { settleMs: 300 } });
    const results = await runChecks(selectChecks(undefined, undefined), ctx, { concurrency: 4 });
    const lines = ctx.refusals.map((r) => `${r.checkId} | ${r.label} | ${r.a.outcome.kind === 'response' ? r.a.outcome.status : r.a.outcome.kind}`);
    const counts: Record<string, number> = {};
    for (const l of lines) counts[l] = (counts[l] ?? 0) + 1;
    console.log(file, '\n' + Object.entries(counts).map(([k, v]) => `${v}x ${k}`).join('\n'));
    for (const r of results) console.log(r.id, r.status, r.message.slice(0, 300));
    await p.stop();
    console.log(p.stderr.split('\n').filter((l) => /Error|Traceback/.test(l)).slice(0, 40).join('\n'));
  }, 60000);
}
