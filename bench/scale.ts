import pg from 'pg';
import { STREAM_COLUMNS } from '../packages/shared/src/store/stream-sql';
import { seedAccount, seedLogs, seedStreams } from '../test/support/seed';
import { freshDatabase, latencyClient, limitFigure, report, startService, time, type Figure } from './support';

// With 1,000,000 streams and 5,000,000 log rows: the first page of streams, the logs of
// one stream (p95, target ≤ 10 ms each) and the count (≤ 300 ms). Absolute figures: there
// is no baseline for "a big table".

const STREAMS = Number(process.env.BENCH_SCALE_STREAMS ?? 1_000_000);
const LOGS_PER_STREAM = 5;
const ACCOUNT = seedAccount(7);

async function seed(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // 97 accounts and 4 statuses (coprime), so every account holds streams of every status
  // and the filtered list has a full page to find. Seeding is not what is measured: the
  // mirror triggers are off while it runs.
  await client.query('ALTER TABLE streams DISABLE TRIGGER USER');
  await seedStreams(client, STREAMS, {
    accounts: 97,
    names: 10_000,
    status: ['pending', 'pause', 'done', 'failure'],
    returnIds: false,
  });
  await client.query('ALTER TABLE streams ENABLE TRIGGER USER');
  await seedLogs(client, {
    perStream: LOGS_PER_STREAM,
    statuses: ['pending', 'in_progress', 'failure', 'restart', 'pending'],
  });
  await client.query('VACUUM ANALYZE');
  const { rows } = await client.query<{ stream_id: string }>(
    'SELECT stream_id::text FROM streams ORDER BY seq OFFSET $1 LIMIT 1',
    [Math.floor(STREAMS / 2)],
  );
  await client.end();
  return rows[0]!.stream_id;
}

async function main(): Promise<void> {
  const db = await freshDatabase();
  try {
    const started = Date.now();
    const middle = await seed(db.url);
    process.stdout.write(
      `seeded ${STREAMS} streams and ${STREAMS * LOGS_PER_STREAM} log rows in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
    );
    const app = await startService('api', db.url, { MIRROR_DRAIN_INTERVAL_MS: '60000' });
    const api = latencyClient(app.url);
    const rows: Figure[] = [];
    const timings: Record<string, { p50: number; p95: number }> = {};
    try {
      const cases: [string, string, number, 'p95' | 'p50', number][] = [
        ['list first page', '/1/streams', 10, 'p95', 200],
        ['list, account + statuses', `/1/streams?account_id=${ACCOUNT}&statuses=failure`, 10, 'p95', 200],
        ['logs of one stream', `/1/streams/logs?stream_ids=${middle}`, 10, 'p95', 200],
        ['logs, first page', '/1/streams/logs', 10, 'p95', 200],
        ['count', '/1/streams/count', 300, 'p50', 20],
      ];
      for (const [name, path, target, stat, n] of cases) {
        const t = await time(() => api.get(path), n, 50);
        rows.push(limitFigure(`1M streams, 5M logs: ${name} ${stat}`, t[stat], target, 'ms', 2));
        timings[name] = { p50: t.p50, p95: t.p95 };
      }
    } finally {
      api.close();
      await app.stop();
    }
    // The plans of the lists, in the API's statement shapes, for the note a missed target
    // calls for. Run twice: the first run of a plan in a new session reads the catalog.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const plans: Record<string, string[]> = {};
    const statements: [string, string, unknown[]][] = [
      [
        'list first page',
        `SELECT ${STREAM_COLUMNS} FROM streams s ORDER BY s.create_time, s.seq LIMIT 10 OFFSET 0`,
        [],
      ],
      [
        'list, account + statuses',
        `SELECT ${STREAM_COLUMNS} FROM streams s WHERE s.account_id = $1 AND s.status = $2
          ORDER BY s.create_time, s.seq LIMIT 10 OFFSET 0`,
        [ACCOUNT, 'failure'],
      ],
      [
        'logs of one stream',
        `SELECT l.stream_id::text, l.status, l.error, l.video_info, l.log_time, l.version FROM stream_logs l
          WHERE l.stream_id = ANY($1::uuid[]) ORDER BY l.log_time, l.seq LIMIT 10 OFFSET 0`,
        [[middle]],
      ],
    ];
    for (const [name, sql, args] of statements) {
      await client.query(sql, args);
      const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, args);
      plans[name] = plan.rows.map((r) => r['QUERY PLAN']);
      process.stdout.write(`EXPLAIN ANALYZE, ${name}:\n${plans[name].join('\n')}\n`);
    }
    await client.end();
    report('scale', rows, { streams: STREAMS, logs: STREAMS * LOGS_PER_STREAM, timings, plans });
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
