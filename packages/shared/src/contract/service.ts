import { z } from 'zod';
import { LUNA_REQUEST_ID_PATTERN } from './request-id';

// Service endpoints (spec 4.1, 4.23, 4.24).

export const API_VERSION = { api: 1, major: 0, minor: 0, patch: 2 } as const;

export const versionResponse = z.object({
  Version: z
    .object({
      api: z.int().describe('the API version: the prefix of the resource paths (/1)'),
      major: z.int().describe('the major version of the service'),
      minor: z.int().describe('the minor version of the service'),
      patch: z.int().describe('the patch version of the service'),
    })
    .describe('the version this service implements'),
});

export const healthComponentError = z.object({
  /** `jobs`: the worker's background jobs cannot run on BullMQ; `mirror`: the API's mirror drain keeps failing. */
  component: z
    .enum(['db', 'redis', 'jobs', 'mirror'])
    .describe('db: PostgreSQL; redis; jobs: the background jobs; mirror: the copy of the queue into Redis'),
  error_code: z.int().describe('the Luna error code of the trouble'),
  desc: z.string().describe('the class of the error'),
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
  last_started_at: z
    .string()
    .nullable()
    .meta({ format: 'date-time', description: 'when its last run started; null before the first' }),
  last_finished_at: z
    .string()
    .nullable()
    .meta({ format: 'date-time', description: 'when its last run finished; null while none has' }),
  last_error: z.string().nullable().describe('the error of its last run; null when it went well'),
});

export const healthResponse = z.object({
  execution_time: z.number().describe('how long the check took, in seconds'),
  degraded: z
    .array(healthComponentError)
    .optional()
    .meta({ description: 'present while something other than PostgreSQL is in trouble; the answer is still 200' }),
  jobs: z.record(z.string(), healthJob).optional().meta({
    description: 'worker only: each background job and its last run (kept in PostgreSQL, so every copy agrees)',
  }),
});

export const healthFailure = z.object({
  errors: z.array(healthComponentError).describe('the components that fail, PostgreSQL among them'),
});

export const requestIdHeader = z.string().regex(LUNA_REQUEST_ID_PATTERN);
