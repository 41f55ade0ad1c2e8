import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  createAndTake,
  createStream,
  getStream,
  logStatuses,
  startTestApi,
  type TestApi,
} from '../../../test/support/api';
import { seedStreams } from '../../../test/support/seed';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

function feedback(streams: object[]) {
  return request(api.app).post('/1/streams/feedback').send({ streams });
}

const stream = (id: string) => getStream(api, id);

async function lastFeedbackAt(id: string): Promise<number> {
  const row = await api.deps.db.prisma.stream.findUniqueOrThrow({ where: { stream_id: id } });
  return row.last_feedback_at!.getTime();
}

describe('POST /1/streams/feedback', () => {
  it('keep-alive: refreshes the feedback clock, stores video_info, logs nothing', async () => {
    const [id] = await createAndTake(api, 1);
    const before = await lastFeedbackAt(id!);
    await new Promise((r) => setTimeout(r, 20));
    const info = { frame_width: 1920, frame_height: 1080, fps: 25.0, bit_rate: 4096000, gop_size: 50 };
    const res = await feedback([{ stream_id: id, status: 'in_progress', version: 1, video_info: info }]).expect(200);
    expect(res.body).toEqual({ streams: { [id!]: { status: 'in_progress', version: 1 } } });
    expect(await lastFeedbackAt(id!)).toBeGreaterThan(before);
    expect((await stream(id!)).video_info).toEqual(info);
    expect(await logStatuses(api, id!)).toEqual(['pending/1', 'in_progress/1']);
  });

  it('done: status done, logged with video_info, autorestart series reset', async () => {
    const [id] = await createAndTake(api, 1);
    await api.deps.db.prisma.stream.update({
      where: { stream_id: id! },
      data: { autorestart_current_attempt: 2, autorestart_status: 'in_progress' },
    });
    const res = await feedback([{ stream_id: id, status: 'done', version: 1, video_info: { progress: 1 } }]).expect(
      200,
    );
    expect(res.body.streams[id!]).toEqual({ status: 'done', version: 1 });
    const got = await stream(id!);
    expect(got).toMatchObject({ status: 'done', video_info: { progress: 1 } });
    expect(got.autorestart).toMatchObject({ current_attempt: 0, status: 'enabled' });
    const logs = await request(api.app).get(`/1/streams/logs?stream_ids=${id}`).expect(200);
    expect(logs.body.logs[2]).toMatchObject({ status: 'done', version: 1, video_info: { progress: 1 }, error: null });
  });

  it('failure: status failure, last_error stored and logged', async () => {
    const [id] = await createAndTake(api, 1, { autorestart: { restart: 0 } });
    const error = 'Failed to read frame: connection reset by peer';
    const res = await feedback([{ stream_id: id, status: 'failure', version: 1, error }]).expect(200);
    expect(res.body.streams[id!]).toEqual({ status: 'failure', version: 1 });
    expect(await stream(id!)).toMatchObject({ status: 'failure', last_error: error });
    const logs = await request(api.app).get(
      `/1/streams/logs?stream_ids=${id}&statuses=failure&targets=status,error,version`,
    );
    expect(logs.body.logs).toEqual([{ status: 'failure', error, version: 1 }]);
  });

  it('a deleted stream answers not_found with version null', async () => {
    const [id] = await createAndTake(api, 1);
    await request(api.app).delete(`/1/streams/${id}`).expect(204);
    const res = await feedback([{ stream_id: id, status: 'in_progress', version: 1 }]).expect(200);
    expect(res.body).toEqual({ streams: { [id!]: { status: 'not_found', version: null } } });
    const unknown = randomUUID();
    expect((await feedback([{ stream_id: unknown, status: 'done', version: 1 }])).body.streams[unknown]).toEqual({
      status: 'not_found',
      version: null,
    });
  });

  it('a PATCH of a running stream raises its version: the agent is told to stop, nothing stored', async () => {
    const [id] = await createAndTake(api, 1);
    await request(api.app).patch(`/1/streams/${id}`).send({ status: 'pause' }).expect(204);
    const res = await feedback([{ stream_id: id, status: 'in_progress', version: 1, video_info: { a: 1 } }]).expect(
      200,
    );
    expect(res.body.streams[id!]).toEqual({ status: 'pause', version: 2 });
    expect(await stream(id!)).toMatchObject({ status: 'pause', video_info: null });
    expect(await logStatuses(api, id!)).toEqual(['pending/1', 'in_progress/1', 'pause/2']);
  });

  it('stale version after a PUT, and a stream not in progress, change nothing', async () => {
    const [id] = await createAndTake(api, 1);
    const put = await request(api.app).get(`/1/streams/${id}`);
    const body = { ...put.body };
    for (const key of ['stream_id', 'version', 'create_time', 'last_error', 'video_info', 'groups']) delete body[key];
    delete body.autorestart.current_attempt;
    delete body.autorestart.last_attempt_time;
    delete body.autorestart.status;
    body.status = 'pending';
    await request(api.app).put(`/1/streams/${id}`).send(body).expect(200);
    const res = await feedback([{ stream_id: id, status: 'done', version: 1 }]).expect(200);
    expect(res.body.streams[id!]).toEqual({ status: 'pending', version: 2 });
    expect((await stream(id!)).status).toBe('pending');

    const pending = await createStream(api);
    const notTaken = await feedback([{ stream_id: pending, status: 'failure', version: 1, error: 'x' }]).expect(200);
    expect(notTaken.body.streams[pending]).toEqual({ status: 'pending', version: 1 });
    expect(await stream(pending)).toMatchObject({ status: 'pending', last_error: null });
  });

  it('answers a mixed batch item by item', async () => {
    const [running, finishing, failing] = await createAndTake(api, 3);
    const stale = (await createAndTake(api, 1))[0]!;
    await request(api.app).patch(`/1/streams/${stale}`).send({ status: 'cancel' }).expect(204);
    const deleted = (await createAndTake(api, 1))[0]!;
    await request(api.app).delete(`/1/streams/${deleted}`).expect(204);
    const res = await feedback([
      { stream_id: running, status: 'in_progress', version: 1 },
      { stream_id: finishing, status: 'done', version: 1 },
      { stream_id: failing, status: 'failure', version: 1, error: 'boom' },
      { stream_id: stale, status: 'in_progress', version: 1 },
      { stream_id: deleted, status: 'in_progress', version: 1 },
    ]).expect(200);
    expect(res.body.streams).toEqual({
      [running!]: { status: 'in_progress', version: 1 },
      [finishing!]: { status: 'done', version: 1 },
      [failing!]: { status: 'failure', version: 1 },
      [stale]: { status: 'cancel', version: 2 },
      [deleted]: { status: 'not_found', version: null },
    });
    expect(Object.keys(res.body.streams)).toEqual([running, finishing, failing, stale, deleted]);
  });

  it.each([1, 100, 1000])('applies a batch of %d in one request', async (n) => {
    const ids = await seedStreams(api.deps.db.pool, n);
    await request(api.app)
      .post('/1/streams/processing/queue')
      .send({ filters: { stream_ids: ids }, limit: n })
      .expect(200);
    const res = await feedback(
      ids.map((stream_id, i) => ({ stream_id, status: i % 2 ? 'done' : 'in_progress', version: 1 })),
    );
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.streams)).toHaveLength(n);
    const done = await api.deps.db.prisma.stream.count({ where: { stream_id: { in: ids }, status: 'done' } });
    expect(done).toBe(Math.floor(n / 2));
  });

  it('refuses a batch with one invalid item whole, naming its path', async () => {
    const [a, b] = await createAndTake(api, 2);
    const res = await feedback([
      { stream_id: a, status: 'done', version: 1 },
      { stream_id: b, status: 'paused', version: 1 },
    ]).expect(400);
    expect(res.body.error_code).toBe(12022);
    expect(res.body.detail).toContain("Path: 'streams.1.status'");
    expect((await stream(a!)).status).toBe('in_progress');
  });

  it('refuses the same stream twice in one batch (12022), applying nothing', async () => {
    const [a] = await createAndTake(api, 1);
    const res = await feedback([
      { stream_id: a, status: 'in_progress', version: 1 },
      { stream_id: a, status: 'done', version: 1 },
    ]).expect(400);
    expect(res.body.detail).toContain("Path: 'streams.1.stream_id'");
    expect((await stream(a!)).status).toBe('in_progress');
  });

  it.each([
    [{}, "''streams' is a required property'"],
    [{ streams: [{ stream_id: 'x', status: 'done', version: 1 }] }, "Path: 'streams.0.stream_id'"],
    [
      { streams: [{ stream_id: randomUUID(), status: 'done' }] },
      "Path: 'streams.0', message: ''version' is a required property'",
    ],
    [{ streams: [{ stream_id: randomUUID(), status: 'done', version: 0 }] }, "Path: 'streams.0.version'"],
    [{ streams: [{ stream_id: randomUUID(), status: 'done', version: 1, extra: 1 }] }, "Path: 'streams.0'"],
    [
      { streams: [{ stream_id: randomUUID(), status: 'done', version: 1, video_info: { a: 'nul\u0000' } }] },
      "Path: 'streams.0.video_info'",
    ],
    [
      { streams: [{ stream_id: randomUUID(), status: 'done', version: 1, video_info: [1] }] },
      "Path: 'streams.0.video_info'",
    ],
  ])('answers 12022 for %p', async (body, detail) => {
    const res = await request(api.app).post('/1/streams/feedback').send(body).expect(400);
    expect(res.body.error_code).toBe(12022);
    expect(res.body.detail).toContain(detail);
  });

  it('lets two agents post overlapping batches concurrently without deadlock', async () => {
    const ids = await seedStreams(api.deps.db.pool, 200);
    await request(api.app)
      .post('/1/streams/processing/queue')
      .send({ filters: { stream_ids: ids }, limit: 200 })
      .expect(200);
    const forward = ids.map((stream_id) => ({ stream_id, status: 'in_progress', version: 1 }));
    const backward = [...forward].reverse();
    const rounds = await Promise.all(Array.from({ length: 10 }, (_, i) => feedback(i % 2 ? forward : backward)));
    expect(rounds.map((r) => r.status)).toEqual(Array(10).fill(200));
  });
});
