import { z } from 'zod';
import { BODY, COMMON, DATABASE, type Operation } from './operation';
import { accountScope } from './streams';
import {
  createdWebhook,
  createWebhookBody,
  deliveryObject,
  listDeliveriesQuery,
  listWebhooksQuery,
  patchWebhookBody,
  rotatedSecret,
  webhookObject,
} from './webhooks';

// The webhook rows of the API table (docs/dev/webhooks.md), each with a description and
// a request and answer example for the OpenAPI document.

const ACCOUNT = '0c4f7a52-1d6e-4b8a-9f3c-2a7e5d9b1c40';
const WEBHOOK = '5b0e9a43-8c1f-4d2a-b6e7-3f9c1a2d4e58';
const DELIVERY = 'a7d3c2e1-6b5f-4e8d-9c0a-1b2c3d4e5f60';
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw8yZ5tKbGMRI=';

const WEBHOOK_EXAMPLE = {
  webhook_id: WEBHOOK,
  account_id: ACCOUNT,
  url: 'https://alerts.example.com/luna',
  statuses: ['failure', 'handler_lost', 'done'],
  description: 'ticketing',
  enabled: true,
  create_time: '2026-12-02T09:00:00.000Z',
  previous_secret_until: null,
};

const DELIVERY_EXAMPLE = {
  delivery_id: DELIVERY,
  webhook_id: WEBHOOK,
  seq: 4187,
  stream_id: '9e1f2a3b-4c5d-4e6f-8a7b-0c1d2e3f4a5b',
  status: 'failure',
  state: 'failed',
  attempts: 14,
  last_http_status: 503,
  last_error: 'HTTP 503',
  last_response: 'upstream unavailable',
  next_attempt_at: null,
  create_time: '2026-12-01T06:31:12.400Z',
  delivered_at: null,
};

const SCOPED = 'With account_id, a webhook of another account is 404 39011.';

export const WEBHOOK_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/1/webhooks',
    operationId: 'createWebhook',
    summary: 'create webhook',
    tag: 'webhooks',
    description:
      'Every stream log row of the account whose status is listed is POSTed to url, signed as Standard Webhooks ' +
      'specifies, from the next row logged on. The secret is shown only here and on rotation. A url whose host is ' +
      'or resolves to an address in WEBHOOK_DENY_NETWORKS (loopback, link-local, unspecified by default) is 400 39013.',
    body: createWebhookBody,
    success: { status: 201, description: 'webhook created, with its signing secret', schema: createdWebhook },
    examples: {
      request: { account_id: ACCOUNT, url: 'https://alerts.example.com/luna', statuses: ['failure', 'handler_lost'] },
      response: { webhook_id: WEBHOOK, secret: SECRET },
    },
    errors: [...BODY, 'WEBHOOK_URL_REFUSED', ...DATABASE],
  },
  {
    method: 'get',
    path: '/1/webhooks',
    operationId: 'getWebhooks',
    summary: 'get webhooks',
    tag: 'webhooks',
    description: 'Webhooks, oldest first, paged like groups; secrets are never shown.',
    query: listWebhooksQuery,
    success: {
      status: 200,
      description: 'webhooks, oldest first',
      schema: z.object({ webhooks: z.array(webhookObject).meta({ description: 'one page of webhooks' }) }),
    },
    examples: { response: { webhooks: [WEBHOOK_EXAMPLE] } },
    errors: COMMON,
  },
  {
    method: 'get',
    path: '/1/webhooks/{webhook_id}',
    operationId: 'getWebhook',
    summary: 'get webhook',
    tag: 'webhooks',
    description: `One webhook, without its secret. ${SCOPED}`,
    query: accountScope,
    success: { status: 200, description: 'the webhook', schema: webhookObject },
    examples: { response: WEBHOOK_EXAMPLE },
    errors: [...COMMON, 'WEBHOOK_NOT_FOUND'],
  },
  {
    method: 'patch',
    path: '/1/webhooks/{webhook_id}',
    operationId: 'updateWebhook',
    summary: 'update webhook',
    tag: 'webhooks',
    description:
      'Changes url, statuses, description or enabled. Disabling stops deliveries: rows logged while disabled are ' +
      `never sent, and re-enabling starts from the present. ${SCOPED}`,
    query: accountScope,
    body: patchWebhookBody,
    success: { status: 204, description: 'updated' },
    examples: { request: { enabled: false } },
    errors: [...BODY, ...COMMON, 'WEBHOOK_NOT_FOUND', 'WEBHOOK_URL_REFUSED'],
  },
  {
    method: 'delete',
    path: '/1/webhooks/{webhook_id}',
    operationId: 'removeWebhook',
    summary: 'remove webhook',
    tag: 'webhooks',
    description: `Removes the webhook and its deliveries; attempts not yet made are not made. ${SCOPED}`,
    query: accountScope,
    success: { status: 204, description: 'removed with its deliveries' },
    errors: [...COMMON, 'WEBHOOK_NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/1/webhooks/{webhook_id}/rotate-secret',
    operationId: 'rotateWebhookSecret',
    summary: 'rotate webhook secret',
    tag: 'webhooks',
    description:
      'A new signing secret. For 24 hours messages carry two signatures, by the new and the previous secret, so ' +
      `a receiver can switch without losing one. ${SCOPED}`,
    query: accountScope,
    success: { status: 200, description: 'the new secret', schema: rotatedSecret },
    examples: { response: { secret: SECRET } },
    errors: [...COMMON, 'WEBHOOK_NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/1/webhooks/{webhook_id}/deliveries',
    operationId: 'getWebhookDeliveries',
    summary: 'get webhook deliveries',
    tag: 'webhooks',
    description:
      "The webhook's messages, newest first (by the log's seq), with their state, attempts, last answer and next " +
      `attempt; states filters them. ${SCOPED}`,
    query: listDeliveriesQuery,
    success: {
      status: 200,
      description: 'one page of deliveries, newest first',
      schema: z.object({ deliveries: z.array(deliveryObject).meta({ description: 'one page of deliveries' }) }),
    },
    examples: { response: { deliveries: [DELIVERY_EXAMPLE] } },
    errors: [...COMMON, 'WEBHOOK_NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry',
    operationId: 'retryWebhookDelivery',
    summary: 'retry a failed delivery',
    tag: 'webhooks',
    description:
      'Sends a failed message again, now, with a fresh series of attempts and a new WEBHOOK_RETRY_FOR window. ' +
      `Only a failed delivery can be retried (409 39014). ${SCOPED}`,
    query: accountScope,
    success: { status: 202, description: 'pending again; the worker sends it at once' },
    errors: [...COMMON, 'WEBHOOK_NOT_FOUND', 'DELIVERY_NOT_FOUND', 'DELIVERY_NOT_FAILED'],
  },
];
