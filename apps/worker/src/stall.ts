/**
 * Whether this copy's BullMQ worker should be replaced: no handler_lost sweep has started
 * on any copy for `stalledAfterMs` (`sinceLastSweepMs` null: never), and this worker has
 * been running at least that long itself (a fresh one gets its chance first).
 */
export function sweepStalled(sinceLastSweepMs: number | null, workerAgeMs: number, stalledAfterMs: number): boolean {
  if (workerAgeMs < stalledAfterMs) return false;
  return sinceLastSweepMs === null || sinceLastSweepMs > stalledAfterMs;
}
