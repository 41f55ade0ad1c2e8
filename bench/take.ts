import pg from 'pg';
import {
  freshDatabase,
  httpLoad,
  limitFigure,
  peakRssMb,
  ratioFigure,
  report,
  seedStreams,
  throughput,
  waitForMirror,
  startService,
} from './support';

// Streams taken per second by 16 agents taking 1 each over HTTP, next to the bare
// SKIP LOCKED statement sent by 16 pg clients, each on a queue of its own streams;
// and how many streams were handed out twice (must be 0). Target ratio ≥ 0.4.

const AGENTS = 16;
const STREAMS = Number(process.env.BENCH_TAKE_STREAMS ?? 60_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

function countDuplicates(ids: string[]): number {
  return ids.length - new Set(ids).size;
}

async function main(): Promise<void> {
  const api = await freshDatabase();
  const bare = await freshDatabase();
  try {
    await seedStreams(api.url, STREAMS, 'pending');
    await seedStreams(bare.url, STREAMS, 'pending');

    const app = await startService('api', api.url);
    await waitForMirror(api.url);
    const takenOverHttp: string[] = [];
    let overHttp: number;
    let rss = 0;
    try {
      const load = await httpLoad({
        url: `${app.url}/1/streams/processing/queue`,
        connections: AGENTS,
        seconds: SECONDS,
        body: () => '{"filters":{},"limit":1}',
        onBody: (body) => {
          for (const s of (JSON.parse(body) as { streams: { stream_id: string }[] }).streams)
            takenOverHttp.push(s.stream_id);
        },
      });
      if (load.non2xx || load.errors) throw new Error(`take: ${load.non2xx} non-2xx answers, ${load.errors} errors`);
      overHttp = takenOverHttp.length / SECONDS;
      rss = peakRssMb(app.child.pid!);
    } finally {
      await app.stop();
    }

    const pool = new pg.Pool({ connectionString: bare.url, max: AGENTS });
    pool.on('error', () => undefined);
    const takenRaw: string[] = [];
    const raw = await throughput(AGENTS, SECONDS, async () => {
      const { rows } = await pool.query<{ stream_id: string }>(
        `WITH picked AS MATERIALIZED (
           SELECT stream_id FROM streams WHERE status = 'pending' ORDER BY queued_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED)
         UPDATE streams s SET status = 'in_progress', last_feedback_at = now()
           FROM picked WHERE s.stream_id = picked.stream_id
         RETURNING s.stream_id::text`,
      );
      for (const r of rows) takenRaw.push(r.stream_id);
      return rows.length;
    });
    await pool.end();

    const exhausted = takenOverHttp.length >= STREAMS || takenRaw.length >= STREAMS;
    const duplicates = countDuplicates(takenOverHttp) + countDuplicates(takenRaw);
    report(
      'take',
      [
        ratioFigure('take streams/s, 16 agents taking 1 each', overHttp, raw, 'pg SKIP LOCKED', 0.4),
        { ...limitFigure('streams handed out twice', duplicates, 0, '', 0), service: String(duplicates), target: '0' },
        limitFigure('API peak RSS under that load', rss, 200, 'MB', 0),
      ],
      { seconds: SECONDS, streams: STREAMS },
    );
    if (exhausted) process.stdout.write(`note: a queue ran dry before ${SECONDS} s; raise BENCH_TAKE_STREAMS\n`);
  } finally {
    await api.drop();
    await bare.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
