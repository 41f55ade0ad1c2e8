import { spawn } from 'node:child_process';
import http from 'node:http';
import autocannon from 'autocannon';
import { freePort } from '../test/support/redis-server';
import { seedStreams } from '../test/support/seed';
import { analyze, freshDatabase, report, startService, waitForMirror, type Figure } from './support';

// Overload is not an outage (docs/dev/operations.md, Overload): 200 clients of heavy list requests (pages of 100
// whole streams, 164 KB of JSON each, out of 100,000) for 20 s against the API as it ships
// (10 connections, DB_POOL_MAX_WAITING 100) and deployed (MANAGEMENT_PORT set, as in
// docker-compose.yml), while /healthcheck is polled every 100 ms on a new connection each
// time, as a load balancer does: on the management port, where the deployment points its
// checks, and on the traffic port beside it. The clients ignore Retry-After and ask again at
// once, the worst case. The load runs in a child process, so the poll's timings are the
// service's and not the load generator's.
// Targets: every health answer on the management port 200 within 1 s; no answer with code 2
// (the database is fine); every overload answer carries Retry-After. The traffic port's
// figure is shown, without a target: a health check there waits behind the clients' burst of
// new connections (Node 20 accepts one per event-loop turn).

const STREAMS = Number(process.env.BENCH_STREAMS ?? 100_000);
const CLIENTS = 200;
const SECONDS = 20;
const HEAVY = '/1/streams?page_size=100';
const POLL_EVERY_MS = 100;

interface LoadTotals {
  answers: Record<string, number>;
  total: number;
  errors: number;
  timeouts: number;
  withoutRetryAfter: number;
  seconds: number;
}

/** The child: autocannon on `url`, counting answers by HTTP status and Luna error code. */
async function runLoad(url: string): Promise<void> {
  const answers: Record<string, number> = {};
  let withoutRetryAfter = 0;
  // The parent counts health polls from here, not from this process's start-up.
  process.stdout.write('started\n');
  const result = await autocannon({
    url,
    connections: CLIENTS,
    duration: SECONDS,
    requests: [
      {
        onResponse: (status, body, _context, headers) => {
          const code = status === 200 ? undefined : (JSON.parse(body) as { error_code?: number }).error_code;
          const key = code === undefined ? String(status) : `${status} code ${code}`;
          answers[key] = (answers[key] ?? 0) + 1;
          // autocannon passes the headers as sent (Express writes `Retry-After`).
          const names = Object.keys((headers as Record<string, unknown> | undefined) ?? {});
          if (code === 3 && !names.some((name) => name.toLowerCase() === 'retry-after')) withoutRetryAfter += 1;
        },
      },
    ],
  });
  const totals: LoadTotals = {
    answers,
    total: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    withoutRetryAfter,
    seconds: result.duration || SECONDS,
  };
  process.stdout.write(JSON.stringify(totals));
}

interface Poll {
  status: number;
  ms: number;
}

/** GET /healthcheck on a new connection; a poll with no answer in 5 s counts as status 0. */
function pollOnce(base: string): Promise<Poll> {
  const started = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
  return new Promise((resolve) => {
    const req = http.get(`${base}/healthcheck`, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: ms() }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', () => resolve({ status: 0, ms: ms() }));
  });
}

async function pollHealth(base: string, until: () => boolean): Promise<Poll[]> {
  const polls: Poll[] = [];
  while (!until()) {
    polls.push(await pollOnce(base));
    await new Promise((r) => setTimeout(r, POLL_EVERY_MS));
  }
  return polls;
}

function p99(polls: Poll[]): number {
  const sorted = polls.map((p) => p.ms).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? 0;
}

/** Starts the load in a child process; resolves with its totals when it ends. */
function startLoad(url: string): { started: Promise<void>; done: () => boolean; totals: Promise<LoadTotals> } {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', __filename, 'load', url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let finished = false;
  let began: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (began = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('started\n')) began();
  });
  const totals = new Promise<LoadTotals>((resolve, reject) =>
    child.on('exit', (code) => {
      finished = true;
      if (code === 0) resolve(JSON.parse(out.slice('started\n'.length)) as LoadTotals);
      else reject(new Error(`the load generator exited with ${code ?? 'a signal'}`));
    }),
  );
  return { started, done: () => finished, totals };
}

function within1s(polls: Poll[]): number {
  return polls.filter((p) => p.status === 200 && p.ms < 1000).length;
}

function figures(idle: Poll[], loaded: Poll[], onTraffic: Poll[], load: LoadTotals): Figure[] {
  const code2 = load.answers['503 code 2'] ?? 0;
  const overload = load.answers['503 code 3'] ?? 0;
  const share = (n: number) => `${((100 * n) / Math.max(1, load.total)).toFixed(2)}%`;
  const row = (figure: string, service: string, baseline: string, target: string, met: boolean | null): Figure => ({
    figure,
    service,
    baseline,
    ratio: '-',
    target,
    met: met === null ? '-' : met ? 'yes' : 'NO',
  });
  return [
    row(
      'health on MANAGEMENT_PORT: 200 within 1 s, 200 clients of heavy lists',
      `${within1s(loaded)} of ${loaded.length}`,
      `${within1s(idle)} of ${idle.length} (idle)`,
      'all',
      within1s(loaded) === loaded.length && loaded.length > 0,
    ),
    row(
      'health on MANAGEMENT_PORT: p99 under that load',
      `${p99(loaded).toFixed(1)} ms`,
      `${p99(idle).toFixed(1)} ms (idle)`,
      '< 1000 ms',
      p99(loaded) < 1000,
    ),
    row(
      'health on the traffic port (PORT): 200 within 1 s',
      `${within1s(onTraffic)} of ${onTraffic.length}`,
      '-',
      '-',
      null,
    ),
    row('answers with code 2 (database unavailable)', share(code2), '-', '0', code2 === 0),
    row(
      'overload answers (503 code 3) without Retry-After',
      String(load.withoutRetryAfter),
      '-',
      '0',
      load.withoutRetryAfter === 0,
    ),
    row('overload answers (503 code 3)', share(overload), '-', '-', null),
    row('heavy lists answered 200 per s', ((load.answers['200'] ?? 0) / load.seconds).toFixed(0), '-', '-', null),
  ];
}

async function main(): Promise<void> {
  const db = await freshDatabase();
  try {
    process.stdout.write(`seeding ${STREAMS} streams...\n`);
    // The list benchmark's streams: 10 accounts, names cam-0..999, three statuses.
    await seedStreams(db.url, STREAMS, {
      accounts: 10,
      names: 1000,
      status: ['pending', 'pause', 'done'],
      returnIds: false,
    });
    await analyze(db.url);
    const managementPort = await freePort();
    const management = `http://127.0.0.1:${managementPort}`;
    const app = await startService('api', db.url, { MANAGEMENT_PORT: String(managementPort) });
    try {
      await waitForMirror(db.url);
      const idleUntil = Date.now() + 3000;
      const idle = await pollHealth(management, () => Date.now() > idleUntil);
      process.stdout.write(`${CLIENTS} clients on ${HEAVY} for ${SECONDS} s, /healthcheck every ${POLL_EVERY_MS} ms\n`);
      const load = startLoad(app.url + HEAVY);
      await load.started;
      const [loaded, onTraffic] = await Promise.all([
        pollHealth(management, load.done),
        pollHealth(app.url, load.done),
      ]);
      const totals = await load.totals;
      process.stdout.write(`answers: ${JSON.stringify(totals.answers)}; socket errors ${totals.errors}\n`);
      const slow = loaded.filter((p) => p.status !== 200 || p.ms >= 1000);
      process.stdout.write(`management port health polls not 200 within 1 s: ${JSON.stringify(slow)}\n`);
      const slowOnTraffic = onTraffic.filter((p) => p.status !== 200 || p.ms >= 1000);
      process.stdout.write(`traffic port health polls not 200 within 1 s: ${JSON.stringify(slowOnTraffic)}\n`);
      if (slow.length > 0) process.stdout.write(`the API's last output:\n${app.output().slice(-3000)}\n`);
      report('overload', figures(idle, loaded, onTraffic, totals), {
        streams: STREAMS,
        clients: CLIENTS,
        path: HEAVY,
        totals,
        health: loaded,
        health_on_traffic_port: onTraffic,
      });
    } finally {
      await app.stop();
    }
  } finally {
    await db.drop();
  }
}

(process.argv[2] === 'load' ? runLoad(process.argv[3]!) : main()).catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
