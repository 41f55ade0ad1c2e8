import { chaosRun, lostTimers, PASSED, verdict, type ChaosResult } from '../support/chaos-run';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { streamBody } from '../support/api';
import { startApp } from '../support/process';
import { ownCluster, type OwnCluster } from '../support/redis-cluster';
import { eventually } from '../support/wait';

// The service on a Redis Cluster of the test's own (3 masters, 3 replicas), reached
// through REDIS_CLUSTER_NODES: the reference agents' chaos run passes its end checks
// (see test/support/fleet-checks.ts), and again while the master owning the slot of
// the production prefix {luna} is killed and its replica takes over.

let cluster: OwnCluster;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  cluster = await ownCluster();
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  await Promise.all(databases.map((d) => d.drop()));
});

async function clusterEnv(prefix: string): Promise<Record<string, string>> {
  const database = await createTestDatabase();
  databases.push(database);
  return { DATABASE_URL: database.url, REDIS_CLUSTER_NODES: cluster.nodes, REDIS_PREFIX: prefix };
}

it('runs the chaos fleet on a Cluster: no double assignment, every autorestart timer fired by BullMQ', async () => {
  const result = await chaosRun(await clusterEnv('{luna-steady}'), { streams: 240, agents: 5, runMs: 7000 });
  expect(verdict(result)).toEqual(PASSED);
  // No timer had to be replaced by reconcile: the delayed jobs ran on the Cluster.
  expect(lostTimers(result)).toEqual([]);
  process.stdout.write(
    `cluster: ${result.totals.taken} takes, ${result.totals.done} done, ${result.audit.failures} failures restarted once each, ` +
      `settled in ${result.audit.settledInMs} ms\n`,
  );
}, 90_000);

it('a plain REDIS_URL naming one Cluster node: both apps answer 200 and say degraded, naming the MOVED reply', async () => {
  // The mistake an operator makes first: every BullMQ call is refused with MOVED. Before
  // this was told, no job ran and both health answers were 200 as if all were well.
  const prefix = '{luna-moved}';
  const owner = await cluster.masterOf(prefix);
  const other = cluster.nodes.split(',').find((node) => !node.endsWith(`:${owner}`))!;
  const { DATABASE_URL } = (await clusterEnv(prefix)) as { DATABASE_URL: string };
  const env = { DATABASE_URL, REDIS_URL: `redis://${other}`, REDIS_PREFIX: prefix, MIRROR_DRAIN_INTERVAL_MS: '100' };
  const [api, worker] = await Promise.all([startApp('api', env), startApp('worker', env)]);
  try {
    await fetch(`${api.url}/1/streams`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(streamBody()),
    });
    const degraded = async (url: string, component: string) => {
      const res = await fetch(`${url}/healthcheck`);
      const body = (await res.json()) as { degraded?: { component: string; detail: string }[] };
      return (
        res.status === 200 && (body.degraded ?? []).some((d) => d.component === component && /MOVED/.test(d.detail))
      );
    };
    await eventually(() => degraded(worker.url, 'jobs'), 30_000, 'the worker saying its jobs cannot run (MOVED)');
    await eventually(() => degraded(api.url, 'mirror'), 30_000, 'the API saying its mirror drain fails (MOVED)');
  } finally {
    await Promise.all([api.stop(), worker.stop()]);
  }
}, 90_000);

it('passes again while the master of the {luna} slot is killed and its replica takes over', async () => {
  const master = await cluster.masterOf('{luna}');
  const result = await chaosRun(await clusterEnv('{luna}'), {
    streams: 300,
    agents: 6,
    runMs: 11_000,
    fault: {
      afterMs: 3000,
      async run() {
        const started = Date.now();
        await cluster.kill(master);
        let promoted = master;
        await eventually(
          async () => {
            promoted = await cluster.masterOf('{luna}').catch(() => master);
            return promoted !== master;
          },
          30_000,
          'a replica taking over the {luna} slot',
        );
        return `master ${master} killed, replica ${promoted} took over in ${Date.now() - started} ms`;
      },
    },
  });
  expect(verdict(result)).toEqual(PASSED);
  process.stdout.write(
    `cluster failover: ${result.fault}; ${result.totals.taken} takes, ${result.totals.done} done, ` +
      `${result.audit.failures} failures restarted once each, ${lostTimers(result).length} reconcile restarts of lost timers, ` +
      `${replacedWorkers(result)} stalled job workers replaced, settled in ${result.audit.settledInMs} ms\n`,
  );
}, 120_000);

/** How many times a worker replaced its BullMQ worker because no sweep had started (jobs-runner.ts). */
function replacedWorkers(result: ChaosResult): number {
  return result.outputs.join('\n').split('BullMQ worker replaced').length - 1;
}
