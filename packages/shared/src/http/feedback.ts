import { Router } from 'express';
import { feedbackBody } from '../contract/feedback';
import { parseBody } from '../contract/validation';
import type { ScheduledAutorestart } from '../domain/autorestart';
import type { FeedbackRepository } from '../store/feedback.repository';
import type { Metrics } from './metrics';
import { route } from './routes';

/**
 * POST /1/streams/feedback (spec 4.12). Both apps mount this one router: agents at scale
 * talk to the worker pool, while clients keep the API's single base URL (DESIGN.md section 1).
 * The whole batch is validated before anything is applied.
 */
export function feedbackRouter(deps: {
  feedback: FeedbackRepository;
  /** Sets the timers of the failures autorestart will retry; never throws. */
  scheduleAutorestarts: (restarts: ScheduledAutorestart[]) => Promise<void>;
  metrics: Metrics;
}): Router {
  const router = Router();
  route(router, '/1/streams/feedback', {
    post: async (req, res) => {
      const body = parseBody(feedbackBody, req.body);
      // One counter update per status, not per item: a batch holds up to 1000.
      const perStatus = new Map<string, number>();
      for (const item of body.streams) perStatus.set(item.status, (perStatus.get(item.status) ?? 0) + 1);
      for (const [status, n] of perStatus) deps.metrics.feedbackItems.inc({ status }, n);
      const { answers, autorestarts } = await deps.feedback.apply(body.streams);
      await deps.scheduleAutorestarts(autorestarts);
      res.json({ streams: answers });
    },
  });
  return router;
}
