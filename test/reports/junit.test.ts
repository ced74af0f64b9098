import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { junitXml } from '../../reports/junit.js';
import { decideVerdict } from '../../suites/verdict.js';
import type { CheckResult, CheckStatus, Evidence, RunResults, Severity } from '../../suites/types.js';

/** What a hostile or broken receiver can answer: markup, controls, lone surrogates, CDATA ends. */
const garbage = 'nope</failure><script>alert(1)</script>&amp; &#0; &nbsp; &x;y \u0000\u001b[31m \ud800 x \udfff ]]> "q" \'a\' \ufffe\uffff 😀';

/** Independent of the writer: XML 1.0 `Char` production, illegal code points shown as \uXXXX. */
function xmlSafe(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    const ok = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || cp >= 0x10000;
    out += ok ? ch : '\\u' + cp.toString(16).padStart(4, '0');
  }
  return out;
}

function evidence(over: Partial<Evidence> = {}): Evidence {
  return {
    label: 'run 3 (shrunk)',
    expected: '2xx',
    request: { method: 'POST', url: 'http://127.0.0.1:1/hook', headers: { 'svix-id': 'msg_1' }, body: '{"a":1}', bodyBytes: 7, bodyTruncated: false },
    response: { status: 401, headers: { 'x-junk': garbage }, body: garbage, bodyBytes: 4096, latencyMs: 3.4 },
    curl: `curl -sS -i -X POST 'http://127.0.0.1:1/hook' -H 'svix-id: msg_1' --data-binary $'${garbage}'`,
    recipe: { variant: 'valid', type: 'order.created', messageId: 'msg_1', signedBody: 'e30=', headerStyle: 'svix' },
    ...over,
  };
}

function check(id: string, severity: Severity, status: CheckStatus, extra: Partial<CheckResult> = {}): CheckResult {
  return { id, title: `title of ${id}`, severity, status, message: `${status}: ${id}`, durationMs: 1500, evidence: [], ...extra };
}

const transportError = evidence({ response: undefined, error: { kind: 'ECONNRESET', message: `socket hang up ${garbage}`, latencyMs: 7 } });

const checks: CheckResult[] = [
  check('signature.valid', 'must', 'pass'),
  check('signature.raw-body', 'must', 'fail', {
    message: `receiver refused a re-serialized body: ${garbage}`,
    evidence: [evidence(), transportError],
    counterexample: { value: { body: garbage }, seed: 1234, path: '3:0:1', numRuns: 100, shrinks: 4 },
  }),
  check('status.unknown-event-type', 'should', 'warn', { message: 'answered 404', evidence: [evidence()] }),
  check('dedup.redelivery', 'must', 'skip', { message: 'not observable: no --effects-url and no fetch-back seen' }),
  check('timeout.latency-budget', 'must', 'error', { message: `observer crashed: ${garbage}` }),
  check('status.content-type-variants', 'should', 'error', { message: 'harness bug' }),
];

function run(strict = false): RunResults {
  return {
    schemaVersion: 1,
    tool: { name: 'hookgate', version: '0.1.0' },
    provider: 'dimmy',
    target: 'http://127.0.0.1:1/hook',
    startedAt: '2026-01-02T03:04:05.678Z',
    durationMs: 9876,
    seed: 1234,
    interrupted: false,
    summary: decideVerdict(checks, { strict }).summary,
    checks: decideVerdict(checks, { strict }).checks,
    receiverLog: { command: 'node server.js', stdout: `listening\n${garbage}`, stderr: 'boom\u0007', exitCode: 1 },
  };
}

type Attrs = Record<string, string>;
interface TestCase extends Attrs {}
interface Parsed {
  testsuites: Attrs & {
    testsuite: Attrs & {
      properties: { property: Attrs[] };
      testcase: Array<Record<string, string | Attrs>>;
      'system-out'?: string;
    };
  };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  // Decodes numeric character references (&#10; in attributes) as any XML parser does.
  htmlEntities: true,
  isArray: (name) => name === 'testcase' || name === 'property',
});

function parse(xml: string): Parsed['testsuites']['testsuite'] & { root: Attrs } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml) as Parsed;
  return Object.assign(doc.testsuites.testsuite, { root: doc.testsuites });
}

function byName(suite: ReturnType<typeof parse>, id: string): Record<string, string | Attrs> {
  const tc = suite.testcase.find((t) => t.name === id);
  if (!tc) throw new Error(`no testcase ${id}`);
  return tc;
}

/** fast-xml-parser puts the text of an element with attributes under #text. */
function textOf(node: string | Attrs | undefined): string {
  if (node === undefined) return '';
  return typeof node === 'string' ? node : (node['#text'] ?? '');
}

describe('junitXml', () => {
  const xml = junitXml(run());

  it('is well-formed XML 1.0 even with receiver garbage: no illegal characters, no raw markup', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    // fast-xml-parser's validator does not check the Char production; check it here.
    expect(xml).not.toMatch(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u);
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain(']]>');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });

  it('has one suite with one testcase per check and JUnit counts', () => {
    const suite = parse(xml);
    expect(suite.name).toBe('hookgate check dimmy');
    expect(suite.testcase).toHaveLength(checks.length);
    expect(suite.testcase.map((t) => t.name)).toEqual(checks.map((c) => c.id));
    // failures = MUST fails; errors = MUST errors; skipped = skips + SHOULD errors (not judged, gate unaffected).
    expect({ tests: suite.tests, failures: suite.failures, errors: suite.errors, skipped: suite.skipped }).toEqual({
      tests: '6', failures: '1', errors: '1', skipped: '2',
    });
    expect(suite.time).toBe('9.876');
    expect(suite.timestamp).toBe('2026-01-02T03:04:05.678Z');
    expect({ tests: suite.root.tests, failures: suite.root.failures, errors: suite.root.errors }).toEqual({ tests: '6', failures: '1', errors: '1' });
    const elements = (tag: string): number => xml.split(`<${tag} `).length - 1 + (xml.split(`<${tag}>`).length - 1);
    expect(elements('failure')).toBe(1);
    expect(elements('error')).toBe(1);
    expect(elements('skipped')).toBe(2);
  });

  it('names testcases hookgate.<provider>.<family> with time in seconds', () => {
    const tc = byName(parse(xml), 'signature.raw-body');
    expect(tc.classname).toBe('hookgate.dimmy.signature');
    expect(tc.time).toBe('1.500');
    expect(byName(parse(xml), 'dedup.redelivery').classname).toBe('hookgate.dimmy.dedup');
  });

  it('a passing check has no children', () => {
    const tc = byName(parse(xml), 'signature.valid');
    expect(Object.keys(tc).sort()).toEqual(['classname', 'name', 'time']);
  });

  it('a MUST failure carries the message, counterexample, expected vs actual, curl and replay line', () => {
    const failure = byName(parse(xml), 'signature.raw-body').failure as Attrs;
    expect(failure.type).toBe('must');
    expect(failure.message).toBe(xmlSafe(`receiver refused a re-serialized body: ${garbage}`));
    const text = textOf(failure);
    expect(text).toContain(xmlSafe(`receiver refused a re-serialized body: ${garbage}`));
    expect(text).toContain('Counterexample (after 100 runs, shrunk 4 times):');
    expect(text).toContain('seed: 1234');
    expect(text).toContain('path: 3:0:1');
    expect(text).toContain('--only signature.raw-body --seed 1234');
    expect(text).toContain('Evidence 1/2: run 3 (shrunk)');
    expect(text).toContain('expected: 2xx');
    expect(text).toContain('actual:   HTTP 401 after 3 ms');
    expect(text).toContain(`response body (4096 bytes, first ${Buffer.byteLength(garbage)} shown): ${xmlSafe(garbage)}`);
    expect(text).toContain(xmlSafe(evidence().curl));
    expect(text).toContain('hookgate replay results.json#signature.raw-body/1');
    expect(text).toContain('Evidence 2/2');
    expect(text).toContain(`actual:   transport error ECONNRESET: socket hang up ${xmlSafe(garbage)} (after 7 ms)`);
    expect(text).toContain('hookgate replay results.json#signature.raw-body/2');
    // Illegal characters are visible as \uXXXX, not dropped.
    expect(text).toContain('\\u0000\\u001b[31m \\ud800 x \\udfff');
  });

  it('a MUST error is an <error>', () => {
    const error = byName(parse(xml), 'timeout.latency-budget').error as Attrs;
    expect(error.type).toBe('must');
    expect(error.message).toBe(xmlSafe(`observer crashed: ${garbage}`));
  });

  it('a skip is <skipped> with its reason', () => {
    const tc = byName(parse(xml), 'dedup.redelivery');
    expect((tc.skipped as Attrs).message).toBe('not observable: no --effects-url and no fetch-back seen');
    expect(tc.failure).toBeUndefined();
  });

  it('a warn (failed SHOULD) passes, with WARN and the evidence in system-out', () => {
    const tc = byName(parse(xml), 'status.unknown-event-type');
    expect(tc.failure).toBeUndefined();
    expect(tc.skipped).toBeUndefined();
    const out = textOf(tc['system-out']);
    expect(out).toContain('WARN (should): answered 404');
    expect(out).toContain('hookgate replay results.json#status.unknown-event-type/1');
  });

  it('a SHOULD error does not turn CI red: skipped, details in system-out', () => {
    const tc = byName(parse(xml), 'status.content-type-variants');
    expect(tc.error).toBeUndefined();
    expect((tc.skipped as Attrs).message).toContain('error (should, does not fail the gate): harness bug');
    expect(textOf(tc['system-out'])).toContain('harness bug');
  });

  it('--strict turns a skipped MUST check into a failure, matching the verdict', () => {
    const strictXml = junitXml(run(true));
    const suite = parse(strictXml);
    expect({ failures: suite.failures, errors: suite.errors, skipped: suite.skipped }).toEqual({ failures: '2', errors: '1', skipped: '1' });
    const failure = byName(suite, 'dedup.redelivery').failure as Attrs;
    expect(failure.message).toContain('--strict');
    expect(failure.message).toContain('not observable');
  });

  it('puts the receiver log, escaped, in the suite system-out', () => {
    const out = parse(xml)['system-out'] ?? '';
    expect(out).toContain('Receiver started with: node server.js (exit code 1)');
    expect(out).toContain(xmlSafe(garbage));
    expect(out).toContain('boom\\u0007');
  });

  it('records run facts as properties', () => {
    const props = Object.fromEntries(parse(xml).properties.property.map((p) => [p.name, p.value]));
    expect(props).toMatchObject({ provider: 'dimmy', seed: '1234', verdict: 'fail', 'hookgate.version': '0.1.0' });
  });

  it('keeps tabs and line breaks in attributes as character references, so parsers do not fold them', () => {
    const message = 'line 1\nline 2\r\n\tindented';
    const r = { ...run(), checks: decideVerdict([check('signature.valid', 'must', 'fail', { message })], { strict: false }).checks };
    const xml = junitXml(r);
    expect(xml).toContain('message="line 1&#10;line 2&#13;&#10;&#9;indented"');
    const failure = byName(parse(xml), 'signature.valid').failure as Attrs;
    expect(failure.message).toBe(message);
  });

  it('omits the suite system-out when there is nothing to say', () => {
    const r = run();
    delete r.receiverLog;
    expect(parse(junitXml(r))['system-out']).toBeUndefined();
  });
});
