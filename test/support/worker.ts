import { createLogger } from '../../packages/shared/src';
import { composeWorker } from '../../apps/worker/src/compose';
import { checkAnswers } from './answer-check';
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
  const worker = composeWorker(config, createLogger({ level: 'silent', name: 'test-worker', pretty: false }));
  // Its answers are checked against the OpenAPI document too; shutting it down fails when one differed.
  const answers = checkAnswers(worker.app);
  const shutdown = worker.shutdown.run.bind(worker.shutdown);
  worker.shutdown.run = async (reason: string) => {
    await shutdown(reason);
    const problems = answers.problems();
    if (problems.length > 0)
      throw new Error(`worker answers that differ from docs/openapi.yaml:\n  ${problems.join('\n  ')}`);
  };
  return worker;
}
