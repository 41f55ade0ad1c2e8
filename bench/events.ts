import { FeedReader } from '../test/support/events';
import {
  freshDatabase,
  httpLoad,
  limitFigure,
  peakRssMb,
  ratioFigure,
  report,
  seedStreams,
  startService,
} from './support';

// GET /1/streams/events: 1,000 clients on one API process while status changes are made
// (PATCH pause/pending through the API at a steady rate) and 8 agents post keep-alive
// feedback to the same API. Figures: delay from a row's log_time to its arrival at a
// client (p50, p95; target p95 ≤ 500 ms), events delivered per second, the API's peak
// RSS (≤ 250 MB), and feedback items/s with the clients connected against without
// (target: at most 10% fewer).

const CLIENTS = Number(process.env.BENCH_EVENT_CLIENTS ?? 1000);
const AGENTS = 8;
const BATCH = 100;
const CHANGES_PER_SECOND = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const VIDEO_INFO = { frame_width: 1920, frame_height: 1080, fps: 25 };

/** PATCHes streams pause/pending in turn at a steady rate until `stop` resolves. */
async function changeStatuses(base: string, ids: string[], stop: { done: boolean }): Promise<number> {
  let made = 0;
  const paused = new Set<string>();
  while (!stop.done) {
    const started = Date.now();
    const id = ids[made % ids.length]!;
    const status = paused.has(id) ? 'pending' : 'pause';
    const res = await fetch(`${base}/1/streams/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status }),
    });
    if (res.status !== 204) throw new Error(`PATCH answered ${res.status}`);
    if (status === 'pause') paused.add(id);
    else paused.delete(id);
    made++;
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 / CHANGES_PER_SECOND - (Date.now() - started))));
  }
  return made;
}

/** Feedback items/s to the API for SECONDS while statuses change. */
async function feedbackLoad(base: string, batches: string[][]): Promise<number> {
  const bodies = batches.map((batch) =>
    JSON.stringify({
      streams: batch.map((stream_id) => ({ stream_id, status: 'in_progress', version: 1, video_info: VIDEO_INFO })),
    }),
  );
  let answered = 0;
  const load = await httpLoad({
    url: `${base}/1/streams/feedback`,
    connections: AGENTS,
    seconds: SECONDS,
    body: (agent) => bodies[agent % AGENTS]!,
    onBody: (body) => {
      const { streams } = JSON.parse(body) as { streams: Record<string, { status: string }> };
      for (const answer of Object.values(streams)) if (answer.status === 'in_progress') answered++;
    },
  });
  if (load.non2xx || load.errors) throw new Error(`feedback: ${load.non2xx} non-2xx answers, ${load.errors} errors`);
  return answered / SECONDS;
}

async function withChanges<T>(base: string, ids: string[], run: () => Promise<T>): Promise<T> {
  const stop = { done: false };
  const changes = changeStatuses(base, ids, stop);
  try {
    return await run();
  } finally {
    stop.done = true;
    await changes;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const db = await freshDatabase();
  try {
    const inProgress = await seedStreams(db.url, AGENTS * BATCH, 'in_progress');
    const batches = Array.from({ length: AGENTS }, (_, a) => inProgress.slice(a * BATCH, (a + 1) * BATCH));
    const changing = (await seedStreams(db.url, 200, 'pending')).slice(0, 200);
    const api = await startService('api', db.url, { EVENTS_MAX_CLIENTS: String(CLIENTS + 10) });
    try {
      const without = await withChanges(api.url, changing, () => feedbackLoad(api.url, batches));

      const delays: number[] = [];
      let received = 0;
      let measuring = false;
      const readers = await Promise.all(
        Array.from({ length: CLIENTS }, () =>
          FeedReader.open(`${api.url}/1/streams/events`, {}, (event) => {
            if (!measuring || event.event !== 'status') return;
            received++;
            delays.push(Date.now() - Date.parse((JSON.parse(event.data) as { log_time: string }).log_time));
          }),
        ),
      );
      if (readers.some((r) => r.status !== 200)) throw new Error('a feed client was refused');
      measuring = true;
      const started = Date.now();
      const withClients = await withChanges(api.url, changing, () => feedbackLoad(api.url, batches));
      const elapsed = (Date.now() - started) / 1000;
      measuring = false;
      const rss = peakRssMb(api.child.pid!);
      const dropped = readers.filter((r) => r.ended).length;
      readers.forEach((r) => r.close());

      delays.sort((a, b) => a - b);
      report(
        'events',
        [
          limitFigure(`event delay p50, ${CLIENTS} clients`, percentile(delays, 50), 500, 'ms', 0),
          limitFigure(`event delay p95, ${CLIENTS} clients`, percentile(delays, 95), 500, 'ms', 0),
          {
            figure: `events delivered per second (${CHANGES_PER_SECOND} changes/s × ${CLIENTS} clients)`,
            service: (received / elapsed).toFixed(0),
            baseline: '-',
            ratio: '-',
            target: '-',
            met: '-',
          },
          limitFigure(`API peak RSS with ${CLIENTS} clients`, rss, 250, 'MB', 0),
          ratioFigure(
            `feedback items/s to the API with ${CLIENTS} feed clients`,
            withClients,
            without,
            'without clients',
            0.9,
          ),
        ],
        { seconds: SECONDS, clients: CLIENTS, dropped, received, changesPerSecond: CHANGES_PER_SECOND },
      );
    } finally {
      await api.stop();
    }
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
