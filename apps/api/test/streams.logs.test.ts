import request from 'supertest';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  createStream,
  forceStatus,
  startTestApi,
  streamBody,
  type TestApi,
} from '../../../test/support/api';

let api: TestApi;
let a: string;
let b: string;
beforeAll(async () => {
  api = await startTestApi();
  a = await createStream(api, { name: 'a' });
  b = await createStream(api, { name: 'b', account_id: ACCOUNT_B, status: 'pause' });
  await request(api.app).patch(`/1/streams/${a}`).send({ status: 'pause' }).expect(204);
  await request(api.app)
    .put(`/1/streams/${a}`)
    .send(streamBody({ name: 'a' }))
    .expect(200);
  await forceStatus(api, a, 'failure');
  await api.deps.db.prisma.streamLog.create({
    data: {
      stream_id: a,
      account_id: ACCOUNT_A,
      status: 'failure',
      version: 2,
      error: 'Failed to read frame',
      video_info: { fps: 25 },
    },
  });
});
afterAll(() => api.close());

type Log = { stream_id: string; status: string; version: number; log_time: string; error: string | null };

async function logs(query: string): Promise<Log[]> {
  const res = await request(api.app).get(`/1/streams/logs${query}`).expect(200);
  expect(Object.keys(res.body)).toEqual(['logs']);
  return res.body.logs;
}

const brief = (l: Log) => `${l.stream_id === a ? 'a' : 'b'}:${l.status}/${l.version}`;

describe('GET /1/streams/logs', () => {
  it('returns every record oldest first, each with the six keys in order', async () => {
    const all = await logs('?page_size=100');
    expect(all.map(brief)).toEqual([
      'a:pending/1',
      'b:pause/1',
      'a:pause/1',
      'a:restart/2',
      'a:pending/2',
      'a:failure/2',
    ]);
    expect(Object.keys(all[0]!)).toEqual(['stream_id', 'status', 'error', 'video_info', 'log_time', 'version']);
    expect(all[5]).toMatchObject({ error: 'Failed to read frame', video_info: { fps: 25 } });
    // The chain written by one PUT shares one log_time; its order comes from the sequence.
    expect(all[3]!.log_time).toBe(all[4]!.log_time);
  });

  it.each([
    ['stream_ids', () => `?stream_ids=${b}`, ['b:pause/1']],
    ['account_id', () => `?account_id=${ACCOUNT_B}`, ['b:pause/1']],
    ['statuses', () => '?statuses=pause,restart', ['b:pause/1', 'a:pause/1', 'a:restart/2']],
    ['stream and status', () => `?stream_ids=${a}&statuses=failure`, ['a:failure/2']],
    ['paging', () => '?page=2&page_size=2', ['a:pause/1', 'a:restart/2']],
    ['page past the end', () => '?page=9&page_size=2', []],
  ])('filters by %s', async (_name, query, expected) => {
    expect((await logs(query())).map(brief)).toEqual(expected);
  });

  it('restricts records to targets, in the record order', async () => {
    const res = await logs(`?stream_ids=${a}&statuses=failure&targets=version,error,status`);
    expect(res).toEqual([{ status: 'failure', error: 'Failed to read frame', version: 2 }]);
    expect(Object.keys(res[0]!)).toEqual(['status', 'error', 'version']);
  });

  it('matches a log_time copied from a response exactly (inclusive lower, exclusive upper bound)', async () => {
    const all = await logs('?page_size=100');
    const t = all[2]!.log_time; // a:pause/1
    expect((await logs(`?log_time__gte=${t}&page_size=100`)).map(brief)).toEqual([
      'a:pause/1',
      'a:restart/2',
      'a:pending/2',
      'a:failure/2',
    ]);
    expect((await logs(`?log_time__lt=${t}&page_size=100`)).map(brief)).toEqual(['a:pending/1', 'b:pause/1']);
    const window = await logs(`?log_time__gte=${all[1]!.log_time}&log_time__lt=${all[3]!.log_time}`);
    expect(window.map(brief)).toEqual(['b:pause/1', 'a:pause/1']);
  });

  it('keeps the logs of a deleted stream readable, also by account_id', async () => {
    const gone = await createStream(api, { account_id: ACCOUNT_B, name: 'gone' });
    await request(api.app).delete(`/1/streams/${gone}`).expect(204);
    expect((await logs(`?stream_ids=${gone}`)).map((l) => l.status)).toEqual(['pending']);
    expect((await logs(`?account_id=${ACCOUNT_B}&stream_ids=${gone}`)).length).toBe(1);
  });

  it.each([
    ['targets=status,frames', 'targets'],
    ['log_time__lt=soon', 'log_time__lt'],
    ['log_time__gte=2024-05-14', 'log_time__gte'],
    ['statuses=paused', 'statuses'],
    ['stream_ids=123', 'stream_ids'],
    ['account_id=x', 'account_id'],
    ['page_size=101', 'page_size'],
    ['page=0', 'page'],
  ])('answers 12012 for %s', async (query, name) => {
    const res = await request(api.app).get(`/1/streams/logs?${query}`).expect(400);
    expect(res.body).toEqual({
      error_code: 12012,
      desc: 'Bad/incomplete input data',
      detail: `Bad query parameters '${name}'`,
    });
  });

  it('is a static path: never taken for a stream id, other methods 405', async () => {
    await request(api.app).post('/1/streams/logs').expect(405);
    await request(api.app).delete('/1/streams/logs').expect(405);
  });
});
