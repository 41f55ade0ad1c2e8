import type { JobRunsRepository } from '@luna-streams/shared';

/**
 * Runs a scheduled job and records its start and end in PostgreSQL (job_runs), for
 * /healthcheck and operators, whether BullMQ or the PostgreSQL fallback runs it.
 */
export async function recordRun<T extends object>(
  jobRuns: JobRunsRepository,
  job: string,
  run: () => Promise<T>,
): Promise<T> {
  await jobRuns.recordStart(job);
  try {
    const result = await run();
    await jobRuns.recordFinish(job, result, null);
    return result;
  } catch (error) {
    await jobRuns.recordFinish(job, null, (error as Error).message).catch(() => undefined);
    throw error;
  }
}
