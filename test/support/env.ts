// Where the tests find PostgreSQL and Redis: DATABASE_URL names a server and a database
// the tests may connect to in order to create their own; REDIS_URL a Redis server.
// Defaults are the local services of a development machine.
export const ADMIN_DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
