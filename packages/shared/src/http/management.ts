import type { Express, Router } from 'express';
import type { Config } from '../config';
import type { Logger } from '../log';
import { createExpressApp } from './express-app';
import { errorHandler, notFound } from './errors';
import { httpMetrics, type Metrics } from './metrics';
import { requestId } from './request-id';
import { requestLog } from './request-log';
import { createHttpServer, listen } from './server';
import type { Shutdown } from './shutdown';

// The management port (MANAGEMENT_PORT, WORKER_MANAGEMENT_PORT; docs/dev/operations.md, Management port):
// /healthcheck and /metrics on a listening socket of their own. Node 20's libuv accepts one
// connection per event-loop turn, and under overload a turn takes tens of milliseconds, so a
// burst of new connections on the traffic port waits in the kernel's accept queue for seconds.
// A load balancer's health check on a new connection would wait behind it; on this port it
// waits only behind other probes. Same process and event loop: a copy whose loop has stopped
// turning is not reported healthy.

/** The service routes (health, metrics) with the error model, and nothing else. */
export function createManagementApp(service: Router, logger: Logger, metrics: Metrics): Express {
  const app = createExpressApp();
  app.use(requestId());
  app.use(requestLog(logger));
  // Counted with the rest: the health check's latency on this port is the figure it exists for.
  app.use(httpMetrics(metrics));
  app.use(service);
  app.use(notFound());
  app.use(errorHandler(logger));
  return app;
}

/**
 * Listens with `app` on `port` when the setting is given. On shutdown it stops accepting with
 * the traffic port, and its idle kept-alive connections are closed at once (a probe mid-write
 * meets a closed connection, a failed check either way), so a draining copy fails its health
 * check at once, also for a prober that keeps its connection alive.
 */
export async function listenManagement(
  app: Express,
  port: number | undefined,
  setting: string,
  deps: { config: Config; logger: Logger; shutdown: Shutdown },
): Promise<number | undefined> {
  if (port === undefined) return undefined;
  const server = createHttpServer(app, deps.config, deps.logger);
  const bound = await listen(server, port, setting, deps.logger);
  deps.logger.info({ port: bound, setting }, 'management port listening');
  deps.shutdown.addServer(server);
  deps.shutdown.onClosing(() => server.server.closeIdleConnections());
  return bound;
}
