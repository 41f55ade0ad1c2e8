import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router, type Request, type Response } from 'express';

// The operators' console (apps/console): static files built by `npm run build`, served at
// /console. Every GET under /console that is not a file answers the app's index.html, so
// deep links and reloads work. The console uses only the public API, so it needs no admin
// power and no token. Unbuilt (tests run before a build), /console answers 503 with a page
// saying how to build it; nothing else in the API depends on it.

const BASE = '/console';

// Everything comes from this service; the app has no inline script or style.
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** apps/console/dist, from apps/api/src/routes or apps/api/dist/routes alike. */
export function consoleDir(): string {
  return resolve(__dirname, '..', '..', '..', 'console', 'dist');
}

const NOT_BUILT = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Console not built · luna-streams</title></head>
<body><main><h1>The console is not built</h1>
<p>Run <code>npm run build</code> in the repository, then reload this page. The API itself works without it.</p>
</main></body></html>`;

function sendIndex(res: Response, index: string): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  // The page names hashed assets: it must be revalidated, the assets need not.
  res.setHeader('Cache-Control', 'no-cache');
  res.type('text/html').send(index);
}

export function consoleRouter(dir = consoleDir()): Router {
  const router = Router();
  let index: string | undefined;
  // Read lazily and kept once found, so a build made while the API runs is picked up.
  const readIndex = (): string | undefined => {
    if (index === undefined && existsSync(join(dir, 'index.html')))
      index = readFileSync(join(dir, 'index.html'), 'utf8');
    return index;
  };

  router.use(
    `${BASE}/assets`,
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: true }),
  );
  const app = (req: Request, res: Response): void => {
    // A missing asset is a 404, never the app (a stale page asking for an old bundle).
    if (req.path.startsWith(`${BASE}/assets/`)) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    const page = readIndex();
    if (page === undefined) {
      res.status(503).setHeader('Retry-After', '60');
      res.type('text/html').send(NOT_BUILT);
      return;
    }
    sendIndex(res, page);
  };
  router.get(BASE, app);
  router.get(`${BASE}/{*rest}`, app);
  return router;
}
