import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './redis-server';
import { eventually } from './wait';
import type { TestCertificates } from './redis-tls';

// Redis with Sentinel, of the test's own: a master and a replica with a password, and 3
// sentinels (redis-server --sentinel) watching them under the name `luna`, on free
// loopback ports. `failover()` is the operator's SENTINEL FAILOVER. With `tls`, every
// server and sentinel speaks only TLS, replication and the sentinels' checks included.

export const SENTINEL_MASTER = 'luna';
const PASSWORD = 'sentinel-test-pass';

export interface OwnSentinel {
  /** `host:port,...` of the sentinels, for REDIS_SENTINELS. */
  sentinels: string;
  password: string;
  /** The port of the master, as the sentinels see it. */
  masterPort(): Promise<number>;
  /** Forces a failover and resolves with the new master's port once the sentinels agree. */
  failover(): Promise<number>;
  stop(): Promise<void>;
}

async function ask<T>(tls: TestCertificates | undefined, port: number, auth: boolean, ...args: string[]): Promise<T> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    ...(auth ? { password: PASSWORD } : {}),
    ...(tls ? { tls: { ca: readFileSync(tls.caFile) } } : {}),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.call(args[0]!, ...args.slice(1))) as T;
  } finally {
    client.disconnect();
  }
}

export async function ownSentinel(options: { tls?: TestCertificates } = {}): Promise<OwnSentinel> {
  const { tls } = options;
  const listen = (port: number) =>
    tls
      ? ['--port', '0', '--tls-port', String(port), ...tls.serverArgs, '--tls-replication', 'yes']
      : ['--port', String(port)];
  const dir = mkdtempSync(join(tmpdir(), 'luna-sentinel-'));
  const [master, replica, ...sentinelPorts] = await distinctPorts(5);
  const children: ChildProcess[] = [];
  const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const auth = ['--requirepass', PASSWORD, '--masterauth', PASSWORD];
  children.push(spawn('redis-server', [...listen(master!), ...common, ...auth], { stdio: 'ignore' }));
  children.push(
    spawn('redis-server', [...listen(replica!), ...common, ...auth, '--replicaof', '127.0.0.1', String(master!)], {
      stdio: 'ignore',
    }),
  );
  const stop = async () => {
    await Promise.all(
      children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  const sentinelAsk = <T>(port: number, ...args: string[]) => ask<T>(tls, port, false, ...args);
  const masterPort = async () => {
    const [, port] = await sentinelAsk<[string, string]>(
      sentinelPorts[0]!,
      'SENTINEL',
      'GET-MASTER-ADDR-BY-NAME',
      SENTINEL_MASTER,
    );
    return Number(port);
  };

  try {
    // The replica has synced, and every sentinel knows it and the other sentinels.
    await eventually(
      async () =>
        ((await ask<string>(tls, replica!, true, 'INFO', 'replication').catch(() => '')) ?? '').includes(
          'master_link_status:up',
        ),
      20_000,
      'the replica in sync',
    );
    // Started once the replica is in sync, the sentinels see it in their first INFO of the master.
    for (const port of sentinelPorts) {
      // A sentinel rewrites its configuration file, so each has one of its own.
      const file = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        file,
        [
          // The same listening options as the servers', one per line.
          ...listen(port)
            .join(' ')
            .split(' --')
            .map((option) => option.replace(/^--/, '')),
          'bind 127.0.0.1',
          `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${master} 2`,
          `sentinel auth-pass ${SENTINEL_MASTER} ${PASSWORD}`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER} 2000`,
          `sentinel failover-timeout ${SENTINEL_MASTER} 10000`,
          '',
        ].join('\n'),
      );
      children.push(spawn('redis-server', [file, '--sentinel'], { stdio: 'ignore' }));
    }
    for (const port of sentinelPorts) {
      await eventually(
        async () => {
          const replicas = await sentinelAsk<unknown[]>(port, 'SENTINEL', 'REPLICAS', SENTINEL_MASTER).catch(() => []);
          const others = await sentinelAsk<unknown[]>(port, 'SENTINEL', 'SENTINELS', SENTINEL_MASTER).catch(() => []);
          return replicas.length === 1 && others.length === sentinelPorts.length - 1;
        },
        30_000,
        `sentinel ${port} seeing the replica and the other sentinels`,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    sentinels: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
    password: PASSWORD,
    masterPort,
    async failover() {
      const before = await masterPort();
      await sentinelAsk(sentinelPorts[0]!, 'SENTINEL', 'FAILOVER', SENTINEL_MASTER);
      let after = before;
      await eventually(
        async () => {
          after = await masterPort();
          if (after === before) return false;
          const role = await ask<string>(tls, after, true, 'INFO', 'replication').catch(() => '');
          return role.includes('role:master');
        },
        30_000,
        'the sentinels naming a new master',
      );
      return after;
    },
    stop,
  };
}

async function distinctPorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  return ports;
}
