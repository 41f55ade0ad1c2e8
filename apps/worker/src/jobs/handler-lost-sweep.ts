import type { JobContext, JobHandler } from './context';

/** In-progress streams silent longer than the obsoleting period go back to the queue (spec 6.5). */
export async function sweep({ lostHandlers, config, metrics }: JobContext): Promise<{ moved: number }> {
  const moved = await lostHandlers.sweepLostHandlers(config.STREAM_STATUS_OBSOLETING_PERIOD, config.SWEEP_BATCH_SIZE);
  metrics.handlerLost.inc(moved);
  return { moved };
}

export const sweepLostHandlers: JobHandler = (_job, ctx) => sweep(ctx);
