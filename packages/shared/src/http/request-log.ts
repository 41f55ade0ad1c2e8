import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log';

/** One log line per request: Luna-Request-Id, method, route template, status, duration. */
export function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      logger.info(
        {
          request_id: req.requestId,
          method: req.method,
          route: route ? `${req.baseUrl}${route}` : req.path,
          status: res.statusCode,
          duration_ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  };
}
