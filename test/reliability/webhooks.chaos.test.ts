import { Redis } from 'ioredis';
import request from 'supertest';
import { ACCOUNT_A, createStream, startTestApi, type TestApi } from '../support/api';
import { startApp, type RunningApp } from '../support/process';
import { ownRedis, type OwnRedis } from '../support/redis-server';
import { eventually } from '../support/wait';
import { Receivers, verifies } from '../support/webhook-receiver';

// Webhooks survive the loss of Redis and of a worker: while streams are created and
// change status, the test's own Redis is flushed and the worker (a real process) is
// SIGKILLed and replaced. Every matching log row must still reach each webhook at least
// once; duplicates are counted and reported (at-least-once allows them).

const LOAD_MS = 8000;
const HOOKS = [
  { path: '/all', statuses: undefined },
  { path: '/paused', statuses: ['pause', 'cancel'] },
  { path: '/flaky', statuses: ['pending'] },
];

let redis: OwnRedis;
let api: TestApi;
let receivers: Receivers;
const workers: RunningApp[] = [];

function startWorker(): Promise<RunningApp> {
  return startApp('worker', {
    DATABASE_URL: api.database.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: api.deps.config.REDIS_PREFIX,
    LOG_LEVEL: 'warn',
    RECONCILE_INTERVAL: '1',
    WEBHOOK_DENY_NETWORKS: 'none',
    WEBHOOK_RETRY_MIN: '1',
    WEBHOOK_RETRY_MAX: '2',
    WEBHOOK_TIMEOUT_MS: '2000',
  });
}

beforeAll(async () => {
  redis = await ownRedis();
  api = await startTestApi({ REDIS_URL: redis.url, WEBHOOK_DENY_NETWORKS: 'none' });
  receivers = await Receivers.start();
  workers.push(await startWorker());
}, 60_000);
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  await api.close();
  await receivers.stop();
  await redis.stop();
});

/**
 * Creates streams, then moves each one step along pending → pause → pending → cancel →
 * pending per round until `stop.done`; returns the number of status changes.
 */
async function load(stop: { done: boolean }): Promise<number> {
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) ids.push(await createStream(api));
  const next = ['pause', 'pending', 'cancel', 'pending'];
  let changes = 0;
  while (!stop.done) {
    const status = next[Math.floor(changes / ids.length) % next.length];
    await request(api.app)
      .patch(`/1/streams/${ids[changes % ids.length]!}`)
      .send({ status })
      .expect(204);
    changes++;
  }
  return changes;
}

it('delivers every matching row at least once through a Redis flush and a SIGKILLed worker', async () => {
  let calls = 0;
  let refused = 0;
  receivers.answer('/flaky', (_m, res) => {
    const fail = ++calls % 5 === 0;
    if (fail) refused++;
    res.writeHead(fail ? 500 : 200).end();
  });
  const hooks = [];
  for (const { path, statuses } of HOOKS) {
    const res = await request(api.app)
      .post('/1/webhooks')
      .send({ account_id: ACCOUNT_A, url: receivers.url(path), ...(statuses ? { statuses } : {}) })
      .expect(201);
    hooks.push({ path, statuses, ...(res.body as { webhook_id: string; secret: string }) });
  }
  const { rows: start } = await api.deps.db.pool.query('SELECT max(log_cursor) AS seq FROM webhooks');

  const stop = { done: false };
  const loading = load(stop);
  await new Promise((resolve) => setTimeout(resolve, LOAD_MS / 3));
  const client = new Redis(redis.url);
  await client.flushall();
  client.disconnect();
  await new Promise((resolve) => setTimeout(resolve, LOAD_MS / 3));
  await workers[0]!.stop('SIGKILL');
  workers.push(await startWorker());
  await new Promise((resolve) => setTimeout(resolve, LOAD_MS / 3));
  stop.done = true;
  const changes = await loading;

  const report: string[] = [];
  for (const hook of hooks) {
    const { rows } = await api.deps.db.pool.query<{ seq: string }>(
      `SELECT seq FROM stream_logs WHERE account_id = $1 AND seq > $2 AND ($3::text[] IS NULL OR status = ANY($3))`,
      [ACCOUNT_A, start[0].seq, hook.statuses ?? null],
    );
    const expected = new Set(rows.map((r) => Number(r.seq)));
    const got = () => new Set(receivers.messages(hook.path).map((m) => m.data.seq));
    await eventually(() => [...expected].every((seq) => got().has(seq)), 60_000, `every row at ${hook.path}`, 250);
    const settled = async () =>
      (
        await api.deps.db.pool.query(
          `SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1 AND state <> 'delivered'`,
          [hook.webhook_id],
        )
      ).rows[0].n === 0;
    await eventually(settled, 30_000, `every delivery of ${hook.path} settled`, 250);
    const messages = receivers.messages(hook.path);
    expect(messages.every((m) => verifies(m, hook.secret))).toBe(true);
    expect([...got()].filter((seq) => !expected.has(seq))).toEqual([]);
    // A message answered 500 is sent again by design: only repeats beyond those are duplicates.
    const retried = hook.path === '/flaky' ? refused : 0;
    report.push(`${hook.path}: ${expected.size} rows, ${messages.length - got().size - retried} duplicates`);
  }
  process.stdout.write(`webhooks chaos: ${changes} status changes; ${report.join('; ')}\n`);
});
