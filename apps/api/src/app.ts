import type express from 'express';
import {
  createExpressApp,
  errorHandler,
  feedbackRouter,
  httpMetrics,
  jsonBody,
  notFound,
  requestId,
  requestLog,
  shedLoad,
} from '@luna-streams/shared';
import { queueDashboard } from './admin';
import type { ApiDeps } from './deps';
import { consoleRouter } from './routes/console';
import { docsRouter } from './routes/docs';
import { eventsRouter } from './routes/events';
import { groupsRouter } from './routes/groups';
import { linkerRouter } from './routes/linker';
import { logsRouter } from './routes/logs';
import { queueRouter } from './routes/queue';
import { serviceRouter } from './routes/service';
import { streamsRouter } from './routes/streams';
import { webhooksRouter } from './routes/webhooks';

/** The API's Express app. It never listens: main.ts does, and tests use supertest. */
export function createApp(deps: ApiDeps): express.Express {
  const app = createExpressApp();
  app.set('query parser', 'simple');
  app.use(requestId());
  app.use(requestLog(deps.logger));
  app.use(httpMetrics(deps.metrics));
  // Every path under these needs the database; health, docs and metrics never wait for it.
  app.use(['/1/streams', '/1/groups', '/1/linker', '/1/webhooks'], shedLoad(deps.db.pool));
  app.use(jsonBody());
  app.use(serviceRouter(deps));
  app.use(docsRouter());
  app.use(consoleRouter());
  app.use(queueDashboard(deps.dashboardQueues, deps.config.ADMIN_TOKEN, deps.redisWatch));
  app.use(logsRouter(deps));
  app.use(eventsRouter(deps));
  app.use(queueRouter(deps));
  app.use(feedbackRouter(deps));
  app.use(streamsRouter(deps));
  app.use(groupsRouter(deps));
  app.use(linkerRouter(deps));
  app.use(webhooksRouter(deps));
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
