import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@luna-streams/shared';
import pg from 'pg';
import request from 'supertest';
import { createStream, startTestApi, type TestApi } from '../../../test/support/api';
import { TEST_REDIS_URL } from '../../../test/support/env';
import { FeedReader } from '../../../test/support/events';
import { startApp, type RunningApp } from '../../../test/support/process';
import { eventually } from '../../../test/support/wait';

// GET /1/streams/events under the conditions that lose events in naive feeds: commits
// out of seq order, a slow client, a second API copy, the client limit, shutdown.

let api: TestApi;
let server: Server;
let base: string;
const readers: FeedReader[] = [];

beforeAll(async () => {
  api = await startTestApi({ EVENTS_MAX_CLIENTS: '3', EVENTS_CLIENT_BUFFER: '262144', EVENTS_PING_INTERVAL: '1' });
  const http = createHttpServer(api.app, api.deps.config, api.deps.logger);
  server = http.server.listen(0);
  api.deps.shutdown.addServer(http);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await api.deps.events.current();
});
afterEach(() => readers.splice(0).forEach((r) => r.close()));
afterAll(() => api.close());

async function open(query = ''): Promise<FeedReader> {
  const reader = await FeedReader.open(`${base}/1/streams/events${query}`);
  readers.push(reader);
  return reader;
}

async function insertLog(db: Pick<pg.Client, 'query'>, streamId: string, status: string): Promise<number> {
  const { rows } = await db.query<{ seq: string }>(
    `INSERT INTO stream_logs (stream_id, account_id, status, version) VALUES ($1, $1, $2, 1) RETURNING seq`,
    [streamId, status],
  );
  return Number(rows[0]!.seq);
}

/** Resolves once the feed's reader has finished `n` more passes (each reads the log). */
async function passes(n: number): Promise<void> {
  const target = api.deps.events.passes + n;
  await eventually(() => api.deps.events.passes >= target, 15_000, `${n} feed passes`, 10);
}

test('two writers committing out of seq order: the feed sends both, in seq order, none skipped', async () => {
  const stream = '11111111-1111-4111-8111-111111111111';
  const feed = await open(`?stream_ids=${stream}`);
  const early = new pg.Client({ connectionString: api.database.url });
  const late = new pg.Client({ connectionString: api.database.url });
  await Promise.all([early.connect(), late.connect()]);
  try {
    await early.query('BEGIN');
    const first = await insertLog(early, stream, 'pending');
    await late.query('BEGIN');
    const second = await insertLog(late, stream, 'in_progress');
    expect(second).toBeGreaterThan(first);
    await late.query('COMMIT');
    const third = await insertLog(api.deps.db.pool, stream, 'done');
    // The feed has read the log after both later rows committed; a reader of "seq > N"
    // would have sent them and moved past `first` for good.
    await passes(3);
    expect(feed.seqs()).toEqual([]);
    await early.query('COMMIT');
    await feed.waitForEvents(3);
    expect(feed.seqs()).toEqual([first, second, third]);
  } finally {
    await Promise.all([early.end(), late.end()]);
  }
});

test('a client that stops reading is disconnected while a fast one gets every event', async () => {
  const stream = await createStream(api);
  const fast = await open('?statuses=in_progress');
  const slow = await open('?statuses=in_progress');
  slow.pause();
  // 20 MB of rows: more than the slow client's socket buffers (a few MB while it does
  // not read) and its 256 kB EVENTS_CLIENT_BUFFER together.
  const rows = 20_000;
  await api.deps.db.pool.query(
    `INSERT INTO stream_logs (stream_id, account_id, status, version, video_info)
     SELECT $1, s.account_id, 'in_progress', 1, jsonb_build_object('pad', repeat('x', 1000), 'n', n)
       FROM streams s, generate_series(1, $2) AS n WHERE s.stream_id = $1`,
    [stream, rows],
  );
  await fast.waitForEvents(rows, 60_000);
  expect(new Set(fast.seqs()).size).toBe(rows);
  await eventually(() => api.deps.events.clients.size === 1, 15_000, 'the slow client cut off');
  expect(fast.ended).toBe(false);
});

test('pings at least every EVENTS_PING_INTERVAL, and a retry hint first', async () => {
  const feed = await open();
  await eventually(() => feed.comments.length >= 2, 10_000, 'two pings');
  expect(feed.raw.startsWith('retry: 2000\n\n')).toBe(true);
  expect(feed.comments[0]).toBe(': ping');
});

test('EVENTS_MAX_CLIENTS: one more client is 503 with code 3 and Retry-After', async () => {
  await Promise.all([open(), open(), open()]);
  const res = await request(server).get('/1/streams/events').expect(503);
  expect(res.headers['retry-after']).toBeDefined();
  expect(res.body).toEqual({
    error_code: 3,
    desc: 'Service overloaded',
    detail: 'Event stream clients are at the limit (3)',
  });
  readers.splice(0).forEach((r) => r.close());
  await eventually(() => api.deps.events.clients.size === 0);
  (await open()).close();
});

describe('a second API process', () => {
  let second: RunningApp;
  beforeAll(async () => {
    second = await startApp('api', { DATABASE_URL: api.database.url, REDIS_URL: TEST_REDIS_URL });
  }, 60_000);
  afterAll(() => second.stop());

  test('an event written through it reaches a client of the first', async () => {
    const feed = await open();
    const res = await fetch(`${second.url}/1/streams`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        account_id: '0c4f7a52-1d6e-4b8a-9f3c-2a7e5d9b1c40',
        data: { type: 'tcp', reference: 'rtsp://second/1' },
        event_handler: {
          origin: 'http://127.0.0.1:5000',
          bestshot_handler: { handler_id: 'f3a1c9e2-5b7d-4e60-a8f4-1c2d3e4f5a6b' },
        },
      }),
    });
    expect(res.status).toBe(201);
    const { stream_id } = (await res.json()) as { stream_id: string };
    await feed.waitForEvents(1);
    expect(feed.statusData()[0]).toMatchObject({ stream_id, status: 'pending' });
  });
});

// Last: it shuts this API down.
test('shutdown ends every feed at once, long before the shutdown deadline', async () => {
  const feeds = await Promise.all([open(), open()]);
  const started = Date.now();
  const done = api.deps.shutdown.run('test');
  await Promise.all(feeds.map((f) => f.waitForEnd(5000)));
  const ended = Date.now() - started;
  await done;
  expect(ended).toBeLessThan(5000);
});
