import { Router } from 'express';
import { buildOpenApiDocument, errors, openApiYaml, redocPage, renderDevManual, route } from '@luna-streams/shared';

// Documentation (spec 4.21, 4.22): the OpenAPI document built from the contract, as YAML
// or as a page rendered by Redoc (served from the installed package, nothing from the
// internet), and the development manual rendered from docs/dev.
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
].join('; ');

export function docsRouter(): Router {
  const router = Router();
  const yaml = openApiYaml();
  const html = redocPage(buildOpenApiDocument());
  const manual = renderDevManual();
  const redocBundle = require.resolve('redoc/bundles/redoc.standalone.js');

  route(router, '/docs/spec', {
    get: (req, res) => {
      const type = req.headers.accept ? req.accepts(['application/x-yaml', 'text/html']) : false;
      if (type === 'application/x-yaml') res.type('application/x-yaml').send(yaml);
      else if (type === 'text/html') {
        // Everything comes from this service: the policy stops Redoc's one remote asset (a logo).
        res.setHeader('Content-Security-Policy', DOCS_CSP);
        res.type('text/html').send(html);
      } else throw errors.unsupportedMediaType();
    },
  });

  route(router, '/docs/dev', {
    get: (_req, res) => res.redirect(302, '/docs/dev/index.html'),
  });

  router.get('/docs/dev/:page', (req, res, next) => {
    const body = manual.get(String(req.params.page));
    if (body === undefined) return next();
    res.type('text/html').send(body);
  });

  router.get('/docs/redoc.standalone.js', (_req, res) => {
    res.type('application/javascript').sendFile(redocBundle, { maxAge: '1d' });
  });

  return router;
}
