import { createHandlerLostRepository } from '../src/store/handler-lost.repository';
import { createDatabase, type Database } from '../src/store/database';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { seedStreams } from '../../../test/support/seed';

// The handler_lost sweep runs its batches in concurrent lanes (handler-lost.repository.ts):
// lanes leapfrog over each other's locked rows, and no stream may be moved twice.

let database: TestDatabase;
let db: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase({ url: database.url, poolSize: 6, statementTimeoutMs: 10_000 });
});
afterAll(async () => {
  await db.close();
  await database.drop();
});

describe('handler_lost sweep lanes', () => {
  it('moves every silent stream exactly once, however many lanes and sweeps race', async () => {
    await seedStreams(db.pool, 2500, { status: 'in_progress', silentForSeconds: 3600, returnIds: false });
    const lostHandlers = createHandlerLostRepository(db);
    // Two sweeps at once (two worker copies), three lanes each, batches of 100.
    const moved = await Promise.all([
      lostHandlers.sweepLostHandlers(5, 100, 3),
      lostHandlers.sweepLostHandlers(5, 100, 3),
    ]);
    expect(moved[0]! + moved[1]!).toBe(2500);
    expect(await lostHandlers.sweepLostHandlers(5, 100, 3)).toBe(0);

    const { rows } = await db.pool.query<{ status: string; version: number; n: number }>(
      'SELECT status, version, count(*)::int AS n FROM streams GROUP BY status, version',
    );
    expect(rows).toEqual([{ status: 'pending', version: 2, n: 2500 }]);
    const logs = await db.pool.query<{ chain: string; n: number }>(
      `SELECT chain, count(*)::int AS n FROM (
         SELECT string_agg(status || '/' || version, ',' ORDER BY seq) AS chain FROM stream_logs GROUP BY stream_id
       ) c GROUP BY chain`,
    );
    expect(logs.rows).toEqual([{ chain: 'handler_lost/1,restart/2,pending/2', n: 2500 }]);
  });
});
