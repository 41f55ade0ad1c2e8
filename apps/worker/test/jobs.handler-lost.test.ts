import request from 'supertest';
import { createAndTake, getStream, logStatuses, startTestApi, type TestApi } from '../../../test/support/api';
import { eventually } from '../../../test/support/wait';
import { startTestWorker, type TestWorker } from '../../../test/support/worker';

// Period 2 s, interval 1 s: a silent stream must be pending again within 2 + 1 + 2 s.
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

describe('handler_lost sweep', () => {
  it('re-queues a taken stream without feedback: version 2, handler_lost, restart, pending', async () => {
    const [id] = await createAndTake(api, 1);
    const started = Date.now();
    await eventually(async () => (await stream(id!)).status === 'pending', 10_000, 'stream pending again');
    expect(Date.now() - started).toBeLessThan(2000 + 1000 + 2000 + 1000);
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
    const until = Date.now() + 4500;
    while (Date.now() < until) {
      const res = await request(api.app)
        .post('/1/streams/feedback')
        .send({ streams: [{ stream_id: id, status: 'in_progress', version: 1 }] });
      expect(res.body.streams[id!]).toEqual({ status: 'in_progress', version: 1 });
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(await logStatuses(api, id!)).toEqual(['pending/1', 'in_progress/1']);
  });

  it('records its runs in PostgreSQL, shown by the worker health check', async () => {
    const health = await request(worker.app).get('/healthcheck').expect(200);
    expect(health.body.jobs['handler-lost-sweep'].last_finished_at).toEqual(expect.any(String));
    expect(health.body.jobs.reconcile.last_error).toBeNull();
  });
});
