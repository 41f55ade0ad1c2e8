import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Logger } from '../log';
import { PrismaClient } from './generated/client';

export { PrismaClient };

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
  logger?: Logger;
}

export interface Database {
  pool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

// The pg.Pool is ours, not Prisma's (DESIGN.md section 7): a refused or silent
// database must answer 503 within about 2 s instead of hanging, and an idle client's
// error must be logged instead of killing the process.
export function createDatabase(options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs,
    // Client-side bound for a server that stops answering mid-query.
    query_timeout: options.statementTimeoutMs + 2000,
    keepAlive: true,
  });
  // Only what an operator needs: a pg error carries its whole client, secrets included.
  pool.on('error', (error: Error & { code?: string }) =>
    options.logger?.warn({ code: error.code, message: error.message }, 'idle PostgreSQL client failed'),
  );
  // A checked-out client has no pool listener: when the server goes away while it sits
  // between queries (a transaction waiting on Redis, a Prisma transaction), its 'error'
  // would be unhandled and end the process. The holder's next query fails instead (503),
  // and the pool drops the broken client on release.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool),
    transactionOptions: { maxWait: 2000, timeout: 5000 },
  });
  let closed = false;
  return {
    pool,
    prisma,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
