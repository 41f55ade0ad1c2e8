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
  startService,
} from './support';

// Feedback items per second over HTTP: 8 agents, each posting keep-alives for its own
// 100 streams in one batch, to the worker (the agents' endpoint), next to the same
// batched UPDATE sent straight through pg by 8 clients. Target ratio ≥ 0.3.

const AGENTS = 8;
const BATCH = 100;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const VIDEO_INFO = { frame_width: 1920, frame_height: 1080, fps: 25, bit_rate: 4096000, gop_size: 50 };

async function main(): Promise<void> {
  const db = await freshDatabase();
  try {
    const ids = await seedStreams(db.url, AGENTS * BATCH, 'in_progress');
    const batches = Array.from({ length: AGENTS }, (_, a) => ids.slice(a * BATCH, (a + 1) * BATCH));

    const worker = await startService('worker', db.url);
    let overHttp: number;
    let rss = 0;
    try {
      const bodies = batches.map((batch) =>
        JSON.stringify({
          streams: batch.map((stream_id) => ({ stream_id, status: 'in_progress', version: 1, video_info: VIDEO_INFO })),
        }),
      );
      let answered = 0;
      const load = await httpLoad({
        url: `${worker.url}/1/streams/feedback`,
        connections: AGENTS,
        seconds: SECONDS,
        body: (agent) => bodies[agent % AGENTS]!,
        onBody: (body) => {
          const { streams } = JSON.parse(body) as { streams: Record<string, { status: string }> };
          for (const answer of Object.values(streams)) if (answer.status === 'in_progress') answered++;
        },
      });
      if (load.non2xx || load.errors)
        throw new Error(`feedback: ${load.non2xx} non-2xx answers, ${load.errors} errors`);
      overHttp = answered / SECONDS;
      rss = peakRssMb(worker.child.pid!);
    } finally {
      await worker.stop();
    }

    const pool = new pg.Pool({ connectionString: db.url, max: AGENTS });
    pool.on('error', () => undefined);
    // The same UPDATEs: each stream's own video_info and feedback clock, guarded by
    // status and version, one statement per batch.
    const infos = batches.map((batch) => batch.map(() => JSON.stringify(VIDEO_INFO)));
    const raw = await throughput(AGENTS, SECONDS, async (a) => {
      const result = await pool.query(
        `UPDATE streams s SET last_feedback_at = now(), video_info = i.video_info
           FROM unnest($1::uuid[], $2::jsonb[]) AS i(stream_id, video_info)
          WHERE s.stream_id = i.stream_id AND s.status = 'in_progress' AND s.version = 1`,
        [batches[a], infos[a]],
      );
      if (result.rowCount !== BATCH) throw new Error('baseline updated the wrong rows');
      return BATCH;
    });
    await pool.end();

    report(
      'feedback',
      [
        ratioFigure('feedback items/s, 8 agents × batches of 100, to the worker', overHttp, raw, 'pg', 0.3),
        limitFigure('worker peak RSS under that load', rss, 200, 'MB', 0),
      ],
      { seconds: SECONDS },
    );
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
