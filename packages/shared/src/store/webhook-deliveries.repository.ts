import type { StatusEvent } from '../contract/events';
import type { Database } from './database';
import { toStatusEvent, type LogEventColumns } from './stream-log-feed';
import { translatingErrors } from './translate';

// The worker's side of webhooks (docs/dev/webhooks.md): turning log rows into deliveries
// (the log is the outbox), claiming an attempt, recording its outcome, and finding the
// wake-ups Redis lost. Each is one statement, guarded so that running it twice, or on
// two worker copies at once, changes nothing twice.

/**
 * For every enabled webhook behind `$1` (a seq no row can still appear below: the feed's
 * horizon), one delivery per matching log row after its cursor, at most `$2` seqs per
 * pass, and the cursor moved, in one statement. SKIP LOCKED lets copies share the work;
 * ON CONFLICT makes a repeated range harmless.
 */
const FAN_OUT_SQL = `
  WITH hooks AS MATERIALIZED (
    SELECT webhook_id, account_id, statuses, log_cursor, least($1::bigint, log_cursor + $2) AS upto
      FROM webhooks WHERE enabled AND log_cursor < $1::bigint
     ORDER BY webhook_id FOR UPDATE SKIP LOCKED
  ), added AS (
    INSERT INTO webhook_deliveries
      (webhook_id, seq, stream_id, account_id, status, version, error, video_info, log_time, next_attempt_at, give_up_at)
    SELECT h.webhook_id, l.seq, l.stream_id, l.account_id, l.status, l.version, l.error, l.video_info, l.log_time,
           now(), l.log_time + make_interval(secs => $3)
      FROM hooks h JOIN stream_logs l ON l.seq > h.log_cursor AND l.seq <= h.upto AND l.account_id = h.account_id
     WHERE l.status = ANY(h.statuses)
    ON CONFLICT (webhook_id, seq) DO NOTHING
    RETURNING delivery_id, webhook_id
  ), moved AS (
    UPDATE webhooks w SET log_cursor = h.upto FROM hooks h WHERE w.webhook_id = h.webhook_id
  )
  SELECT (SELECT count(*) FROM hooks WHERE upto < $1::bigint)::int AS behind,
         coalesce((SELECT json_agg(json_build_array(delivery_id, webhook_id)) FROM added), '[]') AS added`;

/**
 * Claims attempt `attempts + 1` of a pending delivery whose wake is `$2`, leasing it for
 * `$3` seconds (a worker killed mid-send leaves it overdue, and reconcile wakes it again).
 * A disabled webhook's delivery fails instead, unsent.
 */
const CLAIM_SQL = `
  UPDATE webhook_deliveries d
     SET wake = d.wake + 1,
         attempts = d.attempts + CASE WHEN w.enabled THEN 1 ELSE 0 END,
         state = CASE WHEN w.enabled THEN 'pending' ELSE 'failed' END,
         last_error = CASE WHEN w.enabled THEN d.last_error ELSE 'the webhook is disabled' END,
         next_attempt_at = CASE WHEN w.enabled THEN now() + make_interval(secs => $3) END
    FROM webhooks w
   WHERE d.delivery_id = $1 AND d.wake = $2 AND d.state = 'pending' AND w.webhook_id = d.webhook_id
  RETURNING d.delivery_id::text, d.webhook_id::text, d.wake, d.attempts, d.seq, d.stream_id::text,
            d.account_id::text, d.status, d.version, d.error, d.video_info, d.log_time, d.give_up_at,
            w.enabled, w.url, w.secret, CASE WHEN w.previous_secret_until > now() THEN w.previous_secret END AS previous_secret`;

export interface ClaimedDelivery {
  delivery_id: string;
  webhook_id: string;
  wake: number;
  attempts: number;
  enabled: boolean;
  url: string;
  secret: string;
  previous_secret: string | null;
  give_up_at: Date;
  event: StatusEvent;
}

interface ClaimRow extends LogEventColumns {
  delivery_id: string;
  webhook_id: string;
  wake: number;
  attempts: number;
  give_up_at: Date;
  enabled: boolean;
  url: string;
  secret: string;
  previous_secret: string | null;
}

export interface AttemptRecord {
  httpStatus: number | null;
  error: string | null;
  response: string | null;
}

export function createWebhookDeliveriesRepository(db: Database) {
  return translatingErrors({
    async fanOut(upTo: number, span: number, retryForSeconds: number) {
      const { rows } = await db.pool.query<{ behind: number; added: [string, string][] }>(FAN_OUT_SQL, [
        upTo,
        span,
        retryForSeconds,
      ]);
      const { behind, added } = rows[0]!;
      return { behind, added: added.map(([delivery_id, webhook_id]) => ({ delivery_id, webhook_id, wake: 0 })) };
    },

    async claim(deliveryId: string, wake: number, leaseSeconds: number): Promise<ClaimedDelivery | null> {
      // Named (prepared once per connection): claim and record run for every message.
      const { rows } = await db.pool.query<ClaimRow>({
        name: 'luna_webhook_claim',
        text: CLAIM_SQL,
        values: [deliveryId, wake, leaseSeconds],
      });
      const row = rows[0];
      if (!row) return null;
      return {
        delivery_id: row.delivery_id,
        webhook_id: row.webhook_id,
        wake: row.wake,
        attempts: row.attempts,
        enabled: row.enabled,
        url: row.url,
        secret: row.secret,
        previous_secret: row.previous_secret,
        give_up_at: row.give_up_at,
        event: toStatusEvent(row),
      };
    },

    async recordDelivered(deliveryId: string, wake: number, attempt: AttemptRecord): Promise<boolean> {
      const { rowCount } = await db.pool.query({
        name: 'luna_webhook_delivered',
        text: `UPDATE webhook_deliveries SET state = 'delivered', delivered_at = now(), next_attempt_at = NULL,
                      last_http_status = $3, last_error = NULL, last_response = $4
                WHERE delivery_id = $1 AND wake = $2 AND state = 'pending'`,
        values: [deliveryId, wake, attempt.httpStatus, attempt.response],
      });
      return rowCount === 1;
    },

    /**
     * A failed attempt: pending again in `retryInSeconds`, or failed for good once that
     * would pass its give_up_at (or `final`: a 410). Returns the new state.
     */
    async recordFailed(
      deliveryId: string,
      wake: number,
      attempt: AttemptRecord,
      retryInSeconds: number,
      final: boolean,
    ) {
      const { rows } = await db.pool.query<{ state: 'pending' | 'failed' }>(
        `UPDATE webhook_deliveries
            SET state = CASE WHEN $6 OR now() + make_interval(secs => $5) > give_up_at THEN 'failed' ELSE 'pending' END,
                next_attempt_at = CASE WHEN $6 OR now() + make_interval(secs => $5) > give_up_at THEN NULL
                                       ELSE now() + make_interval(secs => $5) END,
                last_http_status = $3, last_error = $4, last_response = $7
          WHERE delivery_id = $1 AND wake = $2 AND state = 'pending' RETURNING state`,
        [deliveryId, wake, attempt.httpStatus, attempt.error, retryInSeconds, final, attempt.response],
      );
      return rows[0]?.state ?? null;
    },

    /** Puts an attempt off without counting it (the webhook has enough in flight); the new wake, or null. */
    async defer(deliveryId: string, wake: number, seconds: number): Promise<number | null> {
      const { rows } = await db.pool.query<{ wake: number }>(
        `UPDATE webhook_deliveries SET wake = wake + 1, next_attempt_at = now() + make_interval(secs => $3)
          WHERE delivery_id = $1 AND wake = $2 AND state = 'pending' RETURNING wake`,
        [deliveryId, wake, seconds],
      );
      return rows[0]?.wake ?? null;
    },

    async anyEnabled(): Promise<boolean> {
      const { rows } = await db.pool.query<{ any: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM webhooks WHERE enabled) AS any',
      );
      return rows[0]!.any;
    },

    /** 410 Gone: the receiver asks to stop. */
    async disable(webhookId: string): Promise<void> {
      await db.pool.query('UPDATE webhooks SET enabled = false WHERE webhook_id = $1', [webhookId]);
    },

    /** Pending deliveries overdue by `graceSeconds`: their wake-up was lost (Redis flushed, worker killed). */
    async overdue(graceSeconds: number, limit: number) {
      const { rows } = await db.pool.query<{ delivery_id: string; webhook_id: string; wake: number }>(
        `SELECT delivery_id::text, webhook_id::text, wake FROM webhook_deliveries
          WHERE state = 'pending' AND next_attempt_at < now() - make_interval(secs => $1)
          ORDER BY next_attempt_at LIMIT $2`,
        [graceSeconds, limit],
      );
      return rows;
    },
  });
}

export type WebhookDeliveriesRepository = ReturnType<typeof createWebhookDeliveriesRepository>;
