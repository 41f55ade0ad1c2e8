import request from 'supertest';
import { createLogger } from '@luna-streams/shared';
import { composeApi } from '../src/compose';
import { startTestApi, streamBody, testConfig, type TestApi } from '../../../test/support/api';
import { ADMIN_DATABASE_URL } from '../../../test/support/env';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const REQUEST_ID = /^[0-9]{10},[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

describe('Luna-Request-Id', () => {
  it('echoes a valid id and invents one otherwise, on success and on error', async () => {
    const id = '1700000000,3f6c1b2a-9d4e-4f7a-8b1c-2d3e4f5a6b7c';
    const echoed = await request(api.app).get('/version').set('Luna-Request-Id', id).expect(200);
    expect(echoed.headers['luna-request-id']).toBe(id);
    const made = await request(api.app).get('/version').expect(200);
    expect(made.headers['luna-request-id']).toMatch(REQUEST_ID);
    const error = await request(api.app).get('/nowhere').set('Luna-Request-Id', id).expect(404);
    expect(error.headers['luna-request-id']).toBe(id);
    const parseError = await request(api.app)
      .post('/1/streams')
      .set('Luna-Request-Id', id)
      .set('Content-Type', 'application/json')
      .send('{"account_id": ')
      .expect(400);
    expect(parseError.headers['luna-request-id']).toBe(id);
  });

  it('answers a malformed id with 400 12012 under a fresh id', async () => {
    const res = await request(api.app).get('/version').set('Luna-Request-Id', 'not-an-id').expect(400);
    expect(res.body).toEqual({
      error_code: 12012,
      desc: 'Bad/incomplete input data',
      detail: "Bad header 'Luna-Request-Id'",
    });
    expect(res.headers['luna-request-id']).toMatch(REQUEST_ID);
  });
});

describe('request bodies', () => {
  it('answers 12023 for another content type', async () => {
    const res = await request(api.app).post('/1/streams').set('Content-Type', 'text/plain').send('hello').expect(400);
    expect(res.body).toEqual({
      error_code: 12023,
      desc: 'Bad/incomplete input data',
      detail: "Content type is unacceptable, allowed types: 'application/json'",
    });
  });

  it('answers 12002 for a body that is not JSON, and for no body', async () => {
    const broken = await request(api.app)
      .post('/1/streams')
      .set('Content-Type', 'application/json')
      .send('{"account_id": ')
      .expect(400);
    expect(broken.body).toEqual({
      error_code: 12002,
      desc: 'Bad/incomplete input data',
      detail: 'Request does not contain json',
    });
    const none = await request(api.app).post('/1/streams').expect(400);
    expect(none.body.error_code).toBe(12002);
  });

  it('answers 413 12022 for a body over 1 MiB, and accepts one just under it', async () => {
    const before = await api.deps.db.prisma.stream.count();
    const huge = JSON.stringify(streamBody({ name: 'x'.repeat(1024 * 1024) }));
    const res = await request(api.app)
      .post('/1/streams')
      .set('Content-Type', 'application/json')
      .send(huge)
      .expect(413);
    expect(res.body.error_code).toBe(12022);
    expect(res.body.desc).toBe('Bad/incomplete input data');
    // Under the limit the body is parsed and judged by the schema instead.
    const big = JSON.stringify(streamBody({ name: 'x'.repeat(1000 * 1000) }));
    const judged = await request(api.app)
      .post('/1/streams')
      .set('Content-Type', 'application/json')
      .send(big)
      .expect(400);
    expect(judged.body.detail).toContain("Path: 'name'");
    expect(await api.deps.db.prisma.stream.count()).toBe(before);
  });

  it('accepts application/json with a charset', async () => {
    await request(api.app)
      .post('/1/streams')
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify(streamBody()))
      .expect(201);
  });
});

describe('routing', () => {
  it('answers 404 12013 for an unknown path', async () => {
    const res = await request(api.app).get('/1/streamz').expect(404);
    expect(res.body).toEqual({ error_code: 12013, desc: 'Resource not found', detail: 'Page not found' });
  });

  it.each([
    ['post', '/1/streams/count'],
    ['put', '/1/streams'],
    ['patch', '/version'],
    ['post', '/healthcheck'],
    ['delete', '/1/config'],
    ['post', '/1/streams/00000000-0000-4000-8000-000000000000'],
  ] as const)('answers 405 12021 for %s %s', async (method, path) => {
    const res = await request(api.app)[method](path).expect(405);
    expect(res.body).toEqual({ error_code: 12021, desc: 'Method not allowed', detail: 'Method not allowed' });
    expect(res.headers.allow).toBeDefined();
  });

  it.each(['/1/streams/%zz', '/1/groups/%E0%A4%A'])(
    'answers 400 12012 for broken percent-encoding in %s',
    async (path) => {
      const res = await request(api.app).get(path).expect(400);
      expect(res.body).toEqual({ error_code: 12012, desc: 'Bad/incomplete input data', detail: 'Bad path parameters' });
    },
  );

  it('answers OPTIONS with the allowed methods', async () => {
    const res = await request(api.app).options('/1/streams').expect(204);
    expect(res.headers.allow).toBe('POST, GET, DELETE, HEAD, OPTIONS');
  });
});

describe('a database that does not answer', () => {
  it('answers 503 with code 2 within 2 s, and the health check 502 naming db', async () => {
    const closed = new URL(ADMIN_DATABASE_URL);
    closed.port = '1'; // nothing listens there
    const { app, shutdown } = composeApi(
      testConfig(closed.toString()),
      createLogger({ level: 'silent', name: 'test', pretty: false }),
    );
    try {
      const started = Date.now();
      const res = await request(app).get('/1/streams').expect(503);
      expect(Date.now() - started).toBeLessThan(2500);
      expect(res.body).toEqual({ error_code: 2, desc: 'Service unavailable', detail: 'Database is unavailable' });
      await request(app).post('/1/streams').send(streamBody()).expect(503);
      const health = await request(app).get('/healthcheck').expect(502);
      expect(health.body.errors[0]).toMatchObject({ component: 'db', error_code: 2 });
    } finally {
      await shutdown.run('test');
    }
  });

  it('answers 503 when the database refuses new connections mid-run, and recovers', async () => {
    const local = await startTestApi();
    try {
      await request(local.app).get('/1/streams').expect(200);
      const pg = await import('pg');
      const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`ALTER DATABASE "${local.database.name}" ALLOW_CONNECTIONS false`);
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
          local.database.name,
        ]);
        const res = await request(local.app).get('/1/streams/count');
        expect(res.status).toBe(503);
        expect(res.body.error_code).toBe(2);
        await admin.query(`ALTER DATABASE "${local.database.name}" ALLOW_CONNECTIONS true`);
        await request(local.app).get('/1/streams/count').expect(200);
      } finally {
        await admin.query(`ALTER DATABASE "${local.database.name}" ALLOW_CONNECTIONS true`);
        await admin.end();
      }
    } finally {
      await local.close();
    }
  });
});
