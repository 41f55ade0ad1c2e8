import { LUNA_REQUEST_ID_PATTERN } from '../../packages/shared/src';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_REDIS_URL } from '../support/env';
import { startApp, type RunningApp } from '../support/process';
import { exchange, type RawAnswer } from '../support/raw-http';

// Hostile transport against both apps as real processes, over raw sockets: what Node's HTTP
// parser refuses is answered with a Luna body, and slow and silent clients are answered 408
// and closed within the HTTP_* settings (small here).

const TIMEOUTS = { HTTP_REQUEST_TIMEOUT_MS: 2000, HTTP_HEADERS_TIMEOUT_MS: 1000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 1000 };
// The server sweeps for expired requests every quarter of the headers timeout; the rest is for a loaded machine.
const SLACK_MS = TIMEOUTS.HTTP_HEADERS_TIMEOUT_MS / 4 + 2500;

let database: TestDatabase;
let env: Record<string, string>;
let apps: Record<'api' | 'worker', RunningApp>;
beforeAll(async () => {
  database = await createTestDatabase();
  env = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    LOG_LEVEL: 'warn',
    ...Object.fromEntries(Object.entries(TIMEOUTS).map(([k, v]) => [k, String(v)])),
  };
  const [api, worker] = await Promise.all([startApp('api', env), startApp('worker', env)]);
  apps = { api, worker };
});
afterAll(async () => {
  await Promise.all(Object.values(apps ?? {}).map((app) => app.stop()));
  await database.drop();
});

function expectLunaError(answer: RawAnswer, status: number, code: number): void {
  expect({ status: answer.status, connection: answer.headers.connection }).toEqual({ status, connection: 'close' });
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(answer.headers['luna-request-id']).toMatch(LUNA_REQUEST_ID_PATTERN);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(['error_code', 'desc', 'detail']);
  expect(body.error_code).toBe(code);
}

const manyParameters = Array.from({ length: 10_000 }, (_, i) => `p${i}=1`).join('&');
const REFUSED_BY_THE_PARSER: [string, string, number, number][] = [
  ['headers over 16 KiB', `GET /healthcheck?${manyParameters} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 12012],
  [
    'a bad chunk size',
    'POST /1/streams/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    400,
    12012,
  ],
  ['no Host on HTTP/1.1', 'GET /healthcheck HTTP/1.1\r\n\r\n', 400, 12012],
  [
    'Content-Length with Transfer-Encoding',
    'POST /1/streams/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    400,
    12012,
  ],
  ['an unknown method', 'FOO /healthcheck HTTP/1.1\r\nHost: x\r\n\r\n', 400, 12012],
];

describe.each(['api', 'worker'] as const)('the %s', (name) => {
  it.each(REFUSED_BY_THE_PARSER)('answers %s with a Luna error', async (_what, request, status, code) => {
    expectLunaError(await exchange(apps[name].port, request), status, code);
  });

  it("echoes the client's Luna-Request-Id on a refusal", async () => {
    const id = '1796190060,50e8dd75-9967-40ee-bb50-ab654cfcfbd7';
    const answer = await exchange(
      apps[name].port,
      `FOO /healthcheck HTTP/1.1\r\nHost: x\r\nLuna-Request-Id: ${id}\r\n\r\n`,
    );
    expect(answer.headers['luna-request-id']).toBe(id);
  });

  it('answers 408 and closes a body that never completes, within HTTP_REQUEST_TIMEOUT_MS', async () => {
    const answer = await exchange(
      apps[name].port,
      'POST /1/streams/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"streams":',
    );
    expectLunaError(answer, 408, 12002);
    expect(answer.answeredAfterMs).toBeGreaterThanOrEqual(TIMEOUTS.HTTP_REQUEST_TIMEOUT_MS - 100);
    expect(answer.closedAfterMs).toBeLessThan(TIMEOUTS.HTTP_REQUEST_TIMEOUT_MS + SLACK_MS);
  });

  it.each([
    ['a connection that sends nothing', ''],
    ['headers that never end', 'GET /healthcheck HTTP/1.1\r\nHost: x\r\n'],
  ])('answers 408 and closes %s, within HTTP_HEADERS_TIMEOUT_MS', async (_what, request) => {
    const answer = await exchange(apps[name].port, request);
    expectLunaError(answer, 408, 12002);
    expect(answer.answeredAfterMs).toBeGreaterThanOrEqual(TIMEOUTS.HTTP_HEADERS_TIMEOUT_MS - 100);
    expect(answer.closedAfterMs).toBeLessThan(TIMEOUTS.HTTP_HEADERS_TIMEOUT_MS + SLACK_MS);
  });

  it('answers 408 to a second request whose headers never end, on a kept-alive connection', async () => {
    const answer = await exchange(
      apps[name].port,
      'GET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\nGET /healthcheck HTTP/1.1\r\nHost: x\r\n',
    );
    expect(answer.status).toBe(200);
    const second = answer.body.slice(answer.body.indexOf('HTTP/1.1 '));
    expect(second).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(second.split('\r\n\r\n')[1]!)).toMatchObject({ error_code: 12002 });
  });

  it('closes an idle kept-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const answer = await exchange(apps[name].port, 'GET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer.status).toBe(200);
    expect(answer.headers['keep-alive']).toBe(`timeout=${TIMEOUTS.HTTP_KEEP_ALIVE_TIMEOUT_MS / 1000}`);
    // Node closes one second after the timeout it announces, so a client never races it.
    expect(answer.closedAfterMs - answer.answeredAfterMs).toBeLessThan(
      TIMEOUTS.HTTP_KEEP_ALIVE_TIMEOUT_MS + 1000 + SLACK_MS,
    );
  });

  it('is still healthy, and logged no error', async () => {
    expect((await fetch(`${apps[name].url}/healthcheck`)).status).toBe(200);
    expect(apps[name].output()).not.toMatch(/"level":(50|60)/);
  });
});
