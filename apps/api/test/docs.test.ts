import request from 'supertest';
import { parse } from 'yaml';
import { buildOpenApiDocument, OPERATIONS } from '@luna-streams/shared';
import { startTestApi, type TestApi } from '../../../test/support/api';
import { startTestWorker } from '../../../test/support/worker';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('GET /docs/spec', () => {
  it('serves the OpenAPI document as YAML', async () => {
    const res = await request(api.app).get('/docs/spec').set('Accept', 'application/x-yaml').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-yaml/);
    const doc = parse(res.text);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Luna-Streams API', version: 'v.0.0.2' });
    expect(doc).toEqual(buildOpenApiDocument());
  });

  it('serves a page that renders it with the installed Redoc', async () => {
    const res = await request(api.app).get('/docs/spec').set('Accept', 'text/html').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<script src="/docs/redoc.standalone.js"></script>');
    const bundle = await request(api.app).get('/docs/redoc.standalone.js').expect(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(bundle.body.length ?? bundle.text.length).toBeGreaterThan(100_000);
  });

  it.each([['application/json'], ['image/png'], [undefined]])('answers 415 12024 for Accept %p', async (accept) => {
    const req = request(api.app).get('/docs/spec');
    if (accept) req.set('Accept', accept);
    const res = await req.expect(415);
    expect(res.body).toEqual({
      error_code: 12024,
      desc: 'Bad/incomplete input data',
      detail: 'Unsupported media type',
    });
  });
});

describe('the OpenAPI document', () => {
  it('documents every route the apps register, and registers every documented operation', () => {
    type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
    const routesOf = (app: { router: { stack: Layer[] } }): string[] => {
      const found: string[] = [];
      const walk = (stack: Layer[]) => {
        for (const layer of stack) {
          if (layer.route) {
            for (const method of Object.keys(layer.route.methods)) {
              if (method !== '_all' && method !== 'options') found.push(`${method} ${layer.route.path}`);
            }
          } else if (layer.handle?.stack) walk(layer.handle.stack);
        }
      };
      walk(app.router.stack);
      return found.map((r) => r.replace(/:(\w+)/g, '{$1}'));
    };
    // Not API operations: the manual's pages, the Redoc bundle, the console's pages (bull-board and the console's
    // assets mount no route here).
    const exceptions = [
      'get /docs/dev/{page}',
      'get /docs/redoc.standalone.js',
      'get /console',
      'get /console/{*rest}',
    ];
    const apiRoutes = routesOf(api.app as never).filter((r) => !exceptions.includes(r));
    const documented = OPERATIONS.map((op) => `${op.method} ${op.path}`);
    expect([...new Set(apiRoutes)].sort()).toEqual([...documented].sort());

    const worker = startTestWorker(api, { WORKER_ROLES: 'http' });
    const workerRoutes = routesOf(worker.app as never);
    void worker.shutdown.run('test');
    const onWorker = OPERATIONS.filter((op) => op.alsoOnWorker).map((op) => `${op.method} ${op.path}`);
    expect(workerRoutes.sort()).toEqual(onWorker.sort());
  });
});

describe('GET /docs/dev', () => {
  it('redirects to the manual, whose pages all render', async () => {
    const res = await request(api.app).get('/docs/dev').expect(302);
    expect(res.headers.location).toBe('/docs/dev/index.html');
    const index = await request(api.app).get('/docs/dev/index.html').expect(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.text).toContain('development manual');
    const links = [...index.text.matchAll(/href="([\w-]+\.html)"/g)].map((m) => m[1]!);
    expect(links).toEqual(
      expect.arrayContaining([
        'architecture.html',
        'status-model.html',
        'queue-and-agents.html',
        'background-jobs.html',
        'settings.html',
        'operations.html',
        'conventions.html',
      ]),
    );
    for (const link of links) await request(api.app).get(`/docs/dev/${link}`).expect(200);
    await request(api.app).get('/docs/dev/nothing.html').expect(404);
  });
});
