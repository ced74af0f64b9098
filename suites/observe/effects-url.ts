import { send } from '../../mock-provider/sender.js';
import type { Observer } from './observer.js';
import { maskUrl } from '../../fixtures/mask.js';
import type { Agent as HttpsAgent } from 'node:https';
import { agentFor } from '../tls-trust.js';

/**
 * `--effects-url`: GET returns a JSON array with one entry per processing, each the
 * message's dedup key (strings; objects with an `id` are accepted too, since test
 * hooks often log records). An unreadable answer is an error the check reports.
 */
export function effectsObserver(url: string, timeoutMs = 5000, via: EffectsTransport = {}): Observer {
  return {
    kind: 'effects',
    name: `effects URL ${maskUrl(url)}`,
    async processed(msg) {
      const keys = await readEffects(url, timeoutMs, via);
      return keys.filter((k) => k === msg.messageId).length;
    },
  };
}

/** The effects URL is the receiver's own: behind the same gateway (`--header`) and certificate (`--ca`, `--insecure`). */
export interface EffectsTransport {
  headers?: ReadonlyArray<readonly [string, string]>;
  agent?: HttpsAgent;
}

export async function readEffects(url: string, timeoutMs: number, via: EffectsTransport = {}): Promise<string[]> {
  const shown = maskUrl(url);
  const headers = { ...Object.fromEntries(via.headers ?? []), accept: 'application/json' };
  const a = await send({ url, headers, body: Buffer.alloc(0), method: 'GET' }, { timeoutMs, maxResponseBytes: 32 * 1024 * 1024, agent: agentFor(url, via.agent) });
  if (a.outcome.kind !== 'response') throw new Error(`effects URL ${shown}: ${a.outcome.message}`);
  if (a.outcome.status !== 200) throw new Error(`effects URL ${shown} answered HTTP ${a.outcome.status}`);
  let value: unknown;
  try {
    value = JSON.parse(a.outcome.body.toString('utf8'));
  } catch {
    throw new Error(`effects URL ${shown} did not answer JSON`);
  }
  if (!Array.isArray(value)) throw new Error(`effects URL ${shown} must answer a JSON array of dedup keys`);
  return value.map((e) => (typeof e === 'string' ? e : e && typeof e === 'object' && 'id' in e ? String((e as { id: unknown }).id) : String(e)));
}
