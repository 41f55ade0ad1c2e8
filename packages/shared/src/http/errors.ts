import type { NextFunction, Request, Response } from 'express';
import { errors, LunaError } from '../contract/errors';
import type { Logger } from '../log';
import { translateDatabaseError } from '../store/db-errors';

/** Seconds an overloaded service asks a client to wait (RFC 9110 Retry-After). */
export const OVERLOAD_RETRY_AFTER_S = 1;

/** Unknown path: 404 12013 (mounted after every route). */
export function notFound() {
  return (_req: Request, _res: Response, next: NextFunction): void => next(errors.pageNotFound());
}

/**
 * The one place errors become responses: {error_code, desc, detail} with the table's
 * HTTP status. Anything unexpected is logged with its stack and answered 500/1 without it.
 */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(error);
    let luna = translateDatabaseError(error);
    // Express's own client errors, such as a path with broken percent-encoding.
    const status = (error as { status?: unknown }).status;
    if (!(luna instanceof LunaError) && typeof status === 'number' && status >= 400 && status < 500) {
      luna = /decode param/i.test((error as Error).message) ? errors.badPathParameters() : errors.badRequest();
    }
    if (!(luna instanceof LunaError)) {
      logger.error({ err: error, request_id: req.requestId }, 'unhandled error');
      luna = errors.internal();
    }
    const known = luna as LunaError;
    if (known.kind === 'SERVICE_UNAVAILABLE') {
      logger.warn({ err: error, request_id: req.requestId }, 'database unavailable');
    }
    // No log line of its own: under overload, one per refusal would add to the load.
    if (known.kind === 'OVERLOADED') res.set('Retry-After', String(OVERLOAD_RETRY_AFTER_S));
    res.status(known.httpStatus).json(known.toBody());
  };
}
