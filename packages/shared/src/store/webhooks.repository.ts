import { randomBytes } from 'node:crypto';
import { errors } from '../contract/errors';
import { STREAM_STATUSES, type StreamStatus } from '../contract/primitives';
import type {
  CreateWebhookBody,
  DeliveryObject,
  ListDeliveriesQuery,
  PatchWebhookBody,
  WebhookObject,
} from '../contract/webhooks';
import type { Database } from './database';
import { translatingErrors } from './translate';

// Webhooks and their deliveries as the API manages them (docs/dev/webhooks.md). Every
// operation is scoped like groups: with account_id, another account's webhook is 404.

/** The last seq drawn: a new (or re-enabled) webhook starts from the present. */
const LAST_DRAWN = 'SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM stream_log_seq';
const ROTATION_OVERLAP = "interval '24 hours'";

/** A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

interface WebhookRow {
  webhook_id: string;
  account_id: string;
  url: string;
  statuses: string[];
  description: string;
  enabled: boolean;
  create_time: Date;
  previous_secret_until: Date | null;
}

export function toWebhookObject(row: WebhookRow): WebhookObject {
  return {
    webhook_id: row.webhook_id,
    account_id: row.account_id,
    url: row.url,
    statuses: row.statuses as StreamStatus[],
    description: row.description,
    enabled: row.enabled,
    create_time: row.create_time.toISOString(),
    previous_secret_until:
      row.previous_secret_until && row.previous_secret_until > new Date()
        ? row.previous_secret_until.toISOString()
        : null,
  };
}

interface DeliveryRow {
  delivery_id: string;
  webhook_id: string;
  seq: bigint;
  stream_id: string;
  status: string;
  state: string;
  attempts: number;
  last_http_status: number | null;
  last_error: string | null;
  last_response: string | null;
  next_attempt_at: Date | null;
  create_time: Date;
  delivered_at: Date | null;
}

export function toDeliveryObject(row: DeliveryRow): DeliveryObject {
  return {
    delivery_id: row.delivery_id,
    webhook_id: row.webhook_id,
    seq: Number(row.seq),
    stream_id: row.stream_id,
    status: row.status as StreamStatus,
    state: row.state as DeliveryObject['state'],
    attempts: row.attempts,
    last_http_status: row.last_http_status,
    last_error: row.last_error,
    last_response: row.last_response,
    next_attempt_at: row.next_attempt_at?.toISOString() ?? null,
    create_time: row.create_time.toISOString(),
    delivered_at: row.delivered_at?.toISOString() ?? null,
  };
}

const unique = (statuses: readonly string[]) => [...new Set(statuses)];

export function createWebhooksRepository(db: Database) {
  const { prisma } = db;
  const scope = (webhookId: string, accountId?: string) => ({ webhook_id: webhookId, account_id: accountId });

  const get = async (webhookId: string, accountId?: string): Promise<WebhookObject> => {
    const row = await prisma.webhook.findFirst({ where: scope(webhookId, accountId) });
    if (!row) throw errors.webhookNotFound(webhookId);
    return toWebhookObject(row);
  };

  return translatingErrors({
    async create(body: CreateWebhookBody): Promise<{ webhook_id: string; secret: string }> {
      const secret = newWebhookSecret();
      const { rows } = await db.pool.query<{ webhook_id: string }>(
        `INSERT INTO webhooks (account_id, url, statuses, description, secret, log_cursor)
         VALUES ($1, $2, $3, $4, $5, (${LAST_DRAWN})) RETURNING webhook_id::text`,
        [body.account_id, body.url, unique(body.statuses ?? STREAM_STATUSES), body.description, secret],
      );
      return { webhook_id: rows[0]!.webhook_id, secret };
    },

    get,

    async list(accountId: string | undefined, page: { page: number; page_size: number }): Promise<WebhookObject[]> {
      const rows = await prisma.webhook.findMany({
        where: { account_id: accountId },
        orderBy: [{ create_time: 'asc' }, { seq: 'asc' }],
        skip: (page.page - 1) * page.page_size,
        take: page.page_size,
      });
      return rows.map(toWebhookObject);
    },

    /** Re-enabling starts from the present: rows logged while disabled are never sent. */
    async update(webhookId: string, accountId: string | undefined, patch: PatchWebhookBody): Promise<void> {
      const { rowCount } = await db.pool.query(
        `UPDATE webhooks SET url = coalesce($3, url), statuses = coalesce($4, statuses),
                description = coalesce($5, description), enabled = coalesce($6, enabled),
                log_cursor = CASE WHEN $6 AND NOT enabled THEN (${LAST_DRAWN}) ELSE log_cursor END
          WHERE webhook_id = $1 AND ($2::uuid IS NULL OR account_id = $2::uuid)`,
        [
          webhookId,
          accountId ?? null,
          patch.url ?? null,
          patch.statuses ? unique(patch.statuses) : null,
          patch.description ?? null,
          patch.enabled ?? null,
        ],
      );
      if (rowCount === 0) throw errors.webhookNotFound(webhookId);
    },

    /** Deletes the webhook with its deliveries (cascade); wake-ups left in Redis claim nothing. */
    async remove(webhookId: string, accountId?: string): Promise<void> {
      const { count } = await prisma.webhook.deleteMany({ where: scope(webhookId, accountId) });
      if (count === 0) throw errors.webhookNotFound(webhookId);
    },

    /** A new secret; the current one keeps signing too for 24 hours (Standard Webhooks). */
    async rotateSecret(webhookId: string, accountId?: string): Promise<string> {
      const secret = newWebhookSecret();
      const { rowCount } = await db.pool.query(
        `UPDATE webhooks SET previous_secret = secret, previous_secret_until = now() + ${ROTATION_OVERLAP}, secret = $3
          WHERE webhook_id = $1 AND ($2::uuid IS NULL OR account_id = $2::uuid)`,
        [webhookId, accountId ?? null, secret],
      );
      if (rowCount === 0) throw errors.webhookNotFound(webhookId);
      return secret;
    },

    /** A webhook's deliveries, newest first (by the log's seq). */
    async deliveries(webhookId: string, query: ListDeliveriesQuery): Promise<DeliveryObject[]> {
      await get(webhookId, query.account_id);
      const rows = await prisma.webhookDelivery.findMany({
        where: { webhook_id: webhookId, state: query.states && { in: query.states } },
        orderBy: { seq: 'desc' },
        skip: (query.page - 1) * query.page_size,
        take: query.page_size,
      });
      return rows.map(toDeliveryObject);
    },

    /**
     * Makes a failed delivery pending again, with a fresh series of attempts and retry
     * window; returns the wake-up to add. 404 for an unknown one, 409 unless it failed.
     */
    async retry(webhookId: string, deliveryId: string, accountId: string | undefined, retryForSeconds: number) {
      await get(webhookId, accountId);
      const { rows } = await db.pool.query<{ wake: number }>(
        `UPDATE webhook_deliveries SET state = 'pending', attempts = 0, wake = wake + 1, next_attempt_at = now(),
                give_up_at = now() + make_interval(secs => $3)
          WHERE delivery_id = $1 AND webhook_id = $2 AND state = 'failed' RETURNING wake`,
        [deliveryId, webhookId, retryForSeconds],
      );
      if (rows[0]) return { delivery_id: deliveryId, webhook_id: webhookId, wake: rows[0].wake };
      const found = await prisma.webhookDelivery.findFirst({
        where: { delivery_id: deliveryId, webhook_id: webhookId },
        select: { state: true },
      });
      if (!found) throw errors.deliveryNotFound(deliveryId);
      throw errors.deliveryNotFailed(deliveryId, found.state);
    },
  });
}

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;
