import type { BackgroundRepository, Config, Logger, Metrics, PendingJobData } from '@luna-streams/shared';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** What every job handler may use. */
export interface JobContext {
  config: Config;
  logger: Logger;
  background: BackgroundRepository;
  /** A connection for plain commands (the mirror sentinel). */
  redis: Redis;
  pendingQueue: Queue<PendingJobData>;
  metrics: Metrics;
}

export type JobHandler = (job: Job, ctx: JobContext) => Promise<object>;
