import {
  STORED_STATUSES,
  type GaugesRepository,
  type Logger,
  type Metrics,
  type PendingJobData,
} from '@luna-streams/shared';
import type { Queue } from 'bullmq';

/**
 * The database-wide gauges, computed by the worker on a timer (DESIGN.md section 9): streams
 * by status, queue depth, the head's age, mirror drift and BullMQ job counts.
 */
export function startGauges(options: {
  metrics: Metrics;
  gauges: GaugesRepository;
  pendingQueue: Queue<PendingJobData>;
  jobsQueue: Queue;
  intervalMs: number;
  logger: Logger;
}): { stop(): void; refresh(): Promise<void> } {
  const { metrics } = options;
  const refresh = async () => {
    const snapshot = await options.gauges.statusSnapshot();
    for (const status of STORED_STATUSES) metrics.streams.set({ status }, snapshot.byStatus[status] ?? 0);
    const pending = snapshot.byStatus.pending ?? 0;
    metrics.queueDepth.set(pending);
    metrics.oldestPending.set(snapshot.oldestPendingSeconds);
    try {
      for (const [name, queue] of [
        ['streams-pending', options.pendingQueue],
        ['luna-jobs', options.jobsQueue],
      ] as const) {
        const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed', 'completed');
        for (const [state, n] of Object.entries(counts)) metrics.bullmqJobs.set({ queue: name, state }, n);
        if (name === 'streams-pending')
          metrics.mirrorDrift.set(pending - (counts.waiting ?? 0) - (counts.prioritized ?? 0));
      }
    } catch {
      // Redis away: the database gauges above are still current.
    }
  };
  const tick = () =>
    void refresh().catch((error: unknown) => options.logger.debug({ err: error }, 'gauges not refreshed'));
  tick();
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), refresh };
}
