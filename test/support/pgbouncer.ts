import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ADMIN_DATABASE_URL } from './env';
import { freePort } from './redis-server';
import { eventually } from './wait';

// Debian's pgbouncer of a test's own, on a free loopback port, in front of the tests'
// PostgreSQL (ADMIN_DATABASE_URL's server and credentials), in the pool mode asked for.

export interface OwnPgBouncer {
  /** `databaseUrl` with its host and port replaced by PgBouncer's. */
  through(databaseUrl: string): string;
  stop(): Promise<void>;
}

function binary(): string {
  const onPath = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  if (existsSync('/usr/sbin/pgbouncer')) return '/usr/sbin/pgbouncer';
  throw new Error('pgbouncer is not installed (Debian/Ubuntu: apt-get install pgbouncer)');
}

export async function ownPgBouncer(poolMode: 'session' | 'transaction'): Promise<OwnPgBouncer> {
  const upstream = new URL(ADMIN_DATABASE_URL);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'luna-pgbouncer-'));
  const credentials = [
    `user=${decodeURIComponent(upstream.username || 'postgres')}`,
    ...(upstream.password ? [`password=${decodeURIComponent(upstream.password)}`] : []),
  ];
  writeFileSync(join(dir, 'users.txt'), `"${decodeURIComponent(upstream.username || 'postgres')}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${upstream.hostname} port=${upstream.port || 5432} ${credentials.join(' ')}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      `pool_mode = ${poolMode}`,
      'max_client_conn = 200',
      'default_pool_size = 60',
      // pg sends statement_timeout at start-up; PgBouncer refuses unknown parameters.
      'ignore_startup_parameters = statement_timeout',
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root: as root, it switches to the postgres user, which must read the files.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) for (const f of [dir, join(dir, 'users.txt'), join(dir, 'pgbouncer.ini')]) chmodSync(f, 0o755);
  const child: ChildProcess = spawn(binary(), [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], {
    stdio: 'ignore',
  });
  const through = (databaseUrl: string) => {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    return url.toString();
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      async () => {
        const client = new pg.Client({ connectionString: through(ADMIN_DATABASE_URL), connectionTimeoutMillis: 1000 });
        client.on('error', () => undefined);
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } catch {
          return false;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      10_000,
      `pgbouncer on ${port}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { through, stop };
}
