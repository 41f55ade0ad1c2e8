import { z } from 'zod';
import { statusEvent } from './events';
import { accountId, boundedString, page, pageSize, STREAM_STATUSES, uuid } from './primitives';
import { query } from './query';
import { accountScope } from './streams';

// Webhooks (docs/dev/webhooks.md): signed POSTs (Standard Webhooks) of an account's stream
// log rows, each message the same record as an event of GET /1/streams/events.

export const WEBHOOK_URL_MAX = 2048;
export const WEBHOOK_DESCRIPTION_MAX = 128;
export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const webhookUrl = boundedString(WEBHOOK_URL_MAX)
  .refine(isHttpUrl, { message: 'expected an http:// or https:// URL' })
  .meta({
    format: 'uri',
    description: `where the messages are POSTed: an http or https URL of at most ${WEBHOOK_URL_MAX} characters`,
  });
const webhookStatuses = z
  .array(z.enum(STREAM_STATUSES))
  .min(1)
  .max(STREAM_STATUSES.length)
  .meta({ description: 'the stream statuses whose log rows are sent (default: every status)' });
const webhookDescription = boundedString(WEBHOOK_DESCRIPTION_MAX).meta({
  description: `free text for the operator, at most ${WEBHOOK_DESCRIPTION_MAX} characters`,
});
const secret = z.string().meta({
  description: 'the signing secret, `whsec_` and base64 (Standard Webhooks); shown only on creation and rotation',
});

export const createWebhookBody = z.strictObject({
  account_id: accountId.meta({ description: 'the account whose stream log rows the webhook receives' }),
  url: webhookUrl,
  statuses: webhookStatuses.optional(),
  description: webhookDescription.default(''),
});
export type CreateWebhookBody = z.infer<typeof createWebhookBody>;

/** PATCH /1/webhooks/{webhook_id}: at least one field. */
export const patchWebhookBody = z
  .strictObject({
    url: webhookUrl.optional(),
    statuses: webhookStatuses.optional(),
    description: webhookDescription.optional(),
    enabled: z.boolean().optional().meta({
      description: 'false stops deliveries (rows logged while disabled are never sent); true starts from the present',
    }),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'at least one field must have a value',
  })
  .meta({ minProperties: 1 });
export type PatchWebhookBody = z.infer<typeof patchWebhookBody>;

export const listWebhooksQuery = accountScope.extend({
  page: query.int(page).default(1),
  page_size: query.int(pageSize).default(10),
});
export type ListWebhooksQuery = z.infer<typeof listWebhooksQuery>;

export const listDeliveriesQuery = accountScope.extend({
  states: query.list(z.enum(DELIVERY_STATES)).optional(),
  page: query.int(page).default(1),
  page_size: query.int(pageSize).default(10),
});
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuery>;

const timeOut = z.iso.datetime();

/** A webhook as the API shows it (never its secret). */
export const webhookObject = z.object({
  webhook_id: uuid.meta({ description: 'the webhook id' }),
  account_id: uuid.meta({ description: 'the account whose stream log rows it receives' }),
  url: z.string().meta({ description: 'where the messages are POSTed' }),
  statuses: z.array(z.enum(STREAM_STATUSES)).meta({ description: 'the stream statuses whose log rows are sent' }),
  description: z.string().meta({ description: 'free text for the operator' }),
  enabled: z.boolean().meta({ description: 'false after PATCH enabled=false or a 410 answer from the receiver' }),
  create_time: timeOut.meta({ description: 'when it was created' }),
  previous_secret_until: timeOut.nullable().meta({
    description: 'after a rotation, until when the previous secret still signs too (24 hours); null otherwise',
  }),
});
export type WebhookObject = z.infer<typeof webhookObject>;

export const createdWebhook = z.object({
  webhook_id: uuid.meta({ description: 'the new webhook id' }),
  secret,
});
export const rotatedSecret = z.object({ secret });

/** One message of a webhook and how its delivery goes. */
export const deliveryObject = z.object({
  delivery_id: uuid.meta({ description: 'the message id, sent as the webhook-id header on every attempt' }),
  webhook_id: uuid.meta({ description: 'the webhook' }),
  seq: z.int().meta({ description: "the log row's seq: receivers order and deduplicate by it" }),
  stream_id: uuid.meta({ description: 'the stream whose status changed' }),
  status: z.enum(STREAM_STATUSES).meta({ description: 'the status logged' }),
  state: z.enum(DELIVERY_STATES).meta({
    description:
      'pending (being tried), delivered (a 2xx answer), failed (retries spent, a 410, or the webhook disabled)',
  }),
  attempts: z.int().meta({ description: 'attempts made so far' }),
  last_http_status: z.int().nullable().meta({ description: "the last attempt's HTTP status; null without an answer" }),
  last_error: z.string().nullable().meta({ description: 'why the last attempt failed (timeout, refused address...)' }),
  last_response: z.string().nullable().meta({ description: "the first 1 KB of the last answer's body" }),
  next_attempt_at: timeOut.nullable().meta({ description: 'when the next attempt is due; null once settled' }),
  create_time: timeOut.meta({ description: 'when the message was made from the log row' }),
  delivered_at: timeOut.nullable().meta({ description: 'when a receiver answered 2xx; null until then' }),
});
export type DeliveryObject = z.infer<typeof deliveryObject>;

/** The body every message POSTs. */
export const webhookMessage = z.object({
  type: z.literal('stream.status').meta({ description: 'always stream.status' }),
  timestamp: timeOut.meta({ description: "the log row's log_time" }),
  data: statusEvent,
});
export type WebhookMessage = z.infer<typeof webhookMessage>;
