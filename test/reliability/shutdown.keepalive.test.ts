import http from 'node:http';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_REDIS_URL } from '../support/env';
import { startApp, type RunningApp } from '../support/process';
import { streamBody } from '../support/api';

// SIGTERM under keep-alive load, from a client that retries nothing: every request is either
// answered completely or refused before it was written (a new connection to a closed port).
// None meets a reset on a kept-alive connection: the server says `Connection: close` on the
// answers it gives after SIGTERM and never closes a connection the client may be writing on.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

interface Outcome {
  answered: number;
  closeAnswers: number;
  refused: number;
  lost: string[];
}

function send(agent: http.Agent, url: string, method: string, path: string, body?: object) {
  return new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${url}${path}`,
      { method, agent, headers: payload ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Sends requests back to back on kept-alive connections until a new connection is refused. */
async function client(app: RunningApp, request: () => [string, string, object?], expected: number, out: Outcome) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (;;) {
      const [method, path, body] = request();
      try {
        const res = await send(agent, app.url, method, path, body);
        if (res.status !== expected) out.lost.push(`${method} ${path} answered ${res.status}: ${res.body}`);
        else JSON.parse(res.body);
        out.answered++;
        if (res.connection === 'close') out.closeAnswers++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
          out.refused++;
          return;
        }
        out.lost.push(`${method} ${path}: ${(error as Error).message}`);
        return;
      }
    }
  } finally {
    agent.destroy();
  }
}

it('loses no request of a keep-alive client when both apps get SIGTERM', async () => {
  const env = { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn' };
  const [api, worker] = await Promise.all([startApp('api', env), startApp('worker', env)]);
  const out: Outcome = { answered: 0, closeAnswers: 0, refused: 0, lost: [] };
  const feedback = {
    streams: [{ stream_id: '0c4f7a52-1d6e-4b8a-9f3c-2a7e5d9b1c40', status: 'in_progress', version: 1 }],
  };
  const clients = [
    ...Array.from({ length: 6 }, () =>
      client(api, () => ['POST', '/1/streams', streamBody({ name: 'load' })], 201, out),
    ),
    ...Array.from({ length: 6 }, () => client(api, () => ['GET', '/1/streams/count'], 200, out)),
    ...Array.from({ length: 6 }, () => client(worker, () => ['POST', '/1/streams/feedback', feedback], 200, out)),
  ];
  // SIGTERM once the load runs: a positive signal, not a fixed sleep.
  while (out.answered < 500) await new Promise((r) => setTimeout(r, 20));
  const exits = Promise.all([api.stop('SIGTERM'), worker.stop('SIGTERM')]);
  await Promise.all(clients);
  expect(await exits).toEqual([0, 0]);
  process.stdout.write(`keep-alive shutdown: ${JSON.stringify({ ...out, lost: out.lost.length })}\n`);
  expect(out.lost).toEqual([]);
  expect(out.refused).toBe(clients.length);
  expect(out.closeAnswers).toBeGreaterThan(0);
});
