import {
  autorestartOnDone,
  autorestartOnFailure,
  FAILURE_EFFECTS,
  initialAutorestartStatus,
  type FailureOutcome,
} from '../domain/autorestart';
import type { Move } from '../domain/moves';

// SQL fragments generated from the domain's moves and autorestart decisions, spliced into
// the single statements of take, feedback, PUT and the jobs when their modules load. The
// statements stay single (no round trip added) and their text stays constant (prepared
// once), yet every status, chain and decision in them comes from domain/.

/** A SQL string literal. The values are the domain's own constants, never user input. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * `column` is one of `statuses`. One status is written as an equality, so that the
 * partial indexes on `status = 'pending'` and `status = 'in_progress'` still apply.
 */
export function statusIn(column: string, statuses: readonly string[]): string {
  return statuses.length === 1
    ? `${column} = ${literal(statuses[0]!)}`
    : `${column} IN (${statuses.map(literal).join(', ')})`;
}

/**
 * The move's log rows as a set to join: `t(status, version_offset, n)`, in chain order.
 * A row's version is the stored version afterwards plus `version_offset`. A one-row chain
 * is a one-row VALUES, which costs less than unnesting arrays on every take.
 */
export function chainRows(move: Move): string {
  if (move.chain.length === 1) {
    return `(VALUES (${literal(move.chain[0]!)}, ${move.logVersionOffsets[0]!}, 1)) AS t(status, version_offset, n)`;
  }
  const statuses = move.chain.map(literal).join(', ');
  const offsets = move.logVersionOffsets.join(', ');
  return `unnest(ARRAY[${statuses}]::text[], ARRAY[${offsets}]::int[]) WITH ORDINALITY AS t(status, version_offset, n)`;
}

/** The SET item that raises the version, or nothing for a move that keeps it. */
export function versionSet(move: Move, column: string): string {
  return move.raisesVersion ? `version = ${column} + 1,` : '';
}

/** initialAutorestartStatus as a CASE over the row's `autorestart_restart` column. */
export function initialStatusSql(restart: string): string {
  return `CASE WHEN ${restart} = 1 THEN ${literal(initialAutorestartStatus(1))} ELSE ${literal(initialAutorestartStatus(0))} END`;
}

/** autorestartOnDone's status, for a row `s`. */
export function statusOnDoneSql(s: string): string {
  const [on, off] = [autorestartOnDone(1).status, autorestartOnDone(0).status];
  return `CASE WHEN ${s}.autorestart_restart = 1 THEN ${literal(on)} ELSE ${literal(off)} END`;
}

/**
 * autorestartOnFailure for a row `s`, as a CASE that lists the function's answer for each
 * of its four inputs; attempts are left while fewer restarts were made than allowed.
 */
export function failureOutcomeSql(s: string): string {
  const left = `(${s}.autorestart_current_attempt < ${s}.autorestart_attempt_count)`;
  const cases = ([1, 0] as const).flatMap((restart) =>
    [true, false].map(
      (hasLeft) =>
        `WHEN ${s}.autorestart_restart = ${restart} AND ${left} = ${hasLeft} ` +
        `THEN ${literal(autorestartOnFailure({ restart, attemptsLeft: hasLeft }))}`,
    ),
  );
  return `CASE ${cases.join(' ')} END`;
}

/** The outcomes after which a restart is scheduled. */
export function schedulingOutcomes(): FailureOutcome[] {
  return (Object.keys(FAILURE_EFFECTS) as FailureOutcome[]).filter((o) => FAILURE_EFFECTS[o].schedules);
}

/** The series' status after a failure with `outcome` (a column holding a FailureOutcome). */
export function statusOnFailureSql(outcome: string, unchanged: string): string {
  const cases = (Object.keys(FAILURE_EFFECTS) as FailureOutcome[]).map(
    (o) =>
      `WHEN ${literal(o)} THEN ${FAILURE_EFFECTS[o].status === null ? unchanged : literal(FAILURE_EFFECTS[o].status!)}`,
  );
  return `CASE ${outcome} ${cases.join(' ')} END`;
}
