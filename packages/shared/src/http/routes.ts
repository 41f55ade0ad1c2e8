import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { errors } from '../contract/errors';
import { UUID_PATTERN } from '../contract/primitives';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Registers one path of the API table: its handlers, OPTIONS (answered with Allow), and
 * 405 12021 for every other method. Express 5 has no automatic 405 (docs/dev/conventions.md).
 */
export function route(
  router: Router,
  path: string,
  handlers: Partial<Record<Method, RequestHandler | RequestHandler[]>>,
): void {
  const methods = Object.keys(handlers) as Method[];
  const allow = [...methods.map((m) => m.toUpperCase()), ...(methods.includes('get') ? ['HEAD'] : []), 'OPTIONS'];
  for (const method of methods) router[method](path, ...[handlers[method]!].flat());
  router.options(path, (_req, res) => {
    res.setHeader('Allow', allow.join(', '));
    res.status(204).end();
  });
  router.all(path, (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Allow', allow.join(', '));
    next(errors.methodNotAllowed());
  });
}

/** A path id must be a lower-case UUID: anything else is 400 12012, never a 500. */
export function pathId(req: Request, name: string): string {
  const value = req.params[name];
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) throw errors.badPathParam(name);
  return value;
}
