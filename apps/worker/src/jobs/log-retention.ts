import type { JobHandler } from './context';

/** Deletes stream log rows older than STREAM_LOG_RETENTION_DAYS (unset: the job is not scheduled). */
export const deleteOldLogs: JobHandler = async (_job, { logRetention, config }) => {
  const days = config.STREAM_LOG_RETENTION_DAYS;
  return { deleted: days === undefined ? 0 : await logRetention.deleteLogsOlderThan(days) };
};
