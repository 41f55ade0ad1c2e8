import { mirrorSentinelKey, wakeLostDeliveries } from '@luna-streams/shared';
import { restartOverdue } from './autorestart';
import type { JobHandler } from './context';

/** Seconds past its deadline before reconcile restarts a failure itself (its timer should have). */
export const AUTORESTART_GRACE_SECONDS = 2;

/** Seconds a pending webhook delivery may be overdue before reconcile wakes it again. */
export const WEBHOOK_GRACE_SECONDS = 5;

/**
 * The safety net that makes Redis losable (DESIGN.md sections 2, 5): restarts failures
 * whose timer Redis lost, gives long-running streams a fresh autorestart series, and
 * rebuilds the streams-pending mirror when its sentinel key is gone (Redis was flushed
 * or replaced): the mirror is emptied and every pending stream marked for the API's drain.
 * Webhook deliveries overdue by WEBHOOK_GRACE_SECONDS whose wake-up job is not in Redis
 * get it again.
 */
export const reconcile: JobHandler = async (_job, ctx) => {
  const { autorestarts, mirrorMarks, config, redis, pendingQueue, logger } = ctx;
  const restarted = await restartOverdue(ctx, AUTORESTART_GRACE_SECONDS);
  const seriesReset = await autorestarts.resetLongRunningSeries(config.AUTORESTART_RESET_AFTER);
  const sentinel = mirrorSentinelKey(config.REDIS_PREFIX);
  let mirrorMarked: number | null = null;
  if ((await redis.exists(sentinel)) === 0) {
    await pendingQueue.obliterate({ force: true });
    mirrorMarked = await mirrorMarks.markPendingForMirror();
    await redis.set(sentinel, new Date().toISOString());
    logger.info({ marked: mirrorMarked }, 'streams-pending mirror rebuilt');
  }
  const overdue = await ctx.webhookDeliveries.overdue(WEBHOOK_GRACE_SECONDS, config.SWEEP_BATCH_SIZE);
  const webhooksWoken = await wakeLostDeliveries(ctx.webhooksQueue, redis, overdue, logger);
  if (restarted > 0) logger.warn({ restarted }, 'restarted failures whose autorestart timer was lost');
  return { restarted, seriesReset, mirrorRebuilt: mirrorMarked !== null, mirrorMarked, webhooksWoken };
};
