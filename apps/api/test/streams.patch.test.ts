import request from 'supertest';
import {
  ACCOUNT_B,
  createAndTake,
  createStream,
  forceStatus,
  getStream,
  logStatuses,
  startTestApi,
  type TestApi,
} from '../../../test/support/api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const stream = (id: string) => getStream(api, id);

type Stored = 'pending' | 'in_progress' | 'done' | 'pause' | 'cancel' | 'failure';
type Target = 'pending' | 'pause' | 'cancel';

// Every cell a user's PATCH can reach: [from, to, expected outcome].
const cells: [Stored, Target, 'change' | 'noop' | 39003 | 39005][] = [
  ['pending', 'pending', 'noop'],
  ['pending', 'pause', 'change'],
  ['pending', 'cancel', 'change'],
  ['in_progress', 'pending', 'change'],
  ['in_progress', 'pause', 'change'],
  ['in_progress', 'cancel', 'change'],
  ['done', 'pending', 'change'],
  ['done', 'pause', 'change'],
  ['done', 'cancel', 39005],
  ['pause', 'pending', 'change'],
  ['pause', 'pause', 'noop'],
  ['pause', 'cancel', 'change'],
  ['cancel', 'pending', 'change'],
  ['cancel', 'pause', 'change'],
  ['cancel', 'cancel', 'noop'],
  ['failure', 'pending', 'change'],
  ['failure', 'pause', 'change'],
  ['failure', 'cancel', 39005],
];

describe('PATCH /1/streams/{stream_id} status', () => {
  it.each(cells)('%s → %s: %p', async (from, to, outcome) => {
    const id = await createStream(api);
    if (from !== 'pending') await forceStatus(api, id, from);
    const before = await stream(id);
    const res = await request(api.app).patch(`/1/streams/${id}`).send({ status: to });
    const after = await stream(id);
    const logs = await logStatuses(api, id);

    if (outcome === 'noop') {
      expect(res.status).toBe(204);
      expect(after.status).toBe(from);
      expect(logs).toEqual(['pending/1']);
    } else if (outcome === 'change') {
      expect(res.status).toBe(204);
      expect(after.status).toBe(to);
      // Leaving a status whose version a take handed out raises it (DESIGN.md section 4).
      const version = ['in_progress', 'done', 'failure'].includes(from) ? 2 : 1;
      expect(after.version).toBe(version);
      expect(logs).toEqual(['pending/1', `${to}/${version}`]);
    } else {
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe(outcome);
      expect(after).toEqual(before);
      expect(logs).toEqual(['pending/1']);
    }
  });

  it('refuses to pause a running video file with 39003, changing nothing', async () => {
    const id = await createStream(api, { data: { type: 'videofile', reference: '/data/video/door.mp4' } });
    await forceStatus(api, id, 'in_progress');
    const res = await request(api.app).patch(`/1/streams/${id}`).send({ status: 'pause' }).expect(400);
    expect(res.body).toEqual({
      error_code: 39003,
      desc: 'Unable to stop processing',
      detail: `Processing of stream with id '${id}' is already in progress and cannot be stopped`,
    });
    expect((await stream(id)).status).toBe('in_progress');
    // Cancelling a running video file is allowed.
    await request(api.app).patch(`/1/streams/${id}`).send({ status: 'cancel' }).expect(204);
    expect(await logStatuses(api, id)).toEqual(['pending/1', 'cancel/2']);
  });

  it('re-queues on pending: the stream goes to the back of the queue', async () => {
    const id = await createStream(api);
    await forceStatus(api, id, 'failure');
    const { queued_at: before } = await api.deps.db.prisma.stream.findUniqueOrThrow({ where: { stream_id: id } });
    await request(api.app).patch(`/1/streams/${id}`).send({ status: 'pending' }).expect(204);
    const { queued_at: after } = await api.deps.db.prisma.stream.findUniqueOrThrow({ where: { stream_id: id } });
    expect(after.getTime()).toBeGreaterThan(before.getTime());
  });

  it('resets the autorestart series on a status change, not on a description change', async () => {
    const id = await createStream(api);
    await forceStatus(api, id, 'failure', {
      autorestart_current_attempt: 3,
      autorestart_status: 'failed',
      last_error: 'boom',
    });
    await request(api.app).patch(`/1/streams/${id}`).send({ description: 'still failed' }).expect(204);
    expect((await stream(id)).autorestart).toMatchObject({ current_attempt: 3, status: 'failed' });
    await request(api.app).patch(`/1/streams/${id}`).send({ status: 'pending' }).expect(204);
    const after = await stream(id);
    expect(after.autorestart).toMatchObject({ current_attempt: 0, status: 'enabled' });
    expect(after.last_error).toBe('boom');
  });
});

describe('PATCH /1/streams/{stream_id} description and errors', () => {
  it('changes the description alone, without a log row or a version change', async () => {
    const id = await createStream(api);
    await request(api.app).patch(`/1/streams/${id}`).send({ description: 'West entrance (moved)' }).expect(204);
    const after = await stream(id);
    expect(after.description).toBe('West entrance (moved)');
    expect(after.version).toBe(1);
    expect(await logStatuses(api, id)).toEqual(['pending/1']);
  });

  it('changes description and status together', async () => {
    const id = await createStream(api);
    await request(api.app).patch(`/1/streams/${id}`).send({ description: 'paused', status: 'pause' }).expect(204);
    expect(await stream(id)).toMatchObject({ description: 'paused', status: 'pause' });
  });

  it.each([
    [{}, "Failed to validate input json. Path: '', message: 'at least one field must have a value'"],
    [{ status: 'done' }, "Path: 'status'"],
    [{ name: 'renamed' }, "Additional properties are not allowed ('name' was unexpected)"],
    [{ description: 'x'.repeat(129) }, "Path: 'description'"],
  ])('answers 12022 for %p', async (body, detail) => {
    const id = await createStream(api);
    const res = await request(api.app).patch(`/1/streams/${id}`).send(body).expect(400);
    expect(res.body.error_code).toBe(12022);
    expect(res.body.detail).toContain(detail);
  });

  it('answers 404 39001 for an unknown stream and for another account', async () => {
    await request(api.app)
      .patch('/1/streams/00000000-0000-4000-8000-000000000000')
      .send({ status: 'pause' })
      .expect(404);
    const id = await createStream(api);
    const res = await request(api.app)
      .patch(`/1/streams/${id}?account_id=${ACCOUNT_B}`)
      .send({ status: 'pause' })
      .expect(404);
    expect(res.body.error_code).toBe(39001);
    expect((await stream(id)).status).toBe('pending');
  });

  it('answers 12002 without a body and 12012 for a bad id', async () => {
    const id = await createStream(api);
    expect((await request(api.app).patch(`/1/streams/${id}`).expect(400)).body.error_code).toBe(12002);
    expect((await request(api.app).patch('/1/streams/x').send({ status: 'pause' }).expect(400)).body.error_code).toBe(
      12012,
    );
  });

  it('applies racing PATCHes one after the other, each logged once', async () => {
    const id = await createStream(api);
    await forceStatus(api, id, 'in_progress');
    const targets = ['pause', 'cancel', 'pending', 'pause', 'cancel', 'pending'] as const;
    const results = await Promise.all(
      targets.map((status) => request(api.app).patch(`/1/streams/${id}`).send({ status })),
    );
    expect(results.map((r) => r.status)).toEqual(targets.map(() => 204));
    const logs = await logStatuses(api, id);
    // Only the first change took the stream from in_progress, so the version went up once.
    expect((await stream(id)).version).toBe(2);
    for (let i = 2; i < logs.length; i++) expect(logs[i]).not.toBe(logs[i - 1]);
    expect(logs[logs.length - 1]!.split('/')[0]).toBe((await stream(id)).status);
  });
});

// Not in the original (DESIGN.md section 4): `?version=` makes a PATCH conditional, so an agent
// handing back the stream it took never takes it from an agent that took it since.
describe('PATCH /1/streams/{stream_id}?version=', () => {
  it('applies the change while the stream has that version', async () => {
    const [id] = await createAndTake(api, 1);
    await request(api.app).patch(`/1/streams/${id}?version=1`).send({ status: 'pending' }).expect(204);
    expect(await stream(id!)).toMatchObject({ status: 'pending', version: 2 });
    expect(await logStatuses(api, id!)).toEqual(['pending/1', 'in_progress/1', 'pending/2']);
  });

  it('answers 409 39015 and changes nothing once another take raised the version', async () => {
    const [id] = await createAndTake(api, 1);
    // Taken away from its agent (as handler_lost does, here by a PATCH): version 2; a second agent takes it.
    await request(api.app).patch(`/1/streams/${id}`).send({ status: 'pending' }).expect(204);
    const taken = await request(api.app)
      .post('/1/streams/processing/queue')
      .send({ filters: { stream_ids: [id] }, limit: 1 })
      .expect(200);
    expect(taken.body.streams[0].version).toBe(2);
    const before = await stream(id!);
    const logs = await logStatuses(api, id!);

    for (const body of [{ status: 'pending' }, { description: 'late' }, { status: 'pause', description: 'late' }]) {
      const res = await request(api.app).patch(`/1/streams/${id}?version=1`).send(body).expect(409);
      expect(res.body).toEqual({
        error_code: 39015,
        desc: 'Conflict',
        detail: `Stream with id '${id}' has version 2, not 1`,
      });
    }
    expect(await stream(id!)).toEqual(before);
    expect(await logStatuses(api, id!)).toEqual(logs);
  });

  it('checks the version before the status rules and after the account', async () => {
    const id = await createStream(api);
    await forceStatus(api, id, 'done');
    // 39005 would be the answer at the right version; the wrong one is told first.
    expect(
      (await request(api.app).patch(`/1/streams/${id}?version=7`).send({ status: 'cancel' }).expect(409)).body
        .error_code,
    ).toBe(39015);
    const other = await request(api.app)
      .patch(`/1/streams/${id}?version=7&account_id=${ACCOUNT_B}`)
      .send({ status: 'pause' })
      .expect(404);
    expect(other.body.error_code).toBe(39001);
  });

  it.each(['0', '-1', 'one', '1.5'])('answers 400 for version=%s', async (version) => {
    const id = await createStream(api);
    const res = await request(api.app).patch(`/1/streams/${id}?version=${version}`).send({ status: 'pause' });
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('version');
    expect((await stream(id)).status).toBe('pending');
  });
});
