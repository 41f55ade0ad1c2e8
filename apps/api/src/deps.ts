import type {
  Config,
  Database,
  FeedbackRepository,
  GroupsRepository,
  QueueRepository,
  ScheduledAutorestart,
  Logger,
  Metrics,
  RedisConnection,
  Shutdown,
  StreamChangesRepository,
  StreamLogFeed,
  StreamLogsRepository,
  StreamsRepository,
} from '@luna-streams/shared';
import type { Queue } from 'bullmq';
import type { FeedHub } from './events/feed-hub';

/** What the API's routes need; main.ts builds it, tests build it the same way. */
export interface ApiDeps {
  config: Config;
  logger: Logger;
  db: Database;
  redis: RedisConnection;
  streams: StreamsRepository;
  streamChanges: StreamChangesRepository;
  streamLogs: StreamLogsRepository;
  /** GET /1/streams/events: the reads, and the process's one reader and its clients. */
  eventFeed: StreamLogFeed;
  events: FeedHub;
  queue: QueueRepository;
  feedback: FeedbackRepository;
  groups: GroupsRepository;
  scheduleAutorestarts: (restarts: ScheduledAutorestart[]) => Promise<void>;
  mirror: { drainNow(): Promise<number> };
  shutdown: Shutdown;
  metrics: Metrics;
  /** The BullMQ queues the dashboard shows. */
  dashboardQueues: Queue[];
}
