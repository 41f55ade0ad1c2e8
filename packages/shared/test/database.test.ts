import type { Socket } from 'node:net';
import { createDatabase, type Database } from '../src/store/database';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { eventually } from '../../../test/support/wait';

let database: TestDatabase;
let db: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase({ url: database.url, poolSize: 2, statementTimeoutMs: 5000 });
});
afterAll(async () => {
  await db.close();
  await database.drop();
});

describe('the pool', () => {
  it('survives the server ending a client that is checked out between queries', async () => {
    const client = await db.pool.connect();
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    // What a PostgreSQL shutdown does to every session: the client emits 'error', which,
    // unhandled, ends the process (and fails this test).
    await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    const gone = async () =>
      (await db.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0;
    await eventually(gone, 5000, 'the backend ended');
    // The client hears of it when its socket closes.
    const socket = (client as unknown as { connection: { stream: Socket } }).connection.stream;
    await eventually(() => socket.destroyed, 5000, "the client's socket closed");
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release();
    expect((await db.pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
