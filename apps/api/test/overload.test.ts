import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pg from 'pg';
import request from 'supertest';
import { createAndTake, createStream, startTestApi, type TestApi } from '../../../test/support/api';
import { eventually } from '../../../test/support/wait';
import { startTestWorker } from '../../../test/support/worker';

// Overload is not an outage (docs/dev/operations.md, Overload): with every pool connection busy on slow list
// requests, the API refuses what it cannot queue at once, answers a request that waited
// too long with the overload error (503, code 3, Retry-After), never with code 2, and
// /healthcheck keeps answering 200 on a connection of its own, never waiting for the pool
// (bench/overload.ts measures it against 1 s under 200 clients). Margins are the wait
// timeout: what waited for a connection takes at least that long, what did not takes less.

const POOL = 2;
const MAX_WAITING = 8;
const WAIT_TIMEOUT_MS = 3000;
const REQUESTS = 40;

let api: TestApi;
let server: Server;
let base: string;
let admin: pg.Client;

beforeAll(async () => {
  api = await startTestApi({
    DB_POOL_SIZE: String(POOL),
    DB_POOL_MAX_WAITING: String(MAX_WAITING),
    DB_POOL_WAIT_TIMEOUT_MS: String(WAIT_TIMEOUT_MS),
  });
  for (let i = 0; i < 3; i++) await createStream(api, { name: `cam-${i}` });
  await api.deps.mirror.drainNow();
  server = api.app.listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  admin = new pg.Client({ connectionString: api.database.url });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await new Promise((resolve) => server?.close(resolve));
  await api?.close();
});

interface Answer {
  status: number;
  code?: number;
  retryAfter: string | null;
  ms: number;
}

async function get(path: string): Promise<Answer> {
  const started = Date.now();
  const res = await fetch(base + path);
  const body = (await res.json()) as { error_code?: number };
  return {
    status: res.status,
    code: body.error_code,
    retryAfter: res.headers.get('retry-after'),
    ms: Date.now() - started,
  };
}

/** Sessions waiting on a lock in this test's database: the list statements the table lock holds. */
async function blockedStatements(): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return rows[0]!.n;
}

it('answers overload (503, code 3, Retry-After) instead of code 2, and health stays 200 without waiting for the pool', async () => {
  // The lock makes every list statement slow, while the database itself answers at once.
  await admin.query('BEGIN');
  await admin.query('LOCK TABLE streams IN ACCESS EXCLUSIVE MODE');
  const answers: Answer[] = [];
  const lists = Array.from({ length: REQUESTS }, () => get('/1/streams?page_size=100').then((a) => answers.push(a)));
  const health: Answer[] = [];
  let polling = true;
  const poll = (async () => {
    while (polling) {
      health.push(await get('/healthcheck'));
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    // Every request but those whose statements wait on the lock gets its answer while the lock holds.
    await eventually(
      async () => (await blockedStatements()) >= 1 && answers.length >= REQUESTS - POOL,
      20_000,
      'answers to the requests that could not get a connection',
    );
  } finally {
    await admin.query('COMMIT');
  }
  await Promise.all(lists);
  polling = false;
  await poll;

  const overload = answers.filter((a) => a.status !== 200);
  expect(answers.filter((a) => a.code === 2)).toEqual([]);
  expect(overload.length).toBeGreaterThanOrEqual(REQUESTS - POOL - MAX_WAITING);
  for (const a of overload) expect(a).toMatchObject({ status: 503, code: 3, retryAfter: '1' });
  // Beyond the bound: refused at once, not after the wait timeout.
  expect(overload.filter((a) => a.ms < WAIT_TIMEOUT_MS).length).toBeGreaterThanOrEqual(REQUESTS - POOL - MAX_WAITING);
  // The health check never waited for the busy pool.
  expect(health.length).toBeGreaterThanOrEqual(3);
  expect(health.filter((h) => h.status !== 200 || h.ms >= WAIT_TIMEOUT_MS)).toEqual([]);
  // The statements that held the pool's connections finish once the lock is gone.
  expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1);
});

it("shares the mechanism on the worker's feedback endpoint, and the worker's health stays 200", async () => {
  const worker = startTestWorker(api, {
    WORKER_ROLES: 'http',
    DB_POOL_SIZE: '1',
    DB_POOL_MAX_WAITING: '1',
    DB_POOL_WAIT_TIMEOUT_MS: String(WAIT_TIMEOUT_MS),
  });
  const [id] = await createAndTake(api, 1);
  const feedback = { streams: [{ stream_id: id, status: 'in_progress', version: 1 }] };
  const post = () =>
    request(worker.app)
      .post('/1/streams/feedback')
      .send(feedback)
      .then((res) => res);
  await admin.query('BEGIN');
  await admin.query('LOCK TABLE streams IN ACCESS EXCLUSIVE MODE');
  try {
    // The worker's one connection waits on the lock.
    const holding = post();
    await eventually(async () => (await blockedStatements()) >= 1, 20_000, 'the feedback statement to wait');
    // Health, with the job listing, on its own connection: not behind the busy one (the
    // listing would be left out after a refused wait).
    const started = Date.now();
    const health = await request(worker.app).get('/healthcheck').expect(200);
    expect(Date.now() - started).toBeLessThan(WAIT_TIMEOUT_MS);
    expect(health.body.jobs).toBeDefined();
    // One feedback may wait for the connection; the next finds no room and is refused at once.
    const waiting = post();
    await eventually(async () => worker.deps.db.pool.waitingCount >= 1, 20_000, 'a feedback to wait');
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.body.error_code).toBe(3);
    expect(refused.headers['retry-after']).toBe('1');
    await admin.query('COMMIT');
    expect((await holding).status).toBe(200);
    expect((await waiting).status).toBe(200);
  } finally {
    await admin.query('ROLLBACK').catch(() => undefined);
    await worker.shutdown.run('test');
  }
});
