import { errors, LunaError } from '../contract/errors';

// Translates what PostgreSQL, pg and Prisma throw into the Luna error model, so nothing
// above the store sees a database error (docs/dev/conventions.md). An outage or timeout
// becomes 503/2; a busy pool while the database answers becomes 503/3 (bounded-pool.ts).

const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'DatabaseDoesNotExist',
  'DatabaseAccessDenied',
  'AuthenticationFailed',
  'TlsConnectionError',
]);
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
// Class 08 connection exceptions, 53 insufficient resources, 57 operator intervention
// (admin shutdown, statement timeout, cannot connect now).
const UNAVAILABLE_SQLSTATE = /^(08|53|57)/;
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|connection timeout|Query read timeout|ECONNREFUSED|ECONNRESET|Can't reach database server|Client has encountered a connection error|Cannot use a pool after calling end|database did not answer while every pool connection was busy/i;
// PoolBusyError's message, also when Prisma passes on only the message.
const POOL_BUSY_MESSAGE = /^database connection pool is busy/;

interface ErrorLike {
  code?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  message?: unknown;
  severity?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: unknown } };
}

function* chain(error: unknown): Generator<ErrorLike> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const next = queue.shift();
    if (next === null || typeof next !== 'object' || seen.has(next)) continue;
    seen.add(next);
    const e = next as ErrorLike;
    yield e;
    queue.push(e.cause, e.meta?.driverAdapterError, e.meta?.driverAdapterError?.cause);
  }
}

/** The SQLSTATE behind an error from pg or Prisma, when there is one. */
export function sqlState(error: unknown): string | undefined {
  const links = [...chain(error)];
  const original = links.find((e) => typeof e.originalCode === 'string')?.originalCode;
  if (typeof original === 'string') return original;
  // Prisma's own codes (P2010...) are not SQLSTATEs.
  const code = links.find((e) => typeof e.code === 'string' && /^(?!P\d{4}$)[0-9A-Z]{5}$/.test(e.code))?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (const e of chain(error)) {
    if (typeof e.kind === 'string' && UNAVAILABLE_KINDS.has(e.kind)) return true;
    if (typeof e.code === 'string' && UNAVAILABLE_PRISMA_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
    // A FATAL error ends the session: the server is going away or refuses us.
    if (e.severity === 'FATAL') return true;
  }
  const state = sqlState(error);
  return state !== undefined && UNAVAILABLE_SQLSTATE.test(state);
}

export function isPoolBusy(error: unknown): boolean {
  for (const e of chain(error)) {
    if (typeof e.message === 'string' && POOL_BUSY_MESSAGE.test(e.message)) return true;
  }
  return false;
}

/** A LunaError for errors the store knows how to name; the error itself otherwise. */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof LunaError) return error;
  if (isPoolBusy(error)) return errors.overloaded();
  if (isDatabaseUnavailable(error)) return errors.databaseUnavailable();
  return error;
}
