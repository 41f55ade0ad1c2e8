import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { errors, hasAdminToken, type RedisWatch } from '@luna-streams/shared';
import type { Queue } from 'bullmq';
import { Router } from 'express';

const BASE = '/admin/queues';

function board(queues: Queue[], readOnlyMode: boolean): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BASE);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode })), serverAdapter });
  return serverAdapter.getRouter() as Router;
}

/**
 * bull-board at /admin/queues (DESIGN.md section 9): read-only, unless ADMIN_TOKEN is set
 * and presented; then the writable board answers. `?admin_token=` sets a cookie so a
 * browser keeps presenting it. Its data requests (`/api/...`) read Redis with no timeout, so
 * while the Redis watch says Redis is away they are answered 503 at once instead of hanging.
 */
export function queueDashboard(queues: Queue[], adminToken: string | undefined, redisWatch: RedisWatch): Router {
  const readOnly = board(queues, true);
  const writable = adminToken === undefined ? undefined : board(queues, false);
  const router = Router();
  router.use(`${BASE}/api`, (_req, _res, next) => {
    const { up, reason } = redisWatch.state();
    next(up ? undefined : errors.redisUnavailable(reason ?? 'no answer'));
  });
  router.use(BASE, (req, res, next) => {
    const admitted = writable !== undefined && hasAdminToken(req, adminToken);
    if (admitted && typeof req.query.admin_token === 'string') {
      res.cookie('luna_admin_token', req.query.admin_token, { httpOnly: true, sameSite: 'strict', path: BASE });
    }
    (admitted ? writable : readOnly)(req, res, next);
  });
  return router;
}
