import http from 'node:http';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_REDIS_URL } from '../support/env';
import { startApp, type RunningApp } from '../support/process';
import { ACCOUNT_A, streamBody } from '../support/api';
import { requestInFlight } from '../support/raw-http';
import { eventually } from '../support/wait';

// SIGTERM: a new connection is refused while the request in flight is still answered;
// under load every request that was answered got a complete, correct answer, and both
// node processes exit 0.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

it('answers every accepted request completely and exits 0 on SIGTERM during creates and feedback', async () => {
  const env = { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn' };
  const [api, worker]: [RunningApp, RunningApp] = await Promise.all([startApp('api', env), startApp('worker', env)]);

  // Streams for the feedback load, taken through the API.
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${api.url}/1/streams`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(streamBody()),
    });
    ids.push(((await res.json()) as { stream_id: string }).stream_id);
  }
  await fetch(`${api.url}/1/streams/processing/queue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ filters: {}, limit: 20 }),
  });

  const created: string[] = [];
  const feedbackAnswers: Record<string, { status: string; version: number }>[] = [];
  let stop = false;
  const loop = async (send: () => Promise<void>) => {
    while (!stop) {
      try {
        await send();
      } catch {
        // Not answered: the connection was refused or closed before a response.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const creates = () =>
    loop(async () => {
      const res = await fetch(`${api.url}/1/streams`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(streamBody({ name: 'load' })),
      });
      const body = (await res.json()) as { stream_id: string; version: number };
      expect(res.status).toBe(201);
      expect(body.version).toBe(1);
      created.push(body.stream_id);
    });
  const feedback = () =>
    loop(async () => {
      const res = await fetch(`${worker.url}/1/streams/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ streams: ids.map((stream_id) => ({ stream_id, status: 'in_progress', version: 1 })) }),
      });
      const body = (await res.json()) as { streams: Record<string, { status: string; version: number }> };
      expect(res.status).toBe(200);
      feedbackAnswers.push(body.streams);
    });
  const load = Promise.all([creates(), creates(), creates(), creates(), feedback(), feedback()]);
  await eventually(() => created.length > 10 && feedbackAnswers.length > 5, 30_000, 'creates and feedback under way');
  const exits = Promise.all([api.stop('SIGTERM'), worker.stop('SIGTERM')]);
  expect(await exits).toEqual([0, 0]);
  stop = true;
  await load;

  expect(created.length).toBeGreaterThan(10);
  expect(feedbackAnswers.length).toBeGreaterThan(5);
  for (const answers of feedbackAnswers) {
    expect(Object.keys(answers)).toHaveLength(20);
    for (const answer of Object.values(answers)) expect(answer).toEqual({ status: 'in_progress', version: 1 });
  }
  // Every create that was answered 201 is really stored, with its first log row.
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string; l: string }>(
      `SELECT count(*) AS n, (SELECT count(*) FROM stream_logs WHERE stream_id = ANY($1::uuid[])) AS l
         FROM streams WHERE stream_id = ANY($1::uuid[]) AND account_id = $2`,
      [created, ACCOUNT_A],
    );
    expect(Number(rows[0]!.n)).toBe(created.length);
    expect(Number(rows[0]!.l)).toBe(created.length);
  } finally {
    await client.end();
  }
});

/** A request on a connection of its own: answered, refused, or cut before an answer. */
function probe(port: number): Promise<'answered' | 'refused' | 'cut'> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/version', agent: false }, (res) => {
      res.resume();
      resolve('answered');
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'cut'));
    req.end();
  });
}

it.each([
  ['api', '/1/streams', 201, JSON.stringify(streamBody({ name: 'in flight' }))],
  ['worker', '/1/streams/feedback', 200, JSON.stringify({ streams: [] })],
] as const)(
  'the %s refuses new connections after SIGTERM and still answers the request in flight',
  async (main, path, status, body) => {
    const app = await startApp(main, { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'info' });
    // The headers alone: the request is in flight until its body arrives.
    const inFlight = await requestInFlight(app.port, path, body);
    const exited = app.stop('SIGTERM');
    await eventually(() => app.output().includes('shutting down'), 15_000, `the ${main} starting its shutdown`);

    expect(await probe(app.port)).not.toBe('answered');
    expect(app.child.exitCode).toBeNull(); // still running: the request in flight holds it

    inFlight.finish();
    expect(await inFlight.closed).toMatch(new RegExp(`\r\n\r\nHTTP/1.1 ${status} `));
    expect(await exited).toBe(0);
  },
);
