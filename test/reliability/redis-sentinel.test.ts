import { chaosRun, lostTimers, PASSED, verdict } from '../support/chaos-run';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ownSentinel, SENTINEL_MASTER, type OwnSentinel } from '../support/redis-sentinel';

// The service on Redis with Sentinel (a master and a replica with a password, 3 sentinels),
// reached through REDIS_SENTINELS, REDIS_SENTINEL_MASTER and REDIS_PASSWORD. In the middle
// of the reference agents' chaos run an operator forces SENTINEL FAILOVER: the service
// follows the new master without a restart, the run passes its end checks, and every
// failure is restarted exactly once (reconcile restores any timer lost in the switch).

let sentinel: OwnSentinel;
let database: TestDatabase;

beforeAll(async () => {
  [sentinel, database] = await Promise.all([ownSentinel(), createTestDatabase()]);
}, 60_000);

afterAll(async () => {
  await sentinel?.stop();
  await database?.drop();
});

it('passes the chaos run across a forced SENTINEL FAILOVER, losing no autorestart', async () => {
  const before = await sentinel.masterPort();
  const result = await chaosRun(
    {
      DATABASE_URL: database.url,
      REDIS_SENTINELS: sentinel.sentinels,
      REDIS_SENTINEL_MASTER: SENTINEL_MASTER,
      REDIS_PASSWORD: sentinel.password,
      REDIS_PREFIX: '{luna}',
    },
    {
      streams: 300,
      agents: 6,
      runMs: 10_000,
      fault: {
        afterMs: 4000,
        async run() {
          const started = Date.now();
          const after = await sentinel.failover();
          return `master ${before} → ${after} in ${Date.now() - started} ms`;
        },
      },
    },
  );
  expect(await sentinel.masterPort()).not.toBe(before);
  expect(verdict(result)).toEqual(PASSED);
  process.stdout.write(
    `sentinel failover: ${result.fault}; ${result.totals.taken} takes, ${result.totals.done} done, ` +
      `${result.audit.failures} failures restarted once each, ${lostTimers(result).length} reconcile restarts of lost timers\n`,
  );
}, 120_000);
