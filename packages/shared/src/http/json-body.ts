import express, { type NextFunction, type Request, type Response } from 'express';
import { errors } from '../contract/errors';

export const BODY_LIMIT = '1mb';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * JSON bodies only (spec 1.3): another content type is 12023, unparsable JSON 12002,
 * more than 1 MiB 413 12022. A request without a body leaves req.body undefined, which
 * the routes that need one answer with 12002.
 */
export function jsonBody() {
  const parse = express.json({ limit: BODY_LIMIT, strict: false, type: () => true });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!BODY_METHODS.has(req.method) || !hasBody(req)) return next();
    if (!req.is('application/json')) return next(errors.badContentType());
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') return next(errors.bodyTooLarge('1 MiB'));
      if (type === 'charset.unsupported' || type === 'encoding.unsupported') return next(errors.badContentType());
      next(errors.noJson());
    });
  };
}
