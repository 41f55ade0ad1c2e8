import { Router } from 'express';
import {
  accountScope,
  assertWebhookUrlAllowed,
  createWebhookBody,
  listDeliveriesQuery,
  listWebhooksQuery,
  parseBody,
  parseQuery,
  patchWebhookBody,
  pathId,
  route,
  wakeDeliveries,
} from '@luna-streams/shared';
import type { ApiDeps } from '../deps';

// Webhooks (docs/dev/webhooks.md), scoped by account_id like groups. A URL whose address
// is in WEBHOOK_DENY_NETWORKS is refused here (400 39013) and again at every delivery.
export function webhooksRouter({ webhooks, webhooksQueue, deniedNetworks, config, logger }: ApiDeps): Router {
  const router = Router();

  route(router, '/1/webhooks', {
    post: async (req, res) => {
      const body = parseBody(createWebhookBody, req.body);
      await assertWebhookUrlAllowed(body.url, deniedNetworks);
      res.status(201).json(await webhooks.create(body));
    },
    get: async (req, res) => {
      const query = parseQuery(listWebhooksQuery, req.query);
      res.json({ webhooks: await webhooks.list(query.account_id, query) });
    },
  });

  route(router, '/1/webhooks/:webhook_id', {
    get: async (req, res) => {
      const id = pathId(req, 'webhook_id');
      res.json(await webhooks.get(id, parseQuery(accountScope, req.query).account_id));
    },
    patch: async (req, res) => {
      const id = pathId(req, 'webhook_id');
      const { account_id } = parseQuery(accountScope, req.query);
      const patch = parseBody(patchWebhookBody, req.body);
      if (patch.url !== undefined) await assertWebhookUrlAllowed(patch.url, deniedNetworks);
      await webhooks.update(id, account_id, patch);
      res.status(204).end();
    },
    delete: async (req, res) => {
      const id = pathId(req, 'webhook_id');
      await webhooks.remove(id, parseQuery(accountScope, req.query).account_id);
      res.status(204).end();
    },
  });

  route(router, '/1/webhooks/:webhook_id/rotate-secret', {
    post: async (req, res) => {
      const id = pathId(req, 'webhook_id');
      res.json({ secret: await webhooks.rotateSecret(id, parseQuery(accountScope, req.query).account_id) });
    },
  });

  route(router, '/1/webhooks/:webhook_id/deliveries', {
    get: async (req, res) => {
      const id = pathId(req, 'webhook_id');
      res.json({ deliveries: await webhooks.deliveries(id, parseQuery(listDeliveriesQuery, req.query)) });
    },
  });

  route(router, '/1/webhooks/:webhook_id/deliveries/:delivery_id/retry', {
    post: async (req, res) => {
      const id = pathId(req, 'webhook_id');
      const deliveryId = pathId(req, 'delivery_id');
      const { account_id } = parseQuery(accountScope, req.query);
      const wakeup = await webhooks.retry(id, deliveryId, account_id, config.WEBHOOK_RETRY_FOR);
      // With Redis away the wake-up is lost; the worker's reconcile finds the delivery overdue.
      await wakeDeliveries(webhooksQueue, [wakeup], logger);
      res.status(202).end();
    },
  });

  return router;
}
