import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../test/support/redis-server';
import {
  freshDatabase,
  limitFigure,
  peakRssMb,
  ratioFigure,
  report,
  seedStreams,
  simpleLoad,
  type Figure,
  startService,
} from './support';

// GET /1/streams/{id} and POST /1/streams against a bare Express + pg server doing the
// same read and insert, both as processes of their own, loaded by autocannon.
// Targets: get ≥ 0.6, create ≥ 0.5 of the baseline; peak RSS of the API ≤ 200 MB.

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 10;
const BODY = JSON.stringify({
  account_id: '0c4f7a52-1d6e-4b8a-9f3c-2a7e5d9b1c40',
  data: { type: 'tcp', reference: 'rtsp://10.0.0.15:554/live/ch1' },
  event_handler: {
    origin: 'http://127.0.0.1:5000',
    bestshot_handler: { handler_id: 'f3a1c9e2-5b7d-4e60-a8f4-1c2d3e4f5a6b' },
  },
});

async function bareServer(url: string): Promise<{ base: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, 'bare-server.ts')], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return {
    base: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function main(): Promise<void> {
  const db = await freshDatabase();
  try {
    const [id] = await seedStreams(db.url, 1000, 'pending');
    const app = await startService('api', db.url);
    const bare = await bareServer(db.url);
    const rows: Figure[] = [];
    let rss = 0;
    try {
      const cases = [
        {
          figure: 'GET /1/streams/{id} req/s',
          target: 0.6,
          service: { url: `${app.url}/1/streams/${id}` },
          baseline: { url: `${bare.base}/s/${id}` },
        },
        {
          figure: 'POST /1/streams req/s',
          target: 0.5,
          service: { url: `${app.url}/1/streams`, method: 'POST' as const, body: BODY },
          baseline: { url: `${bare.base}/s`, method: 'POST' as const, body: BODY },
        },
      ];
      for (const c of cases) {
        const service = await simpleLoad({ ...c.service, connections: CONNECTIONS, seconds: SECONDS });
        const baseline = await simpleLoad({ ...c.baseline, connections: CONNECTIONS, seconds: SECONDS });
        if (service.non2xx || service.errors || baseline.non2xx || baseline.errors) {
          throw new Error(
            `${c.figure}: ${service.non2xx + baseline.non2xx} non-2xx, ${service.errors + baseline.errors} errors`,
          );
        }
        rows.push(
          ratioFigure(c.figure, service.requestsPerSecond, baseline.requestsPerSecond, 'Express + pg', c.target),
        );
      }
      rss = peakRssMb(app.child.pid!);
    } finally {
      await bare.stop();
      await app.stop();
    }
    rows.push(limitFigure('API peak RSS under that load', rss, 200, 'MB', 0));
    report('crud', rows, { seconds: SECONDS });
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
