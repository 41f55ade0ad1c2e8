import pg from 'pg';
import type { StoredStatus } from '../../packages/shared/src/contract/primitives';
import { eventHandler, streamData } from '../../packages/shared/src/contract/stream-settings';

// The one way tests, benchmarks and scripts put many streams and log rows straight into
// the database, each in one statement (the API is the way to create a few). Rows look like
// the ones the API stores: data and event_handler are the contract's parsed output.

export const ACCOUNT_A = '0c4f7a52-1d6e-4b8a-9f3c-2a7e5d9b1c40';
export const ACCOUNT_B = '7d2e9b14-6a3f-4c51-8e07-b9d4c2a61f85';
export const HANDLER = 'f3a1c9e2-5b7d-4e60-a8f4-1c2d3e4f5a6b';

/** Account `k` (from 1) of a seed spread over many accounts. */
export function seedAccount(k: number): string {
  return `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`;
}

export interface StreamSeed {
  /** The stored status, or statuses dealt in turn (stream i gets statuses[i % length]). Default pending. */
  status?: StoredStatus | readonly StoredStatus[];
  /** Every stream's account; default ACCOUNT_A. */
  account?: string;
  /** Spread the streams over seedAccount(1..accounts), in turn; overrides `account`. */
  accounts?: number;
  /** Names cam-(i % names), so names repeat; default cam-i. */
  names?: number;
  /** In-progress streams last heard from this many seconds ago (default 0: just now). */
  silentForSeconds?: number;
  /** autorestart.delay in seconds; default 60. */
  autorestartDelay?: number;
  /** Return the ids (default true); a million ids are better not fetched. */
  returnIds?: boolean;
}

type Queryable = Pick<pg.Pool | pg.Client, 'query'>;

/** Runs `use` on `db`, or on a client of its own when given a URL. */
async function on<T>(db: Queryable | string, use: (q: Queryable) => Promise<T>): Promise<T> {
  if (typeof db !== 'string') return use(db);
  const client = new pg.Client({ connectionString: db });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * Inserts `n` streams in one statement, stream i created (and queued) one millisecond
 * after stream i - 1, the last one now; returns their ids in that order.
 */
export function seedStreams(db: Queryable | string, n: number, seed: StreamSeed = {}): Promise<string[]> {
  const statuses = typeof seed.status === 'string' ? [seed.status] : (seed.status ?? ['pending']);
  const data = streamData.parse({ type: 'tcp', reference: 'rtsp://cam/0' });
  const handler = eventHandler.parse({ origin: 'http://127.0.0.1:5000', bestshot_handler: { handler_id: HANDLER } });
  return on(db, async (q) => {
    const { rows } = await q.query<{ stream_id: string }>(
      `INSERT INTO streams (account_id, name, reference, data, event_handler, policies, location, autorestart_restart,
                            autorestart_attempt_count, autorestart_delay, autorestart_status, status, create_time,
                            queued_at, last_feedback_at)
       SELECT account_id, name, reference, $4::jsonb || jsonb_build_object('reference', reference), $5::jsonb, '{}', '{}',
              1, 10, $7, 'enabled', status, at, at,
              CASE WHEN status = 'in_progress' THEN now() - make_interval(secs => $8) END
         FROM (SELECT i, CASE WHEN $3 > 0 THEN ('00000000-0000-4000-8000-' || lpad(((i % $3) + 1)::text, 12, '0'))::uuid
                              ELSE $2::uuid END AS account_id,
                      'cam-' || CASE WHEN $6 > 0 THEN i % $6 ELSE i END AS name,
                      'rtsp://cam/' || i AS reference,
                      ($9::text[])[(i % cardinality($9::text[])) + 1] AS status,
                      now() - make_interval(secs => ($1 - i) / 1000.0) AS at
                 FROM generate_series(1, $1) AS i) AS s
        ORDER BY i
       ${seed.returnIds === false ? '' : 'RETURNING stream_id::text'}`,
      [
        n,
        seed.account ?? ACCOUNT_A,
        seed.accounts ?? 0,
        JSON.stringify(data),
        JSON.stringify(handler),
        seed.names ?? 0,
        seed.autorestartDelay ?? 60,
        seed.silentForSeconds ?? 0,
        statuses,
      ],
    );
    return rows.map((r) => r.stream_id);
  });
}

export interface LogSeed {
  /** Rows per stream; default 1. */
  perStream?: number;
  /** Row n's status is statuses[n - 1]; default the stream's own status. */
  statuses?: readonly string[];
  /** Only these streams; default every stream. */
  streamIds?: readonly string[];
  /** Rows dated this many days ago; default from the stream's create_time. Row n is n - 1 seconds later. */
  daysAgo?: number;
}

/** Inserts log rows for streams already stored, in one statement; returns how many. */
export function seedLogs(db: Queryable | string, seed: LogSeed = {}): Promise<number> {
  return on(db, async (q) => {
    const result = await q.query(
      `INSERT INTO stream_logs (stream_id, account_id, status, version, log_time)
       SELECT s.stream_id, s.account_id, coalesce(($2::text[])[n], s.status), s.version,
              coalesce(now() - make_interval(days => $4), s.create_time) + make_interval(secs => n - 1)
         FROM streams s, generate_series(1, $1) AS n
        WHERE $3::uuid[] IS NULL OR s.stream_id = ANY($3::uuid[])`,
      [seed.perStream ?? 1, seed.statuses ?? null, seed.streamIds ?? null, seed.daysAgo ?? null],
    );
    return result.rowCount ?? 0;
  });
}
