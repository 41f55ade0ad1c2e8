import type { AutorestartStatus } from '../contract/stream-settings';

// Autorestart decisions (spec 3.6, 6.4; DESIGN.md section 5). Pure functions; the feedback
// statement and the autorestart job get their CASE expressions from them
// (store/move-sql.ts), and a test runs every case through those statements.

/** The autorestart status of a series that has not failed yet, or starts afresh. */
export function initialAutorestartStatus(restart: 0 | 1): AutorestartStatus {
  return restart === 1 ? 'enabled' : 'disabled';
}

/** The autorestart status while a restarted stream runs again. */
export const RESTARTED_STATUS: AutorestartStatus = 'in_progress';

/** A failure that autorestart will retry at `at` (failure time + delay). */
export interface ScheduledAutorestart {
  stream_id: string;
  at: Date;
}

export type FailureOutcome = 'retry' | 'give_up' | 'disabled';

/**
 * What a failure means for the series (spec 6.4): retried after `delay` while attempts are
 * left (fewer restarts made than `attempt_count`), given up on when they are spent, never
 * retried with restart = 0.
 */
export function autorestartOnFailure(series: { restart: 0 | 1; attemptsLeft: boolean }): FailureOutcome {
  if (series.restart === 0) return 'disabled';
  return series.attemptsLeft ? 'retry' : 'give_up';
}

/**
 * What each outcome does to the stream: whether a restart is scheduled (failure time +
 * delay), and the series' status afterwards (null: unchanged).
 */
export const FAILURE_EFFECTS: Record<FailureOutcome, { schedules: boolean; status: AutorestartStatus | null }> = {
  retry: { schedules: true, status: null },
  give_up: { schedules: false, status: 'failed' },
  disabled: { schedules: false, status: null },
};

/** done ends the series: the counter starts again and the status is the initial one. */
export function autorestartOnDone(restart: 0 | 1): { current_attempt: 0; status: AutorestartStatus } {
  return { current_attempt: 0, status: initialAutorestartStatus(restart) };
}
