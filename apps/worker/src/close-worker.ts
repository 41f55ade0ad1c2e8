import type { Worker } from 'bullmq';

/**
 * Closes a BullMQ worker within `deadlineMs`; false when the deadline came first.
 * worker.close() waits for the running jobs, then tells Redis; while Redis is away
 * that would be for ever, so then only the handlers' own (PostgreSQL) work is waited for.
 */
export async function closeWorkerWithin(
  worker: Worker,
  inFlight: Set<Promise<unknown>>,
  redisReachable: boolean,
  deadlineMs: number,
): Promise<boolean> {
  const closing = redisReachable
    ? worker.close()
    : Promise.allSettled([...inFlight]).then(() => void worker.close().catch(() => undefined));
  let late: NodeJS.Timeout | undefined;
  const closed = await Promise.race([
    closing.then(() => true),
    new Promise<false>((resolve) => (late = setTimeout(() => resolve(false), deadlineMs))),
  ]);
  clearTimeout(late);
  return closed;
}
