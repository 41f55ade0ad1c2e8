import request from 'supertest';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  createStream,
  forceStatus,
  getStream,
  logStatuses,
  startTestApi,
  streamBody,
  type TestApi,
} from '../../../test/support/api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const stream = (id: string) => getStream(api, id);

const replacement = streamBody({
  name: 'lobby',
  data: { type: 'tcp', reference: 'rtsp://10.0.0.15:554/live/ch2', rotation: 90 },
});

describe('PUT /1/streams/{stream_id}', () => {
  it('replaces every user field, keeps id and create_time, version + 1, logs restart then pending', async () => {
    const id = await createStream(api, {
      name: 'old',
      description: 'old text',
      policies: { filtering: { min_score: 0.9 } },
    });
    const before = await stream(id);
    const res = await request(api.app).put(`/1/streams/${id}`).send(replacement).expect(200);
    expect(res.body).toEqual({ stream_id: id, version: 2 });
    expect(Object.keys(res.body)).toEqual(['stream_id', 'version']);
    const after = await stream(id);
    expect(after).toMatchObject({
      stream_id: id,
      create_time: before.create_time,
      name: 'lobby',
      description: '',
      version: 2,
      status: 'pending',
      data: {
        type: 'tcp',
        reference: 'rtsp://10.0.0.15:554/live/ch2',
        roi: [0, 0, 0, 0],
        droi: [0, 0, 0, 0],
        rotation: 90,
      },
    });
    expect(after.policies.filtering.min_score).toBe(0.5187);
    expect(await logStatuses(api, id)).toEqual(['pending/1', 'restart/2', 'pending/2']);
    // The reference filter follows the new source.
    const found = await request(api.app).get('/1/streams?reference=rtsp://10.0.0.15:554/live/ch2').expect(200);
    expect(found.body.streams.map((s: { stream_id: string }) => s.stream_id)).toContain(id);
  });

  it('lands in pause when the body says so', async () => {
    const id = await createStream(api);
    await request(api.app)
      .put(`/1/streams/${id}`)
      .send({ ...replacement, status: 'pause' })
      .expect(200);
    expect((await stream(id)).status).toBe('pause');
    expect(await logStatuses(api, id)).toEqual(['pending/1', 'restart/2', 'pause/2']);
  });

  it('resets autorestart counters, last_error and video_info from any status', async () => {
    for (const from of ['in_progress', 'done', 'failure', 'cancel'] as const) {
      const id = await createStream(api);
      await forceStatus(api, id, from, {
        autorestart_current_attempt: 4,
        autorestart_status: 'failed',
        last_error: 'boom',
      });
      await api.deps.db.prisma.stream.update({
        where: { stream_id: id },
        data: { video_info: { fps: 25 }, autorestart_last_attempt_time: new Date() },
      });
      await request(api.app)
        .put(`/1/streams/${id}`)
        .send({ ...replacement, autorestart: { restart: 1, attempt_count: 2, delay: 5 } })
        .expect(200);
      const after = await stream(id);
      expect(after).toMatchObject({ status: 'pending', version: 2, last_error: null, video_info: null });
      expect(after.autorestart).toEqual({
        restart: 1,
        attempt_count: 2,
        delay: 5,
        current_attempt: 0,
        last_attempt_time: null,
        status: 'enabled',
      });
      expect(await logStatuses(api, id)).toEqual(['pending/1', 'restart/2', 'pending/2']);
    }
  });

  it('raises the version on every PUT', async () => {
    const id = await createStream(api);
    for (let v = 2; v <= 4; v++) {
      expect((await request(api.app).put(`/1/streams/${id}`).send(replacement).expect(200)).body.version).toBe(v);
    }
  });

  it('loses no update when two PUTs race: version 3 and five log rows', async () => {
    const id = await createStream(api);
    const [a, b] = await Promise.all([
      request(api.app)
        .put(`/1/streams/${id}`)
        .send({ ...replacement, name: 'a' }),
      request(api.app)
        .put(`/1/streams/${id}`)
        .send({ ...replacement, name: 'b' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.version, b.body.version].sort()).toEqual([2, 3]);
    const after = await stream(id);
    expect(after.version).toBe(3);
    expect(after.name).toBe(a.body.version === 3 ? 'a' : 'b');
    // Each PUT's rows carry its statement's start time, and the one that started first may
    // wait for the other's row lock: the list may show version 3's pair before version 2's.
    // What must hold is that both pairs are there, each in its own order (a stable sort).
    const byVersion = (row: string) => Number(row.split('/')[1]);
    const logs = (await logStatuses(api, id)).sort((x, y) => byVersion(x) - byVersion(y));
    expect(logs).toEqual(['pending/1', 'restart/2', 'pending/2', 'restart/3', 'pending/3']);
  });

  it('never moves a stream to another account: 404 39001, nothing changes', async () => {
    const id = await createStream(api);
    const res = await request(api.app)
      .put(`/1/streams/${id}`)
      .send({ ...replacement, account_id: ACCOUNT_B })
      .expect(404);
    expect(res.body).toEqual({
      error_code: 39001,
      desc: 'Object not found',
      detail: `Stream with id '${id}' not found`,
    });
    const after = await stream(id);
    expect(after).toMatchObject({ account_id: ACCOUNT_A, version: 1, name: '' });
  });

  it('answers 404 39001 for an unknown stream and 404 39007 for an unknown group, changing nothing', async () => {
    const unknown = await request(api.app)
      .put('/1/streams/00000000-0000-4000-8000-000000000000')
      .send(replacement)
      .expect(404);
    expect(unknown.body.error_code).toBe(39001);
    const id = await createStream(api);
    const res = await request(api.app)
      .put(`/1/streams/${id}`)
      .send({ ...replacement, group_name: 'no_such_group' })
      .expect(404);
    expect(res.body).toEqual({
      error_code: 39007,
      desc: 'Object not found',
      detail: "Group named 'no_such_group' not found",
    });
    expect((await stream(id)).version).toBe(1);
    expect(await logStatuses(api, id)).toEqual(['pending/1']);
  });

  it('adds a link to group_name, keeping existing links', async () => {
    await api.deps.db.prisma.group.createMany({
      data: [
        { account_id: ACCOUNT_A, group_name: 'first' },
        { account_id: ACCOUNT_A, group_name: 'second' },
      ],
    });
    const id = await createStream(api, { group_name: 'first' });
    await request(api.app)
      .put(`/1/streams/${id}`)
      .send({ ...replacement, group_name: 'second' })
      .expect(200);
    await request(api.app)
      .put(`/1/streams/${id}`)
      .send({ ...replacement, group_name: 'second' })
      .expect(200);
    expect((await stream(id)).groups).toEqual(['first', 'second']);
  });

  it('validates the body as create does', async () => {
    const id = await createStream(api);
    const missing = await request(api.app)
      .put(`/1/streams/${id}`)
      .send({ ...replacement, data: undefined })
      .expect(400);
    expect(missing.body.detail).toBe(
      "Failed to validate input json. Path: '', message: ''data' is a required property'",
    );
    await request(api.app)
      .put(`/1/streams/${id}`)
      .send({ ...replacement, status: 'cancel' })
      .expect(400);
    await request(api.app).put('/1/streams/nope').send(replacement).expect(400);
    expect((await stream(id)).version).toBe(1);
  });
});
