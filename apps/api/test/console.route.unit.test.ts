import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { consoleRouter } from '../src/routes/console';

// How the API serves the console's static build: every path under /console answers the app
// (deep links, reloads), assets are cached for good, and an unbuilt console is a page saying
// how to build it, not a failure of the API.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'console-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function appOn(root: string) {
  const app = express();
  app.use(consoleRouter(root));
  app.use((_req, res) => res.status(404).json({ error_code: 12013 }));
  return app;
}

describe('the console route', () => {
  it('answers 503 with how to build it when the console was not built', async () => {
    const res = await request(appOn(join(dir, 'missing')))
      .get('/console/streams')
      .expect(503);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('npm run build');
  });

  it('answers the app at every path under /console, with a policy that keeps everything on this service', async () => {
    const root = join(dir, 'built');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><div id="app"></div>');
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    const app = appOn(root);
    for (const path of [
      '/console',
      '/console/',
      '/console/streams?account_id=x',
      '/console/streams/abc',
      '/console/a/b/c',
    ]) {
      const res = await request(app).get(path).expect(200);
      expect(res.text).toContain('<div id="app">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
    const asset = await request(app).get('/console/assets/index-abc.js').expect(200);
    expect(asset.type).toBe('text/javascript');
    expect(asset.headers['cache-control']).toContain('immutable');
    // A missing asset is not answered with the app (a stale page would run HTML as script).
    await request(app).get('/console/assets/gone.js').expect(404);
    // Paths outside /console are left to the rest of the API.
    await request(app).get('/consoles').expect(404);
  });
});
