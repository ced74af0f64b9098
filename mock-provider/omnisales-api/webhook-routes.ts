import type { Router } from 'express';
import { newWebhookId } from '../../fixtures/ids.js';
import { omnisalesHex } from '../signing/omnisales-hex.js';
import { webhookOr404, type OmnisalesApiContext } from './context.js';
import { omniAttrs, parseWebhookInput, webhookIdOf, webhookOut, type OmniWebhookAttrs } from './webhook-fields.js';

/** `GET/POST /api/webhooks`, `GET/PUT/DELETE /api/webhooks/:id`. */
export function mountWebhookRoutes(router: Router, ctx: OmnisalesApiContext): void {
  const { store, dispatcher, catalog } = ctx;
  const validateSecret = (s: string) => omnisalesHex.validateSecret(s, ctx.profile.displayName);
  const fresh = async (id: string) => (await store.getEndpoint(id))!;

  router.get('/', async (_req, res) => {
    const hooks = (await store.listEndpoints()).filter((e) => !e.deleted);
    res.json({ success: true, data: hooks.map((e) => webhookOut(e, catalog)) });
  });

  router.post('/', async (req, res) => {
    const input = parseWebhookInput(req.body, 'create', catalog, validateSecret);
    const now = ctx.now();
    // One id for the endpoint and its X-Webhook-ID: the logs, the terminal and the API all name it alike.
    const id = newWebhookId();
    const attrs: OmniWebhookAttrs = { name: input.name!, description: input.description ?? '', filterTypes: input.events!, ipWhitelist: input.ipWhitelist ?? [] };
    const secret = input.secret ?? omnisalesHex.generateSecret();
    await dispatcher.addEndpoint({ id, webhookId: id, url: input.url!, secret, attrs: { ...attrs }, createdAt: now, updatedAt: now });
    if (input.isActive === false) await dispatcher.disable(id);
    // The guide's create answer carries the secret: the one place the API shows it.
    res.status(201).json({ success: true, data: webhookOut(await fresh(id), catalog, true) });
  });

  router.get('/:id', async (req, res) => {
    res.json({ success: true, data: webhookOut(await webhookOr404(ctx, req.params.id), catalog) });
  });

  router.put('/:id', async (req, res) => {
    const e = await webhookOr404(ctx, req.params.id);
    const input = parseWebhookInput(req.body, 'update', catalog, validateSecret);
    const a = omniAttrs(e);
    const attrs: OmniWebhookAttrs = {
      ...a,
      name: input.name ?? a.name ?? (e.attrs?.description as string | undefined) ?? '',
      description: input.description ?? (a.name === undefined ? '' : (a.description ?? '')),
      filterTypes: input.events ?? a.filterTypes ?? null,
      ipWhitelist: input.ipWhitelist ?? a.ipWhitelist ?? [],
    };
    const switching = input.isActive !== undefined && input.isActive === e.disabled;
    // Switching off parks the webhook's waiting deliveries in the dead-letter queue (replayable once it is on
    // again). Off before the new URL, on after it: no retry slips out in between to the new URL of a webhook
    // being switched off, or to the old URL of one being switched on.
    if (switching && !input.isActive) await dispatcher.disable(e.id);
    await store.updateEndpoint(e.id, { url: input.url, attrs: { ...(e.attrs ?? {}), ...attrs }, updatedAt: ctx.now() });
    if (switching && input.isActive) await dispatcher.enable(e.id);
    ctx.events.publish({ kind: 'endpoint', endpointId: e.id });
    res.json({ success: true, data: webhookOut(await fresh(e.id), catalog) });
  });

  router.delete('/:id', async (req, res) => {
    const e = await webhookOr404(ctx, req.params.id);
    // The row stays (deliveries and attempts point at it): switched off through the engine, then hidden from the API.
    if (!e.disabled) await dispatcher.disable(e.id);
    await store.updateEndpoint(e.id, { deleted: true, updatedAt: ctx.now() });
    ctx.events.publish({ kind: 'endpoint', endpointId: e.id });
    res.json({ success: true, data: { id: webhookIdOf(e), deleted: true } });
  });
}
