import type { JobHandler } from './context';

/** In-progress streams silent longer than the obsoleting period go back to the queue (spec 6.5). */
export const sweepLostHandlers: JobHandler = async (_job, { lostHandlers, config, metrics }) => {
  const moved = await lostHandlers.sweepLostHandlers(config.STREAM_STATUS_OBSOLETING_PERIOD, config.SWEEP_BATCH_SIZE);
  metrics.handlerLost.inc(moved);
  return { moved };
};
