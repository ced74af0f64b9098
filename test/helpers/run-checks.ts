import { getProfile, concreteTypes, newWebhookId } from '../../fixtures/index.js';
import type { ProviderName } from '../../fixtures/profile.js';
import { createContext } from '../../suites/context.js';
import { selectChecks } from '../../suites/conformance/catalog.js';
import { runChecks } from '../../suites/runner.js';
import type { CheckResult, Observation } from '../../suites/types.js';
import type { HeaderStyle } from '../../mock-provider/signing/index.js';

export interface RunOpts {
  provider: ProviderName;
  url: string;
  secret: string;
  only?: string[];
  runs?: number;
  seed?: number;
  headerStyle?: HeaderStyle;
  events?: string[];
  observation?: Partial<Observation>;
}

/** Runs checks in-process against a receiver and returns results keyed by id. */
export async function runAgainst(o: RunOpts): Promise<Record<string, CheckResult>> {
  const profile = getProfile(o.provider);
  const ctx = createContext({
    profile,
    secret: o.secret,
    url: o.url,
    headerStyle: o.headerStyle ?? 'svix',
    events: o.events ?? concreteTypes(profile),
    seed: o.seed ?? 42,
    runs: o.runs ?? 25,
    signal: new AbortController().signal,
    webhookId: newWebhookId(),
    observation: { settleMs: 300, ...o.observation },
  });
  const results = await runChecks(selectChecks(o.only, undefined), ctx, { concurrency: 4 });
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

export function statuses(results: Record<string, CheckResult>): Record<string, string> {
  return Object.fromEntries(Object.entries(results).map(([id, r]) => [id, r.status]));
}
