import { Router } from 'express';
import { parseBody, parseQuery, peekQueueQuery, route, takeQueueBody } from '@luna-streams/shared';
import type { ApiDeps } from '../deps';

// The processing queue (spec 4.10, 4.11).
export function queueRouter({ queue, metrics }: ApiDeps): Router {
  const router = Router();

  route(router, '/1/streams/processing/queue', {
    get: async (req, res) => {
      res.json({ streams: await queue.peek(parseQuery(peekQueueQuery, req.query)) });
    },
    post: async (req, res) => {
      const { filters, limit } = parseBody(takeQueueBody, req.body);
      const streams = await queue.take(filters, limit);
      metrics.takes.inc(streams.length);
      res.json({ streams });
    },
  });

  return router;
}
