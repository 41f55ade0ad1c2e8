// The embedded defaults (DESIGN.md section 8): outside production, a missing DATABASE_URL
// starts an embedded PostgreSQL 15 (real binaries from npm, data kept under .data/postgres),
// and with no Redis named (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS) it starts
// redis-server from PATH (data under .data/redis). Both listen on loopback ports of their
// own, never 5432 and 6379.
//
//   node scripts/services.mjs     start what is missing, print one line of JSON
//                                 {"DATABASE_URL":...,"REDIS_URL":...}, stop both on SIGTERM/SIGINT
// start.mjs and the tests' global setup use startServices() from here.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from './embedded-postgres.mjs';
import { StartupError } from './postgres-layout.mjs';
import { answers, eventually } from './wait.mjs';

export { StartupError };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const EMBEDDED_PG_PORT = Number(process.env.LUNA_EMBEDDED_PG_PORT ?? 55432);
export const EMBEDDED_REDIS_PORT = Number(process.env.LUNA_EMBEDDED_REDIS_PORT ?? 56379);
async function startRedis(dataRoot, log) {
  const url = `redis://127.0.0.1:${EMBEDDED_REDIS_PORT}`;
  if (await answers(EMBEDDED_REDIS_PORT)) {
    log(`reusing the redis-server already on port ${EMBEDDED_REDIS_PORT}`);
    return { url, stop: async () => undefined };
  }
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
    throw new MissingRedis();
  }
  const dir = join(dataRoot, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(EMBEDDED_REDIS_PORT),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
    ],
    // A process group of its own: Ctrl-C reaches the launcher, which stops the apps first.
    { stdio: 'ignore', detached: true },
  );
  let exit;
  child.once('error', (error) => (exit = error.code));
  child.once('exit', (code) => (exit ??= `exit ${code}`));
  const accepting = async () => {
    if (exit !== undefined)
      throw new StartupError(
        `redis-server did not start on port ${EMBEDDED_REDIS_PORT} (${exit}): set LUNA_EMBEDDED_REDIS_PORT to a free port, or set REDIS_URL`,
      );
    return answers(EMBEDDED_REDIS_PORT);
  };
  await eventually(accepting, 20_000, `redis-server on port ${EMBEDDED_REDIS_PORT}`);
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export class MissingRedis extends StartupError {
  constructor() {
    super(
      'redis-server is not on PATH: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL',
    );
  }
}

/** The one line a start-up failure prints: its cause and its fix, never a stack trace. */
export function failureLine(error) {
  if (error instanceof StartupError) return error.message;
  const cause = String(error?.message ?? error).split('\n')[0];
  return `the embedded services did not start (${cause}): set DATABASE_URL and REDIS_URL to servers of your own`;
}

/**
 * Starts what the environment does not name. Returns the URLs to use and a stop function.
 * In production (NODE_ENV=production) both URLs are required.
 */
export async function startServices(env = process.env, log = (m) => process.stderr.write(`${m}\n`)) {
  // A Cluster or Sentinel setting names Redis as well as a URL does (the apps refuse more than one).
  const redisNamed = Boolean(env.REDIS_URL || env.REDIS_CLUSTER_NODES || env.REDIS_SENTINELS);
  if (env.NODE_ENV === 'production' && (!env.DATABASE_URL || !redisNamed)) {
    throw new StartupError(
      'NODE_ENV=production: set DATABASE_URL and one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS (no embedded defaults in production)',
    );
  }
  const dataRoot = env.LUNA_DATA_DIR ?? join(root, '.data');
  const stops = [];
  try {
    const redis = redisNamed ? { url: env.REDIS_URL } : await startRedis(dataRoot, log);
    if (redis.stop) stops.push(redis.stop);
    const postgres = env.DATABASE_URL
      ? { url: env.DATABASE_URL }
      : await startPostgres(dataRoot, EMBEDDED_PG_PORT, log);
    if (postgres.stop) stops.push(postgres.stop);
    return {
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const services = await startServices();
    process.stdout.write(`${JSON.stringify({ DATABASE_URL: services.DATABASE_URL, REDIS_URL: services.REDIS_URL })}\n`);
    // A second signal (a wrapper often forwards one) must not cut the first one's cleanup short.
    let stopping;
    const stop = () => (stopping ??= services.stop().then(() => process.exit(0)));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    setInterval(() => undefined, 1 << 30);
  } catch (error) {
    process.stderr.write(`${failureLine(error)}\n`);
    process.exit(1);
  }
}
