import { z } from 'zod';
import { LUNA_REQUEST_ID_PATTERN } from './request-id';

// Service endpoints (spec 4.1, 4.23, 4.24).

export const API_VERSION = { api: 1, major: 0, minor: 0, patch: 2 } as const;

export const versionResponse = z.object({
  Version: z.object({ api: z.int(), major: z.int(), minor: z.int(), patch: z.int() }),
});

export const healthComponentError = z.object({
  /** `jobs`: the worker's background jobs cannot run on BullMQ; `mirror`: the API's mirror drain keeps failing. */
  component: z.enum(['db', 'redis', 'jobs', 'mirror']),
  error_code: z.int(),
  desc: z.string(),
  detail: z.string().meta({ description: 'why, in words, with how long it has lasted' }),
});
export type HealthComponentError = z.infer<typeof healthComponentError>;

export const healthJob = z.object({
  state: z
    .enum(['scheduled', 'fallback', 'stopped', 'disabled'])
    .optional()
    .meta({
      description:
        'how the job runs now, as this worker copy sees it: scheduled (BullMQ runs it), fallback (BullMQ is ' +
        'unreachable; one worker copy at a time runs it from PostgreSQL), stopped (it waits for Redis), disabled ' +
        '(not configured); absent on a copy without the jobs role',
    }),
  last_started_at: z.string().nullable().meta({ format: 'date-time' }),
  last_finished_at: z.string().nullable().meta({ format: 'date-time' }),
  last_error: z.string().nullable(),
});

export const healthResponse = z.object({
  execution_time: z.number(),
  degraded: z
    .array(healthComponentError)
    .optional()
    .meta({ description: 'present while something other than PostgreSQL is in trouble; the answer is still 200' }),
  jobs: z.record(z.string(), healthJob).optional().meta({
    description: 'worker only: each background job and its last run (kept in PostgreSQL, so every copy agrees)',
  }),
});

export const healthFailure = z.object({ errors: z.array(healthComponentError) });

export const requestIdHeader = z.string().regex(LUNA_REQUEST_ID_PATTERN);
