import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { migrate } from '@luna-streams/shared';
import { startApp, type RunningApp } from '../test/support/process';
import { seedStreams as seed, seedAccount } from '../test/support/seed';
import { eventually } from '../test/support/wait';

// Shared pieces of the benchmarks: a fresh database per run, timing, and the table.

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `luna_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface Timing {
  p50: number;
  p95: number;
  mean: number;
}

/** Runs `op` sequentially `n` times after `warmup` runs; milliseconds per call. */
export async function time(op: () => Promise<unknown>, n = 200, warmup = 20): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await op();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint();
    await op();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { p50: at(0.5), p95: at(0.95), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

export function printTable(table: readonly object[]): void {
  const rows = table as Record<string, string | number>[];
  const headers = Object.keys(rows[0] ?? {});
  const width = headers.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
  process.stdout.write(`${line(headers)}\n${line(width.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) process.stdout.write(`${line(headers.map((h) => String(row[h])))}\n`);
}

/** Seeds `n` streams with the given status (test/support/seed.ts) and analyzes them; ids in queue order. */
export async function seedStreams(url: string, n: number, status: 'pending' | 'in_progress'): Promise<string[]> {
  const ids = await seed(url, n, { status, account: seedAccount(1) });
  await analyze(url, 'streams');
  return ids;
}

/** VACUUM ANALYZE (a table or the database), so plans see the seeded rows. */
export async function analyze(url: string, table = ''): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`VACUUM ANALYZE ${table}`);
  await client.end();
}

/** Runs `workers` loops of `op` for `seconds`; returns how many units they completed per second. */
export async function throughput(
  workers: number,
  seconds: number,
  op: (worker: number) => Promise<number>,
): Promise<number> {
  const until = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  const counts = await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      let units = 0;
      while (Date.now() < until) {
        const done = await op(w);
        if (done === 0) break;
        units += done;
      }
      return units;
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return counts.reduce((a, b) => a + b, 0) / elapsed;
}

/**
 * BENCH_NODE_ARGS (space-separated) are given to node when it starts the service's
 * processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" for the profile a missed target
 * calls for.
 */
function nodeArgs(): string[] {
  return (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

/**
 * The memory settings the apps ship with (deploy/runtime-env.json: the Dockerfile and
 * `npm start` use them), so the benchmarks measure the service as users run it.
 */
function shippedEnv(): Record<string, string> {
  return JSON.parse(readFileSync(join(__dirname, '..', 'deploy', 'runtime-env.json'), 'utf8')) as Record<
    string,
    string
  >;
}

/**
 * Starts an app as users run it: compiled, production, with its shipped memory settings,
 * on `databaseUrl` and the bench's Redis, plus `extra` settings.
 */
export function startService(
  main: 'api' | 'worker',
  databaseUrl: string,
  extra: Record<string, string> = {},
): Promise<RunningApp> {
  return startApp(
    main,
    { DATABASE_URL: databaseUrl, REDIS_URL, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...shippedEnv(), ...extra },
    { compiled: true, nodeArgs: nodeArgs() },
  );
}

/** One line of the benchmark table: the service's figure next to its baseline from the same run. */
export interface Figure {
  figure: string;
  service: string;
  /** What the same work costs without the service (raw pg, a bare Express + pg server), or '-'. */
  baseline: string;
  ratio: string;
  target: string;
  met: 'yes' | 'NO' | '-';
}

export function machine(): { cores: number; cpu: string; memoryGiB: number; node: string } {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/**
 * Prints one benchmark's figures and writes them, with `details`, to
 * bench/results/<bench>-<time>.json. Under `npm run bench` (BENCH_RUN_FILE set) the
 * figures are also appended there, for the run's combined table.
 */
export function report(bench: string, figures: Figure[], details: object = {}): void {
  const rows = figures.map((f) => ({ bench, ...f }));
  printTable(rows);
  const file = join(__dirname, 'results', `${bench}-${stamp()}.json`);
  writeFileSync(
    file,
    JSON.stringify({ at: new Date().toISOString(), machine: machine(), figures: rows, ...details }, null, 2),
  );
  process.stdout.write(`written to ${file}\n`);
  if (process.env.BENCH_RUN_FILE) appendFileSync(process.env.BENCH_RUN_FILE, `${JSON.stringify(rows)}\n`);
}

/** A ratio row: service / baseline against a minimum ratio. */
export function ratioFigure(
  figure: string,
  service: number,
  baseline: number,
  baselineName: string,
  min: number,
): Figure {
  const ratio = service / baseline;
  return {
    figure,
    service: service.toFixed(0),
    baseline: `${baseline.toFixed(0)} (${baselineName})`,
    // Rounded down, so a ratio shown as meeting its target does.
    ratio: (Math.floor(ratio * 100) / 100).toFixed(2),
    target: `≥ ${min}`,
    met: ratio >= min ? 'yes' : 'NO',
  };
}

/** An absolute row (no baseline exists): a value against a maximum. */
export function limitFigure(figure: string, value: number, max: number, unit: string, digits = 1): Figure {
  return {
    figure,
    service: `${value.toFixed(digits)} ${unit}`,
    baseline: '-',
    ratio: '-',
    target: `≤ ${max} ${unit}`,
    met: value <= max ? 'yes' : 'NO',
  };
}

/** Waits until the API has copied every seeded stream into the mirror (its steady state). */
export async function waitForMirror(url: string, timeoutMs = 120_000): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const caughtUp = async () =>
      Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM mirror_outbox')).rows[0]!.n) === 0;
    await eventually(caughtUp, timeoutMs, 'the mirror catching up', 200);
  } finally {
    await client.end();
  }
}

export interface LoadResult {
  requestsPerSecond: number;
  non2xx: number;
  errors: number;
}

/**
 * HTTP load from autocannon: `connections` keep-alive connections, each sending the
 * request `make(connection)` builds, for `seconds`. `onBody` sees every answer's body.
 */
export async function httpLoad(options: {
  url: string;
  connections: number;
  seconds: number;
  body: (connection: number) => string;
  onBody?: (body: string) => void;
}): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request, context) => {
          const state = context as { connection?: number };
          state.connection ??= next++;
          return { ...request, body: options.body(state.connection) };
        },
        onResponse: (_status, body) => options.onBody?.(body),
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.total / (result.duration || options.seconds),
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * GET for the latency loops: node:http on one kept-alive socket, the body read and
 * dropped. The client's own cost lands in every sample, and fetch (undici) added about
 * 1 ms at p50 and 2 to 8 ms at p95 here, next to a server that logged 2.5 ms for the request.
 */
export function latencyClient(base: string): { get(path: string): Promise<void>; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    get: (path) =>
      new Promise((resolve, reject) => {
        http
          .get(base + path, { agent }, (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 200 ? resolve() : reject(new Error(`${path}: ${res.statusCode ?? 'no status'}`)),
            );
            res.on('error', reject);
          })
          .on('error', reject);
      }),
    close: () => agent.destroy(),
  };
}

/** Peak resident memory of a process (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** HTTP load with a GET or a fixed body, autocannon's totals. */
export async function simpleLoad(options: {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    connections: options.connections,
    duration: options.seconds,
    headers: { 'content-type': 'application/json' },
    ...(options.body ? { body: options.body } : {}),
  });
  return {
    requestsPerSecond: result.requests.total / (result.duration || options.seconds),
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
