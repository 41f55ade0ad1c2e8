import pg from 'pg';
import { STREAM_COLUMNS } from '../packages/shared/src/store/stream-sql';
import { seedLogs, seedStreams } from '../test/support/seed';
import {
  analyze,
  freshDatabase,
  latencyClient,
  report,
  startService,
  time,
  waitForMirror,
  type Figure,
} from './support';

// GET /1/streams first page (with and without filters) and GET /1/streams/count over
// 100,000 streams, from the API in a process of its own, each next to the same SQL sent
// straight through pg as its baseline.
// Target: the first page under 20 ms (issue: foundation, acceptance 4).

const STREAMS = Number(process.env.BENCH_STREAMS ?? 100_000);
const ACCOUNTS = 10;

/** 10 accounts, names cam-0..999, three statuses, one log row per stream. */
async function seed(url: string): Promise<void> {
  await seedStreams(url, STREAMS, {
    accounts: ACCOUNTS,
    names: 1000,
    status: ['pending', 'pause', 'done'],
    returnIds: false,
  });
  await seedLogs(url);
  await analyze(url);
}

async function main(): Promise<void> {
  const db = await freshDatabase();
  try {
    process.stdout.write(`seeding ${STREAMS} streams...\n`);
    await seed(db.url);
    const app = await startService('api', db.url);
    const direct = new pg.Pool({ connectionString: db.url, max: 2 });
    const client = latencyClient(app.url);
    try {
      // Steady state: the API has copied the 100,000 seeded streams into the mirror.
      await waitForMirror(db.url);
      await measure(client, direct);
    } finally {
      client.close();
      await direct.end();
      await app.stop();
    }
  } finally {
    await db.drop();
  }
}

async function measure(client: ReturnType<typeof latencyClient>, direct: pg.Pool): Promise<void> {
  const account = '00000000-0000-4000-8000-000000000003';
  const cases: { name: string; path: string; sql: string; args: unknown[] }[] = [
    {
      name: 'list first page',
      path: '/1/streams',
      sql: 'SELECT * FROM streams ORDER BY create_time, seq LIMIT 10',
      args: [],
    },
    {
      name: 'list, account + statuses',
      path: `/1/streams?account_id=${account}&statuses=pending,pause`,
      sql: "SELECT * FROM streams WHERE account_id = $1 AND status IN ('pending','pause') ORDER BY create_time, seq LIMIT 10",
      args: [account],
    },
    {
      name: 'list, names',
      path: '/1/streams?names=cam-7,cam-8&page_size=100',
      sql: "SELECT * FROM streams WHERE name IN ('cam-7','cam-8') ORDER BY create_time, seq LIMIT 100",
      args: [],
    },
    { name: 'count', path: '/1/streams/count', sql: 'SELECT count(*) FROM streams', args: [] },
    {
      name: 'count, account + statuses',
      path: `/1/streams/count?account_id=${account}&statuses=pending`,
      sql: "SELECT count(*) FROM streams WHERE account_id = $1 AND status = 'pending'",
      args: [account],
    },
  ];

  const rows: Figure[] = [];
  for (const c of cases) {
    const api = await time(() => client.get(c.path));
    const sql = await time(() => direct.query(c.sql, c.args));
    const list = c.name.startsWith('list');
    rows.push({
      figure: `100k streams: ${c.name} p95`,
      service: `${api.p95.toFixed(2)} ms`,
      baseline: `${sql.p95.toFixed(2)} ms (pg)`,
      ratio: (sql.p95 / api.p95).toFixed(2),
      target: list ? '< 20 ms' : '-',
      met: list ? (api.p95 < 20 ? 'yes' : 'NO') : '-',
    });
  }
  // The names list returns a page of 100 whole streams: its plan, in the API's shape.
  const plan = await direct.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) SELECT ${STREAM_COLUMNS} FROM streams s WHERE s.name = ANY($1::text[])
      ORDER BY s.create_time, s.seq LIMIT 100 OFFSET 0`,
    [['cam-7', 'cam-8']],
  );
  const explain = plan.rows.map((r) => r['QUERY PLAN']);
  process.stdout.write(`EXPLAIN ANALYZE, list with names:\n${explain.join('\n')}\n`);
  report('list', rows, { streams: STREAMS, explain });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
