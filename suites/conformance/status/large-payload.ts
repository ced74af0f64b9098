import type { Check, CheckContext, CheckOutcome, Evidence, ProcessingProbe, Severity } from '../../types.js';
import type { JsonObject, JsonValue, ProviderProfile } from '../../../fixtures/profile.js';
import { buildMessage, fullPayloadOfSize } from '../../../fixtures/index.js';
import { isSuccess } from '../../../mock-provider/sender.js';
import { ACCEPTANCE, answer, skipBaseline } from '../verdicts.js';

const KiB = 1024;
const MiB = 1024 * KiB;

interface Step {
  bytes: number;
  severity: Severity;
}

/** The sizes SPEC judges by: what each provider really sends, at the severity it deserves. */
function steps(p: ProviderProfile, override?: number): { type: string; steps: Step[] } | string {
  if (p.name === 'dimmy') {
    const type = 'item.scanned.full_payload';
    return { type, steps: override ? [{ bytes: override, severity: 'must' }] : [{ bytes: MiB, severity: 'must' }, { bytes: 5 * MiB, severity: 'should' }] };
  }
  if (p.name === 'omnisales') return { type: 'order.created', steps: [{ bytes: override ?? 256 * KiB, severity: 'should' }] };
  if (override) return { type: p.events[0].example, steps: [{ bytes: override, severity: 'should' }] };
  return 'OptiPick payloads are small (an id to fetch details with); pass --large-size to test anyway';
}

/** `data` padded to make the whole body about `bytes`: Dimmy's real full item, else an order with many line items. */
function largeData(ctx: CheckContext, type: string, bytes: number, step: number): JsonObject {
  // A seed of its own per step: each large message gets its own item id, so fetch-back counts never mix.
  if (ctx.profile.name === 'dimmy') return fullPayloadOfSize(bytes, ctx.seed * 31 + step + 7);
  const base = ctx.newMessage(type);
  const data = JSON.parse(base.body.toString('utf8')) as JsonObject;
  const inner = (ctx.profile.scheme === 'omnisales-hex' ? (data.data as JsonObject) : data) ?? data;
  const items: JsonValue[] = [];
  let size = base.body.length;
  for (let i = 0; size < bytes; i++) {
    const item = { product_id: `prod_${100000 + i}`, product_name: `Widget ${i}`, quantity: 1 + (i % 5), price: 9.99 + (i % 100) };
    items.push(item);
    size += JSON.stringify(item).length + 1;
  }
  return { ...inner, items };
}

export const largePayload: Check = {
  id: 'status.large-payload',
  title: 'accepts correctly signed large payloads',
  severity: (p) => (p.name === 'dimmy' ? 'must' : 'should'),
  // Whether it applies depends on --large-size too, so run() decides and says why when it does not.
  appliesTo: () => true,
  async run(ctx): Promise<CheckOutcome> {
    const plan = steps(ctx.profile, ctx.largeSize);
    if (typeof plan === 'string') return { status: 'skip', skipKind: 'not-applicable', message: `not applicable: ${plan}` };
    if (!ctx.events.includes(plan.type) && ctx.profile.name !== 'optipick') {
      return { status: 'skip', skipKind: 'not-subscribed', message: `needs ${plan.type}, which is not among the subscribed --events` };
    }
    const base = await ctx.baseline(plan.type);
    if (!base.accepted) return skipBaseline(base.attempt);
    const accepted: string[] = [];
    const refused: string[] = [];
    const evidence: Evidence[] = [];
    const probes: ProcessingProbe[] = [];
    let worst: 'pass' | 'warn' | 'fail' = 'pass';
    for (const [i, step] of plan.steps.entries()) {
      const d = ctx.delivery(buildMessage(ctx.profile, plan.type, largeData(ctx, plan.type, step.bytes, i)), { variant: `large-payload:${step.bytes}` });
      const a = await ctx.send(d);
      const size = `${(d.request.body.length / KiB).toFixed(0)} kB`;
      if (isSuccess(a)) {
        accepted.push(`${size} (${step.severity.toUpperCase()})`);
        probes.push({ label: `${plan.type} of ${size}`, d, a });
      } else {
        refused.push(`${size} (${step.severity.toUpperCase()}) → ${answer(a)}`);
        evidence.push(ctx.evidence(d, a, `${plan.type} of ${size}`, ACCEPTANCE));
        worst = step.severity === 'must' ? 'fail' : worst === 'fail' ? 'fail' : 'warn';
      }
    }
    const processing = probes.length ? { processingProbes: probes } : {};
    if (worst === 'pass') return { status: 'pass', message: `accepted ${accepted.join(', ')}`, ...processing };
    return {
      status: worst,
      message:
        `refused ${refused.join('; ')}${accepted.length ? `; accepted ${accepted.join(', ')}` : ''}. ` +
        `Raise the body limit on the webhook route (e.g. express.raw({ type: 'application/json', limit: '10mb' }); Express and body-parser default to 100 kB).`,
      evidence,
      ...processing,
    };
  },
};
