import {
  degradedComponent,
  JOB_NAMES,
  type Config,
  type HealthComponentError,
  type JobRunsRepository,
} from '@luna-streams/shared';
import { FALLBACK_JOBS, FALLBACK_TICK_MS } from './jobs-fallback';
import type { JobsStatus } from './jobs-runner';

type JobState = 'scheduled' | 'fallback' | 'stopped' | 'disabled';

function jobState(config: Config, job: string, status: JobsStatus): JobState {
  if (job === JOB_NAMES.logRetention && config.STREAM_LOG_RETENTION_DAYS === undefined) return 'disabled';
  if (status.bullmq.up) return 'scheduled';
  return FALLBACK_JOBS.includes(job) && status.fallback.lastTick !== 'failed' ? 'fallback' : 'stopped';
}

/**
 * The `jobs` of the worker's /healthcheck: every job with its last run, from PostgreSQL
 * (every copy answers the same), and, on a copy that runs jobs, how it runs now.
 */
export async function jobsDetails(
  config: Config,
  jobRuns: JobRunsRepository,
  status: JobsStatus | undefined,
): Promise<{ jobs: Record<string, object> }> {
  const runs = new Map((await jobRuns.jobRuns()).map((run) => [run.job, run]));
  const names = new Set<string>([...Object.values(JOB_NAMES), ...runs.keys()]);
  return {
    jobs: Object.fromEntries(
      [...names].sort().map((job) => {
        const run = runs.get(job);
        return [
          job,
          {
            ...(status ? { state: jobState(config, job, status) } : {}),
            last_started_at: run?.last_started_at.toISOString() ?? null,
            last_finished_at: run?.last_finished_at?.toISOString() ?? null,
            last_error: run?.last_error ?? null,
          },
        ];
      }),
    ),
  };
}

/** The jobs listed under `degraded` while BullMQ cannot run them, saying what runs instead. */
export function jobsDegraded(status: JobsStatus): HealthComponentError[] {
  const { bullmq, fallback } = status;
  if (bullmq.up) return [];
  const seconds = ((Date.now() - bullmq.since.getTime()) / 1000).toFixed(1);
  const where = {
    ran: 'this copy ran its last tick',
    locked: 'another worker copy ran its last tick',
    failed: `it fails too: ${fallback.error}`,
  };
  const instead = fallback.lastTick
    ? `the PostgreSQL fallback runs ${FALLBACK_JOBS.join(' and ')} (${where[fallback.lastTick]})`
    : `the PostgreSQL fallback takes over ${FALLBACK_JOBS.join(' and ')} within ${FALLBACK_TICK_MS} ms`;
  return [
    degradedComponent(
      'jobs',
      `background jobs cannot run on BullMQ (for ${seconds} s): ${bullmq.reason}; ${instead}; the others wait for Redis`,
    ),
  ];
}
