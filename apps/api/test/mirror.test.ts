import request from 'supertest';
import { createStream, startTestApi, streamBody, type TestApi } from '../../../test/support/api';
import { ownRedis, type OwnRedis } from '../../../test/support/redis-server';
import { eventually } from '../../../test/support/wait';

async function mirrorIds(api: TestApi): Promise<string[]> {
  const jobs = await api.pendingQueue.getJobs(['waiting', 'delayed', 'prioritized']);
  return jobs.map((j) => j.id!).sort();
}

async function pendingIds(api: TestApi): Promise<string[]> {
  const rows = await api.deps.db.prisma.stream.findMany({ where: { status: 'pending' }, select: { stream_id: true } });
  return rows.map((r) => r.stream_id).sort();
}

async function converged(api: TestApi): Promise<boolean> {
  try {
    await api.deps.mirror.drainNow();
    const [mirror, truth] = await Promise.all([mirrorIds(api), pendingIds(api)]);
    return JSON.stringify(mirror) === JSON.stringify(truth);
  } catch {
    return false; // Redis not (yet) reachable
  }
}

describe('the streams-pending mirror', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('follows create, take, patch, put and delete', async () => {
    const a = await createStream(api, { name: 'a' });
    const b = await createStream(api, { name: 'b' });
    const paused = await createStream(api, { name: 'paused', status: 'pause' });
    await eventually(() => converged(api), 10_000, 'mirror after create');
    expect(await mirrorIds(api)).toEqual([a, b].sort());

    await request(api.app)
      .post('/1/streams/processing/queue')
      .send({ filters: { stream_ids: [a] }, limit: 1 })
      .expect(200);
    await eventually(() => converged(api), 10_000, 'mirror after take');
    expect(await mirrorIds(api)).toEqual([b]);

    await request(api.app).patch(`/1/streams/${paused}`).send({ status: 'pending' }).expect(204);
    await request(api.app).patch(`/1/streams/${b}`).send({ status: 'pause' }).expect(204);
    await eventually(() => converged(api), 10_000, 'mirror after patch');
    expect(await mirrorIds(api)).toEqual([paused]);

    await request(api.app).put(`/1/streams/${a}`).send(streamBody()).expect(200);
    await eventually(() => converged(api), 10_000, 'mirror after put');
    expect(await mirrorIds(api)).toEqual([a, paused].sort());

    await request(api.app).delete(`/1/streams/${a}`).expect(204);
    await eventually(() => converged(api), 10_000, 'mirror after delete');
    expect(await mirrorIds(api)).toEqual([paused]);
    expect(await api.deps.db.prisma.mirrorOutbox.count()).toBe(0);
  });
});

describe('with Redis stopped', () => {
  let redis: OwnRedis;
  let api: TestApi;
  beforeAll(async () => {
    redis = await ownRedis();
    api = await startTestApi({ REDIS_URL: redis.url, MIRROR_DRAIN_INTERVAL_MS: '50' });
  });
  afterAll(async () => {
    await api.close();
    await redis.stop();
  });

  it('user requests still succeed quickly, and the mirror converges when Redis is back', async () => {
    const before = await createStream(api, { name: 'before' });
    await eventually(() => converged(api), 10_000, 'mirror before the outage');

    await redis.stop();
    const started = Date.now();
    const during = [];
    for (let i = 0; i < 5; i++) during.push(await createStream(api, { name: `during-${i}` }));
    await request(api.app)
      .post('/1/streams/processing/queue')
      .send({ filters: { stream_ids: [before] }, limit: 1 })
      .expect(200);
    await request(api.app).get('/1/streams?page_size=100').expect(200);
    const health = await request(api.app).get('/healthcheck').expect(200);
    expect(health.body.degraded?.[0]?.component).toBe('redis');
    expect(Date.now() - started).toBeLessThan(8000);
    expect(await api.deps.db.prisma.mirrorOutbox.count()).toBeGreaterThan(0);

    await redis.start();
    await eventually(() => converged(api), 20_000, 'mirror after Redis returned');
    expect(await mirrorIds(api)).toEqual([...during].sort());
  });
});
