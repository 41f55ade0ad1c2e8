import { z } from 'zod';
import { LUNA_REQUEST_ID_PATTERN } from './request-id';

// Service endpoints (spec 4.1, 4.23, 4.24).

export const API_VERSION = { api: 1, major: 0, minor: 0, patch: 2 } as const;

export const versionResponse = z.object({
  Version: z.object({ api: z.int(), major: z.int(), minor: z.int(), patch: z.int() }),
});

export const healthComponentError = z.object({
  component: z.enum(['db', 'redis']),
  error_code: z.int(),
  desc: z.string(),
  detail: z.string(),
});
export type HealthComponentError = z.infer<typeof healthComponentError>;

export const healthResponse = z.object({
  execution_time: z.number(),
  degraded: z.array(healthComponentError).optional(),
});

export const healthFailure = z.object({ errors: z.array(healthComponentError) });

export const requestIdHeader = z.string().regex(LUNA_REQUEST_ID_PATTERN);
