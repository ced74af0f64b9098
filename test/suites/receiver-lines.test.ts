import { describe, expect, it } from 'vitest';
import { AFTER_MS, LINES_MAX, receiverSaidByCheck, tellingLine, tellingScore, withReceiverSaid, type SentLike, type TimedLine } from '../../suites/receiver-lines.js';
import type { CheckResult, CheckStatus, Evidence } from '../../suites/types.js';

// Pure attribution: sent requests as (check, message id, start, duration), lines as (time, text).

function sent(checkId: string, messageId: string, startedAt: number, latencyMs: number): SentLike {
  return { checkId, d: { msg: { messageId } }, a: { startedAt, latencyMs } };
}
const line = (at: number, text: string, stream: TimedLine['stream'] = 'stderr'): TimedLine => ({ at, stream, text });

function evidenceFor(messageId: string): Evidence {
  return {
    label: 'x', expected: '2xx',
    request: { method: 'POST', url: 'http://127.0.0.1:1/webhook', headers: {}, body: '', bodyBytes: 0, bodyTruncated: false },
    curl: 'curl',
    recipe: { variant: 'valid', type: 'route.optimized', messageId, signedBody: '', headerStyle: 'svix' },
  };
}
function check(id: string, status: CheckStatus, evidence: Evidence[] = []): CheckResult {
  return { id, title: id, severity: 'must', status, message: status, durationMs: 1, evidence };
}

describe('tellingLine', () => {
  it('prefers an exception with its message, then error words, over plain lines; never blank or access logs', () => {
    expect(tellingLine(['listening on 3000', 'Expected payload to be of type string or Buffer.'])).toBe('Expected payload to be of type string or Buffer.');
    const traceback = [
      'Traceback (most recent call last):',
      '  File "/app/app.py", line 31, in webhook',
      '    raise ValueError("invalid signature")',
      'svix.webhooks.WebhookVerificationError: No matching signature found',
    ];
    expect(tellingLine(traceback)).toBe('svix.webhooks.WebhookVerificationError: No matching signature found');
    expect(tellingLine(['TypeError: Cannot read properties of undefined (reading \'constructor\')', '    at Webhook.sign (/x/index.js:85:21)'])).toMatch(/^TypeError/);
    expect(tellingLine(['127.0.0.1 - - [29/Jan/2026 10:00:00] "POST /webhooks HTTP/1.1" 500 -', '   ', ''])).toBeUndefined();
    expect(tellingLine(['INFO:     127.0.0.1:54321 - "POST /webhooks/omni HTTP/1.1" 401 Unauthorized'])).toBeUndefined();
    expect(tellingLine(['POST /webhook 400 1.234 ms - 27'])).toBeUndefined();
    expect(tellingScore('    at Layer.handle (/x/layer.js:1:2)')).toBeLessThan(tellingScore('processing order 42'));
    // The first of the best, so the earliest failure explains the rest.
    expect(tellingLine(['Error: first', 'Error: second'])).toBe('Error: first');
  });
});

describe('receiverSaidByCheck', () => {
  it('takes lines naming one of the check\'s message ids, whatever their time', () => {
    const s = [sent('a', 'msg_A1', 1000, 10), sent('b', 'msg_B1', 1000, 10)];
    const out = receiverSaidByCheck([check('a', 'fail'), check('b', 'pass')], s, [
      line(1005, 'verification failed for msg_A1: bad signature'),
      line(1006, 'Error: something else entirely'),
      line(5000, 'late retry of msg_A1 failed'),
    ]);
    expect(out.get('a')).toEqual({ lines: ['verification failed for msg_A1: bad signature', 'late retry of msg_A1 failed'], telling: 'verification failed for msg_A1: bad signature' });
    expect(out.has('b')).toBe(false); // passed: nothing attached
  });

  it('takes both: a line naming the id may only say "received", the traceback that explains names none', () => {
    const s = [sent('a', 'evt_1', 1000, 10), sent('b', 'evt_2', 5000, 10)];
    const out = receiverSaidByCheck([check('a', 'warn')], s, [
      line(1001, "Webhook received: {'id': 'evt_1'}", 'stdout'),
      line(1002, 'Traceback (most recent call last):'),
      line(1003, "TypeError: int() argument must be a string, not 'NoneType'"),
      line(1004, "handled evt_2 fine"),
    ]).get('a');
    expect(out?.telling).toBe("TypeError: int() argument must be a string, not 'NoneType'");
    expect(out?.lines).toHaveLength(3);
  });

  it('otherwise takes lines that arrived while only that check\'s requests were in flight', () => {
    const s = [sent('', 'msg_R', 900, 20), sent('a', 'msg_A1', 1000, 10), sent('a', 'msg_A2', 1005, 10), sent('b', 'msg_B1', 1100, 50), sent('a', 'msg_A3', 1120, 10)];
    const out = receiverSaidByCheck([check('a', 'fail'), check('b', 'warn')], s, [
      line(910, 'Error: during the reachability probe'),
      line(1008, 'Expected payload to be of type string or Buffer.'),
      line(1125, 'Error: while a and b overlap'),
      line(1140, 'Error: only b in flight'),
    ]);
    expect(out.get('a')).toEqual({ lines: ['Expected payload to be of type string or Buffer.'], telling: 'Expected payload to be of type string or Buffer.' });
    expect(out.get('b')?.lines).toEqual(['Error: only b in flight']);
  });

  it('a line just after the answer belongs to the request that just ended, not to an older one', () => {
    const s = [sent('a', 'msg_A', 1000, 10), sent('b', 'msg_B', 1020, 10)];
    const out = receiverSaidByCheck([check('a', 'fail'), check('b', 'fail')], s, [line(1035, 'Error: logged after b answered'), line(1030 + AFTER_MS + 1, 'Error: too late for anyone')]);
    expect(out.has('a')).toBe(false);
    expect(out.get('b')?.lines).toEqual(['Error: logged after b answered']);
  });

  it('a check that sent nothing itself (status.rejection-is-4xx) is matched through its evidence', () => {
    const s = [sent('signature.missing-headers', 'msg_M', 1000, 10), sent('signature.valid', 'msg_V', 2000, 10)];
    const out = receiverSaidByCheck([check('status.rejection-is-4xx', 'warn', [evidenceFor('msg_M')])], s, [
      line(1003, 'Traceback (most recent call last):'),
      line(1004, "KeyError: 'svix-signature'"),
      line(2003, 'Error: not this one'),
    ]);
    expect(out.get('status.rejection-is-4xx')).toEqual({ lines: ['Traceback (most recent call last):', "KeyError: 'svix-signature'"], telling: "KeyError: 'svix-signature'" });
  });

  it('nothing when the lines are only access logs, blank, or there are none', () => {
    const s = [sent('a', 'msg_A', 1000, 10)];
    expect(receiverSaidByCheck([check('a', 'fail')], s, [line(1001, ''), line(1002, '127.0.0.1 - - [x] "POST /webhook HTTP/1.1" 400 -')]).size).toBe(0);
    expect(receiverSaidByCheck([check('a', 'fail')], s, []).size).toBe(0);
  });

  it('strips colour sequences, keeps distinct lines, bounds their number and length, and always keeps the telling one', () => {
    const s = [sent('a', 'msg_A', 1000, 100)];
    const many = Array.from({ length: 40 }, (_, i) => line(1001 + i, `step ${i}`));
    const out = receiverSaidByCheck([check('a', 'error')], s, [
      line(1000, '\u001b[31mstep 0\u001b[39m'),
      ...many,
      line(1050, 'x'.repeat(2000)),
      line(1060, 'Error: the cause'),
      line(1061, 'Error: the cause'),
    ]).get('a')!;
    expect(out.telling).toBe('Error: the cause');
    expect(out.lines).toHaveLength(LINES_MAX);
    expect(out.lines[0]).toBe('step 0');
    expect(out.lines.at(-1)).toBe('Error: the cause');
    expect(new Set(out.lines).size).toBe(out.lines.length);
  });

  it('withReceiverSaid adds the field to failing checks only, leaving the others as they were', () => {
    const checks = [check('a', 'fail'), check('b', 'pass')];
    const out = withReceiverSaid(checks, [sent('a', 'msg_A', 1000, 10), sent('b', 'msg_B', 2000, 10)], [line(1001, 'Error: a'), line(2001, 'Error: b')]);
    expect(out[0]!.receiverSaid?.telling).toBe('Error: a');
    expect(out[1]).toBe(checks[1]);
    expect(checks[0]!.receiverSaid).toBeUndefined();
  });
});
