import { Router } from 'express';
import {
  API_VERSION,
  degradedComponent,
  errors,
  healthcheck,
  metricsEndpoint,
  redisDegraded,
  requireAdminToken,
  route,
} from '@luna-streams/shared';
import { configText, configView } from '../config-view';
import type { ApiDeps } from '../deps';

// Service endpoints (spec 4.1, 4.23, 4.24).
export function serviceRouter({ config, db, redisWatch, mirror, metrics }: ApiDeps): Router {
  const admin = requireAdminToken(config.ADMIN_TOKEN);
  const router = Router();

  route(router, '/version', {
    get: (_req, res) => {
      res.json({ Version: API_VERSION });
    },
  });

  // Redis and the mirror drain are read from state kept in the background: never waited on.
  const degraded = () => {
    const mirrorProblem = mirror.problem();
    return [...redisDegraded(redisWatch), ...(mirrorProblem ? [degradedComponent('mirror', mirrorProblem)] : [])];
  };
  // Its own connection: a busy request pool must not take a healthy copy out of rotation.
  route(router, '/healthcheck', { get: healthcheck({ pool: db.healthPool, degraded }) });

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
