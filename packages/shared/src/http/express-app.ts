import express from 'express';

/** An Express app with the settings every app here shares: no X-Powered-By, no automatic ETag. */
export function createExpressApp(): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  return app;
}
