// The OmniSales API's pure parts: a webhook's fields checked and shown, and the delivery records' shapes.
import { describe, expect, it } from 'vitest';
import { omnisales } from '../../../fixtures/index.js';
import { OmniApiError } from '../../../mock-provider/omnisales-api/errors.js';
import { isAddressOrCidr, isoSeconds, parseWebhookInput, webhookOut } from '../../../mock-provider/omnisales-api/webhook-fields.js';
import { failureOut, logOut, statsOut } from '../../../mock-provider/omnisales-api/delivery-shapes.js';
import { omnisalesHex } from '../../../mock-provider/signing/omnisales-hex.js';
import type { AttemptRecord, StoredEndpoint, StoredMessage } from '../../../mock-provider/engine/store.js';

const catalog = omnisales.events.map((e) => e.name);
const check = (s: string) => omnisalesHex.validateSecret(s, 'OmniSales');
const refusal = (fn: () => unknown): OmniApiError => {
  try {
    fn();
  } catch (err) {
    return err as OmniApiError;
  }
  throw new Error('no refusal');
};

describe('webhook fields', () => {
  it("reads the guide's create body and its IP whitelist example", () => {
    expect(parseWebhookInput({ name: 'My Webhook', url: 'https://your-app.com/webhook', events: ['order.created', 'order.created'], ip_whitelist: ['192.168.1.100', '203.0.113.0/24'] }, 'create', catalog, check)).toEqual({
      name: 'My Webhook',
      url: 'https://your-app.com/webhook',
      events: ['order.created'],
      description: undefined,
      ipWhitelist: ['192.168.1.100', '203.0.113.0/24'],
    });
  });

  it('names the field and the nearest valid value when refusing', () => {
    expect(refusal(() => parseWebhookInput({ name: 'x', url: 'https://a.b', events: ['payment.recieved'] }, 'create', catalog, check))).toMatchObject({ status: 422, field: 'events', message: expect.stringMatching(/did you mean "payment.received"/) });
    expect(refusal(() => parseWebhookInput({ name: 'x', url: 'https://a.b', events: ['order.created'], ip_whitelst: [] }, 'create', catalog, check))).toMatchObject({ field: 'ip_whitelst', message: expect.stringMatching(/did you mean "ip_whitelist"/) });
    expect(parseWebhookInput({ url: 'https://a.b' }, 'update', catalog, check).url).toBe('https://a.b/');
    expect(refusal(() => parseWebhookInput({ name: ' ' }, 'update', catalog, check))).toMatchObject({ field: 'name' });
    expect(refusal(() => parseWebhookInput(null, 'create', catalog, check))).toMatchObject({ status: 400 });
    expect(refusal(() => parseWebhookInput({ name: 'x', url: 'https://a.b', events: ['order.created'], secret: 'whsec_short' }, 'create', catalog, check))).toMatchObject({ field: 'secret' });
  });

  it('IP addresses and CIDR ranges', () => {
    expect(['10.0.0.1', '203.0.113.0/24', '::1', '2001:db8::/32', '0.0.0.0/0'].every(isAddressOrCidr)).toBe(true);
    expect(['10.0.0.256', '10.0.0.0/33', '::/129', '10.0.0.0/8/1', 'example.com', '10.0.0.0/'].some(isAddressOrCidr)).toBe(false);
  });

  it('shows a webhook in the guide\'s field names; the secret only when asked; the --target endpoint as subscribed to everything', () => {
    const e: StoredEndpoint = { id: 'u-1', webhookId: 'u-1', url: 'https://a.b/', secret: 'whsec_abcdefgh', disabled: false, failingSince: null, attrs: { name: 'N', description: 'D', filterTypes: ['order.created'], ipWhitelist: [] }, createdAt: Date.UTC(2025, 0, 16, 10, 30, 0, 456) };
    expect(webhookOut(e, catalog, true)).toEqual({ id: 'u-1', name: 'N', url: 'https://a.b/', secret: 'whsec_abcdefgh', events: ['order.created'], is_active: true, description: 'D', ip_whitelist: [], created_at: '2025-01-16T10:30:00Z', updated_at: '2025-01-16T10:30:00Z' });
    expect(webhookOut(e, catalog)).not.toHaveProperty('secret');
    const target: StoredEndpoint = { id: 'ep_x', webhookId: 'u-2', url: 'http://t/', disabled: true, failingSince: null, attrs: { description: 'hookgate --target', filterTypes: null } };
    expect(webhookOut(target, catalog)).toMatchObject({ id: 'u-2', name: 'hookgate --target', description: '', events: catalog, is_active: false });
    expect(isoSeconds(Date.UTC(2025, 0, 1, 0, 0, 0, 999))).toBe('2025-01-01T00:00:00Z');
  });
});

describe('delivery shapes', () => {
  const m: StoredMessage = { id: 'evt_1', type: 'order.created', body: Buffer.from('{"id":"evt_1","event":"order.created"}'), createdAt: 0, tags: ['test'] };
  const r: AttemptRecord = { id: 'atmpt_1', deliveryId: 'd', msgId: 'evt_1', endpointId: 'u-1', n: 2, virtualOffsetMs: 1004.4, virtualAt: 0, startedAt: 0, trigger: 'scheduled', timestamp: Date.UTC(2025, 0, 1, 0, 0, 1, 4), error: 'timeout', errorMessage: 'no response within 30000 ms', latencyMs: 30000.2, outcome: 'fail' };

  it('a log entry', () => {
    expect(logOut(r, 'u-1', m)).toEqual({ id: 'atmpt_1', webhook_id: 'u-1', event_id: 'evt_1', event: 'order.created', test: true, attempt: 2, trigger: 'scheduled', success: false, status_code: null, error: 'timeout: no response within 30000 ms', response_time_ms: 30000, response_body: '', schedule_offset_ms: 1004, created_at: '2025-01-01T00:00:01.004Z' });
    expect(logOut({ ...r, status: 200, responseBody: 'y'.repeat(3000), outcome: 'success', error: undefined }, 'u-1', undefined)).toMatchObject({ success: true, error: null, status_code: 200, event: null, test: false, response_body: 'y'.repeat(1024) });
  });

  it('a failure and the stats', () => {
    expect(failureOut({ id: 'fail_1', deliveryId: 'd', msgId: 'evt_1', endpointId: 'u-1', at: 0, reason: 'endpoint-disabled', attempts: 1, lastError: 'HTTP 500' }, 'u-1', m)).toMatchObject({ failure_id: 'fail_1', reason: 'webhook_inactive', payload: { id: 'evt_1' }, failed_at: '1970-01-01T00:00:00.000Z' });
    expect(statsOut('u-1', 0, 1000, { success: 3, pending: 1, sending: 1, fail: 1, canceled: 0 }, { attempts: 8, succeeded: 3, avgLatencyMs: 12.345, lastAt: 1000 }, 1)).toMatchObject({ total_events: 6, delivered: 3, pending: 2, failed: 1, failed_attempts: 5, success_rate: 0.375, average_response_time_ms: 12.3 });
    expect(statsOut('u-1', 0, 1, { success: 0, pending: 0, sending: 0, fail: 0, canceled: 0 }, { attempts: 0, succeeded: 0, avgLatencyMs: null, lastAt: null }, 0)).toMatchObject({ success_rate: null, average_response_time_ms: null, last_attempt_at: null });
  });
});
