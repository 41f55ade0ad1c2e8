import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, migrationsFingerprint } from '../../packages/shared/src/store/migrator';
import { ADMIN_DATABASE_URL, databaseUrl } from './env';

// Each test file owns a database cloned from a migrated template (docs/dev/conventions.md, Tests):
// cloning is fast, and no file sees another's rows.

export function templateName(): string {
  return `luna_tpl_${migrationsFingerprint()}`;
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates and migrates the template once per set of migrations (jest global setup). */
export async function ensureTemplate(): Promise<string> {
  const name = templateName();
  await withAdmin(async (admin) => {
    // Serialises concurrent test runs on one server while the template is built.
    await admin.query('SELECT pg_advisory_lock(727073)');
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount === 0) {
        await admin.query(`CREATE DATABASE "${name}"`);
        try {
          await migrate(databaseUrl(name));
        } catch (error) {
          await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
          throw error;
        }
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock(727073)');
    }
  });
  return name;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file; `empty` skips the template (for migrator tests). */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `luna_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((admin) =>
    admin.query(options.empty ? `CREATE DATABASE "${name}"` : `CREATE DATABASE "${name}" TEMPLATE "${templateName()}"`),
  );
  return {
    name,
    url: databaseUrl(name),
    drop: () =>
      withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
