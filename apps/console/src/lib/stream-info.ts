// Facts the detail view derives from a stream and its log, as the service decides them.

interface AutorestartView {
  status: string;
  autorestart: { restart: 0 | 1; attempt_count: number; delay: number; current_attempt: number; status: string };
}

interface TimelineRow {
  status: string;
  version: number;
  log_time: string;
}

/** One log row's identity in the timeline (the feed's and the log endpoint's rows agree on it). */
export function timelineKey(row: TimelineRow): string {
  return `${row.log_time}|${row.status}|${row.version}`;
}

/**
 * When autorestart will restart a failed stream: its failure's time plus `delay`, while
 * restart is on and attempts are left (fewer restarts made than attempt_count); else undefined.
 */
export function nextRestart(stream: AutorestartView, timeline: readonly TimelineRow[]): string | undefined {
  const a = stream.autorestart;
  if (stream.status !== 'failure' || a.restart !== 1 || a.status === 'failed') return undefined;
  if (a.current_attempt >= a.attempt_count) return undefined;
  const failure = [...timeline].reverse().find((row) => row.status === 'failure');
  if (!failure) return undefined;
  return new Date(new Date(failure.log_time).getTime() + a.delay * 1000).toISOString();
}

/** The body of PUT /1/streams/{id} that keeps a stream as it is: its own input fields. */
export function putBodyOf(stream: {
  account_id: string;
  name: string;
  description: string;
  data: unknown;
  event_handler: unknown;
  policies: unknown;
  location: unknown;
  autorestart: { restart: number; attempt_count: number; delay: number };
  status: string;
}): Record<string, unknown> {
  return {
    account_id: stream.account_id,
    name: stream.name,
    description: stream.description,
    data: stream.data,
    event_handler: stream.event_handler,
    policies: stream.policies,
    location: stream.location,
    autorestart: {
      restart: stream.autorestart.restart,
      attempt_count: stream.autorestart.attempt_count,
      delay: stream.autorestart.delay,
    },
    status: stream.status === 'pause' ? 'pause' : 'pending',
  };
}

/** What GET /1/config said of the in-progress cap: a number, null (none), or 'hidden' (refused: ADMIN_TOKEN). */
export type CapAnswer = number | null | 'hidden' | undefined;

export function capFromConfig(answer: { ok: boolean; body?: unknown }): CapAnswer {
  if (!answer.ok) return 'hidden';
  const cap = (answer.body as { MAX_IN_PROGRESS_STREAMS?: unknown } | undefined)?.MAX_IN_PROGRESS_STREAMS;
  return typeof cap === 'number' ? cap : null;
}

/** The words next to the in-progress count. */
export function capText(cap: CapAnswer): string {
  if (cap === undefined) return '';
  if (cap === 'hidden') return ' (the cap is not shown: GET /1/config needs the admin token)';
  return cap === null ? ' (no cap set)' : ` of at most ${cap}`;
}
