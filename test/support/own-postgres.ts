import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server';

// An embedded PostgreSQL of a test's own (the same scripts/services.mjs `npm start` uses),
// on a free loopback port with its data in a temporary folder, for tests that stop the
// database. The machine's PostgreSQL is never stopped.

export interface OwnPostgres {
  url: string;
  /** Starts it again on the same port and data (after `stop`). */
  start(): Promise<void>;
  /** A fast shutdown: open connections are cut, as in an outage. */
  stop(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

const SERVICES = join(__dirname, '..', '..', 'scripts', 'services.mjs');

export async function ownPostgres(): Promise<OwnPostgres> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'luna-pg-'));
  let child: ChildProcess | undefined;
  let url = '';

  const start = () =>
    new Promise<void>((resolve, reject) => {
      child = spawn(process.execPath, [SERVICES], {
        // REDIS_URL named: services.mjs starts only PostgreSQL.
        env: {
          PATH: process.env.PATH ?? '',
          LUNA_EMBEDDED_PG_PORT: String(port),
          LUNA_DATA_DIR: dataDir,
          REDIS_URL: 'redis://127.0.0.1:1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (!out.includes('\n')) return;
        url = (JSON.parse(out.split('\n')[0]!) as { DATABASE_URL: string }).DATABASE_URL;
        resolve();
      });
      child.once('exit', (code) => reject(new Error(`embedded PostgreSQL did not start (exit ${code}): ${err}`)));
    });

  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    get url() {
      return url;
    },
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
