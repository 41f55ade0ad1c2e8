import { Router } from 'express';
import { API_VERSION, errors, healthcheck, metricsEndpoint, requireAdminToken, route } from '@luna-streams/shared';
import { configText, configView } from '../config-view';
import type { ApiDeps } from '../deps';

// Service endpoints (spec 4.1, 4.23, 4.24).
export function serviceRouter({ config, db, redis, metrics }: ApiDeps): Router {
  const admin = requireAdminToken(config.ADMIN_TOKEN);
  const router = Router();

  route(router, '/version', {
    get: (_req, res) => {
      res.json({ Version: API_VERSION });
    },
  });

  // Its own connection: a busy request pool must not take a healthy copy out of rotation.
  route(router, '/healthcheck', { get: healthcheck({ pool: db.healthPool, redis }) });

  route(router, '/metrics', { get: [admin, metricsEndpoint(metrics)] });

  route(router, '/1/config', {
    get: [
      admin,
      (req, res) => {
        const view = configView(config);
        const type = req.headers.accept ? req.accepts(['application/json', 'text/plain']) : 'application/json';
        if (type === 'application/json') res.json(view);
        else if (type === 'text/plain') res.type('text/plain').send(configText(view));
        else throw errors.unsupportedMediaType();
      },
    ],
  });

  return router;
}
