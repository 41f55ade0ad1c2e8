import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createLogger, parseConfig } from '@luna-streams/shared';
import { composeApi } from '../apps/api/src/compose';
import { deleteKeysWithPrefix } from '../test/support/redis-server';
import { freshDatabase, latencyClient, REDIS_URL, report, time, waitForMirror, type Figure } from './support';

// GET /1/streams first page (with and without filters) and GET /1/streams/count over
// 100,000 streams, each next to the same SQL sent straight through pg as its baseline.
// Target: the first page under 20 ms (issue: foundation, acceptance 4).

const STREAMS = Number(process.env.BENCH_STREAMS ?? 100_000);
const ACCOUNTS = 10;

async function seed(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // One statement: 10 accounts, names cam-0..999, three statuses, one log row per stream.
  await client.query(
    `WITH s AS (
       INSERT INTO streams (account_id, name, reference, data, event_handler, policies, location,
                            autorestart_restart, autorestart_attempt_count, autorestart_delay, autorestart_status, status, create_time)
       SELECT ('00000000-0000-4000-8000-' || lpad(((i % $2) + 1)::text, 12, '0'))::uuid,
              'cam-' || (i % 1000), 'rtsp://cam/' || i,
              jsonb_build_object('type', 'tcp', 'reference', 'rtsp://cam/' || i, 'roi', '[0,0,0,0]'::jsonb, 'droi', '[0,0,0,0]'::jsonb, 'rotation', 0),
              '{"origin":"http://127.0.0.1:5000","api_version":6,"bestshot_handler":{"handler_id":"f3a1c9e2-5b7d-4e60-a8f4-1c2d3e4f5a6b"},"detection_handler":null}'::jsonb,
              '{}'::jsonb, '{}'::jsonb, 1, 10, 60, 'enabled',
              (ARRAY['pending','pause','done'])[(i % 3) + 1],
              now() - make_interval(secs => $1 - i)
       FROM generate_series(1, $1) AS i
       RETURNING stream_id, account_id, status, version, create_time)
     INSERT INTO stream_logs (stream_id, account_id, status, version, log_time)
     SELECT stream_id, account_id, status, version, create_time FROM s`,
    [STREAMS, ACCOUNTS],
  );
  await client.query('VACUUM ANALYZE');
  await client.end();
}

async function main(): Promise<void> {
  const db = await freshDatabase();
  try {
    process.stdout.write(`seeding ${STREAMS} streams...\n`);
    await seed(db.url);
    const prefix = `{luna-test-bench-${process.pid}}`;
    const config = parseConfig({ DATABASE_URL: db.url, REDIS_URL, LOG_LEVEL: 'silent', REDIS_PREFIX: prefix });
    const { app, shutdown } = composeApi(config, createLogger({ level: 'silent', name: 'bench', pretty: false }));
    const server = app.listen(0);
    shutdown.setServer(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Steady state: the API has copied the 100,000 seeded streams into the mirror (a
    // drain of that size in this same process would be measured along with the lists).
    await waitForMirror(db.url);
    const direct = new pg.Pool({ connectionString: db.url, max: 2 });

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
    const client = latencyClient(base);
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
    client.close();
    report('list', rows, { streams: STREAMS });
    await direct.end();
    await shutdown.run('bench finished');
    await deleteKeysWithPrefix(REDIS_URL, prefix);
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
