import request from 'supertest';
import { createAndTake, startTestApi, type TestApi } from '../../../test/support/api';
import { ownRedis, type OwnRedis } from '../../../test/support/redis-server';
import { eventually } from '../../../test/support/wait';
import { startTestWorker, type TestWorker } from '../../../test/support/worker';
import { FALLBACK_TICK_MS } from '../src/jobs-fallback';

// While Redis is down, BullMQ cannot run the jobs; two workers keep the handler_lost
// sweep and the due autorestarts going from PostgreSQL, one at a time, and each stream
// moves once. When Redis is back, the BullMQ schedulers run them again.

const PERIOD = 2;
const INTERVAL = 1;
const DELAY = 2;
const TICK = FALLBACK_TICK_MS / 1000;
// A silent stream: one tick to reach the next sweep, and one more for a tick that a
// loaded machine starts late. An autorestart: the fallback wakes for its deadline, so only
// the tick for load.
const TICKS = 2 * TICK;

let redis: OwnRedis;
let api: TestApi;
let workers: TestWorker[];
beforeAll(async () => {
  redis = await ownRedis();
  api = await startTestApi({ REDIS_URL: redis.url });
  const env = {
    STREAM_STATUS_OBSOLETING_PERIOD: String(PERIOD),
    STREAM_STATUS_OBSOLETING_INTERVAL: String(INTERVAL),
    // Reconcile's own safety net (2 s overdue) must not be what restarts the failures here.
    RECONCILE_INTERVAL: '60',
  };
  workers = [startTestWorker(api, env), startTestWorker(api, env)];
  await eventually(async () => workers.every((w) => w.jobs!.status().bullmq.up), 10_000, 'workers on BullMQ');
});
afterAll(async () => {
  for (const worker of workers) await worker.shutdown.run('test');
  await api.close();
  await redis.stop();
});

/** Seconds from each stream's `from` log row to its `to` row, and how many `to` rows it has. */
async function gaps(ids: string[], from: string, to: string): Promise<{ seconds: number; count: number }[]> {
  const { rows } = await api.deps.db.pool.query<{ seconds: number; count: number }>(
    `SELECT EXTRACT(EPOCH FROM min(log_time) FILTER (WHERE status = $3)
                             - max(log_time) FILTER (WHERE status = $2))::float8 AS seconds,
            count(*) FILTER (WHERE status = $3)::int AS count
       FROM stream_logs WHERE stream_id = ANY($1::uuid[]) GROUP BY stream_id`,
    [ids, from, to],
  );
  return rows;
}

const pendingCount = async (ids: string[]) =>
  api.deps.db.prisma.stream.count({ where: { stream_id: { in: ids }, status: 'pending' } });

it('moves silent streams and restarts due failures from PostgreSQL while Redis is down, each once', async () => {
  await redis.stop();
  await eventually(async () => workers.every((w) => w.jobs!.status().fallback.active), 10_000, 'fallback active');

  const silent = await createAndTake(api, 10);
  const failing = await createAndTake(api, 5, { autorestart: { restart: 1, attempt_count: 1, delay: DELAY } });
  await request(workers[0]!.app)
    .post('/1/streams/feedback')
    .send({ streams: failing.map((stream_id) => ({ stream_id, status: 'failure', version: 1, error: 'x' })) })
    .expect(200);
  const deadlines = await api.deps.db.prisma.stream.findMany({
    where: { stream_id: { in: failing } },
    select: { autorestart_next_at: true },
  });
  expect(deadlines.every((d) => d.autorestart_next_at !== null)).toBe(true);

  const bound = PERIOD + INTERVAL + TICKS;
  await eventually(async () => (await pendingCount(silent)) === 10, (bound + 5) * 1000, 'silent streams pending');
  await eventually(async () => (await pendingCount(failing)) === 5, (DELAY + TICKS + 5) * 1000, 'failures restarted');

  // Silent for the period, then moved within an interval and a tick or two; once each.
  const lost = await gaps(silent, 'in_progress', 'handler_lost');
  process.stdout.write(`in_progress → handler_lost: ${lost.map((g) => g.seconds.toFixed(2)).join(', ')} s\n`);
  expect(lost).toHaveLength(10);
  for (const { seconds, count } of lost) {
    expect(count).toBe(1);
    expect(seconds).toBeGreaterThanOrEqual(PERIOD);
    expect(seconds).toBeLessThanOrEqual(bound);
  }
  // Restarted at their deadline (the delay after the failure), within a tick at most; once each.
  const restarts = await gaps(failing, 'failure', 'restart');
  process.stdout.write(`failure → restart: ${restarts.map((g) => g.seconds.toFixed(2)).join(', ')} s\n`);
  expect(restarts).toHaveLength(5);
  for (const { seconds, count } of restarts) {
    expect(count).toBe(1);
    expect(seconds).toBeGreaterThanOrEqual(DELAY - 0.05);
    expect(seconds).toBeLessThanOrEqual(DELAY + TICK);
  }
  const states = workers.map((w) => w.jobs!.status().fallback.lastTick);
  expect(states.every((s) => s === 'ran' || s === 'locked')).toBe(true);
});

it('hands the jobs back to BullMQ when Redis is back', async () => {
  await redis.start();
  await eventually(
    async () => workers.every((w) => w.jobs!.status().bullmq.up && !w.jobs!.status().fallback.active),
    15_000,
    'BullMQ back',
  );
  const backAt = new Date();
  const silent = await createAndTake(api, 3);
  await eventually(async () => (await pendingCount(silent)) === 3, (PERIOD + INTERVAL + TICKS + 5) * 1000, 'swept');
  const run = await api.deps.db.prisma.jobRun.findUnique({ where: { job: 'handler-lost-sweep' } });
  expect(run!.last_started_at.getTime()).toBeGreaterThan(backAt.getTime());
  expect(workers.every((w) => !w.jobs!.status().fallback.active)).toBe(true);
});
