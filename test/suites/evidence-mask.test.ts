import { describe, it, expect } from 'vitest';
import { toEvidence } from '../../suites/evidence.js';
import type { Delivery } from '../../suites/types.js';
import type { Attempt } from '../../mock-provider/sender.js';

describe('evidence masks what the user supplied', () => {
  it('URL credentials, Authorization, Cookie and the --header names: masked in the request, variables in the curl line', () => {
    const headers = { 'content-type': 'application/json', 'svix-id': 'msg_1', 'svix-signature': 'v1,c2ln', authorization: 'Bearer tok-secret-1', cookie: 'sid=cookie-secret-2', 'X-Gateway-Key': 'gw-secret-3' };
    const body = Buffer.from('{"a":1}');
    const d = { msg: { type: 't', messageId: 'msg_1', body }, request: { headers, body }, recipe: { variant: 'valid', type: 't', messageId: 'msg_1', signedBody: body.toString('base64'), headerStyle: 'svix' } } as unknown as Delivery;
    const a = { request: { url: '', headers, body }, startedAt: 0, latencyMs: 3, outcome: { kind: 'response', status: 400, headers: {}, body: Buffer.from('no'), bodyBytes: 2, truncated: false } } as unknown as Attempt;
    const ev = toEvidence('https://u:pw-secret-0@h.example/hook?api_key=key-secret-4&x=1', d, a, 'run 1', '2xx', new Map(), ['x-gateway-key']);
    expect(ev.request.url).toBe('https://***:***@h.example/hook?api_key=***&x=1');
    expect(ev.request.headers).toEqual({ ...headers, authorization: 'Bearer ***', cookie: '***', 'X-Gateway-Key': '***' });
    const text = JSON.stringify(ev);
    for (const s of ['pw-secret-0', 'tok-secret-1', 'cookie-secret-2', 'gw-secret-3', 'key-secret-4']) expect(text).not.toContain(s);
    expect(ev.curl).toContain('"$HOOKGATE_URL"');
    expect(ev.curl).toContain(`-H 'authorization: '"$HOOKGATE_HEADER_1" -H 'cookie: '"$HOOKGATE_HEADER_2" -H 'X-Gateway-Key: '"$HOOKGATE_HEADER_3"`);
    expect(ev.curl).toContain("-H 'svix-signature: v1,c2ln'");
  });
});
