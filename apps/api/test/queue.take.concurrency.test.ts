import pg from 'pg';
import { startApp, type RunningApp } from '../../../test/support/process';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { seedStreams } from '../../../test/support/seed';

// Exactly once across processes: two API copies on one database, twenty agents taking
// concurrently from both until the queue is empty. Every stream is handed out once.

const STREAMS = 500;
const TAKERS = 20;

async function takeAll(apis: RunningApp[]): Promise<{ ids: string[] }> {
  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: TAKERS }, async (_, taker) => {
      const base = `http://127.0.0.1:${apis[taker % apis.length]!.port}`;
      for (let round = 0; ; round++) {
        const res = await fetch(`${base}/1/streams/processing/queue`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ filters: {}, limit: 1 + ((taker + round) % 5) }),
        });
        if (res.status !== 200) throw new Error(`take answered ${res.status}: ${await res.text()}`);
        const body = (await res.json()) as { streams: { stream_id: string; status: string }[] };
        if (body.streams.length === 0) return;
        for (const s of body.streams) {
          expect(s.status).toBe('in_progress');
          ids.push(s.stream_id);
        }
      }
    }),
  );
  return { ids };
}

async function inProgressCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM streams WHERE status = 'in_progress'");
  const logs = await client.query<{ n: string }>("SELECT count(*) AS n FROM stream_logs WHERE status = 'in_progress'");
  await client.end();
  expect(Number(logs.rows[0]!.n)).toBe(Number(rows[0]!.n)); // one log row per take
  return Number(rows[0]!.n);
}

describe('queue take across two API processes', () => {
  let database: TestDatabase;
  let apis: RunningApp[] = [];

  afterEach(async () => {
    await Promise.all(apis.map((a) => a.stop()));
    apis = [];
    await database.drop();
  });

  it(`hands each of ${STREAMS} streams to exactly one of ${TAKERS} takers`, async () => {
    database = await createTestDatabase();
    await seedStreams(database.url, STREAMS, { returnIds: false });
    const env = { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL };
    apis = await Promise.all([startApp('api', env), startApp('api', env)]);
    const { ids } = await takeAll(apis);
    expect(ids).toHaveLength(STREAMS);
    expect(new Set(ids).size).toBe(STREAMS);
    expect(await inProgressCount(database.url)).toBe(STREAMS);
  });

  it('never exceeds MAX_IN_PROGRESS_STREAMS when takes race', async () => {
    database = await createTestDatabase();
    await seedStreams(database.url, STREAMS, { returnIds: false });
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      MAX_IN_PROGRESS_STREAMS: '37',
    };
    apis = await Promise.all([startApp('api', env), startApp('api', env)]);
    const { ids } = await takeAll(apis);
    expect(ids).toHaveLength(37);
    expect(new Set(ids).size).toBe(37);
    expect(await inProgressCount(database.url)).toBe(37);
  });
});
