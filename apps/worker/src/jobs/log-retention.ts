import type { JobHandler } from './context';

/**
 * Deletes stream log rows, and settled webhook deliveries, older than
 * STREAM_LOG_RETENTION_DAYS (unset: the job is not scheduled).
 */
export const deleteOldLogs: JobHandler = async (_job, { logRetention, config }) => {
  const days = config.STREAM_LOG_RETENTION_DAYS;
  if (days === undefined) return { deleted: 0, deliveries_deleted: 0 };
  return {
    deleted: await logRetention.deleteLogsOlderThan(days),
    deliveries_deleted: await logRetention.deleteDeliveriesOlderThan(days),
  };
};
