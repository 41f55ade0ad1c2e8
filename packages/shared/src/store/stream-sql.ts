import type { StreamFilters, StreamInput } from '../contract/streams';
import { initialAutorestartStatus } from '../domain/autorestart';

// SQL shared by every statement that returns stream objects: the columns the mapper
// needs (stream-mapper.ts), with the stream's group names in one subquery, so a page of
// any size costs one statement. `s` is the streams row (or a CTE of streams rows).
export const STREAM_COLUMNS = `
  s.stream_id::text, s.account_id::text, s.name, s.description, s.data, s.event_handler, s.policies, s.location,
  s.autorestart_restart::int, s.autorestart_attempt_count, s.autorestart_delay, s.autorestart_current_attempt,
  s.autorestart_last_attempt_time, s.autorestart_status, s.version, s.create_time, s.status, s.last_error,
  s.video_info,
  ARRAY(SELECT g.group_name::text FROM stream_groups sg JOIN groups g ON g.group_id = sg.group_id
         WHERE sg.stream_id = s.stream_id ORDER BY g.seq) AS groups`;

/** Appends a value to `values` and names it as the next numbered parameter, with an optional cast. */
export function parameters(values: unknown[]): (value: unknown, cast?: string) => string {
  return (value, cast = '') => {
    values.push(value);
    return `$${values.length}${cast}`;
  };
}

/**
 * The filters of spec 4.3 as SQL conditions on `s` (AND between filters, OR inside a
 * list), their values appended to `values` as numbered parameters.
 */
export function streamConditions(filters: StreamFilters, values: unknown[]): string[] {
  const param = parameters(values);
  const conditions: string[] = [];
  if (filters.account_id) conditions.push(`s.account_id = ${param(filters.account_id, '::uuid')}`);
  if (filters.stream_ids) conditions.push(`s.stream_id = ANY(${param(filters.stream_ids, '::uuid[]')})`);
  if (filters.names) conditions.push(`s.name = ANY(${param(filters.names, '::text[]')})`);
  if (filters.reference !== undefined) conditions.push(`s.reference = ${param(filters.reference)}`);
  if (filters.statuses?.length === 1) {
    // One status as an equality: the (account_id, status, create_time, seq) index then
    // yields the page already in order, which PostgreSQL cannot assume from ANY().
    conditions.push(`s.status = ${param(filters.statuses[0])}`);
  } else if (filters.statuses) {
    conditions.push(`s.status = ANY(${param(filters.statuses, '::text[]')})`);
  }
  if (filters.create_time__gte) conditions.push(`s.create_time >= ${param(filters.create_time__gte, '::timestamptz')}`);
  if (filters.create_time__lt) conditions.push(`s.create_time < ${param(filters.create_time__lt, '::timestamptz')}`);
  if (filters.group_name) {
    // The group of that name in the stream's own account.
    conditions.push(
      `EXISTS (SELECT 1 FROM stream_groups sg JOIN groups g ON g.group_id = sg.group_id
                WHERE sg.stream_id = s.stream_id AND g.group_name = ${param(filters.group_name)}
                  AND g.account_id = s.account_id)`,
    );
  }
  return conditions;
}

export function whereClause(conditions: string[]): string {
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

/**
 * A stream's own columns from a create or PUT body, in the order both statements take
 * them: account_id, name, description, reference, data, event_handler, policies,
 * location, the three autorestart settings and the initial autorestart status.
 */
export function streamInputValues(input: StreamInput): unknown[] {
  return [
    input.account_id,
    input.name,
    input.description,
    input.data.reference,
    JSON.stringify(input.data),
    JSON.stringify(input.event_handler),
    JSON.stringify(input.policies),
    JSON.stringify(input.location),
    input.autorestart.restart,
    input.autorestart.attempt_count,
    input.autorestart.delay,
    initialAutorestartStatus(input.autorestart.restart),
  ];
}
