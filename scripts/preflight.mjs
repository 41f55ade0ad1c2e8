// What `npm start` checks before it starts the apps, so that a taken port or a wrong URL
// is one line saying what to do, not an app retrying for a minute.
import net from 'node:net';
import { URL } from 'node:url';
import pg from 'pg';
import { StartupError } from './postgres-layout.mjs';
import { answers } from './wait.mjs';

/** Whether this process could listen on `port`, as the app will (every interface). */
export function free(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(Number(port), () => server.close(() => resolve(true)));
  });
}

const masked = (url) => url.replace(/:[^:@/]+@/, ':***@');

/** PostgreSQL accepts a session on DATABASE_URL's database, and Redis a connection on REDIS_URL when it is set. */
export async function serversAnswer({ DATABASE_URL, REDIS_URL }) {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new StartupError(
      `PostgreSQL at ${masked(DATABASE_URL)} refused a session (${error.code ?? 'error'}: ${error.message}): ` +
        'start it, create the database, correct DATABASE_URL, or unset it to use the embedded PostgreSQL',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  // A Cluster or Sentinel setting instead of REDIS_URL: the apps report what they cannot reach.
  if (!REDIS_URL) return;
  const redis = new URL(REDIS_URL);
  if (['redis:', 'rediss:'].includes(redis.protocol)) {
    if (!(await answers(Number(redis.port || 6379), redis.hostname))) {
      throw new StartupError(
        `Redis at ${masked(REDIS_URL)} does not answer: start it, correct REDIS_URL, or unset it to use redis-server from PATH`,
      );
    }
  }
}
