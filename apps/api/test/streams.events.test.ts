import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@luna-streams/shared';
import request from 'supertest';
import { ACCOUNT_A, ACCOUNT_B, createStream, startTestApi, type TestApi } from '../../../test/support/api';
import { FeedReader } from '../../../test/support/events';
import { eventually } from '../../../test/support/wait';

// GET /1/streams/events on a listening API: the event format, filters, resume, bad input.

let api: TestApi;
let server: Server;
let base: string;
const readers: FeedReader[] = [];

beforeAll(async () => {
  api = await startTestApi();
  const http = createHttpServer(api.app, api.deps.config, api.deps.logger);
  server = http.server.listen(0);
  api.deps.shutdown.addServer(http);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await api.deps.events.current();
});
afterEach(() => readers.splice(0).forEach((r) => r.close()));
afterAll(() => api.close());

async function open(query = '', headers: Record<string, string> = {}): Promise<FeedReader> {
  const reader = await FeedReader.open(`${base}/1/streams/events${query}`, headers);
  readers.push(reader);
  return reader;
}

async function logRows(streamId: string) {
  const res = await request(api.app).get(`/1/streams/logs?stream_ids=${streamId}&page_size=100`).expect(200);
  return res.body.logs as Record<string, unknown>[];
}

test('each log row is one status event: id, event, one line of data with the values GET /1/streams/logs returns', async () => {
  const feed = await open();
  expect(feed.status).toBe(200);
  expect(feed.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  expect(feed.res.headers['luna-request-id']).toBeDefined();
  const id = await createStream(api);
  await feed.waitForEvents(1);
  const [log] = await logRows(id);
  const [data] = feed.statusData();
  expect(data).toEqual({
    seq: expect.any(Number),
    stream_id: id,
    account_id: ACCOUNT_A,
    status: log!.status,
    version: log!.version,
    error: log!.error,
    video_info: log!.video_info,
    log_time: log!.log_time,
  });
  expect(Object.keys(data!)).toEqual([
    'seq',
    'stream_id',
    'account_id',
    'status',
    'version',
    'error',
    'video_info',
    'log_time',
  ]);
  expect(feed.raw).toBe(`retry: 2000\n\nid: ${data!.seq}\nevent: status\ndata: ${JSON.stringify(data)}\n\n`);
});

test('filters: account_id, stream_ids, statuses and group_name, each alone and AND-ed', async () => {
  await request(api.app).post('/1/groups').send({ account_id: ACCOUNT_B, group_name: 'lobby' }).expect(201);
  const all = await open();
  const byAccount = await open(`?account_id=${ACCOUNT_B}`);
  const byStatus = await open('?statuses=pause,cancel');
  const byGroup = await open('?group_name=lobby');
  const a = await createStream(api, { account_id: ACCOUNT_A });
  await createStream(api, { account_id: ACCOUNT_B, status: 'pause', group_name: 'lobby' });
  // "The present" is what the feed has sent: opened after both rows reached the feed, this
  // client gets neither of them.
  await all.waitForEvents(2);
  const byIds = await open(`?stream_ids=${a}&statuses=pending`);
  await request(api.app).patch(`/1/streams/${a}`).send({ status: 'pause' }).expect(204);
  await request(api.app).patch(`/1/streams/${a}`).send({ status: 'pending' }).expect(204);
  await all.waitForEvents(4);
  const pick = (r: FeedReader) => r.statusData().map((d) => `${d.stream_id === a ? 'a' : 'b'}:${d.status}`);
  expect(pick(all)).toEqual(['a:pending', 'b:pause', 'a:pause', 'a:pending']);
  await eventually(() => byIds.events.length >= 1);
  expect(pick(byAccount)).toEqual(['b:pause']);
  expect(pick(byStatus)).toEqual(['b:pause', 'a:pause']);
  expect(pick(byGroup)).toEqual(['b:pause']);
  expect(pick(byIds)).toEqual(['a:pending']);
});

test('resume: Last-Event-ID (or last_event_id) gets every row after it, then live ones, no gap, no repeat', async () => {
  const first = await open();
  const id = await createStream(api);
  for (const status of ['pause', 'pending', 'pause']) {
    await request(api.app).patch(`/1/streams/${id}`).send({ status }).expect(204);
  }
  await first.waitForEvents(4);
  const seqs = first.seqs();
  first.close();
  // Written while the client is away.
  await request(api.app).patch(`/1/streams/${id}`).send({ status: 'pending' }).expect(204);
  const again = await open(`?stream_ids=${id}`, { 'Last-Event-ID': String(seqs[1]) });
  const byQuery = await open(`?stream_ids=${id}&last_event_id=${seqs[1]}`);
  await again.waitForEvents(3);
  await request(api.app).patch(`/1/streams/${id}`).send({ status: 'pause' }).expect(204);
  await again.waitForEvents(4);
  await byQuery.waitForEvents(4);
  const logs = (await logRows(id)).map((l) => l.status);
  expect(logs).toEqual(['pending', 'pause', 'pending', 'pause', 'pending', 'pause']);
  expect(again.statusData().map((d) => d.status)).toEqual(logs.slice(2));
  expect(byQuery.seqs()).toEqual(again.seqs());
  expect(again.seqs().slice(0, 2)).toEqual(seqs.slice(2));
  expect([...again.seqs()].sort((x, y) => x - y)).toEqual(again.seqs());
});

test('log retention removed the rows after Last-Event-ID: the first event is reset, with the oldest seq kept', async () => {
  const id = await createStream(api);
  await request(api.app).patch(`/1/streams/${id}`).send({ status: 'pause' }).expect(204);
  const { rows } = await api.deps.db.pool.query<{ seq: string }>(
    'SELECT seq FROM stream_logs WHERE stream_id = $1 ORDER BY seq',
    [id],
  );
  const [created, paused] = rows.map((r) => Number(r.seq));
  await api.deps.db.pool.query('DELETE FROM stream_logs WHERE seq <= $1', [created]);
  const feed = await open(`?stream_ids=${id}`, { 'Last-Event-ID': String(created! - 1) });
  await feed.waitForEvents(2);
  expect(feed.events[0]).toEqual({ event: 'reset', data: String(paused) });
  expect(feed.seqs()).toEqual([paused]);
});

test.each([
  ['?account_id=nope', 'account_id'],
  ['?stream_ids=1,2', 'stream_ids'],
  ['?statuses=running', 'statuses'],
  ['?group_name=', 'group_name'],
  ['?last_event_id=-1', 'last_event_id'],
  ['?last_event_id=1&last_event_id=2', 'last_event_id'],
])('a bad filter %s is 400 12012 with a JSON body, before any event', async (query, name) => {
  const res = await request(api.app).get(`/1/streams/events${query}`).expect(400);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(res.body).toEqual({
    error_code: 12012,
    desc: 'Bad/incomplete input data',
    detail: `Bad query parameters '${name}'`,
  });
});

test.each(['abc', '-3', '1.5', '99999999999999999999'])('Last-Event-ID %s is 400 12012', async (value) => {
  const res = await request(api.app).get('/1/streams/events').set('Last-Event-ID', value).expect(400);
  expect(res.body).toMatchObject({ error_code: 12012, detail: "Bad header 'Last-Event-ID'" });
});

test('metrics: clients connected, events sent, delay from log_time to delivery', async () => {
  const feed = await open();
  await createStream(api);
  await feed.waitForEvents(1);
  const text = (await request(api.app).get('/metrics').expect(200)).text;
  expect(text).toMatch(/^luna_streams_events_clients\{app="api"\} [1-9]/m);
  expect(text).toMatch(/^luna_streams_events_sent_total\{app="api"\} [1-9]/m);
  expect(text).toMatch(/^luna_streams_events_delay_seconds_count\{app="api"\} [1-9]/m);
});
