import pg from 'pg';
import { drainMirrorOutbox } from '../src/store/mirror-outbox';
import { translatingErrors } from '../src/store/translate';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

// Deadlocks are real PostgreSQL ones here: two sessions lock two rows in opposite orders.

let database: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
  await pool.query('CREATE TABLE pair (id int PRIMARY KEY, v int NOT NULL)');
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

async function waitUntilBlocked(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await pool.query<{ waiting: boolean }>(
      `SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1`,
      [pid],
    );
    if (rows[0]?.waiting) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`session ${pid} never waited for a lock`);
}

describe('transient conflicts', () => {
  beforeEach(async () => {
    await pool.query('TRUNCATE pair');
    await pool.query('INSERT INTO pair VALUES (1, 0), (2, 0)');
  });

  it('a repository method that loses a deadlock runs again and succeeds', async () => {
    // PostgreSQL checks for a deadlock once, deadlock_timeout after a session starts to
    // wait. The other session waits first with a long timeout; the method's session waits
    // second with a short one, so it is the one that finds the cycle and is aborted.
    const other = await pool.connect();
    await other.query("SET deadlock_timeout = '30s'");
    const otherPid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await other.query('BEGIN');
    await other.query('UPDATE pair SET v = v + 10 WHERE id = 2');
    let otherDone: Promise<unknown> | undefined;
    let runs = 0;
    const repository = translatingErrors({
      async bumpBoth(): Promise<number> {
        runs += 1;
        const client = await pool.connect();
        try {
          await client.query("SET deadlock_timeout = '50ms'");
          await client.query('BEGIN');
          await client.query('UPDATE pair SET v = v + 1 WHERE id = 1');
          if (!otherDone) {
            otherDone = other.query('UPDATE pair SET v = v + 10 WHERE id = 1').then(() => other.query('COMMIT'));
            await waitUntilBlocked(otherPid);
          }
          await client.query('UPDATE pair SET v = v + 1 WHERE id = 2');
          await client.query('COMMIT');
          return runs;
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      },
    });

    let result: number;
    try {
      result = await repository.bumpBoth();
    } finally {
      await otherDone?.catch(() => other.query('ROLLBACK'));
      other.release();
    }

    expect(result).toBe(2);
    const { rows } = await pool.query<{ id: number; v: number }>('SELECT id, v FROM pair ORDER BY id');
    expect(rows).toEqual([
      { id: 1, v: 11 },
      { id: 2, v: 11 },
    ]);
  });

  it('other errors are not run again', async () => {
    let runs = 0;
    const repository = translatingErrors({
      async broken(): Promise<void> {
        runs += 1;
        await pool.query('SELECT * FROM no_such_table');
      },
    });
    await expect(repository.broken()).rejects.toMatchObject({ code: '42P01' });
    expect(runs).toBe(1);
  });

  it('the mirror drain skips a mark a writer holds instead of waiting on it', async () => {
    await pool.query('TRUNCATE mirror_outbox');
    const [held, free] = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
    await pool.query('INSERT INTO mirror_outbox (stream_id) VALUES ($1), ($2)', [held, free]);
    const writer = await pool.connect();
    try {
      await writer.query('BEGIN');
      // What a status change's trigger does to the mark, left uncommitted.
      await writer.query('UPDATE mirror_outbox SET tick = tick + 1 WHERE stream_id = $1', [held]);
      const copied: string[] = [];
      // A drain that waited would wait for this test forever: the lock timeout makes it fail instead.
      const drainPool = new pg.Pool({ connectionString: database.url, max: 1, options: '-c lock_timeout=2000' });
      const drained = await drainMirrorOutbox(drainPool, async (entries) => {
        copied.push(...entries.map((e) => e.stream_id));
      }).finally(() => drainPool.end());
      expect(drained).toBe(2);
      expect(copied.sort()).toEqual([held, free]);
      const left = await pool.query<{ stream_id: string }>('SELECT stream_id::text FROM mirror_outbox');
      expect(left.rows).toEqual([{ stream_id: held }]);
      await writer.query('COMMIT');
    } finally {
      writer.release();
    }
    const after = await pool.query<{ tick: string }>('SELECT tick FROM mirror_outbox WHERE stream_id = $1', [held]);
    expect(after.rows).toEqual([{ tick: '2' }]);
  });
});
