import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDMMF } from '@prisma/get-dmmf';
import pg from 'pg';
import { STORED_STATUSES } from '../src/contract/primitives';
import { AUTORESTART_STATUSES } from '../src/contract/stream-settings';
import { DELIVERY_STATES } from '../src/contract/webhooks';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

// The SQL migrations are what the database runs; prisma/schema.prisma describes the same
// tables for the generated client and is written by hand (docs/dev/conventions.md). This
// test reads the schema as Prisma does (its DMMF) and the migrated database's catalogue,
// and fails when they disagree on tables, columns, types, nullability or indexes.

let database: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await database.drop();
});

/** The schema as Prisma reads it (its DMMF); a schema Prisma rejects fails the test. */
function schema() {
  const dmmf = getDMMF({ datamodel: readFileSync(join(__dirname, '../../../prisma/schema.prisma'), 'utf8') });
  if (!('datamodel' in dmmf)) throw new Error(`prisma/schema.prisma: ${JSON.stringify(dmmf)}`);
  return dmmf.datamodel;
}

/** The PostgreSQL type a Prisma field maps to, as information_schema spells it. */
function columnType(type: string, native: [string, string[]] | null): string {
  const [name, args] = native ?? ['', []];
  if (name === 'Uuid') return 'uuid';
  if (name === 'VarChar') return `character varying(${args[0]})`;
  if (name === 'SmallInt') return 'smallint';
  if (name === 'Timestamptz') return `timestamp with time zone(${args[0] ?? 6})`;
  if (name !== '') throw new Error(`native type ${name} not mapped in this test`);
  const plain: Record<string, string> = {
    String: 'text',
    Int: 'integer',
    BigInt: 'bigint',
    Json: 'jsonb',
    Boolean: 'boolean',
    DateTime: 'timestamp without time zone(3)',
  };
  return plain[type] ?? `unmapped ${type}`;
}

describe('prisma/schema.prisma and the migrated database', () => {
  it('have the same tables and columns, with the same types and nullability', async () => {
    const fromSchema = schema().models.flatMap((m) =>
      m.fields
        .filter((f) => f.kind !== 'object')
        .map(
          (f) =>
            // A list (String[]) is a PostgreSQL array, which information_schema calls ARRAY.
            `${m.dbName ?? m.name}.${f.dbName ?? f.name} ${f.isList ? 'ARRAY' : columnType(f.type, f.nativeType as [string, string[]] | null)}` +
            (f.isRequired ? ' not null' : ''),
        ),
    );
    const { rows } = await client.query<{ column: string }>(
      `SELECT table_name || '.' || column_name || ' ' || data_type ||
              CASE WHEN character_maximum_length IS NOT NULL THEN '(' || character_maximum_length || ')'
                   WHEN data_type LIKE 'timestamp%' THEN '(' || datetime_precision || ')' ELSE '' END ||
              CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END AS column
         FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    expect(fromSchema.sort()).toEqual(rows.map((r) => r.column).sort());
  });

  it('have the same indexes; the partial ones, which Prisma cannot express, are named in the schema', async () => {
    const model = schema();
    const tables = new Map(model.models.map((m) => [m.name, m.dbName ?? m.name]));
    // Prisma's default names: <table>_<columns>_idx, _key for unique, <table>_pkey.
    const fromSchema = model.indexes.map((i) => {
      const table = tables.get(i.model)!;
      const columns = i.fields.map((f) => f.name);
      const name =
        i.dbName ??
        (i.type === 'id' ? `${table}_pkey` : `${table}_${columns.join('_')}_${i.type === 'unique' ? 'key' : 'idx'}`);
      return `${name} ON ${table} (${columns.join(', ')})${i.type === 'normal' ? '' : ' unique'}`;
    });
    const { rows } = await client.query<{ name: string; definition: string; partial: boolean }>(
      `SELECT i.relname AS name, x.indpred IS NOT NULL AS partial,
              i.relname || ' ON ' || t.relname || ' (' ||
              (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) || ')' ||
              CASE WHEN x.indisunique THEN ' unique' ELSE '' END AS definition
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`,
    );
    expect(fromSchema.sort()).toEqual(
      rows
        .filter((r) => !r.partial)
        .map((r) => r.definition)
        .sort(),
    );
    const documented = model.models.map((m) => m.documentation ?? '').join('\n');
    const partial = rows.filter((r) => r.partial).map((r) => r.name);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.filter((name) => !documented.includes(name))).toEqual([]);
  });

  it("stores exactly the contract's statuses (the CHECK constraints)", async () => {
    const check = async (name: string) => {
      const { rows } = await client.query<{ def: string }>(
        'SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = $1',
        [name],
      );
      return [...rows[0]!.def.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).sort();
    };
    expect(await check('streams_status_check')).toEqual([...STORED_STATUSES].sort());
    expect(await check('streams_autorestart_status_check')).toEqual([...AUTORESTART_STATUSES].sort());
    expect(await check('webhook_deliveries_state_check')).toEqual([...DELIVERY_STATES].sort());
  });
});
