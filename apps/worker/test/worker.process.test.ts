import request from 'supertest';
import { startApp } from '../../../test/support/process';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { eventually } from '../../../test/support/wait';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ empty: true });
});
afterAll(() => database.drop());

describe('worker process', () => {
  it('migrates, serves /healthcheck, and exits 0 on SIGTERM', async () => {
    const worker = await startApp('worker', {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
    });
    try {
      const res = await request(`http://127.0.0.1:${worker.port}`).get('/healthcheck').expect(200);
      expect(res.body.execution_time).toEqual(expect.any(Number));
      // The schedulers ran their first ticks, recorded in PostgreSQL.
      await eventually(async () => {
        const health = await request(`http://127.0.0.1:${worker.port}`).get('/healthcheck');
        return Boolean(health.body.jobs?.['handler-lost-sweep']?.last_finished_at && health.body.jobs?.reconcile);
      });
      expect(res.headers['luna-request-id']).toMatch(/^[0-9]{10},/);
      await request(`http://127.0.0.1:${worker.port}`).get('/nowhere').expect(404);
    } finally {
      expect(await worker.stop('SIGTERM')).toBe(0);
    }
    expect(worker.output()).toContain('shutdown complete');
  });

  it('stops at start with one line naming a bad variable', async () => {
    await expect(
      startApp('worker', { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, DB_POOL_SIZE: 'many' }),
    ).rejects.toThrow(/exited with 1:\nEnvironment variable DB_POOL_SIZE is invalid: expected an integer\n$/);
  });
});

describe('api process', () => {
  it('starts on a migrated database and exits 0 on SIGTERM after answering', async () => {
    const api = await startApp('api', { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL });
    try {
      await request(`http://127.0.0.1:${api.port}`).get('/version').expect(200);
      await request(`http://127.0.0.1:${api.port}`).get('/1/streams/count').expect(200, { streams_count: 0 });
    } finally {
      expect(await api.stop('SIGTERM')).toBe(0);
    }
  });
});
