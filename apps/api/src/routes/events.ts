import { Router } from 'express';
import { eventsQuery, parseQuery, route } from '@luna-streams/shared';
import type { ApiDeps } from '../deps';
import { follow } from '../events/follow';

// The live feed of stream log rows (docs/dev/events.md). Mounted before the streams
// router so /1/streams/events is never taken for a stream id.
export function eventsRouter(deps: ApiDeps): Router {
  const router = Router();

  route(router, '/1/streams/events', {
    get: async (req, res) => {
      await follow(deps, req, res, parseQuery(eventsQuery, req.query));
    },
  });

  return router;
}
