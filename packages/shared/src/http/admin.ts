import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { errors } from '../contract/errors';

// ADMIN_TOKEN (DESIGN.md section 9): when set, /metrics, /1/config and the writable
// queue dashboard need it, as `Authorization: Bearer <token>` or the `luna_admin_token`
// cookie (so a browser can open the dashboard after visiting it once with ?admin_token=).

function presented(req: Request): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const cookie = /(?:^|;\s*)luna_admin_token=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  if (cookie) return decodeURIComponent(cookie);
  return typeof req.query.admin_token === 'string' ? req.query.admin_token : undefined;
}

export function hasAdminToken(req: Request, token: string | undefined): boolean {
  if (token === undefined) return false;
  const given = presented(req);
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses the request (401) when ADMIN_TOKEN is set and not presented; open otherwise. */
export function requireAdminToken(token: string | undefined) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    next(token === undefined || hasAdminToken(req, token) ? undefined : errors.unauthorized());
  };
}
