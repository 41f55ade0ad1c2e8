import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Logger } from '../log';
import { BoundedPool } from './bounded-pool';
import { PrismaClient } from './generated/client';

export { PrismaClient };

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
  /** How many requests may wait for a busy pool's connection (DB_POOL_MAX_WAITING). */
  maxWaiting?: number;
  /** How long a request waits for a connection, free or new (DB_POOL_WAIT_TIMEOUT_MS). */
  waitTimeoutMs?: number;
  logger?: Logger;
}

export interface Database {
  /** The requests' and jobs' connections. */
  pool: BoundedPool;
  /** One connection of its own for /healthcheck and for telling overload from an outage. */
  healthPool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** Bounds a health query, on a connection and in time, whatever the request pool does. */
const HEALTH_TIMEOUT_MS = 1000;
/** How long one probe's answer stands for every refusal that asks. */
const PROBE_FRESH_MS = 1000;

/**
 * Whether the database answers now: SELECT 1 on the health connection, one probe at a
 * time, its answer reused for PROBE_FRESH_MS so a burst of refusals costs one round trip.
 */
function databaseProbe(healthPool: pg.Pool): () => Promise<boolean> {
  let last: { at: number; answer: Promise<boolean> } | undefined;
  return () => {
    if (last && Date.now() - last.at < PROBE_FRESH_MS) return last.answer;
    const answer = healthPool.query('SELECT 1').then(
      () => true,
      () => false,
    );
    last = { at: Date.now(), answer };
    return answer;
  };
}

// A checked-out client has no pool listener: when the server goes away while it sits
// between queries (a transaction waiting on Redis, a Prisma transaction), its 'error'
// would be unhandled and end the process. The holder's next query fails instead (503),
// and the pool drops the broken client on release.
function guard(pool: pg.Pool, logger: Logger | undefined): void {
  // Only what an operator needs: a pg error carries its whole client, secrets included.
  pool.on('error', (error: Error & { code?: string }) =>
    logger?.warn({ code: error.code, message: error.message }, 'idle PostgreSQL client failed'),
  );
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
}

// The pg.Pool is ours, not Prisma's (DESIGN.md section 7): a refused or silent
// database must answer 503 within about 2 s instead of hanging, a busy pool must refuse
// early instead of queueing without bound (bounded-pool.ts), and an idle client's error
// must be logged instead of killing the process.
export function createDatabase(options: DatabaseOptions): Database {
  const waitTimeoutMs = options.waitTimeoutMs ?? 2000;
  const healthPool = new pg.Pool({
    connectionString: options.url,
    max: 1,
    connectionTimeoutMillis: HEALTH_TIMEOUT_MS,
    // Kept open: a health check never pays for a new connection.
    idleTimeoutMillis: 0,
    statement_timeout: HEALTH_TIMEOUT_MS,
    query_timeout: HEALTH_TIMEOUT_MS,
    keepAlive: true,
  });
  const pool = new BoundedPool({
    connectionString: options.url,
    max: options.poolSize,
    maxWaiting: options.maxWaiting ?? 100,
    databaseAnswers: databaseProbe(healthPool),
    connectionTimeoutMillis: waitTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs,
    // Client-side bound for a server that stops answering mid-query.
    query_timeout: options.statementTimeoutMs + 2000,
    keepAlive: true,
  });
  guard(pool, options.logger);
  guard(healthPool, options.logger);
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool),
    // The pool's own wait ends first, so a busy pool is named as such (bounded-pool.ts).
    transactionOptions: { maxWait: waitTimeoutMs + 1000, timeout: 5000 },
  });
  let closed = false;
  return {
    pool,
    healthPool,
    prisma,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await Promise.all([pool.end(), healthPool.end()]);
    },
  };
}
