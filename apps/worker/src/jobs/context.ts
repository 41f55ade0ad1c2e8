import type {
  BackgroundRepository,
  Config,
  Logger,
  Metrics,
  PendingJobData,
  RedisConnection,
} from '@luna-streams/shared';
import type { Job, Queue } from 'bullmq';

/** What every job handler may use. */
export interface JobContext {
  config: Config;
  logger: Logger;
  background: BackgroundRepository;
  /** A connection for plain commands (the mirror sentinel). */
  redis: RedisConnection;
  pendingQueue: Queue<PendingJobData>;
  metrics: Metrics;
}

export type JobHandler = (job: Job, ctx: JobContext) => Promise<object>;
