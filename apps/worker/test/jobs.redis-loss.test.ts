import { Redis } from 'ioredis';
import { mirrorSentinelKey } from '@luna-streams/shared';
import request from 'supertest';
import { createStream, startTestApi, type TestApi } from '../../../test/support/api';
import { ownRedis, type OwnRedis } from '../../../test/support/redis-server';
import { eventually } from '../../../test/support/wait';
import { startTestWorker, type TestWorker } from '../../../test/support/worker';

// Redis can be lost (DESIGN.md section 2): on a Redis of the test's own, 50 autorestart
// timers are set, then Redis is flushed. Reconcile restarts every stream anyway, the
// schedulers come back, and the mirror is rebuilt.

let redis: OwnRedis;
let api: TestApi;
let worker: TestWorker;
let client: Redis;
beforeAll(async () => {
  redis = await ownRedis();
  api = await startTestApi({ REDIS_URL: redis.url, MIRROR_DRAIN_INTERVAL_MS: '100' });
  worker = startTestWorker(api, { STREAM_STATUS_OBSOLETING_PERIOD: '600' });
  client = new Redis(redis.url);
});
afterAll(async () => {
  client.disconnect();
  await worker.shutdown.run('test');
  await api.close();
  await redis.stop();
});

async function pendingIds(): Promise<string[]> {
  const rows = await api.deps.db.prisma.stream.findMany({ where: { status: 'pending' }, select: { stream_id: true } });
  return rows.map((r) => r.stream_id).sort();
}

it('restarts every failure, runs the schedulers again and rebuilds the mirror after a flush', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 50; i++)
    ids.push(await createStream(api, { autorestart: { restart: 1, attempt_count: 3, delay: 3 } }));
  const paused = await createStream(api, { status: 'pause' });
  await request(api.app)
    .post('/1/streams/processing/queue')
    .send({ filters: { stream_ids: ids }, limit: 50 })
    .expect(200);
  await request(worker.app)
    .post('/1/streams/feedback')
    .send({ streams: ids.map((stream_id) => ({ stream_id, status: 'failure', version: 1, error: 'x' })) })
    .expect(200);
  const sentinel = mirrorSentinelKey(api.deps.config.REDIS_PREFIX);
  await eventually(async () => (await client.exists(sentinel)) === 1, 10_000, 'sentinel set by reconcile');
  const timers = await client.keys('*autorestart-*');
  expect(timers.length).toBeGreaterThanOrEqual(50);

  const flushedAt = new Date();
  await client.flushall();

  // Every timer is gone; reconcile (every second) restarts the overdue failures instead.
  await eventually(
    async () =>
      (await api.deps.db.prisma.stream.count({ where: { stream_id: { in: ids }, status: 'pending' } })) === 50,
    20_000,
    'all 50 restarted',
  );
  const restarts = await api.deps.db.prisma.streamLog.groupBy({
    by: ['stream_id'],
    where: { status: 'restart', stream_id: { in: ids } },
    _count: true,
  });
  expect(restarts).toHaveLength(50);
  expect(restarts.every((r) => r._count === 1)).toBe(true);

  // The schedulers came back: their runs continue after the flush.
  await eventually(
    async () => {
      const run = await api.deps.db.prisma.jobRun.findUnique({ where: { job: 'handler-lost-sweep' } });
      return run !== null && run.last_started_at > flushedAt;
    },
    10_000,
    'sweep scheduled again',
  );

  // The mirror was rebuilt: its jobs are the pending streams again, and the sentinel is back.
  await eventually(
    async () => {
      const jobs = await api.pendingQueue.getJobs(['waiting', 'prioritized']);
      return JSON.stringify(jobs.map((j) => j.id).sort()) === JSON.stringify(await pendingIds());
    },
    20_000,
    'mirror rebuilt',
  );
  expect(await client.exists(sentinel)).toBe(1);
  expect(await pendingIds()).not.toContain(paused);
});
