import { createRedis, closeRedis, parseConfig } from '../../packages/shared/src';
import { chaosRun, PASSED, verdict } from '../support/chaos-run';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ownCluster } from '../support/redis-cluster';
import { eventually } from '../support/wait';
import { ownSentinel, SENTINEL_MASTER } from '../support/redis-sentinel';
import { makeCertificates, ownTlsRedis, type OwnTlsRedis } from '../support/redis-tls';

// Redis over TLS, with certificates this test makes (a CA of its own, a server
// certificate for 127.0.0.1): a rediss:// REDIS_URL with REDIS_TLS_CA_FILE, and a Cluster
// whose nodes speak only TLS and want a password (REDIS_TLS, REDIS_USERNAME,
// REDIS_PASSWORD), and Sentinels and servers that speak only TLS. The service verifies
// the server's certificate: without the CA it does not connect.

let redis: OwnTlsRedis;
const databases: TestDatabase[] = [];

beforeAll(async () => {
  redis = await ownTlsRedis();
}, 30_000);

afterAll(async () => {
  await redis?.stop();
  await Promise.all(databases.map((d) => d.drop()));
});

async function database(): Promise<string> {
  const created = await createTestDatabase();
  databases.push(created);
  return created.url;
}

it('runs the chaos fleet on a rediss:// server, trusting the CA in REDIS_TLS_CA_FILE', async () => {
  const result = await chaosRun(
    { DATABASE_URL: await database(), REDIS_URL: redis.url, REDIS_TLS_CA_FILE: redis.certificates.caFile },
    { streams: 120, agents: 4, runMs: 5000 },
  );
  expect(verdict(result)).toEqual(PASSED);
});

it("verifies the server's certificate: without its CA the connection is refused", async () => {
  const connection = createRedis({ mode: 'single', url: redis.url, tls: {} }, { role: 'request' });
  try {
    const error = await new Promise<Error>((resolve) => connection.once('error', resolve));
    expect(error.message).toMatch(/self[- ]signed certificate|unable to verify/);
    expect(connection.status).not.toBe('ready');
  } finally {
    await closeRedis(connection);
  }
});

it('runs the chaos fleet on a Cluster that speaks only TLS and wants a password', async () => {
  const certificates = makeCertificates();
  const cluster = await ownCluster({ tls: certificates, password: 'cluster-test-pass' });
  try {
    const result = await chaosRun(
      {
        DATABASE_URL: await database(),
        REDIS_CLUSTER_NODES: cluster.nodes,
        REDIS_USERNAME: 'default',
        REDIS_PASSWORD: 'cluster-test-pass',
        REDIS_TLS: 'true',
        REDIS_TLS_CA_FILE: certificates.caFile,
      },
      { streams: 120, agents: 4, runMs: 5000 },
    );
    expect(verdict(result)).toEqual(PASSED);
  } finally {
    await cluster.stop();
    certificates.remove();
  }
}, 90_000);

it('reaches TLS-only Sentinels and master with REDIS_TLS, and follows a failover', async () => {
  const certificates = makeCertificates();
  const sentinel = await ownSentinel({ tls: certificates });
  const config = parseConfig({
    DATABASE_URL: 'postgresql://luna@127.0.0.1:1/luna',
    REDIS_SENTINELS: sentinel.sentinels,
    REDIS_SENTINEL_MASTER: SENTINEL_MASTER,
    REDIS_PASSWORD: sentinel.password,
    REDIS_TLS: 'true',
    REDIS_TLS_CA_FILE: certificates.caFile,
  });
  const connection = createRedis(config.redis, { role: 'worker' });
  const serverPort = async () => Number(/laddr=[^ ]*:(\d+)/.exec(String(await connection.call('CLIENT', 'INFO')))![1]);
  try {
    await connection.set('{luna}:tls-check', 'before');
    expect(await serverPort()).toBe(await sentinel.masterPort());
    const promoted = await sentinel.failover();
    await eventually(
      async () => (await connection.set('{luna}:tls-check', 'after').then(serverPort, () => 0)) === promoted,
      20_000,
      'writes reaching the new master',
    );
  } finally {
    await closeRedis(connection);
    await sentinel.stop();
    certificates.remove();
  }
}, 60_000);
