import { randomBytes } from 'node:crypto';
import { createLogger, parseConfig, type Config } from '../../packages/shared/src';
import { composeApi } from '../../apps/api/src/compose';
import { checkAnswers } from './answer-check';
import { createTestDatabase, type TestDatabase } from './database';
import { TEST_REDIS_URL } from './env';
import { deleteKeysWithPrefix } from './redis-server';

import { ACCOUNT_A, HANDLER } from './seed';

export { ACCOUNT_A, ACCOUNT_B, HANDLER } from './seed';

export function testConfig(databaseUrl: string, env: Record<string, string> = {}): Config {
  return parseConfig({
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `{luna-test-${randomBytes(4).toString('hex')}}`,
    LOG_LEVEL: 'silent',
    ...env,
  });
}

export interface TestApi {
  app: ReturnType<typeof composeApi>['app'];
  /** The management port's app (MANAGEMENT_PORT): health and metrics only. */
  management: ReturnType<typeof composeApi>['management'];
  deps: ReturnType<typeof composeApi>['deps'];
  pendingQueue: ReturnType<typeof composeApi>['pendingQueue'];
  database: TestDatabase;
  close(): Promise<void>;
}

/** An API on a database of its own, as main.ts builds it, for supertest. */
export async function startTestApi(env: Record<string, string> = {}): Promise<TestApi> {
  const database = await createTestDatabase();
  const config = testConfig(database.url, env);
  const { app, management, deps, shutdown, pendingQueue } = composeApi(
    config,
    createLogger({ level: 'silent', name: 'test', pretty: false }),
  );
  const answers = checkAnswers(app);
  return {
    app,
    management,
    deps,
    pendingQueue,
    database,
    async close() {
      await shutdown.run('test finished');
      if (config.REDIS_URL) await deleteKeysWithPrefix(config.REDIS_URL, config.REDIS_PREFIX);
      await database.drop();
      // Every answer of this file, checked against the OpenAPI document.
      const problems = answers.problems();
      if (problems.length > 0) {
        throw new Error(`answers that differ from docs/openapi.yaml:\n  ${problems.join('\n  ')}`);
      }
    },
  };
}

/** A minimal valid create body (spec examples 2.1), with overrides. */
export function streamBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    account_id: ACCOUNT_A,
    data: { type: 'tcp', reference: 'rtsp://10.0.0.15:554/live/ch1' },
    event_handler: { origin: 'http://127.0.0.1:5000', api_version: 6, bestshot_handler: { handler_id: HANDLER } },
    ...overrides,
  };
}

/** Creates a stream through the API and returns its id. */
export async function createStream(api: TestApi, overrides: Record<string, unknown> = {}): Promise<string> {
  const { default: request } = await import('supertest');
  const res = await request(api.app).post('/1/streams').send(streamBody(overrides));
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.stream_id as string;
}

/**
 * Puts a stream into a status the API cannot reach yet by itself (in_progress, done,
 * failure come from agents), as those paths would leave it.
 */
export async function forceStatus(
  api: TestApi,
  streamId: string,
  status: string,
  extra: { autorestart_current_attempt?: number; autorestart_status?: string; last_error?: string } = {},
): Promise<void> {
  await api.deps.db.prisma.stream.update({ where: { stream_id: streamId }, data: { status, ...extra } });
}

export async function logStatuses(api: TestApi, streamId: string): Promise<string[]> {
  const rows = await api.deps.db.prisma.streamLog.findMany({
    where: { stream_id: streamId },
    orderBy: [{ log_time: 'asc' }, { seq: 'asc' }],
  });
  return rows.map((r) => `${r.status}/${r.version}`);
}

/** Creates `n` streams and takes them all, as an agent would; returns their ids in queue order. */
export async function createAndTake(
  api: TestApi,
  n: number,
  overrides: Record<string, unknown> = {},
): Promise<string[]> {
  const { default: request } = await import('supertest');
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await createStream(api, overrides));
  const res = await request(api.app)
    .post('/1/streams/processing/queue')
    .send({ filters: { stream_ids: ids }, limit: n });
  if (res.status !== 200 || res.body.streams.length !== n) throw new Error(`take failed: ${res.status}`);
  return ids;
}

/** The test API listening on a loopback port, for clients that speak real HTTP. */
export async function listen(api: TestApi): Promise<{ url: string; close(): Promise<void> }> {
  const server = api.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** GET /1/streams/{id}, expecting 200: the stream object. */
export async function getStream(api: TestApi, id: string) {
  const { default: request } = await import('supertest');
  const res = await request(api.app).get(`/1/streams/${id}`);
  if (res.status !== 200) throw new Error(`get ${id} answered ${res.status}`);
  return res.body;
}
