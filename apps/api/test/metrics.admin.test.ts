import request from 'supertest';
import { createAndTake, createStream, startTestApi, type TestApi } from '../../../test/support/api';
import { eventually } from '../../../test/support/wait';
import { startTestWorker, type TestWorker } from '../../../test/support/worker';

/** The value of one series in a Prometheus text exposition (labels in any order), 0 when absent. */
function value(text: string, series: string): number {
  const [, name, labels = ''] = /^([^{]+)(?:\{(.*)\})?$/.exec(series)!;
  const wanted = labels ? labels.split(',').sort() : [];
  for (const line of text.split('\n')) {
    const match = /^([^{\s]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',').filter(Boolean).sort();
    if (wanted.every((l) => have.includes(l)) && have.length === wanted.length) return Number(match[3]);
  }
  return 0;
}

describe('/metrics after a scripted workload', () => {
  let api: TestApi;
  let worker: TestWorker;
  beforeAll(async () => {
    api = await startTestApi();
    worker = startTestWorker(api, { STREAM_STATUS_OBSOLETING_PERIOD: '1' });
  });
  afterAll(async () => {
    await worker.shutdown.run('test');
    await api.close();
  });

  it('shows the takes, feedback, handler_lost, autorestarts and the gauges the workload implies', async () => {
    // 3 streams taken; one done, one failed (restart at once), one left silent; 2 more pending; 1 paused.
    const [done, failed, silent] = await createAndTake(api, 3, {
      autorestart: { restart: 1, attempt_count: 1, delay: 0 },
    });
    await createStream(api);
    await createStream(api);
    await createStream(api, { status: 'pause' });
    await request(worker.app)
      .post('/1/streams/feedback')
      .send({
        streams: [
          { stream_id: done, status: 'done', version: 1 },
          { stream_id: failed, status: 'failure', version: 1, error: 'x' },
        ],
      })
      .expect(200);
    await eventually(
      async () => (await request(api.app).get(`/1/streams/${silent}`)).body.status === 'pending',
      10_000,
    );
    await eventually(
      async () => (await request(api.app).get(`/1/streams/${failed}`)).body.status === 'pending',
      10_000,
    );
    await api.deps.mirror.drainNow();

    const apiText = (await request(api.app).get('/metrics').expect(200)).text;
    expect(value(apiText, 'luna_streams_takes_total{app="api"}')).toBe(3);
    expect(
      value(
        apiText,
        'luna_streams_http_request_duration_seconds_count{method="POST",route="/1/streams",status="201",app="api"}',
      ),
    ).toBe(6);
    expect(apiText).toContain('route="/1/streams/:stream_id"');
    expect(apiText).toContain('process_cpu_user_seconds_total');

    await worker.deps.refreshGauges();
    const text = (await request(worker.app).get('/metrics').expect(200)).text;
    expect(value(text, 'luna_streams_feedback_items_total{status="done",app="worker"}')).toBe(1);
    expect(value(text, 'luna_streams_feedback_items_total{status="failure",app="worker"}')).toBe(1);
    expect(value(text, 'luna_streams_handler_lost_total{app="worker"}')).toBe(1);
    expect(value(text, 'luna_streams_autorestarts_total{app="worker"}')).toBe(1);
    expect(value(text, 'luna_streams_streams{status="pending",app="worker"}')).toBe(4);
    expect(value(text, 'luna_streams_streams{status="done",app="worker"}')).toBe(1);
    expect(value(text, 'luna_streams_streams{status="pause",app="worker"}')).toBe(1);
    expect(value(text, 'luna_streams_queue_depth{app="worker"}')).toBe(4);
    expect(value(text, 'luna_streams_oldest_pending_seconds{app="worker"}')).toBeGreaterThan(0);
    expect(value(text, 'luna_streams_mirror_drift{app="worker"}')).toBe(0);
    expect(value(text, 'luna_streams_bullmq_jobs{queue="streams-pending",state="prioritized",app="worker"}')).toBe(4);
  });

  it('shows the queues on the read-only dashboard', async () => {
    const res = await request(api.app).get('/admin/queues/api/queues').expect(200);
    const names = (res.body.queues as { name: string; readOnlyMode: boolean }[]).map((q) => [q.name, q.readOnlyMode]);
    expect(names).toEqual(
      expect.arrayContaining([
        ['streams-pending', true],
        ['luna-jobs', true],
      ]),
    );
    await request(api.app).get('/admin/queues').expect(200);
  });
});

describe('ADMIN_TOKEN', () => {
  let api: TestApi;
  const token = 'operator-secret-token';
  beforeAll(async () => {
    api = await startTestApi({ ADMIN_TOKEN: token });
  });
  afterAll(() => api.close());

  it('guards /metrics and /1/config', async () => {
    for (const path of ['/metrics', '/1/config']) {
      const refused = await request(api.app).get(path).expect(401);
      expect(refused.body).toEqual({ error_code: 12025, desc: 'Unauthorized', detail: 'ADMIN_TOKEN required' });
      await request(api.app).get(path).set('Authorization', 'Bearer wrong-token-xx').expect(401);
      await request(api.app).get(path).set('Authorization', `Bearer ${token}`).expect(200);
    }
    // Everything else stays open, as in the original; the console too: it only calls the public API.
    await request(api.app).get('/1/streams').expect(200);
    expect((await request(api.app).get('/console/streams')).status).not.toBe(401);
  });

  it('makes the dashboard writable only for whoever presents it', async () => {
    const anonymous = await request(api.app).get('/admin/queues/api/queues').expect(200);
    expect(anonymous.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
    const admin = await request(api.app)
      .get('/admin/queues/api/queues')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(admin.body.queues.every((q: { readOnlyMode: boolean }) => !q.readOnlyMode)).toBe(true);
    const visit = await request(api.app).get(`/admin/queues?admin_token=${token}`).expect(200);
    expect(visit.headers['set-cookie']?.[0]).toContain('luna_admin_token=');
  });
});
