import request from 'supertest';
import { ACCOUNT_A, ACCOUNT_B, startTestApi, streamBody, type TestApi } from '../../../test/support/api';

let api: TestApi;
// Streams of this file, in creation order: name, account, status, reference.
const fixtures: [string, string, 'pending' | 'pause', string][] = [
  ['s0', ACCOUNT_A, 'pending', 'rtsp://cam/0'],
  ['s1', ACCOUNT_A, 'pause', 'rtsp://cam/1'],
  ['s2', ACCOUNT_B, 'pending', 'rtsp://cam/0'],
  ['s3', ACCOUNT_A, 'pending', 'rtsp://cam/3'],
  ['s4', ACCOUNT_B, 'pause', 'rtsp://cam/4'],
];
const ids: string[] = [];
let createTimes: string[] = [];

beforeAll(async () => {
  api = await startTestApi();
  for (const [name, account_id, status, reference] of fixtures) {
    const res = await request(api.app)
      .post('/1/streams')
      .send(streamBody({ name, account_id, status, data: { type: 'tcp', reference } }))
      .expect(201);
    ids.push(res.body.stream_id);
  }
  const { body } = await request(api.app).get('/1/streams?page_size=100').expect(200);
  createTimes = body.streams.map((s: { create_time: string }) => s.create_time);
});
afterAll(() => api.close());

async function names(query: string): Promise<string[]> {
  const res = await request(api.app).get(`/1/streams${query}`).expect(200);
  return res.body.streams.map((s: { name: string }) => s.name);
}

async function count(query: string): Promise<number> {
  const res = await request(api.app).get(`/1/streams/count${query}`).expect(200);
  expect(Object.keys(res.body)).toEqual(['streams_count']);
  return res.body.streams_count;
}

describe('GET /1/streams', () => {
  it('lists oldest first, default page size 10', async () => {
    expect(await names('')).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect([...createTimes].sort()).toEqual(createTimes);
  });

  it.each([
    ['account_id', `?account_id=${ACCOUNT_B}`, ['s2', 's4']],
    ['stream_ids', () => `?stream_ids=${ids[3]},${ids[0]}`, ['s0', 's3']],
    ['names', '?names=s1,s4,nothing', ['s1', 's4']],
    ['reference', '?reference=rtsp://cam/0', ['s0', 's2']],
    ['statuses', '?statuses=pause', ['s1', 's4']],
    ['statuses (OR)', '?statuses=pause,pending', ['s0', 's1', 's2', 's3', 's4']],
    ['statuses never stored', '?statuses=restart,handler_lost', []],
    ['create_time__gte (inclusive)', () => `?create_time__gte=${createTimes[3]}`, ['s3', 's4']],
    ['create_time__lt (exclusive)', () => `?create_time__lt=${createTimes[1]}`, ['s0']],
    ['time window', () => `?create_time__gte=${createTimes[1]}&create_time__lt=${createTimes[3]}`, ['s1', 's2']],
    ['group_name of no group', '?group_name=nobody', []],
    ['account AND status', `?account_id=${ACCOUNT_A}&statuses=pending`, ['s0', 's3']],
    ['names AND reference', '?names=s0,s2,s3&reference=rtsp://cam/0', ['s0', 's2']],
    ['ids AND account', () => `?stream_ids=${ids[0]},${ids[2]}&account_id=${ACCOUNT_B}`, ['s2']],
    ['repeated list parameter adds items', '?names=s0&names=s4', ['s0', 's4']],
    ['unknown parameters are ignored', '?colour=blue', ['s0', 's1', 's2', 's3', 's4']],
  ] as [string, string | (() => string), string[]][])('filter %s, and count agrees', async (_n, query, expected) => {
    const q = typeof query === 'function' ? query() : query;
    expect(await names(q)).toEqual(expected);
    expect(await count(q)).toBe(expected.length);
  });

  it('accepts a time with an offset, and an unencoded + that arrived as a space', async () => {
    const t = new Date(createTimes[3]!);
    const plus3 = new Date(t.getTime() + 3 * 3600_000).toISOString().replace('Z', '+03:00');
    expect(await names(`?create_time__gte=${encodeURIComponent(plus3)}`)).toEqual(['s3', 's4']);
    expect(await names(`?create_time__gte=${plus3}`)).toEqual(['s3', 's4']);
  });

  it.each([
    ['page_size=1', ['s0']],
    ['page=2&page_size=1', ['s1']],
    ['page=2&page_size=2', ['s2', 's3']],
    ['page=3&page_size=2', ['s4']],
    ['page=4&page_size=2', []],
    ['page_size=100', ['s0', 's1', 's2', 's3', 's4']],
  ])('paging %s', async (query, expected) => {
    expect(await names(`?${query}`)).toEqual(expected);
  });

  it('pages of 10 and 100 over 105 streams', async () => {
    const extra = await (async () => {
      const local = await startTestApi();
      for (let i = 0; i < 105; i++)
        await request(local.app)
          .post('/1/streams')
          .send(streamBody({ name: `n${i}` }));
      return local;
    })();
    try {
      const first = await request(extra.app).get('/1/streams').expect(200);
      expect(first.body.streams.map((s: { name: string }) => s.name)).toEqual(
        Array.from({ length: 10 }, (_, i) => `n${i}`),
      );
      const big = await request(extra.app).get('/1/streams?page_size=100&page=2').expect(200);
      expect(big.body.streams.map((s: { name: string }) => s.name)).toEqual(['n100', 'n101', 'n102', 'n103', 'n104']);
      expect(await request(extra.app).get('/1/streams/count').expect(200)).toHaveProperty('body.streams_count', 105);
    } finally {
      await extra.close();
    }
  });

  it.each([
    ['page_size=0', 'page_size'],
    ['page_size=101', 'page_size'],
    ['page=0', 'page'],
    ['page=-1', 'page'],
    ['page=1.5', 'page'],
    ['page_size=ten', 'page_size'],
    ['page_size=1&page_size=2', 'page_size'],
    ['account_id=not-a-uuid', 'account_id'],
    ['account_id=', 'account_id'],
    [`account_id=${ACCOUNT_A}&account_id=${ACCOUNT_B}`, 'account_id'],
    ['statuses=running', 'statuses'],
    ['stream_ids=abc', 'stream_ids'],
    ['stream_ids=0C4F7A52-1D6E-4B8A-9F3C-2A7E5D9B1C40', 'stream_ids'],
    ['create_time__gte=yesterday', 'create_time__gte'],
    ['create_time__lt=2024-13-01T00:00:00Z', 'create_time__lt'],
    [`reference=${'r'.repeat(257)}`, 'reference'],
    [`names=${'n'.repeat(129)}`, 'names'],
    ['group_name=bad%20name', 'group_name'],
  ])('rejects %s with 12012 naming the parameter', async (query, name) => {
    const res = await request(api.app).get(`/1/streams?${query}`).expect(400);
    expect(res.body).toEqual({
      error_code: 12012,
      desc: 'Bad/incomplete input data',
      detail: `Bad query parameters '${name}'`,
    });
    const counted = await request(api.app).get(`/1/streams/count?${query}`);
    if (!name.startsWith('page')) expect(counted.status).toBe(400);
  });
});

describe('GET /1/streams/{stream_id}', () => {
  it('scopes by account_id: another account sees 404 39001 as if absent', async () => {
    await request(api.app).get(`/1/streams/${ids[0]}?account_id=${ACCOUNT_A}`).expect(200);
    const res = await request(api.app).get(`/1/streams/${ids[0]}?account_id=${ACCOUNT_B}`).expect(404);
    expect(res.body).toEqual({
      error_code: 39001,
      desc: 'Object not found',
      detail: `Stream with id '${ids[0]}' not found`,
    });
    expect(await count(`?account_id=${ACCOUNT_B}&stream_ids=${ids[0]}`)).toBe(0);
  });

  it('answers 400 12012 for a non-UUID id and for a bad account_id', async () => {
    const bad = await request(api.app).get('/1/streams/not-a-uuid').expect(400);
    expect(bad.body).toEqual({
      error_code: 12012,
      desc: 'Bad/incomplete input data',
      detail: "Bad path parameter 'stream_id'",
    });
    const account = await request(api.app).get(`/1/streams/${ids[0]}?account_id=123`).expect(400);
    expect(account.body.detail).toBe("Bad query parameters 'account_id'");
  });
});
