import type {
  AutorestartRepository,
  Config,
  HandlerLostRepository,
  JobRunsRepository,
  Logger,
  LogRetentionRepository,
  Metrics,
  MirrorMarksRepository,
  PendingJobData,
  RedisConnection,
  WebhookDeliveriesRepository,
} from '@luna-streams/shared';
import type { Job, Queue } from 'bullmq';

/** What every job handler may use. */
export interface JobContext {
  config: Config;
  logger: Logger;
  /** One repository per job: the sweep, autorestart (timer and safety net), retention, runs, mirror marks. */
  lostHandlers: HandlerLostRepository;
  autorestarts: AutorestartRepository;
  logRetention: LogRetentionRepository;
  jobRuns: JobRunsRepository;
  mirrorMarks: MirrorMarksRepository;
  /** A connection for plain commands (the mirror sentinel). */
  redis: RedisConnection;
  pendingQueue: Queue<PendingJobData>;
  /** Reconcile re-adds the wake-ups of webhook deliveries that Redis lost. */
  webhookDeliveries: WebhookDeliveriesRepository;
  webhooksQueue: Queue;
  metrics: Metrics;
}

export type JobHandler = (job: Job, ctx: JobContext) => Promise<object>;
