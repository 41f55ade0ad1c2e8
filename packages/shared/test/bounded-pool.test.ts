import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { translateDatabaseError } from '../src/store/db-errors';
import { createDatabase, type Database } from '../src/store/database';
import { LunaError } from '../src/contract/errors';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

// The pool tells a busy pool from a database that does not answer (docs/dev/operations.md, Overload), against a
// real PostgreSQL: through a TCP relay that can go silent, as a partitioned network does.

interface Relay {
  url: string;
  silence(): void;
  close(): Promise<void>;
}

/** Relays connections to PostgreSQL; after silence() it forwards nothing, either way. */
async function relay(target: string): Promise<Relay> {
  const upstream = new URL(target);
  const sockets: net.Socket[] = [];
  let silent = false;
  const server = net.createServer((client) => {
    const server = net.connect(Number(upstream.port || 5432), upstream.hostname);
    sockets.push(client, server);
    for (const [from, to] of [
      [client, server],
      [server, client],
    ] as const) {
      from.on('data', (chunk) => {
        if (!silent) to.write(chunk);
      });
      from.on('error', () => undefined);
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    silence: () => {
      silent = true;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The Luna error code a request failing with `error` is answered with. */
function codeOf(error: unknown): number | undefined {
  const luna = translateDatabaseError(error);
  return luna instanceof LunaError ? luna.toBody().error_code : undefined;
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe('a pool whose every connection is busy', () => {
  let db: Database;
  afterEach(() => db.close());

  it('refuses beyond DB_POOL_MAX_WAITING at once, and the waiter whose time ran out, with code 3', async () => {
    // Margins are the wait timeout: a refusal at once comes well before it, and the
    // statements holding the connection outlast it.
    db = createDatabase({
      url: database.url,
      poolSize: 1,
      statementTimeoutMs: 10_000,
      maxWaiting: 1,
      waitTimeoutMs: 1500,
    });
    const holding = db.pool.query('SELECT pg_sleep(3)');
    const waiting = db.pool.query('SELECT 1').catch((e: unknown) => e);
    const started = Date.now();
    const refused = await db.pool.query('SELECT 1').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(codeOf(refused)).toBe(3);
    expect(codeOf(await waiting)).toBe(3);
    await holding;
    // The same through Prisma, which wraps what the pool throws.
    const sleeping = db.pool.query('SELECT pg_sleep(3)');
    const waitingPrisma = db.prisma.$queryRaw`SELECT 1`.catch((e: unknown) => e);
    while (db.pool.waitingCount < 1) await new Promise((r) => setTimeout(r, 5));
    expect(codeOf(await db.prisma.$queryRaw`SELECT 1`.catch((e: unknown) => e))).toBe(3);
    expect(codeOf(await waitingPrisma)).toBe(3);
    await sleeping;
    expect((await db.pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('answers code 2, not 3, when the database stops answering', async () => {
    const silent = await relay(database.url);
    // The holder's own bound (statement timeout + 2 s) ends later than the refusal's.
    db = createDatabase({ url: silent.url, poolSize: 1, statementTimeoutMs: 5000, maxWaiting: 1, waitTimeoutMs: 500 });
    try {
      await Promise.all([db.pool.query('SELECT 1'), db.healthPool.query('SELECT 1')]);
      silent.silence();
      const holding = db.pool.query('SELECT 1').catch((e: unknown) => e);
      const waiting = db.pool.query('SELECT 1').catch((e: unknown) => e);
      const started = Date.now();
      const refused = await db.pool.query('SELECT 1').catch((e: unknown) => e);
      // Within the health connection's bound (1 s), well before the holder's (7 s).
      expect(Date.now() - started).toBeLessThan(4000);
      expect(codeOf(refused)).toBe(2);
      expect(codeOf(await waiting)).toBe(2);
      expect(codeOf(await holding)).toBe(2);
    } finally {
      await silent.close();
    }
  });
});
