import type { NextFunction, Request, Response } from 'express';
import { errors } from '../contract/errors';
import { isValidRequestId, LUNA_REQUEST_ID_HEADER, newRequestId } from '../contract/request-id';

declare module 'express-serve-static-core' {
  interface Request {
    /** Luna-Request-Id of this request: the client's, or one made here (spec 1.2). */
    requestId: string;
  }
}

/**
 * Mounted first, before the body parser, so every answer (parse errors included)
 * carries the id. A malformed id is answered 400 12012 under a fresh id.
 */
export function requestId() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const sent = req.headers[LUNA_REQUEST_ID_HEADER.toLowerCase()];
    const valid = typeof sent === 'string' && isValidRequestId(sent);
    req.requestId = valid ? sent : newRequestId();
    res.setHeader(LUNA_REQUEST_ID_HEADER, req.requestId);
    next(sent === undefined || valid ? undefined : errors.badHeader(LUNA_REQUEST_ID_HEADER));
  };
}
