import type { EventsFilter, StatusEvent } from '../contract/events';
import type { Database } from './database';
import { parameters } from './stream-sql';
import { translatingErrors } from './translate';

// Reads behind GET /1/streams/events. The feed never trusts "seq > N" alone: it reads
// rows only up to a horizon (domain/feed-horizon.ts) computed from the sequence's last
// value and the transactions running on the server (pg_stat_activity), both read here.

/** A log row as the feed sends it, with the names of its stream's groups (for group_name). */
export interface FeedRow extends StatusEvent {
  groups: string[];
}

/** A stream log row's event columns as `pg` returns them (seq as text, log_time as a Date). */
export interface LogEventColumns {
  seq: string;
  stream_id: string;
  account_id: string;
  status: StatusEvent['status'];
  version: number;
  error: string | null;
  video_info: StatusEvent['video_info'];
  log_time: Date;
}

interface RawRow extends LogEventColumns {
  groups: string[];
}

const FEED_COLUMNS = `l.seq, l.stream_id::text, l.account_id::text, l.status, l.version, l.error, l.video_info,
  l.log_time, ARRAY(SELECT g.group_name::text FROM stream_groups sg JOIN groups g ON g.group_id = sg.group_id
                     WHERE sg.stream_id = l.stream_id AND g.account_id = l.account_id) AS groups`;

function filterConditions(filter: EventsFilter, values: unknown[]): string[] {
  const param = parameters(values);
  const conditions: string[] = [];
  if (filter.account_id) conditions.push(`l.account_id = ${param(filter.account_id, '::uuid')}`);
  if (filter.stream_ids) conditions.push(`l.stream_id = ANY(${param(filter.stream_ids, '::uuid[]')})`);
  if (filter.statuses) conditions.push(`l.status = ANY(${param(filter.statuses, '::text[]')})`);
  if (filter.group_name) {
    conditions.push(
      `EXISTS (SELECT 1 FROM stream_groups sg JOIN groups g ON g.group_id = sg.group_id
                WHERE sg.stream_id = l.stream_id AND g.account_id = l.account_id
                  AND g.group_name = ${param(filter.group_name)})`,
    );
  }
  return conditions;
}

/** The event record of a log row: the same for the live feed and for webhooks. */
export function toStatusEvent(row: LogEventColumns): StatusEvent {
  return {
    seq: Number(row.seq),
    stream_id: row.stream_id,
    account_id: row.account_id,
    status: row.status,
    version: row.version,
    error: row.error,
    video_info: row.video_info ?? null,
    log_time: row.log_time.toISOString(),
  };
}

function toFeedRow(row: RawRow): FeedRow {
  return { ...toStatusEvent(row), groups: row.groups };
}

export function createStreamLogFeed(db: Database) {
  return translatingErrors({
    /** The last seq drawn (committed or not); 0 before the first. */
    async lastDrawn(): Promise<number> {
      const { rows } = await db.pool.query<{ last: string }>(
        'SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END AS last FROM stream_log_seq',
      );
      return Number(rows[0]?.last ?? 0);
    },

    /**
     * The ids of every transaction running now in this database that has one (only those
     * can write its log), prepared ones included. pg_stat_activity reads them from each
     * backend as is. Other databases on the server are left out: their transactions cannot
     * draw this database's sequence, and one left open there must not hold this feed back.
     */
    async runningTransactions(): Promise<Set<string>> {
      const { rows } = await db.pool.query<{ xid: string }>(
        `SELECT backend_xid::text AS xid FROM pg_stat_activity
          WHERE backend_xid IS NOT NULL AND datname = current_database()
         UNION SELECT transaction::text FROM pg_prepared_xacts WHERE database = current_database()`,
      );
      return new Set(rows.map((r) => r.xid));
    },

    /** Rows with after < seq <= upTo, matching `filter`, in seq order, at most `limit`. */
    async rows(after: number, upTo: number, limit: number, filter: EventsFilter = {}): Promise<FeedRow[]> {
      const values: unknown[] = [after, upTo, limit];
      const conditions = ['l.seq > $1', 'l.seq <= $2', ...filterConditions(filter, values)];
      const { rows } = await db.pool.query<RawRow>(
        `SELECT ${FEED_COLUMNS} FROM stream_logs l WHERE ${conditions.join(' AND ')} ORDER BY l.seq LIMIT $3`,
        values,
      );
      return rows.map(toFeedRow);
    },

    /** The oldest seq still kept (log retention deletes the oldest rows), or null when none is. */
    async oldestKept(): Promise<number | null> {
      const { rows } = await db.pool.query<{ seq: string | null }>('SELECT min(seq) AS seq FROM stream_logs');
      return rows[0]?.seq == null ? null : Number(rows[0].seq);
    },
  });
}

export type StreamLogFeed = ReturnType<typeof createStreamLogFeed>;
