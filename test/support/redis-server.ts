import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { eventually } from './wait';

// A redis-server of a test's own, on a free loopback port, for tests that stop Redis.
// The machine's Redis is never stopped or flushed.

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface OwnRedis {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Freezes the server (SIGSTOP): sockets stay open, nothing is answered. */
  pause(): void;
  resume(): void;
}

export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const own: OwnRedis = {
    url,
    async start() {
      // A second server on the port would fail to bind and exit, and the first would be left
      // running, out of reach of stop(): a restart that never happened, and a leaked process.
      if (child && child.exitCode === null && child.signalCode === null) {
        throw new Error(`redis-server on ${port} is already running`);
      }
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
      const answers = async () => {
        const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        probe.on('error', () => undefined);
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          return false;
        } finally {
          probe.disconnect();
        }
      };
      await eventually(answers, 10_000, `redis-server on ${port}`);
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async stop() {
      // Killed by a signal, a child has a signalCode and no exitCode: stopping twice must not wait.
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
  await own.start();
  return own;
}

/** Deletes every key under a BullMQ prefix of a test's own (never FLUSHALL: the server is shared). */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  if (!prefix.startsWith('{luna-test-')) throw new Error(`refusing to delete keys outside a test prefix: ${prefix}`);
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  } catch {
    // Redis of a fault test already stopped: nothing left to delete.
  } finally {
    client.disconnect();
  }
}
