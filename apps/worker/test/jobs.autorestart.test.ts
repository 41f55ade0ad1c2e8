import request from 'supertest';
import { JOB_NAMES } from '@luna-streams/shared';
import { AUTORESTART_GRACE_SECONDS } from '../src/jobs/reconcile';
import {
  createAndTake,
  createStream,
  getStream,
  logStatuses,
  startTestApi,
  streamBody,
  type TestApi,
} from '../../../test/support/api';
import { databaseTime, eventually, jobRunAfter } from '../../../test/support/wait';
import { startTestWorker, type TestWorker } from '../../../test/support/worker';

let api: TestApi;
let worker: TestWorker;
beforeAll(async () => {
  api = await startTestApi();
  // A long obsoleting period: only autorestart moves streams in this file.
  worker = startTestWorker(api, { STREAM_STATUS_OBSOLETING_PERIOD: '600' });
});
afterAll(async () => {
  await worker.shutdown.run('test');
  await api.close();
});

const stream = (id: string) => getStream(api, id);

async function timerQueued(id: string): Promise<boolean> {
  const jobs = await worker.jobsQueue.getJobs(['delayed', 'waiting', 'active', 'prioritized']);
  return jobs.some((job) => job.name === JOB_NAMES.autorestart && job.data.stream_id === id);
}

/**
 * Returns once autorestart has done whatever it was going to do about `id`'s last failure:
 * no timer of it is left in the queue, and reconcile (which restarts any failure whose
 * timer was lost) has run after the failure was due plus its grace. A restart that did not
 * happen by then is not going to.
 */
async function autorestartSettled(id: string, delaySeconds: number): Promise<void> {
  const due = delaySeconds + AUTORESTART_GRACE_SECONDS;
  const timeoutMs = (due + 5 * worker.deps.config.RECONCILE_INTERVAL) * 1000 + 10_000;
  const after = await databaseTime(api.deps.db.pool, due);
  await eventually(async () => !(await timerQueued(id)), timeoutMs, `the autorestart timer of ${id} gone`);
  await jobRunAfter(api.deps.db.pool, JOB_NAMES.reconcile, after, timeoutMs);
}

/** Milliseconds from each failure to the restart that follows it, by the log rows' times. */
async function restartDelays(id: string): Promise<number[]> {
  const { rows } = await api.deps.db.pool.query<{ status: string; log_time: Date }>(
    'SELECT status, log_time FROM stream_logs WHERE stream_id = $1 ORDER BY log_time, seq',
    [id],
  );
  return rows.flatMap((row, i) =>
    row.status === 'restart' && rows[i - 1]?.status === 'failure'
      ? [row.log_time.getTime() - rows[i - 1]!.log_time.getTime()]
      : [],
  );
}

/** Takes the stream and reports a failure with the version the take handed out. */
async function takeAndFail(id: string): Promise<number> {
  const taken = await request(api.app)
    .post('/1/streams/processing/queue')
    .send({ filters: { stream_ids: [id] }, limit: 1 })
    .expect(200);
  const version = taken.body.streams[0].version as number;
  const res = await request(worker.app)
    .post('/1/streams/feedback')
    .send({ streams: [{ stream_id: id, status: 'failure', version, error: 'Connection refused' }] })
    .expect(200);
  expect(res.body.streams[id]).toEqual({ status: 'failure', version });
  return version;
}

describe('autorestart', () => {
  it('restarts twice with delay 1 and attempt_count 2, then gives up', async () => {
    const id = await createStream(api, { autorestart: { restart: 1, attempt_count: 2, delay: 1 } });
    for (const attempt of [1, 2]) {
      await takeAndFail(id);
      expect((await stream(id)).status).toBe('failure');
      await eventually(async () => (await stream(id)).status === 'pending', 15_000, `restart ${attempt}`);
      const got = await stream(id);
      expect(got.autorestart).toMatchObject({ current_attempt: attempt, status: 'in_progress' });
      expect(got.autorestart.last_attempt_time).toEqual(expect.any(String));
      // Each restart raises the version, so the failed run's version is never handed out again.
      expect(got.version).toBe(1 + attempt);
      expect(got.last_error).toBe('Connection refused');
    }
    // Each restart waited for its delay (1 s) by the database's clock; the timer is due by
    // the worker's, so a tenth of the delay is left for the two clocks' rounding.
    const delays = await restartDelays(id);
    expect(delays).toHaveLength(2);
    for (const ms of delays) expect(ms).toBeGreaterThanOrEqual(900);
    await takeAndFail(id);
    await autorestartSettled(id, 1);
    const given = await stream(id);
    expect(given.status).toBe('failure');
    expect(given.autorestart).toMatchObject({ current_attempt: 2, status: 'failed' });
    expect(await logStatuses(api, id)).toEqual([
      'pending/1',
      'in_progress/1',
      'failure/1',
      'restart/2',
      'pending/2',
      'in_progress/2',
      'failure/2',
      'restart/3',
      'pending/3',
      'in_progress/3',
      'failure/3',
    ]);
  });

  it('never restarts with restart 0', async () => {
    const id = await createStream(api, { autorestart: { restart: 0, delay: 0 } });
    await takeAndFail(id);
    await autorestartSettled(id, 0);
    expect((await stream(id)).status).toBe('failure');
    expect((await stream(id)).autorestart.status).toBe('disabled');
  });

  it('resets the series on PATCH and PUT; a new failure after a reset gets a timer of its own', async () => {
    const settings = { restart: 1, attempt_count: 1, delay: 1 };
    const id = await createStream(api, { autorestart: settings });
    await takeAndFail(id);
    await eventually(async () => (await stream(id)).status === 'pending', 10_000, 'first restart');
    await takeAndFail(id);
    await autorestartSettled(id, 1);
    expect((await stream(id)).autorestart).toMatchObject({ current_attempt: 1, status: 'failed' });

    await request(api.app).patch(`/1/streams/${id}`).send({ status: 'pending' }).expect(204);
    expect((await stream(id)).autorestart).toMatchObject({ current_attempt: 0, status: 'enabled' });
    await takeAndFail(id);
    await eventually(async () => (await stream(id)).status === 'pending', 10_000, 'restart after PATCH');
    expect((await stream(id)).autorestart.current_attempt).toBe(1);

    await request(api.app)
      .put(`/1/streams/${id}`)
      .send(streamBody({ autorestart: settings }))
      .expect(200);
    expect((await stream(id)).autorestart).toMatchObject({ current_attempt: 0, status: 'enabled' });
    await takeAndFail(id);
    await eventually(async () => (await stream(id)).status === 'pending', 10_000, 'restart after PUT');
    expect((await stream(id)).autorestart.current_attempt).toBe(1);
  });

  it('does not restart a failure the user paused before its timer fired', async () => {
    const id = await createStream(api, { autorestart: { restart: 1, attempt_count: 5, delay: 1 } });
    await takeAndFail(id);
    await request(api.app).patch(`/1/streams/${id}`).send({ status: 'pause' }).expect(204);
    await autorestartSettled(id, 1);
    expect((await stream(id)).status).toBe('pause');
    expect(await logStatuses(api, id)).toEqual(['pending/1', 'in_progress/1', 'failure/1', 'pause/2']);
  });

  it('restarts at once with delay 0', async () => {
    const [id] = await createAndTake(api, 1, { autorestart: { restart: 1, attempt_count: 3, delay: 0 } });
    await request(worker.app)
      .post('/1/streams/feedback')
      .send({ streams: [{ stream_id: id, status: 'failure', version: 1, error: 'x' }] })
      .expect(200);
    await eventually(async () => (await stream(id!)).status === 'pending', 5000, 'immediate restart');
  });
});
