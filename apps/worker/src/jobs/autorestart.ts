import type { AutorestartJobData } from '@luna-streams/shared';
import type { JobHandler } from './context';

/**
 * A failure's timer went off. The job is only a wake-up call: the stream is restarted
 * only while it is still that failure with that deadline, so a timer that fires twice,
 * late, or after a PATCH, a PUT or a reconcile restart changes nothing.
 */
export const runAutorestart: JobHandler = async (job, { autorestarts, logger, metrics }) => {
  const { stream_id, deadline } = job.data as AutorestartJobData;
  const restarted = await autorestarts.restartOne(stream_id, new Date(deadline));
  if (restarted) {
    metrics.autorestarts.inc();
    logger.info({ stream_id, job_id: job.id }, 'stream autorestarted');
  }
  return { restarted };
};
