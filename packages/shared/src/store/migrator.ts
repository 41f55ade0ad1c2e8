import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';

// Applies prisma/migrations the way `prisma migrate deploy` does (DESIGN.md section 7),
// because Prisma's CLI cannot run its schema engine everywhere this service runs:
// - one dedicated connection holds advisory lock 72707369, the key prisma migrate uses,
//   so copies of this migrator and Prisma's CLI never migrate at once;
// - each pending migration runs in a transaction together with its _prisma_migrations row,
//   recorded exactly as Prisma records it (sha256 of the file), so the CLI sees the
//   database as up to date. A file whose first line is `-- luna:no-transaction` runs
//   statement by statement outside a transaction (for CREATE INDEX CONCURRENTLY).

export const MIGRATION_LOCK_KEY = 72707369;
const NO_TRANSACTION_MARK = '-- luna:no-transaction';

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/** The folder that holds prisma/migrations, found from this file in src or dist. */
export function defaultMigrationsDir(): string {
  const candidates = [
    resolve(__dirname, '../../../../prisma/migrations'),
    resolve(__dirname, '../../../prisma/migrations'),
    resolve(process.cwd(), 'prisma/migrations'),
  ];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0]!;
}

export function readMigrations(dir: string = defaultMigrationsDir()): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(dir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    });
}

/** A fingerprint of every migration: tests name their template database after it. */
export function migrationsFingerprint(migrations: Migration[] = readMigrations()): string {
  const hash = createHash('sha256');
  for (const m of migrations) hash.update(`${m.name}:${m.checksum};`);
  return hash.digest('hex').slice(0, 12);
}

function statementsOf(sql: string): string[] {
  // Only for no-transaction files, which hold simple statements each ending with ';' at a line end.
  return sql
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.replace(/--.*$/gm, '').trim().length > 0);
}

async function applyOne(client: pg.Client, migration: Migration): Promise<void> {
  const id = randomUUID();
  const record = `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
                  VALUES ($1, $2, $3, now(), now(), 1)`;
  const args = [id, migration.checksum, migration.name];
  if (migration.sql.trimStart().startsWith(NO_TRANSACTION_MARK)) {
    for (const statement of statementsOf(migration.sql)) await client.query(statement);
    await client.query(record, args);
    return;
  }
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(record, args);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
  }
}

export async function migrate(
  databaseUrl: string,
  options: { dir?: string; log?: (message: string) => void } = {},
): Promise<MigrationResult> {
  const migrations = readMigrations(options.dir);
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined); // reported by the query that fails
  await client.connect();
  try {
    // Polled, not waited for: a copy blocked in pg_advisory_lock sits in an open
    // transaction, which a CREATE INDEX CONCURRENTLY of the copy holding the lock would
    // wait for: a deadlock.
    while (
      !(await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [MIGRATION_LOCK_KEY])).rows[0]!.ok
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 100));
    }
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const failed = rows.find((r) => r.finished_at === null);
    if (failed) {
      throw new Error(
        `migration ${failed.migration_name} failed earlier; resolve it before starting (prisma migrate resolve)`,
      );
    }
    const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const checksum = done.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          options.log?.(`migration ${migration.name} was modified after it was applied`);
        }
        continue;
      }
      await applyOne(client, migration);
      applied.push(migration.name);
      options.log?.(`applied migration ${migration.name}`);
    }
    return { applied, alreadyApplied: migrations.length - applied.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/**
 * Start-up migration: waits up to `waitMs` for PostgreSQL to accept connections (in a
 * compose file the database may start after the apps), then migrates.
 */
export async function migrateWhenReachable(
  databaseUrl: string,
  logger: { info(msg: string): void; warn(obj: object, msg: string): void },
  waitMs = 30_000,
): Promise<MigrationResult> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      return await migrate(databaseUrl, { log: (m) => logger.info(m) });
    } catch (error) {
      const code = (error as { code?: string }).code;
      const unreachable =
        code === 'ECONNREFUSED' || code === '57P03' || /timeout|terminated/i.test((error as Error).message);
      if (!unreachable || Date.now() > until) throw error;
      logger.warn({ err: error }, 'PostgreSQL is not reachable yet, retrying');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
