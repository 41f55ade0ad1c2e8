import pg from 'pg';
import { seedAccount, seedStreams } from '../test/support/seed';
import { eventually } from '../test/support/wait';
import { freshDatabase, limitFigure, report, startService } from './support';

// 100,000 in-progress streams whose agents went silent: how long until the worker's
// handler_lost sweep has put every one back in the queue, and at what rate.
// Target: all back within STREAM_STATUS_OBSOLETING_INTERVAL + 5 s of the worker starting.

const STREAMS = Number(process.env.BENCH_SWEEP_STREAMS ?? 100_000);
const INTERVAL = 5;

async function main(): Promise<void> {
  const db = await freshDatabase();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await seedStreams(client, STREAMS, {
      status: 'in_progress',
      account: seedAccount(1),
      silentForSeconds: 3600,
      returnIds: false,
    });
    await client.query('VACUUM ANALYZE streams');
    const started = Date.now();
    const worker = await startService('worker', db.url, { STREAM_STATUS_OBSOLETING_INTERVAL: String(INTERVAL) });
    let firstMoved: number | undefined;
    try {
      const allPending = async () => {
        const { rows } = await client.query<{ pending: string }>(
          "SELECT count(*) FILTER (WHERE status = 'pending') AS pending FROM streams",
        );
        const pending = Number(rows[0]!.pending);
        if (pending > 0 && firstMoved === undefined) firstMoved = Date.now();
        return pending === STREAMS;
      };
      await eventually(allPending, 120_000, `all ${STREAMS} streams pending again`);
    } finally {
      await worker.stop();
    }
    const total = (Date.now() - started) / 1000;
    const sweeping = (Date.now() - (firstMoved ?? started)) / 1000;
    report(
      'sweep',
      [limitFigure(`${STREAMS} silent streams pending again, from worker start`, total, INTERVAL + 5, 's')],
      {
        sweepSeconds: sweeping,
        streamsPerSecond: STREAMS / sweeping,
      },
    );
  } finally {
    await client.end();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
