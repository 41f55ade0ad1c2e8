// BullMQ queue names and job contracts. Job ids never contain ':' and are never integers
// (BullMQ treats an id it still holds as a duplicate and silently skips the add).

/** The mirror of the pending set, for dashboards; never read to decide who gets a stream. */
export const STREAMS_PENDING_QUEUE = 'streams-pending';

/** The worker's background jobs: the schedulers' ticks and the autorestart timers. */
export const JOBS_QUEUE = 'luna-jobs';

export interface PendingJobData {
  stream_id: string;
  account_id: string;
}

export const JOB_NAMES = {
  handlerLostSweep: 'handler-lost-sweep',
  autorestart: 'autorestart',
  reconcile: 'reconcile',
  logRetention: 'log-retention',
} as const;
export type JobName = (typeof JOB_NAMES)[keyof typeof JOB_NAMES];

export interface AutorestartJobData {
  stream_id: string;
  /** autorestart_next_at of the failure this timer belongs to, in epoch ms. */
  deadline: number;
}

/** One timer per failure: the deadline in the id means a new failure never collides with an old job. */
export function autorestartJobId(streamId: string, deadline: number): string {
  return `autorestart-${streamId}-${deadline}`;
}

/** Every job and scheduler template removes itself when done (docs/dev/conventions.md, BullMQ). */
export const SELF_REMOVING = { removeOnComplete: true, removeOnFail: true } as const;

/** Redis key whose absence tells reconcile that Redis lost the mirror (flushed or replaced). */
export function mirrorSentinelKey(prefix: string): string {
  return `${prefix}:${STREAMS_PENDING_QUEUE}:sentinel`;
}
