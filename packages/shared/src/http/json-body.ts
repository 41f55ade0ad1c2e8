import express, { type NextFunction, type Request, type Response } from 'express';
import { errors } from '../contract/errors';

export const BODY_LIMIT = '1mb';

/**
 * Deepest nesting a body may have. The deepest valid body (feedback with `video_info`) nests about 12
 * levels; a 1 MiB body could nest 500,000, deeper than any recursive code (logging, serialisation, a
 * future schema) can follow without overflowing the stack.
 */
export const MAX_BODY_DEPTH = 64;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The path to the first object or array nested deeper than `limit` levels, if any. */
export function tooDeep(value: unknown, limit: number, depth = 1): string[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > limit) return [];
  // Recursion is bounded by `limit`; the path is built only on the way out of a hit.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      const found = typeof child === 'object' ? tooDeep(child, limit, depth + 1) : undefined;
      if (found) return [String(i), ...found];
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const child = record[key];
    const found = typeof child === 'object' ? tooDeep(child, limit, depth + 1) : undefined;
    if (found) return [key, ...found];
  }
  return undefined;
}

/**
 * JSON bodies only (spec 1.3): another content type is 12023, unparsable JSON 12002,
 * more than 1 MiB 413 12022. A request without a body leaves req.body undefined, which
 * the routes that need one answer with 12002. A body nested deeper than MAX_BODY_DEPTH is 12022.
 */
export function jsonBody() {
  const parse = express.json({ limit: BODY_LIMIT, strict: false, type: () => true });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!BODY_METHODS.has(req.method) || !hasBody(req)) return next();
    if (!req.is('application/json')) return next(errors.badContentType());
    parse(req, res, (error?: unknown) => {
      if (!error) {
        const deep = tooDeep(req.body, MAX_BODY_DEPTH);
        return next(deep && errors.badJson(deep.join('.'), `value is nested deeper than ${MAX_BODY_DEPTH} levels`));
      }
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') return next(errors.bodyTooLarge('1 MiB'));
      if (type === 'charset.unsupported' || type === 'encoding.unsupported') return next(errors.badContentType());
      next(errors.noJson());
    });
  };
}
