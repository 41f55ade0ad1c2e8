import request from 'supertest';
import { createAndTake, getStream, logStatuses, startTestApi, type TestApi } from '../../../test/support/api';
import { JOB_NAMES } from '@luna-streams/shared';
import { databaseTime, eventually, jobRunAfter } from '../../../test/support/wait';
import { startTestWorker, type TestWorker } from '../../../test/support/worker';

// Period 2 s, interval 1 s (the test worker's settings): a silent stream is pending again
// one period after its last sign of life, at the next sweep.
let api: TestApi;
let worker: TestWorker;
beforeAll(async () => {
  api = await startTestApi();
  worker = startTestWorker(api);
});
afterAll(async () => {
  await worker.shutdown.run('test');
  await api.close();
});

const stream = (id: string) => getStream(api, id);
const period = () => worker.deps.config.STREAM_STATUS_OBSOLETING_PERIOD;
const interval = () => worker.deps.config.STREAM_STATUS_OBSOLETING_INTERVAL;

/** Milliseconds from the take (in_progress) to handler_lost, by the log rows' database times. */
async function silentFor(id: string): Promise<number> {
  const { rows } = await api.deps.db.pool.query<{ ms: number }>(
    `SELECT (EXTRACT(EPOCH FROM max(log_time) FILTER (WHERE status = 'handler_lost')
                              - max(log_time) FILTER (WHERE status = 'in_progress')) * 1000)::float8 AS ms
       FROM stream_logs WHERE stream_id = $1`,
    [id],
  );
  return rows[0]!.ms;
}

describe('handler_lost sweep', () => {
  it('re-queues a taken stream without feedback: version 2, handler_lost, restart, pending', async () => {
    const [id] = await createAndTake(api, 1);
    const deadlineMs = (period() + 5 * interval()) * 1000 + 10_000;
    await eventually(async () => (await stream(id!)).status === 'pending', deadlineMs, 'stream pending again');
    // Never before one period of silence; at a sweep soon after (a few intervals: sweeps
    // are jobs, late by a busy machine's scheduling).
    const silent = await silentFor(id!);
    expect(silent).toBeGreaterThanOrEqual(period() * 1000);
    expect(silent).toBeLessThan((period() + 5 * interval()) * 1000);
    expect((await stream(id!)).version).toBe(2);
    expect(await logStatuses(api, id!)).toEqual([
      'pending/1',
      'in_progress/1',
      'handler_lost/1',
      'restart/2',
      'pending/2',
    ]);
    // The chain is one commit: one log_time.
    const logs = await request(api.app).get(`/1/streams/logs?stream_ids=${id}`).expect(200);
    const chain = logs.body.logs.slice(2).map((l: { log_time: string }) => l.log_time);
    expect(new Set(chain).size).toBe(1);

    // A new agent takes it; the silent agent's late feedback is told version 2 and changes nothing.
    await request(api.app)
      .post('/1/streams/processing/queue')
      .send({ filters: { stream_ids: [id] }, limit: 1 })
      .expect(200);
    const late = await request(api.app)
      .post('/1/streams/feedback')
      .send({ streams: [{ stream_id: id, status: 'done', version: 1 }] })
      .expect(200);
    expect(late.body.streams[id!]).toEqual({ status: 'in_progress', version: 2 });
    expect((await stream(id!)).status).toBe('in_progress');
  });

  it('keeps a stream alive while its agent reports', async () => {
    const [id] = await createAndTake(api, 1);
    // Reports every quarter period, until a sweep has run that would have found the stream
    // silent for more than a period without them.
    const after = await databaseTime(api.deps.db.pool, period() + interval());
    let swept = false;
    const sweep = jobRunAfter(
      api.deps.db.pool,
      JOB_NAMES.handlerLostSweep,
      after,
      (period() + 5 * interval()) * 1000 + 10_000,
    );
    void sweep.then(
      () => (swept = true),
      () => (swept = true),
    );
    while (!swept) {
      const res = await request(api.app)
        .post('/1/streams/feedback')
        .send({ streams: [{ stream_id: id, status: 'in_progress', version: 1 }] });
      expect(res.body.streams[id!]).toEqual({ status: 'in_progress', version: 1 });
      await new Promise((r) => setTimeout(r, (period() * 1000) / 4));
    }
    await sweep;
    expect(await logStatuses(api, id!)).toEqual(['pending/1', 'in_progress/1']);
  });

  it('records its runs in PostgreSQL, shown by the worker health check', async () => {
    const health = await request(worker.app).get('/healthcheck').expect(200);
    expect(health.body.jobs['handler-lost-sweep'].last_finished_at).toEqual(expect.any(String));
    expect(health.body.jobs.reconcile.last_error).toBeNull();
  });
});
