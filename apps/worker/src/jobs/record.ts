import type { BackgroundRepository } from '@luna-streams/shared';

/**
 * Runs a scheduled job and records its start and end in PostgreSQL (job_runs), for
 * /healthcheck and operators, whether BullMQ or the PostgreSQL fallback runs it.
 */
export async function recordRun<T extends object>(
  background: BackgroundRepository,
  job: string,
  run: () => Promise<T>,
): Promise<T> {
  await background.recordStart(job);
  try {
    const result = await run();
    await background.recordFinish(job, result, null);
    return result;
  } catch (error) {
    await background.recordFinish(job, null, (error as Error).message).catch(() => undefined);
    throw error;
  }
}
