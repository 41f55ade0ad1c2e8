import { Router } from 'express';
import { logsQuery, parseQuery, route } from '@luna-streams/shared';
import type { ApiDeps } from '../deps';

// Stream logs (spec 4.13). Mounted before the streams router so /1/streams/logs is never
// taken for a stream id.
export function logsRouter({ streamLogs }: ApiDeps): Router {
  const router = Router();

  route(router, '/1/streams/logs', {
    get: async (req, res) => {
      res.json({ logs: await streamLogs.list(parseQuery(logsQuery, req.query)) });
    },
  });

  return router;
}
