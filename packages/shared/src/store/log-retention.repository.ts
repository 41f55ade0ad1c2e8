import type { Database } from './database';
import { translatingErrors } from './translate';

// Log retention (STREAM_LOG_RETENTION_DAYS): old log rows and settled webhook deliveries go, in batches.

export function createLogRetentionRepository(db: Database) {
  return translatingErrors({
    /** Deletes log rows older than `days`, in batches so no statement runs long. */
    async deleteLogsOlderThan(days: number, batchSize = 10_000): Promise<number> {
      let total = 0;
      for (;;) {
        const result = await db.pool.query(
          `DELETE FROM stream_logs WHERE seq IN (
             SELECT seq FROM stream_logs WHERE log_time < now() - make_interval(days => $1) LIMIT $2)`,
          [days, batchSize],
        );
        total += result.rowCount ?? 0;
        if ((result.rowCount ?? 0) < batchSize) return total;
      }
    },

    /** Deletes settled webhook deliveries (delivered or failed) made more than `days` ago, in batches. */
    async deleteDeliveriesOlderThan(days: number, batchSize = 10_000): Promise<number> {
      let total = 0;
      for (;;) {
        const result = await db.pool.query(
          `DELETE FROM webhook_deliveries WHERE delivery_id IN (
             SELECT delivery_id FROM webhook_deliveries
              WHERE create_time < now() - make_interval(days => $1) AND state <> 'pending' LIMIT $2)`,
          [days, batchSize],
        );
        total += result.rowCount ?? 0;
        if ((result.rowCount ?? 0) < batchSize) return total;
      }
    },
  });
}

export type LogRetentionRepository = ReturnType<typeof createLogRetentionRepository>;
