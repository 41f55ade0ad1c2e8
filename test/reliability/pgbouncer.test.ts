import { chaosRun, PASSED, verdict } from '../support/chaos-run';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { ownPgBouncer, type OwnPgBouncer } from '../support/pgbouncer';
import { ownRedis, type OwnRedis } from '../support/redis-server';

// PostgreSQL behind PgBouncer in session pool mode (docs/dev/operations.md): both apps
// start through it (the migrator's session advisory lock), and the chaos run passes
// (named prepared statements of the feedback batch and the sweeps, the take cap's
// transaction advisory lock with MAX_IN_PROGRESS_STREAMS set). Transaction pooling is
// not supported with the PgBouncer Debian ships (1.18): see the operations page.

let bouncer: OwnPgBouncer;
let redis: OwnRedis;
let database: TestDatabase;

beforeAll(async () => {
  [bouncer, redis, database] = await Promise.all([ownPgBouncer('session'), ownRedis(), createTestDatabase()]);
}, 30_000);

afterAll(async () => {
  await Promise.all([bouncer?.stop(), redis?.stop()]);
  await database?.drop();
});

it('runs the chaos fleet with PostgreSQL behind PgBouncer in session mode', async () => {
  const result = await chaosRun(
    { DATABASE_URL: bouncer.through(database.url), REDIS_URL: redis.url, MAX_IN_PROGRESS_STREAMS: '1000' },
    { streams: 150, agents: 4, runMs: 6000 },
  );
  expect(verdict(result)).toEqual(PASSED);
}, 90_000);
