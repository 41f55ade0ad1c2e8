import { randomBytes } from 'node:crypto';
import { createLunaClient, LunaError } from '@luna-streams/client';
import { TEST_REDIS_URL } from '../support/env';
import { ownPostgres, type OwnPostgres } from '../support/own-postgres';
import { startApp, type RunningApp } from '../support/process';

// The client's retries through a real outage: the API as a process on a PostgreSQL of this
// test's own, which is stopped and started while a GET is under way. The GET retries through
// the 503s and returns the answer; a POST during the outage is not repeated.

let postgres: OwnPostgres;
let api: RunningApp;

beforeAll(async () => {
  postgres = await ownPostgres();
  api = await startApp('api', {
    DATABASE_URL: postgres.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `{luna-retry-${randomBytes(4).toString('hex')}}`,
    LOG_LEVEL: 'warn',
  });
}, 120_000);
afterAll(async () => {
  await api?.stop('SIGKILL');
  await postgres?.destroy();
});

it('retries an idempotent call on 503 while PostgreSQL is stopped, and answers once it is back', async () => {
  const statuses: number[] = [];
  const counting = async (request: Request) => {
    const response = await fetch(request);
    statuses.push(response.status);
    return response;
  };
  const luna = createLunaClient({ baseUrl: api.url, fetch: counting, retries: 30, retryDelayMs: 200 });
  expect(await luna.GET('/1/streams/count')).toEqual({ streams_count: 0 });

  await postgres.stop();
  statuses.length = 0;
  // A POST is sent once: its 503 comes back as a LunaError.
  const take = await luna
    .POST('/1/streams/processing/queue', { body: { filters: {}, limit: 1 } })
    .catch((e: unknown) => e);
  expect(take).toBeInstanceOf(LunaError);
  expect(take).toMatchObject({ status: 503, error_code: 2 });
  expect(statuses).toEqual([503]);

  statuses.length = 0;
  const counted = luna.GET('/1/streams/count');
  // Started again once the GET has met the outage at least twice.
  while (statuses.filter((s) => s === 503).length < 2) await new Promise((r) => setTimeout(r, 50));
  await postgres.start();
  expect(await counted).toEqual({ streams_count: 0 });
  expect(statuses[0]).toBe(503);
  expect(statuses.at(-1)).toBe(200);
  process.stdout.write(
    `client retry: ${statuses.length} attempts (${statuses.join(', ')}) through a PostgreSQL restart\n`,
  );
}, 120_000);
