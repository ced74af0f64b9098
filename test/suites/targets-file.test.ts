import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HookgateError } from '../../fixtures/hookgate-error.js';
import { folderName, folderNames } from '../../suites/targets/folder-name.js';
import { parseTargetsText, readTargets } from '../../suites/targets/targets-file.js';

const env = { ACME_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };
const read = (text: string, file = 'targets.yaml', e: Record<string, string | undefined> = env) => readTargets(parseTargetsText(text, file), file, e);
function error(f: () => unknown): HookgateError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HookgateError);
    return e as HookgateError;
  }
  throw new Error('expected an error');
}

describe('targets file', () => {
  it('reads YAML and JSON, lists or {targets: [...]}, secretEnv from the environment, headers as a map or a list', () => {
    const yaml = `
- name: Acme Corp / EU
  provider: OptiPick
  url: https://acme.example/webhook
  secretEnv: ACME_SECRET
  headers: {X-Gateway-Key: k1}
- name: beta
  provider: omnisales
  url: http://127.0.0.1:9/hook
  secret: whsec_inline
  events: [order.created]
  effectsUrl: http://127.0.0.1:9/effects
  headers: ["X-A: 1"]
`;
    const t = read(yaml);
    expect(t).toEqual([
      { name: 'Acme Corp / EU', folder: 'Acme-Corp-EU', provider: 'optipick', url: 'https://acme.example/webhook', secret: env.ACME_SECRET, headers: [['X-Gateway-Key', 'k1']] },
      { name: 'beta', folder: 'beta', provider: 'omnisales', url: 'http://127.0.0.1:9/hook', secret: 'whsec_inline', events: ['order.created'], effectsUrl: 'http://127.0.0.1:9/effects', headers: [['X-A', '1']] },
    ]);
    const json = JSON.stringify({ targets: [{ name: 'a', provider: 'dimmy', url: 'http://127.0.0.1:1/', secretEnv: 'ACME_SECRET' }] });
    expect(read(json, 't.json')[0]).toMatchObject({ provider: 'dimmy', secret: env.ACME_SECRET });
  });

  it('refuses what would go wrong later, naming the target and the fix, never echoing a secret', () => {
    const base = 'name: a\n  provider: optipick\n  url: http://127.0.0.1:1/\n';
    const cases: Array<[string, RegExp]> = [
      ['{}', /must be a list/],
      ['[]', /lists no targets/],
      [`- ${base}  secretEnv: MISSING_VAR`, /MISSING_VAR \(secretEnv\) is not set/],
      [`- ${base}`, /target "a" has no secret/],
      [`- ${base}  secret: whsec_topsecretvalue\n  secretEnv: ACME_SECRET`, /both secret and secretEnv/],
      [`- ${base}  secretEnv: ACME_SECRET\n  evnets: [x]`, /unknown key "evnets"/],
      ['- name: a\n  provider: stripe\n  url: http://x/\n  secretEnv: ACME_SECRET', /target "a": unknown provider/i],
      ['- name: a\n  provider: optipick\n  url: ftp://x/\n  secretEnv: ACME_SECRET', /url must be http/],
      ['- provider: optipick', /target 1 has no name/],
      [`- ${base}  secretEnv: ACME_SECRET\n  events: [order.creatd]`, /target "a": .*order\.creatd/],
      ['- [unclosed', /not valid YAML at line/],
    ];
    for (const [text, re] of cases) {
      const e = error(() => read(text));
      expect(e.message).toMatch(re);
      expect(e.exitCode).toBe(2);
      expect(e.hint.length).toBeGreaterThan(5);
      expect(e.message + e.hint).not.toContain('topsecretvalue');
    }
    expect(error(() => read('{"a": ', 'x.json')).message).toMatch(/not valid JSON/);
    expect(error(() => read(`- ${base}  secretEnv: ACME_SECRET\n  evnets: [x]`)).hint).toMatch(/did you mean "events"/);
  });
});

describe('folder names from target names', () => {
  it('turns hostile names into safe, unique folder names', () => {
    expect(folderName('../../etc/passwd')).toBe('etc-passwd');
    expect(folderName('Café Crème')).toBe('Cafe-Creme');
    expect(folderName('con')).toBe('con-target');
    expect(folderName('index.html')).toBe('index-html-target');
    expect(folderName('🦄🦄')).toBe('target');
    expect(folderName('...')).toBe('target');
    expect(folderName('x'.repeat(300))).toHaveLength(64);
    expect(folderNames(['Acme', 'acme', 'ACME', 'a/b', 'a b'])).toEqual(['Acme', 'acme-2', 'ACME-3', 'a-b', 'a-b-2']);
  });

  it('is always a plain, bounded, case-insensitively unique name (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80, unit: 'binary' }), { maxLength: 30 }), (names) => {
        const out = folderNames(names);
        expect(new Set(out.map((s) => s.toLowerCase())).size).toBe(out.length);
        for (const s of out) {
          expect(s).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/);
          expect(s).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
          expect(['index.html', 'index.json', 'summary.md']).not.toContain(s.toLowerCase());
        }
      }),
    );
  });
});
