import type { z } from 'zod';
import type { ErrorKind } from './errors';

// One row of the API table (operations.ts), and the error lists the rows share.

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  operationId: string;
  summary: string;
  tag: 'streams' | 'queue' | 'logs' | 'groups' | 'webhooks' | 'service' | 'docs';
  /** What the operation does, beyond its summary. */
  description?: string;
  /** A request body and a success answer as a client would send and get them. */
  examples?: { request?: unknown; response?: unknown };
  query?: z.ZodObject;
  body?: z.ZodType;
  /**
   * `contentType`: text media types the answer may take (with `schema`, besides JSON); text/event-stream alone
   * means a live feed whose `status` events carry `schema`.
   */
  success: { status: number; description: string; schema?: z.ZodType; contentType?: string | string[] };
  errors: ErrorKind[];
  /** Served by the worker as well (agents at scale post feedback there). */
  alsoOnWorker?: boolean;
  /** Guarded by ADMIN_TOKEN when the service runs with one (a bearer token; 401 otherwise). */
  admin?: boolean;
}

export const BODY: ErrorKind[] = ['NO_JSON', 'BAD_JSON', 'BODY_TOO_LARGE', 'BAD_CONTENT_TYPE'];
// Whatever reaches the database: it may be down (2) or every connection busy (3).
export const DATABASE: ErrorKind[] = ['SERVICE_UNAVAILABLE', 'OVERLOADED'];
export const COMMON: ErrorKind[] = ['BAD_QUERY', ...DATABASE];
