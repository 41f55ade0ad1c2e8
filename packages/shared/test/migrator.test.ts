import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { defaultMigrationsDir, migrate, readMigrations } from '../src/store/migrator';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase({ empty: true });
});
afterEach(() => database.drop());

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migrator', () => {
  it('applies every migration once and records it as prisma migrate does', async () => {
    const migrations = readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    const first = await migrate(database.url);
    expect(first.applied).toEqual(migrations.map((m) => m.name));

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
      rolled_back_at: Date | null;
    }>('SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM "_prisma_migrations"');
    expect(rows).toHaveLength(migrations.length);
    for (const row of rows) {
      const file = readFileSync(join(defaultMigrationsDir(), row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      expect(row.rolled_back_at).toBeNull();
    }
    const tables = await query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    expect(tables.map((t) => t.tablename)).toEqual(
      expect.arrayContaining(['_prisma_migrations', 'groups', 'stream_groups', 'stream_logs', 'streams']),
    );
  });

  it('changes nothing when applied a second time', async () => {
    await migrate(database.url);
    const before = await query('SELECT id, finished_at FROM "_prisma_migrations" ORDER BY id');
    const second = await migrate(database.url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(readMigrations().length);
    expect(await query('SELECT id, finished_at FROM "_prisma_migrations" ORDER BY id')).toEqual(before);
  });

  it('lets two racing copies apply each migration exactly once', async () => {
    const results = await Promise.all([migrate(database.url), migrate(database.url), migrate(database.url)]);
    const applied = results.flatMap((r) => r.applied);
    expect(applied.sort()).toEqual(
      readMigrations()
        .map((m) => m.name)
        .sort(),
    );
    const rows = await query<{ n: string }>('SELECT count(*) AS n FROM "_prisma_migrations"');
    expect(Number(rows[0]!.n)).toBe(readMigrations().length);
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const dir = join(__dirname, 'fixtures', 'failing-migrations');
    await expect(migrate(database.url, { dir })).rejects.toThrow(/migration 0002_broken failed/);
    const names = await query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"');
    expect(names.map((r) => r.migration_name)).toEqual(['0001_ok']);
    const tables = await query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE tablename LIKE 'fixture_%'",
    );
    expect(tables.map((t) => t.tablename)).toEqual(['fixture_one']);
  });

  it('runs a no-transaction migration statement by statement (CREATE INDEX CONCURRENTLY)', async () => {
    const dir = join(__dirname, 'fixtures', 'concurrent-index');
    const result = await migrate(database.url, { dir });
    expect(result.applied).toEqual(['0001_table', '0002_index']);
    const indexes = await query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'fixture_two' AND indexname = 'fixture_two_v_idx'",
    );
    expect(indexes).toHaveLength(1);
  });
});
