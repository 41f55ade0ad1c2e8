import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './redis-server';
import { eventually } from './wait';
import type { TestCertificates } from './redis-tls';

// A Redis Cluster of the test's own: 3 masters and 3 replicas (redis-server
// --cluster-enabled, joined by `redis-cli --cluster create`), on free loopback ports.
// A short cluster-node-timeout lets a replica take over a killed master in seconds.
// Optionally every node requires a password and speaks only TLS, between nodes too.

const NODE_TIMEOUT_MS = 2000;

export interface OwnCluster {
  /** `host:port,...` of every node, for REDIS_CLUSTER_NODES. */
  nodes: string;
  /** The port of the master serving the slot of `key` (CLUSTER KEYSLOT). */
  masterOf(key: string): Promise<number>;
  /** SIGKILLs the node on `port`. */
  kill(port: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  password?: string;
  tls?: TestCertificates;
}

/** One command to a node, on a connection of its own. */
async function ask<T>(options: ClusterOptions, port: number, ...args: (string | number)[]): Promise<T> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    ...(options.password ? { password: options.password } : {}),
    ...(options.tls ? { tls: { ca: readFileSync(options.tls.caFile) } } : {}),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.call(String(args[0]), ...args.slice(1).map(String))) as T;
  } finally {
    client.disconnect();
  }
}

async function answers(options: ClusterOptions, port: number, ...args: string[]): Promise<string | null> {
  return ask<string>(options, port, ...args).catch(() => null);
}

export async function ownCluster(options: ClusterOptions = {}): Promise<OwnCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'luna-cluster-'));
  const ports: number[] = [];
  while (ports.length < 6) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const children = new Map<number, ChildProcess>();
  for (const port of ports) {
    const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    if (options.tls) {
      args.push('--port', '0', '--tls-port', String(port), ...options.tls.serverArgs);
      args.push('--tls-cluster', 'yes', '--tls-replication', 'yes');
    } else {
      args.push('--port', String(port));
    }
    if (options.password) args.push('--requirepass', options.password, '--masterauth', options.password);
    args.push('--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`);
    args.push('--cluster-node-timeout', String(NODE_TIMEOUT_MS));
    children.set(port, spawn('redis-server', args, { stdio: 'ignore' }));
  }
  const stop = async () => {
    await Promise.all([...children.keys()].map((port) => kill(port)));
    rmSync(dir, { recursive: true, force: true });
  };
  const kill = async (port: number) => {
    const child = children.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  try {
    for (const port of ports)
      await eventually(async () => (await answers(options, port, 'PING')) === 'PONG', 10_000, `node ${port}`);
    const created = spawnSync(
      'redis-cli',
      [
        ...(options.tls ? ['--tls', '--cacert', options.tls.caFile] : []),
        ...(options.password ? ['--no-auth-warning', '-a', options.password] : []),
        ...['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'],
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}${created.stderr}`);
    // Every node sees the cluster whole, and every replica has synced with its master.
    for (const port of ports) {
      await eventually(
        async () => (await answers(options, port, 'CLUSTER', 'INFO'))?.includes('cluster_state:ok') ?? false,
        30_000,
        `cluster state ok on ${port}`,
      );
      await eventually(
        async () => {
          const info = (await answers(options, port, 'INFO', 'replication')) ?? '';
          return info.includes('role:master') || info.includes('master_link_status:up');
        },
        30_000,
        `replica ${port} in sync`,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    nodes: ports.map((p) => `127.0.0.1:${p}`).join(','),
    async masterOf(key: string) {
      const slot = await ask<number>(options, ports[0]!, 'CLUSTER', 'KEYSLOT', key);
      for (const port of ports) {
        const slots = await ask<[number, number, [string, number]][]>(options, port, 'CLUSTER', 'SLOTS').catch(
          () => null,
        );
        const range = slots?.find(([from, to]) => slot >= from && slot <= to);
        if (range) return range[2][1];
      }
      throw new Error(`no node answers for slot ${slot}`);
    },
    kill,
    stop,
  };
}
