import { createDatabase, type Database } from '../src/store/database';
import { createJobsFallbackRepository } from '../src/store/jobs-fallback';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { eventually } from '../../../test/support/wait';

// The jobs fallback lock (store/jobs-fallback.ts): one worker copy's tick at a time, and
// a copy that dies mid-tick frees it.

let database: TestDatabase;
let db: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase({ url: database.url, poolSize: 6, statementTimeoutMs: 10_000 });
});
const repositories: { close(): Promise<void> }[] = [];
function fallbackRepository(pool = db.pool) {
  const repository = createJobsFallbackRepository(pool, database.url);
  repositories.push(repository);
  return repository;
}
afterAll(async () => {
  for (const repository of repositories) await repository.close();
  await db.close();
  await database.drop();
});

describe('jobs fallback lock', () => {
  it('lets one tick run at a time: the copy that meets a running tick skips its own', async () => {
    const copies = [fallbackRepository(), fallbackRepository()];
    let running = 0;
    let overlapped = false;
    let ran = 0;
    const work = async () => {
      running += 1;
      overlapped ||= running > 1;
      await new Promise((r) => setTimeout(r, 200));
      running -= 1;
      ran += 1;
    };
    const outcomes = await Promise.all(copies.map((copy) => copy.underLock(work)));
    expect(outcomes.sort()).toEqual([false, true]);
    expect(ran).toBe(1);
    expect(overlapped).toBe(false);
    // Released with the tick: the next one runs.
    expect(await copies[1]!.underLock(work)).toBe(true);
  });

  it('is freed when the holder fails mid-tick, and by a session that ends', async () => {
    const copy = fallbackRepository();
    await expect(
      copy.underLock(async () => {
        throw new Error('tick failed');
      }),
    ).rejects.toThrow('tick failed');
    expect(await copy.underLock(async () => undefined)).toBe(true);

    // Another session (a copy that then dies) holds it: skipped until that session ends.
    const other = createDatabase({ url: database.url, poolSize: 1, statementTimeoutMs: 10_000 });
    const client = await other.pool.connect();
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(72707372)');
    expect(await copy.underLock(async () => undefined)).toBe(false);
    client.release(new Error('the copy died'));
    await other.close();
    // The server ends the session a moment after the socket closes.
    await eventually(() => copy.underLock(async () => undefined), 5000, 'lock freed');
  });

  it('leaves the shared pool to the work, even a pool of one connection', async () => {
    const small = createDatabase({ url: database.url, poolSize: 1, statementTimeoutMs: 10_000 });
    try {
      const copy = fallbackRepository(small.pool);
      let answered = false;
      expect(
        await copy.underLock(async () => {
          answered = (await small.pool.query('SELECT 1 AS one')).rows[0].one === 1;
        }),
      ).toBe(true);
      expect(answered).toBe(true);
    } finally {
      await small.close();
    }
  });

  it('says when a job is due and when the next autorestart falls due', async () => {
    const copy = fallbackRepository();
    expect(await copy.jobDue('handler-lost-sweep', 5)).toBe(true);
    await db.pool.query(`INSERT INTO job_runs (job, last_started_at) VALUES ('handler-lost-sweep', now())`);
    expect(await copy.jobDue('handler-lost-sweep', 5)).toBe(false);
    expect(await copy.msUntilNextAutorestart()).toBeNull();
  });
});
