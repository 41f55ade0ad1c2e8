import type { AutorestartStatus } from '../contract/streams';

// Autorestart decisions (spec 3.6, 6.4; DESIGN.md section 5). Pure functions.

/** The autorestart status of a stream that has not failed yet. */
export function initialAutorestartStatus(restart: 0 | 1): AutorestartStatus {
  return restart === 1 ? 'enabled' : 'disabled';
}

/** A failure that autorestart will retry at `at` (failure time + delay). */
export interface ScheduledAutorestart {
  stream_id: string;
  at: Date;
}

/**
 * What a failure means for the autorestart series (spec 6.4): retried after `delay` while
 * attempts are left, given up on (`failed`) when they are spent, never with restart = 0.
 * The feedback statement applies this rule in SQL to a whole batch.
 */
export function autorestartOnFailure(series: {
  restart: 0 | 1;
  attempt_count: number;
  current_attempt: number;
}): 'retry' | 'give_up' | 'disabled' {
  if (series.restart === 0) return 'disabled';
  return series.current_attempt < series.attempt_count ? 'retry' : 'give_up';
}
