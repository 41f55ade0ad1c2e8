import request from 'supertest';
import { createStream, forceStatus, logStatuses, startTestApi, type TestApi } from '../../../test/support/api';
import { seedStreams } from '../../../test/support/seed';

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(() => api.close());

const names = (body: { streams: { name: string }[] }) => body.streams.map((s) => s.name);

function take(body: object) {
  return request(api.app).post('/1/streams/processing/queue').send(body);
}

describe('GET /1/streams/processing/queue (peek)', () => {
  it('shows pending streams in queue order, at most limit, changing nothing', async () => {
    for (const name of ['s1', 's2', 's3']) await createStream(api, { name });
    await createStream(api, { name: 'paused', status: 'pause' });
    const res = await request(api.app).get('/1/streams/processing/queue?limit=2').expect(200);
    expect(names(res.body)).toEqual(['s1', 's2']);
    expect(res.body.streams[0].status).toBe('pending');
    expect(Object.keys(res.body.streams[0])).toContain('policies');
    const again = await request(api.app).get('/1/streams/processing/queue?limit=10').expect(200);
    expect(names(again.body)).toEqual(['s1', 's2', 's3']);
    expect(await api.deps.db.prisma.stream.count({ where: { status: 'in_progress' } })).toBe(0);
  });

  it('filters by stream_ids and names', async () => {
    const a = await createStream(api, { name: 'door' });
    await createStream(api, { name: 'lobby' });
    expect(names((await request(api.app).get('/1/streams/processing/queue?limit=10&names=door')).body)).toEqual([
      'door',
    ]);
    expect(names((await request(api.app).get(`/1/streams/processing/queue?limit=10&stream_ids=${a}`)).body)).toEqual([
      'door',
    ]);
  });

  it.each([
    ['', 12014, "Required parameters 'limit' not found"],
    ['?limit=0', 12012, "Bad query parameters 'limit'"],
    ['?limit=x', 12012, "Bad query parameters 'limit'"],
    ['?limit=1&limit=2', 12012, "Bad query parameters 'limit'"],
    ['?limit=1&stream_ids=nope', 12012, "Bad query parameters 'stream_ids'"],
  ])('answers %s with %d', async (query, code, detail) => {
    const res = await request(api.app).get(`/1/streams/processing/queue${query}`).expect(400);
    expect(res.body).toEqual({ error_code: code, desc: 'Bad/incomplete input data', detail });
  });
});

describe('POST /1/streams/processing/queue (take)', () => {
  it('serves many concurrent agents with fewer statements, each stream to one agent, in queue order', async () => {
    const ids = await seedStreams(api.deps.db.pool, 150);
    const order = new Map(ids.map((id, i) => [id, i]));
    const before = api.deps.queue.takeStatements();
    const limits = Array.from({ length: 40 }, (_, i) => (i % 3) + 1);
    const wanted = limits.reduce((a, b) => a + b, 0);
    const answers = await Promise.all(limits.map((limit) => take({ filters: {}, limit }).expect(200)));
    const statements = api.deps.queue.takeStatements() - before;
    const taken = answers.map((res) => res.body.streams.map((s: { stream_id: string }) => s.stream_id) as string[]);

    taken.forEach((got, i) => expect(got).toHaveLength(limits[i]!));
    const all = taken.flat();
    expect(new Set(all).size).toBe(wanted);
    // Together they are the oldest, and each agent's streams are in queue order.
    expect(all.map((id) => order.get(id)!).sort((a, b) => a - b)).toEqual([...Array(wanted).keys()]);
    for (const got of taken) {
      const positions = got.map((id) => order.get(id)!);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
    expect(statements).toBeLessThan(40);
    const { rows } = await api.deps.db.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM stream_logs WHERE status = 'in_progress'",
    );
    expect(Number(rows[0]!.n)).toBe(wanted);
  });

  it('takes the oldest pending streams, sets them in progress and logs it; never twice', async () => {
    const ids: string[] = [];
    for (const name of ['s1', 's2', 's3']) ids.push(await createStream(api, { name }));
    await forceStatus(api, ids[0]!, 'failure', { last_error: 'old error' });
    await request(api.app).patch(`/1/streams/${ids[0]}`).send({ status: 'pending' }).expect(204);

    const first = await take({ filters: {}, limit: 2 }).expect(200);
    // s1 was re-queued after s2 and s3 were created, so it is now at the back.
    expect(names(first.body)).toEqual(['s2', 's3']);
    expect(first.body.streams.map((s: { status: string }) => s.status)).toEqual(['in_progress', 'in_progress']);
    const second = await take({ filters: {}, limit: 5 }).expect(200);
    expect(names(second.body)).toEqual(['s1']);
    expect(second.body.streams[0].last_error).toBeNull();
    expect((await take({ filters: {}, limit: 5 }).expect(200)).body).toEqual({ streams: [] });

    expect(await logStatuses(api, ids[1]!)).toEqual(['pending/1', 'in_progress/1']);
    const row = await api.deps.db.prisma.stream.findUniqueOrThrow({ where: { stream_id: ids[1]! } });
    expect(row.last_feedback_at).not.toBeNull();
  });

  it('takes only matching streams, never paused ones', async () => {
    const door = await createStream(api, { name: 'door' });
    await createStream(api, { name: 'lobby' });
    const paused = await createStream(api, { name: 'paused', status: 'pause' });
    expect(names((await take({ filters: { stream_ids: [paused] }, limit: 5 })).body)).toEqual([]);
    expect(names((await take({ filters: { names: ['door', 'paused'] }, limit: 5 })).body)).toEqual(['door']);
    expect(names((await take({ filters: { stream_ids: [door] }, limit: 5 })).body)).toEqual([]);
    expect(names((await take({ filters: {}, limit: 5 })).body)).toEqual(['lobby']);
  });

  it('returns at most 1000 streams however large the limit', async () => {
    await seedStreams(api.deps.db.pool, 1005, { returnIds: false });
    const peek = await request(api.app).get('/1/streams/processing/queue?limit=5000').expect(200);
    expect(peek.body.streams).toHaveLength(1000);
    const taken = await take({ filters: {}, limit: 100000 }).expect(200);
    expect(taken.body.streams).toHaveLength(1000);
    expect((await take({ filters: {}, limit: 100000 })).body.streams).toHaveLength(5);
  });

  it.each([
    [{ limit: 1 }, "Path: '', message: ''filters' is a required property'"],
    [{ filters: {} }, "''limit' is a required property'"],
    [{ filters: {}, limit: 0 }, "Path: 'limit'"],
    [{ filters: { colour: 'x' }, limit: 1 }, "Path: 'filters'"],
    [{ filters: { stream_ids: ['x'] }, limit: 1 }, "Path: 'filters.stream_ids.0'"],
  ])('answers 12022 for %p', async (body, detail) => {
    await createStream(api);
    const res = await take(body).expect(400);
    expect(res.body.error_code).toBe(12022);
    expect(res.body.detail).toContain(detail);
    expect(await api.deps.db.prisma.stream.count({ where: { status: 'in_progress' } })).toBe(0);
  });

  it('respects MAX_IN_PROGRESS_STREAMS', async () => {
    const capped = await startTestApi({ MAX_IN_PROGRESS_STREAMS: '3' });
    try {
      for (let i = 0; i < 6; i++) await createStream(capped, { name: `c${i}` });
      const first = await request(capped.app).post('/1/streams/processing/queue').send({ filters: {}, limit: 2 });
      expect(names(first.body)).toEqual(['c0', 'c1']);
      const second = await request(capped.app).post('/1/streams/processing/queue').send({ filters: {}, limit: 5 });
      expect(names(second.body)).toEqual(['c2']);
      const third = await request(capped.app).post('/1/streams/processing/queue').send({ filters: {}, limit: 5 });
      expect(third.body.streams).toEqual([]);
    } finally {
      await capped.close();
    }
  });
});
