import { Router } from 'express';
import { API_VERSION, errors, healthcheck, route } from '@luna-streams/shared';
import { configText, configView } from '../config-view';
import type { ApiDeps } from '../deps';

// Service endpoints (spec 4.1, 4.23, 4.24).
export function serviceRouter({ config, db, redis }: ApiDeps): Router {
  const router = Router();

  route(router, '/version', {
    get: (_req, res) => {
      res.json({ Version: API_VERSION });
    },
  });

  route(router, '/healthcheck', { get: healthcheck({ pool: db.pool, redis }) });

  route(router, '/1/config', {
    get: (req, res) => {
      const view = configView(config);
      const type = req.headers.accept ? req.accepts(['application/json', 'text/plain']) : 'application/json';
      if (type === 'application/json') res.json(view);
      else if (type === 'text/plain') res.type('text/plain').send(configText(view));
      else throw errors.unsupportedMediaType();
    },
  });

  return router;
}
