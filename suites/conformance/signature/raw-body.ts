import fc from 'fast-check';
import type { Check, CheckContext, CheckOutcome, ProcessingProbe } from '../../types.js';
import type { JsonObject } from '../../../fixtures/profile.js';
import { findEvent } from '../../../fixtures/index.js';
import { isSuccess } from '../../../mock-provider/sender.js';
import { describeSpelling, effectiveSpelling, extrasArb, render, spellingArb, type Spelling } from '../../property/json-spelling.js';
import { runProperty, type Trial } from '../property.js';
import { ACCEPTANCE, answer, skipBaseline } from '../verdicts.js';

interface Sample {
  type: string;
  data: JsonObject;
  extras: JsonObject | null;
  spelling: Spelling;
}

function sampleArb(ctx: CheckContext): fc.Arbitrary<Sample> {
  return fc.constantFrom(...ctx.events).chain((type) => {
    const def = findEvent(ctx.profile, type) ?? ctx.profile.events[0];
    return fc.record({ type: fc.constant(type), data: def.arbitrary(), extras: fc.option(extrasArb(), { freq: 3 }), spelling: spellingArb() });
  });
}

function bodyValue(ctx: CheckContext, s: Sample, messageId: string): JsonObject {
  return ctx.profile.buildBody(s.type, { ...s.data, ...(s.extras ?? {}) }, { messageId, createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
}

/**
 * Two fresh messages (own message and entity ids, so a receiver's legitimate dedup never
 * reads as "not processed") in spellings any JSON parser reads and no re-serializer
 * reproduces: indented with spaces and a trailing newline, and tab-indented with CRLF.
 * The runner requires that they were processed when an observer can tell.
 */
async function processingProbes(ctx: CheckContext): Promise<ProcessingProbe[]> {
  const spellings: Array<[string, (v: unknown) => string]> = [
    ['body indented with 2 spaces', (v) => JSON.stringify(v, null, 2) + '\n'],
    ['body indented with tabs, CRLF line ends', (v) => JSON.stringify(v, null, '\t').replace(/\n/g, '\r\n')],
  ];
  const probes: ProcessingProbe[] = [];
  for (const [label, spell] of spellings) {
    const msg = ctx.newMessage();
    const d = ctx.delivery({ ...msg, body: Buffer.from(spell(JSON.parse(msg.body.toString('utf8'))), 'utf8') }, { variant: 'raw-body' });
    probes.push({ label, d, a: await ctx.send(d) });
  }
  return probes;
}

export const rawBody: Check = {
  id: 'signature.raw-body',
  title: 'verifies the raw body, not a re-serialization (valid JSON spelled unlike JSON.stringify)',
  severity: () => 'must',
  appliesTo: () => true,
  async run(ctx): Promise<CheckOutcome> {
    const base = await ctx.baseline();
    if (!base.accepted) return skipBaseline(base.attempt);

    const trial = async (s: Sample): Promise<Trial> => {
      const messageId = ctx.profile.newMessageId();
      const value = bodyValue(ctx, s, messageId);
      const d = ctx.delivery(ctx.messageWithBody(s.type, Buffer.from(render(value, s.spelling), 'utf8'), messageId), { variant: 'raw-body' });
      const a = await ctx.send(d);
      if (isSuccess(a)) return { ok: true, d, a };
      // Only the spelling may decide: the same content in compact form must be accepted, or this run proves nothing.
      const controlId = ctx.profile.newMessageId();
      const control = ctx.delivery(ctx.messageWithBody(s.type, Buffer.from(JSON.stringify(bodyValue(ctx, s, controlId)), 'utf8'), controlId));
      if (!isSuccess(await ctx.send(control))) return { ok: true, inconclusive: true, d, a };
      return { ok: false, d, a };
    };
    const describe = (s: Sample) => {
      const value = bodyValue(ctx, s, 'msg_…');
      return { type: s.type, spelling: describeSpelling(effectiveSpelling(value, s.spelling)), extraFields: s.extras ? Object.keys(s.extras) : [] };
    };
    const r = await runProperty(ctx, sampleArb(ctx), trial, describe);
    if (!r.failed) {
      if (r.inconclusive === r.numRuns) {
        return { status: 'skip', skipKind: 'baseline-refused', message: `inconclusive: the receiver refused the generated content even in compact JSON.stringify form in all ${r.numRuns} runs` };
      }
      const probes = await processingProbes(ctx);
      const refused = probes.find((p) => !isSuccess(p.a));
      if (refused) {
        return {
          status: 'fail',
          message: `refused a correctly signed ${refused.label} (${answer(refused.a)}) although it accepted the same content in compact form: verify the raw request body, not a re-serialization.`,
          evidence: [ctx.evidence(refused.d, refused.a, refused.label, ACCEPTANCE)],
        };
      }
      return {
        status: 'pass',
        message: `accepted ${r.numRuns - r.inconclusive} bodies spelled unlike JSON.stringify (whitespace, key order, \\u escapes, \\/, number spellings, depth ≤ 32)${r.inconclusive ? `; ${r.inconclusive} runs inconclusive` : ''}`,
        processingProbes: probes,
      };
    }
    const spelled = (r.counterexample.value as { spelling: string }).spelling;
    return {
      status: 'fail',
      message:
        `refused a correctly signed body that is valid JSON but not in JSON.stringify form (${answer(r.trial.a)}), while accepting the same content in compact form. ` +
        `Shrunk to: ${spelled}. The receiver verifies a re-serialized body (e.g. JSON.stringify(req.body)) instead of the raw bytes: ` +
        `verify the raw request body (Express: express.raw({ type: 'application/json' }) on this route and pass req.body, a Buffer; Flask: request.get_data(); FastAPI: await request.body()). ` +
        `Replay with --seed ${r.counterexample.seed}.`,
      evidence: [ctx.evidence(r.trial.d, r.trial.a, `shrunk counterexample: ${spelled}`, ACCEPTANCE)],
      counterexample: r.counterexample,
    };
  },
};
