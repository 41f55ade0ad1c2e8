import { JOB_NAMES, type JobsFallbackRepository } from '@luna-streams/shared';
import { restartOverdue } from './jobs/autorestart';
import type { JobContext } from './jobs/context';
import { sweep } from './jobs/handler-lost-sweep';
import { recordRun } from './jobs/record';

/** How often, at most, the fallback restarts due failures and checks whether the sweep is due. */
export const FALLBACK_TICK_MS = 1000;

/** The jobs the fallback keeps running; reconcile and log retention wait for Redis. */
export const FALLBACK_JOBS: readonly string[] = [JOB_NAMES.handlerLostSweep, JOB_NAMES.autorestart];

export interface FallbackState {
  /** BullMQ cannot run the jobs, so the fallback is ticking. */
  active: boolean;
  /** The last tick ran here, met another copy's tick (it runs there), or failed. */
  lastTick: 'ran' | 'locked' | 'failed' | null;
  error: string | null;
}

/**
 * While BullMQ cannot run the jobs (Redis away), the timers that must not stop fire from
 * PostgreSQL, the truth (DESIGN.md section 5): every tick, one worker copy at a time
 * (an advisory lock) restarts the failures whose autorestart deadline has passed, and runs
 * the handler_lost sweep when its last recorded start, by any copy and either way, is an
 * interval old. A tick comes early for the next autorestart deadline. Every statement is
 * the jobs' own conditional update, so a tick that overlaps BullMQ coming back changes
 * nothing twice.
 */
export function startFallback(
  ctx: JobContext,
  fallback: JobsFallbackRepository,
  bullmqUp: () => boolean,
): { state(): FallbackState; stop(): Promise<void> } {
  const { jobRuns, config, logger } = ctx;
  // Half a tick early, so a sweep every interval lands on the tick nearest to it.
  const sweepDueAfter = config.STREAM_STATUS_OBSOLETING_INTERVAL - FALLBACK_TICK_MS / 2000;
  let state: FallbackState = { active: false, lastTick: null, error: null };
  let lastLogged = 0;

  // The next tick comes sooner when an autorestart falls due before it, so restarts stay on time.
  let nextTickMs = FALLBACK_TICK_MS;
  const runDue = async () => {
    await restartOverdue(ctx, 0);
    if (await fallback.jobDue(JOB_NAMES.handlerLostSweep, sweepDueAfter))
      await recordRun(jobRuns, JOB_NAMES.handlerLostSweep, () => sweep(ctx));
    const untilRestart = await fallback.msUntilNextAutorestart();
    if (untilRestart !== null) nextTickMs = Math.min(nextTickMs, Math.max(10, Math.ceil(untilRestart) + 5));
  };

  const tick = async () => {
    if (bullmqUp()) {
      if (state.active) logger.info('BullMQ reachable again: its schedulers run the jobs, the fallback stops');
      state = { active: false, lastTick: null, error: null };
      return;
    }
    if (!state.active)
      logger.warn({ jobs: FALLBACK_JOBS }, 'BullMQ unreachable: these jobs run from PostgreSQL until it is back');
    try {
      const ran = await fallback.underLock(runDue);
      state = { active: true, lastTick: ran ? 'ran' : 'locked', error: null };
    } catch (error) {
      state = { active: true, lastTick: 'failed', error: (error as Error).message };
      if (Date.now() - lastLogged > 10_000) {
        lastLogged = Date.now();
        logger.warn({ err: error }, 'jobs fallback tick failed; will retry');
      }
    }
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const loop = () => {
    nextTickMs = FALLBACK_TICK_MS;
    running = tick().finally(() => {
      if (!stopped) timer = setTimeout(loop, nextTickMs);
    });
  };
  timer = setTimeout(loop, FALLBACK_TICK_MS);

  return {
    state: () => state,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
