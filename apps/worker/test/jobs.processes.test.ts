import { Queue } from 'bullmq';
import pg from 'pg';
import { JOB_NAMES, JOBS_QUEUE } from '@luna-streams/shared';
import request from 'supertest';
import { startTestApi, type TestApi } from '../../../test/support/api';
import { seedStreams } from '../../../test/support/seed';
import { startApp, type RunningApp } from '../../../test/support/process';
import { eventually } from '../../../test/support/wait';
import { TEST_REDIS_URL } from '../../../test/support/env';

// Background jobs across worker processes: every restart and every sweep happens exactly
// once, also when a worker dies in the middle of a sweep.

let api: TestApi;
let workers: RunningApp[] = [];
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  workers = [];
  await api.close();
});

function workerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: api.database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: api.deps.config.REDIS_PREFIX,
    LOG_LEVEL: 'warn',
    STREAM_STATUS_OBSOLETING_PERIOD: '2',
    STREAM_STATUS_OBSOLETING_INTERVAL: '1',
    RECONCILE_INTERVAL: '1',
    ...extra,
  };
}

/** In-progress streams that fail or go silent here; autorestart delay 1 s. */
function insertInProgress(n: number, silentForSeconds = 0): Promise<string[]> {
  return seedStreams(api.deps.db.pool, n, { status: 'in_progress', autorestartDelay: 1, silentForSeconds });
}

async function autorestartTimers(): Promise<number> {
  const queue = new Queue(JOBS_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix: api.deps.config.REDIS_PREFIX });
  try {
    const jobs = await queue.getJobs(['delayed', 'waiting', 'active', 'prioritized']);
    return jobs.filter((job) => job.name === JOB_NAMES.autorestart).length;
  } finally {
    await queue.close();
  }
}

async function logCounts(status: string): Promise<Map<string, number>> {
  const { rows } = await api.deps.db.pool.query<{ stream_id: string; n: string }>(
    'SELECT stream_id::text, count(*) AS n FROM stream_logs WHERE status = $1 GROUP BY stream_id',
    [status],
  );
  return new Map(rows.map((r) => [r.stream_id, Number(r.n)]));
}

async function countStatus(status: string): Promise<number> {
  const { rows } = await api.deps.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM streams WHERE status = $1', [
    status,
  ]);
  return Number(rows[0]!.n);
}

it('two worker processes restart each of 200 failed streams exactly once', async () => {
  const ids = await insertInProgress(200);
  workers = await Promise.all([startApp('worker', workerEnv()), startApp('worker', workerEnv())]);
  // The failures arrive at both workers, half each, so both set timers.
  const half = [ids.slice(0, 100), ids.slice(100)];
  await Promise.all(
    workers.map((w, i) =>
      request(w.url)
        .post('/1/streams/feedback')
        .send({ streams: half[i]!.map((stream_id) => ({ stream_id, status: 'failure', version: 1, error: 'x' })) })
        .expect(200),
    ),
  );
  await eventually(async () => (await countStatus('pending')) === 200, 30_000, 'all 200 restarted');
  // A duplicate restart could only come from a second timer firing: wait until none is left.
  await eventually(async () => (await autorestartTimers()) === 0, 30_000, 'every autorestart timer fired');
  const restarts = await logCounts('restart');
  expect(restarts.size).toBe(200);
  expect([...restarts.values()].every((n) => n === 1)).toBe(true);
});

it('finishes a sweep of 10,000 silent streams after a worker is killed mid-sweep: one chain each', async () => {
  const ids = await insertInProgress(10_000, 3600);
  const first = await startApp('worker', workerEnv({ SWEEP_BATCH_SIZE: '200' }));
  workers.push(first);
  // Kill it as soon as the first batch has committed.
  await eventually(async () => (await logCounts('handler_lost')).size > 0, 30_000, 'first sweep batch');
  await first.stop('SIGKILL');
  const movedBeforeKill = await countStatus('pending');
  expect(movedBeforeKill).toBeLessThan(10_000);

  workers.push(await startApp('worker', workerEnv({ SWEEP_BATCH_SIZE: '200' })));
  await eventually(async () => (await countStatus('pending')) === 10_000, 60_000, 'every stream pending');
  const client = new pg.Client({ connectionString: api.database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ chain: string; n: string }>(
      `SELECT string_agg(status || '/' || version, ' ' ORDER BY log_time, seq) AS chain, count(*) OVER () AS n
         FROM stream_logs GROUP BY stream_id`,
    );
    expect(rows).toHaveLength(ids.length);
    expect(new Set(rows.map((r) => r.chain))).toEqual(new Set(['handler_lost/1 restart/2 pending/2']));
    const versions = await client.query("SELECT count(*) AS n FROM streams WHERE version = 2 AND status = 'pending'");
    expect(Number(versions.rows[0].n)).toBe(10_000);
  } finally {
    await client.end();
  }
});
