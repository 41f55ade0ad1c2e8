import pg from 'pg';
import {
  closeRedis,
  createPendingQueue,
  createRedis,
  parseConfig,
  TRANSITIONS,
  type Place,
} from '../../packages/shared/src';
import type { FleetTotals } from './fleet';
import { takenFromCurrentAgent } from './fleet';
import { eventually } from './wait';

// The end checks of a chaos run, once the fleet has stopped: the service settles (lost
// handlers back to pending, every due failure restarted), every stream ends pending or
// done, every log sequence follows the status rules, no version was handed out by two
// takes, every failure was restarted exactly once, no stream was handed to a second agent while the first was current, and the
// pending mirror in Redis equals PostgreSQL's pending set.

export interface Audit {
  /** Log sequences the status rules forbid, failures not restarted exactly once, miscounted attempts. */
  broken: string[];
  /** Streams handed to a second agent while the first was still current. */
  doubleAssigned: string[];
  statuses: string[];
  failures: number;
  handlerLost: number;
  logRows: number;
  /** How long the service took to settle once the fleet had stopped. */
  settledInMs: number;
}

/** `env` is the services' environment: the audit reaches Redis the way they do. */
export async function settleAndAudit(
  env: Record<string, string>,
  streams: number,
  totals: FleetTotals,
): Promise<Audit> {
  const config = parseConfig({ ...env, LOG_LEVEL: 'silent' });
  const db = new pg.Client({ connectionString: config.DATABASE_URL });
  await db.connect();
  const connection = createRedis(config.redis, { role: 'worker' });
  const mirror = createPendingQueue(connection, config.REDIS_PREFIX);
  mirror.on('error', () => undefined);
  try {
    const stopped = Date.now();
    await eventually(async () => (await unsettled(db)).length === 0, 30_000, 'streams settled after the fleet stopped')
      // A failure says which streams were stuck, in what state, and when the jobs that settle them last ran.
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await settleReport(db)}`);
      });
    const settledInMs = Date.now() - stopped;

    const { rows: final } = await db.query<{ stream_id: string; status: string; autorestart_current_attempt: number }>(
      'SELECT stream_id::text, status, autorestart_current_attempt FROM streams',
    );
    if (final.length !== streams) throw new Error(`${final.length} streams, ${streams} created`);
    const { rows: logs } = await db.query<{ stream_id: string; status: Place; version: number }>(
      'SELECT stream_id::text, status, version FROM stream_logs ORDER BY stream_id, seq',
    );
    const audit: Audit = {
      ...auditLogs(final, logs),
      doubleAssigned: takenFromCurrentAgent(totals.events),
      statuses: [...new Set(final.map((s) => s.status))].sort(),
      logRows: logs.length,
      settledInMs,
    };

    const pending = await db.query<{ stream_id: string }>(
      "SELECT stream_id::text FROM streams WHERE status = 'pending' ORDER BY 1",
    );
    const expected = JSON.stringify(pending.rows.map((r) => r.stream_id));
    let seen = 'nothing yet';
    await eventually(
      async () => {
        const jobs = await mirror.getJobs(['waiting', 'prioritized', 'delayed']).catch((error: Error) => {
          seen = error.message;
          return null;
        });
        if (jobs !== null) seen = `${jobs.length} jobs for ${pending.rows.length} pending streams`;
        return jobs !== null && JSON.stringify(jobs.map((j) => j.id).sort()) === expected;
      },
      20_000,
      'the mirror equal to the pending set',
    ).catch((error: Error) => {
      throw new Error(`${error.message} (last seen: ${seen})`);
    });
    return audit;
  } finally {
    await mirror.close();
    await closeRedis(connection);
    await db.end();
  }
}

interface Unsettled {
  stream_id: string;
  status: string;
  version: number;
  autorestart_next_at: Date | null;
  last_feedback_at: Date | null;
  db_now: Date;
}

/** Streams the service still has to move: lost handlers, restarts, failures with a timer. */
async function unsettled(db: pg.Client): Promise<Unsettled[]> {
  const { rows } = await db.query<Unsettled>(
    `SELECT stream_id::text, status, version, autorestart_next_at, last_feedback_at, now() AS db_now FROM streams
      WHERE status IN ('in_progress', 'handler_lost', 'restart')
         OR (status = 'failure' AND autorestart_next_at IS NOT NULL)
      ORDER BY stream_id`,
  );
  return rows;
}

async function settleReport(db: pg.Client): Promise<string> {
  const stuck = await unsettled(db);
  const iso = (d: Date | null) => d?.toISOString() ?? 'null';
  const lines = stuck
    .slice(0, 20)
    .map(
      (s) =>
        `  ${s.stream_id}: ${s.status} v${s.version} autorestart_next_at=${iso(s.autorestart_next_at)} ` +
        `last_feedback_at=${iso(s.last_feedback_at)}`,
    );
  const { rows: runs } = await db.query<{ job: string; started: Date; finished: Date | null; error: string | null }>(
    'SELECT job, last_started_at AS started, last_finished_at AS finished, last_error AS error FROM job_runs ORDER BY job',
  );
  return [
    `${stuck.length} streams not settled at ${iso(stuck[0]?.db_now ?? null)} (database time):`,
    ...lines,
    ...(stuck.length > lines.length ? [`  … and ${stuck.length - lines.length} more`] : []),
    'job runs:',
    ...runs.map(
      (r) => `  ${r.job}: started ${iso(r.started)}, finished ${iso(r.finished)}, error ${r.error ?? 'none'}`,
    ),
  ].join('\n');
}

function auditLogs(
  streams: { stream_id: string; status: string; autorestart_current_attempt: number }[],
  logs: { stream_id: string; status: Place; version: number }[],
): Pick<Audit, 'broken' | 'failures' | 'handlerLost'> {
  const byStream = new Map<string, { status: Place; version: number }[]>();
  for (const l of logs) byStream.set(l.stream_id, [...(byStream.get(l.stream_id) ?? []), l]);
  const allowed = (from: Place, to: Place) => (TRANSITIONS[from]?.[to]?.length ?? 0) > 0;
  const broken: string[] = [];
  let failures = 0;
  let handlerLost = 0;
  for (const s of streams) {
    const chain = byStream.get(s.stream_id) ?? [];
    let previous: { status: Place; version: number } = { status: 'absent', version: 1 };
    let attemptsSinceDone = 0;
    const takenVersions = new Set<number>();
    chain.forEach((entry, i) => {
      // A take logs in_progress with the version it hands out: no two takes share one.
      if (entry.status === 'in_progress') {
        if (takenVersions.has(entry.version)) broken.push(`${s.stream_id}: version ${entry.version} taken twice`);
        takenVersions.add(entry.version);
      }
      if (!allowed(previous.status, entry.status) || entry.version < previous.version) {
        broken.push(`${s.stream_id}: ${previous.status}/${previous.version} → ${entry.status}/${entry.version}`);
      }
      if (entry.status === 'failure') {
        failures++;
        attemptsSinceDone++;
        if (chain[i + 1]?.status !== 'restart' || chain[i + 2]?.status !== 'pending') {
          broken.push(`${s.stream_id}: failure #${i} not followed by one restart`);
        }
      }
      if (entry.status === 'handler_lost') handlerLost++;
      if (entry.status === 'done') attemptsSinceDone = 0;
      // in_progress → pending is only ever a PATCH (an agent handing a stream back when it stops): a status
      // change by PATCH starts a new autorestart series (spec 6.4).
      if (previous.status === 'in_progress' && entry.status === 'pending') attemptsSinceDone = 0;
      previous = entry;
    });
    if (chain.at(-1)?.status !== s.status)
      broken.push(`${s.stream_id}: last log ${chain.at(-1)?.status} ≠ ${s.status}`);
    if (s.autorestart_current_attempt !== attemptsSinceDone) {
      broken.push(`${s.stream_id}: ${s.autorestart_current_attempt} autorestarts counted, ${attemptsSinceDone} due`);
    }
  }
  return { broken, failures, handlerLost };
}
