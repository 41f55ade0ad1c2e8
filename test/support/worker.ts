import { createLogger } from '../../packages/shared/src';
import { composeWorker } from '../../apps/worker/src/compose';
import { testConfig, type TestApi } from './api';

export type TestWorker = ReturnType<typeof composeWorker>;

/** A worker (HTTP and jobs) on the API's database and BullMQ prefix, with short periods by default. */
export function startTestWorker(api: TestApi, env: Record<string, string> = {}): TestWorker {
  const config = testConfig(api.database.url, {
    REDIS_PREFIX: api.deps.config.REDIS_PREFIX,
    REDIS_URL: api.deps.config.REDIS_URL ?? '',
    STREAM_STATUS_OBSOLETING_PERIOD: '2',
    STREAM_STATUS_OBSOLETING_INTERVAL: '1',
    RECONCILE_INTERVAL: '1',
    ...env,
  });
  return composeWorker(config, createLogger({ level: 'silent', name: 'test-worker', pretty: false }));
}
