import request from 'supertest';
import { createLogger } from '@luna-streams/shared';
import { composeApi } from '../src/compose';
import { startTestApi, testConfig, type TestApi } from '../../../test/support/api';
import { eventually } from '../../../test/support/wait';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('GET /version', () => {
  it('answers the API version of v0.0.2', async () => {
    const res = await request(api.app).get('/version').expect(200);
    expect(res.body).toEqual({ Version: { api: 1, major: 0, minor: 0, patch: 2 } });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('GET /healthcheck', () => {
  it('answers 200 with execution_time while PostgreSQL and Redis answer', async () => {
    // Health reads Redis's state from a background watch: wait for its first PING answer.
    await eventually(async () => api.deps.redisWatch.state().up, 5000, 'Redis watched up');
    const res = await request(api.app).get('/healthcheck').expect(200);
    expect(res.body).toEqual({ execution_time: expect.any(Number) });
  });

  it('stays 200 but reports Redis as degraded when Redis does not answer', async () => {
    const config = testConfig(api.database.url, { REDIS_URL: 'redis://127.0.0.1:1' });
    const { app, shutdown } = composeApi(config, createLogger({ level: 'silent', name: 'test', pretty: false }));
    try {
      const res = await request(app).get('/healthcheck').expect(200);
      expect(res.body.degraded).toEqual([expect.objectContaining({ component: 'redis', error_code: 2 })]);
    } finally {
      await shutdown.run('test');
    }
  });
});

describe('GET /1/config', () => {
  it('shows the settings grouped LUNA-style with passwords masked, also inside URLs', async () => {
    const url = new URL(api.database.url);
    url.username = 'luna';
    url.password = 's3cret';
    const config = testConfig(url.toString(), { REDIS_URL: 'redis://:redispass@127.0.0.1:1/0' });
    const { app, shutdown } = composeApi(config, createLogger({ level: 'silent', name: 'test', pretty: false }));
    try {
      const res = await request(app).get('/1/config').expect(200);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain('s3cret');
      expect(text).not.toContain('redispass');
      expect(res.body.LUNA_STREAMS_DB).toMatchObject({ db_type: 'postgres', db_user: 'luna', db_password: '***' });
      expect(res.body.LUNA_STREAMS_DB.database_url).toContain('luna:***@');
      expect(res.body.STREAM_STATUS_OBSOLETING_PERIOD).toBe(20);
      expect(res.body.MAX_IN_PROGRESS_STREAMS).toBeNull();
      expect(res.body.LUNA_STREAMS_WEBHOOKS).toMatchObject({
        retry_min_s: 5,
        retry_for_s: 86_400,
        deny_networks: '127.0.0.0/8,::1/128,169.254.0.0/16,fe80::/10,0.0.0.0/8,::/128',
      });

      const plain = await request(app).get('/1/config').set('Accept', 'text/plain').expect(200);
      expect(plain.headers['content-type']).toMatch(/^text\/plain/);
      expect(plain.text).toContain('LUNA_STREAMS_DB.db_password = ***');
      expect(plain.text).not.toContain('s3cret');

      const refused = await request(app).get('/1/config').set('Accept', 'image/png').expect(415);
      expect(refused.body.error_code).toBe(12024);
    } finally {
      await shutdown.run('test');
    }
  });

  it('lists the cap on streams in progress when one is set (the console shows it)', async () => {
    const config = testConfig(api.database.url, { MAX_IN_PROGRESS_STREAMS: '5' });
    const { app, shutdown } = composeApi(config, createLogger({ level: 'silent', name: 'test', pretty: false }));
    try {
      expect((await request(app).get('/1/config').expect(200)).body.MAX_IN_PROGRESS_STREAMS).toBe(5);
    } finally {
      await shutdown.run('test');
    }
  });

  it.each([
    [
      { REDIS_CLUSTER_NODES: '127.0.0.1:1,127.0.0.1:2', REDIS_USERNAME: 'luna', REDIS_PASSWORD: 'redispass' },
      { mode: 'cluster', cluster_nodes: '127.0.0.1:1,127.0.0.1:2', username: 'luna', password: '***', tls: false },
    ],
    [
      { REDIS_SENTINELS: '127.0.0.1:1', REDIS_SENTINEL_MASTER: 'luna', REDIS_PASSWORD: 'redispass', REDIS_TLS: 'true' },
      { mode: 'sentinel', sentinels: '127.0.0.1:1', sentinel_master: 'luna', password: '***', tls: true },
    ],
  ])('shows the Redis mode in force, its password masked: %p', async (env, shown) => {
    const config = testConfig(api.database.url, { REDIS_URL: '', ...env });
    const { app, shutdown } = composeApi(config, createLogger({ level: 'silent', name: 'test', pretty: false }));
    try {
      const res = await request(app).get('/1/config').expect(200);
      expect(JSON.stringify(res.body)).not.toContain('redispass');
      expect(res.body.LUNA_STREAMS_REDIS).toMatchObject({ ...shown, prefix: config.REDIS_PREFIX });
    } finally {
      await shutdown.run('test');
    }
  });
});
