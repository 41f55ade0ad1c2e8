import request from 'supertest';
import { ACCOUNT_A, createStream, startTestApi, type TestApi } from '../../../test/support/api';
import { seedLogs } from '../../../test/support/seed';
import { startApp } from '../../../test/support/process';
import { eventually } from '../../../test/support/wait';
import { startTestWorker } from '../../../test/support/worker';
import { TEST_REDIS_URL } from '../../../test/support/env';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('log retention', () => {
  it('deletes log rows older than STREAM_LOG_RETENTION_DAYS and keeps the rest', async () => {
    const id = await createStream(api);
    const old = Array.from({ length: 25 }, () => 'pause');
    await seedLogs(api.deps.db.pool, { streamIds: [id], perStream: 25, statuses: old, daysAgo: 40 });
    // Webhook deliveries made 40 days ago: the settled ones go, a pending one stays.
    const { rows } = await api.deps.db.pool.query(
      `INSERT INTO webhooks (account_id, url, statuses, secret, log_cursor) VALUES ($1, 'https://h.example.com', '{done}', 'whsec_x', 0)
       RETURNING webhook_id`,
      [ACCOUNT_A],
    );
    await api.deps.db.pool.query(
      `INSERT INTO webhook_deliveries (webhook_id, seq, stream_id, account_id, status, version, log_time, state, give_up_at, create_time)
       SELECT $1, n, $2, $3, 'done', 1, now(), (ARRAY['delivered', 'failed', 'pending'])[n], now(), now() - interval '40 days'
         FROM generate_series(1, 3) AS n`,
      [rows[0].webhook_id, id, ACCOUNT_A],
    );
    const worker = startTestWorker(api, { STREAM_LOG_RETENTION_DAYS: '30' });
    try {
      await eventually(
        async () => (await api.deps.db.prisma.streamLog.count({ where: { stream_id: id } })) === 1,
        15_000,
        'old rows deleted',
      );
      // The logs go first, the deliveries next: wait for the run to be recorded as finished.
      await eventually(
        async () =>
          (await api.deps.db.prisma.jobRun.findUnique({ where: { job: 'log-retention' } }))?.last_finished_at != null,
        15_000,
        'retention run finished',
      );
      const run = await api.deps.db.prisma.jobRun.findUniqueOrThrow({ where: { job: 'log-retention' } });
      expect(run.last_result).toEqual({ deleted: 25, deliveries_deleted: 2 });
      const left = await api.deps.db.prisma.webhookDelivery.findMany({ select: { state: true } });
      expect(left).toEqual([{ state: 'pending' }]);
    } finally {
      await worker.shutdown.run('test');
    }
  });
});

describe('WORKER_ROLES', () => {
  const env = () => ({
    DATABASE_URL: api.database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: api.deps.config.REDIS_PREFIX,
    STREAM_STATUS_OBSOLETING_INTERVAL: '1',
  });

  it('http only: serves feedback and runs no job', async () => {
    await api.deps.db.prisma.jobRun.deleteMany();
    const worker = await startApp('worker', { ...env(), WORKER_ROLES: 'http', LOG_LEVEL: 'info' });
    try {
      await request(worker.url).post('/1/streams/feedback').send({ streams: [] }).expect(200);
      // The worker starts its jobs, if at all, before it listens, and says so: by the time it
      // has said that it listens, the jobs would have said that they started.
      expect(worker.output()).toContain('luna-streams worker listening');
      expect(worker.output()).not.toContain('background jobs started');
      expect(await api.deps.db.prisma.jobRun.count()).toBe(0);
    } finally {
      expect(await worker.stop()).toBe(0);
    }
  });
});
