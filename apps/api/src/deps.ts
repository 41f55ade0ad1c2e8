import type {
  Config,
  Database,
  DeniedNetworks,
  FeedbackRepository,
  GroupsRepository,
  QueueRepository,
  ScheduledAutorestart,
  Logger,
  Metrics,
  MirrorDrain,
  RedisConnection,
  RedisWatch,
  Shutdown,
  StreamChangesRepository,
  StreamLogFeed,
  StreamLogsRepository,
  StreamsRepository,
  WebhooksRepository,
} from '@luna-streams/shared';
import type { Queue } from 'bullmq';
import type { FeedHub } from './events/feed-hub';

/** What the API's routes need; main.ts builds it, tests build it the same way. */
export interface ApiDeps {
  config: Config;
  logger: Logger;
  db: Database;
  redis: RedisConnection;
  /** Whether `redis` reaches Redis, kept current in the background for /healthcheck. */
  redisWatch: RedisWatch;
  streams: StreamsRepository;
  streamChanges: StreamChangesRepository;
  streamLogs: StreamLogsRepository;
  /** GET /1/streams/events: the reads, and the process's one reader and its clients. */
  eventFeed: StreamLogFeed;
  events: FeedHub;
  queue: QueueRepository;
  feedback: FeedbackRepository;
  groups: GroupsRepository;
  webhooks: WebhooksRepository;
  /** Wakes the worker for a retried delivery. */
  webhooksQueue: Queue;
  /** WEBHOOK_DENY_NETWORKS, checked when a URL is saved. */
  deniedNetworks: DeniedNetworks;
  scheduleAutorestarts: (restarts: ScheduledAutorestart[]) => Promise<void>;
  mirror: Pick<MirrorDrain, 'drainNow' | 'problem'>;
  shutdown: Shutdown;
  metrics: Metrics;
  /** The BullMQ queues the dashboard shows. */
  dashboardQueues: Queue[];
}
