import { JOB_NAMES, type Config, type JobName } from '@luna-streams/shared';
import { runAutorestart } from './jobs/autorestart';
import type { JobHandler } from './jobs/context';
import { sweepLostHandlers } from './jobs/handler-lost-sweep';
import { deleteOldLogs } from './jobs/log-retention';
import { reconcile } from './jobs/reconcile';

/** Every job the worker runs, by name; checked at start-up against the schedulers. */
export const JOB_HANDLERS: Record<JobName, JobHandler> = {
  [JOB_NAMES.handlerLostSweep]: sweepLostHandlers,
  [JOB_NAMES.autorestart]: runAutorestart,
  [JOB_NAMES.reconcile]: reconcile,
  [JOB_NAMES.logRetention]: deleteOldLogs,
};

export interface Scheduler {
  name: JobName;
  everyMs: number;
  /** A scheduler that is off is removed from Redis. */
  enabled: boolean;
}

/** Every repeating job in one list (DESIGN.md section 5). */
export function schedulers(config: Config): Scheduler[] {
  return [
    {
      name: JOB_NAMES.handlerLostSweep,
      everyMs: config.STREAM_STATUS_OBSOLETING_INTERVAL * 1000,
      enabled: true,
    },
    { name: JOB_NAMES.reconcile, everyMs: config.RECONCILE_INTERVAL * 1000, enabled: true },
    { name: JOB_NAMES.logRetention, everyMs: 3600_000, enabled: config.STREAM_LOG_RETENTION_DAYS !== undefined },
  ];
}
