import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

// Prometheus metrics, named luna_streams_* (DESIGN.md section 9). Each process has its
// own registry: request histograms and the counters of the work it does. The worker also
// computes the database-wide gauges on a schedule, so N API copies never scan the
// streams table on every scrape.

export function createMetrics(app: 'api' | 'worker') {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'luna_streams_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    takes: new Counter({
      name: 'luna_streams_takes_total',
      help: 'streams handed to agents by queue takes',
      registers,
    }),
    feedbackItems: new Counter({
      name: 'luna_streams_feedback_items_total',
      help: 'feedback items received, by what they reported',
      labelNames: ['status'] as const,
      registers,
    }),
    handlerLost: new Counter({
      name: 'luna_streams_handler_lost_total',
      help: 'in-progress streams re-queued because their agent went silent',
      registers,
    }),
    autorestarts: new Counter({
      name: 'luna_streams_autorestarts_total',
      help: 'failed streams restarted by autorestart',
      registers,
    }),
    streams: new Gauge({
      name: 'luna_streams_streams',
      help: 'streams by status',
      labelNames: ['status'] as const,
      registers,
    }),
    queueDepth: new Gauge({
      name: 'luna_streams_queue_depth',
      help: 'pending streams (the processing queue)',
      registers,
    }),
    oldestPending: new Gauge({
      name: 'luna_streams_oldest_pending_seconds',
      help: 'how long the head of the queue has waited',
      registers,
    }),
    mirrorDrift: new Gauge({
      name: 'luna_streams_mirror_drift',
      help: 'pending streams minus streams-pending mirror jobs (0 when the mirror is in step)',
      registers,
    }),
    bullmqJobs: new Gauge({
      name: 'luna_streams_bullmq_jobs',
      help: 'BullMQ jobs by queue and state',
      labelNames: ['queue', 'state'] as const,
      registers,
    }),
    eventsClients: new Gauge({
      name: 'luna_streams_events_clients',
      help: 'clients following GET /1/streams/events on this process',
      registers,
    }),
    eventsSent: new Counter({
      name: 'luna_streams_events_sent_total',
      help: 'status events written to event stream clients',
      registers,
    }),
    eventsDelay: new Histogram({
      name: 'luna_streams_events_delay_seconds',
      help: "from a log row's log_time (its transaction's start) to its delivery to the live clients",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'luna_streams_webhook_deliveries_total',
      help: 'webhook delivery attempts by result: delivered (2xx), retry (failed, tried again later), failed (given up, 410, or the webhook disabled)',
      labelNames: ['result'] as const,
      registers,
    }),
    webhookDelay: new Histogram({
      name: 'luna_streams_webhook_delivery_delay_seconds',
      help: "from a log row's log_time to the 2xx answer to its webhook message",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300, 3600, 86_400],
      registers,
    }),
    webhookAttempts: new Histogram({
      name: 'luna_streams_webhook_attempts',
      help: 'attempts a webhook message took, once delivered or failed',
      buckets: [1, 2, 3, 5, 8, 13, 21],
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Times every request under its route template (never the raw URL: ids would explode the series). */
export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      end({
        method: req.method,
        route: route ? `${req.baseUrl}${route}` : 'unmatched',
        status: String(res.statusCode),
      });
    });
    next();
  };
}

/** GET /metrics in the Prometheus text format. */
export function metricsEndpoint(metrics: Metrics) {
  return async (_req: Request, res: Response): Promise<void> => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}
