import type pg from 'pg';

/**
 * Inserts `n` in-progress streams whose agent fell silent an hour ago, in one statement:
 * the handler_lost sweep's work, for its tests and its benchmark.
 */
export async function insertSilentStreams(db: pg.Pool | pg.Client, n: number): Promise<void> {
  await db.query(
    `INSERT INTO streams (account_id, name, reference, data, event_handler, policies, location, autorestart_restart,
                          autorestart_attempt_count, autorestart_delay, autorestart_status, status, last_feedback_at)
     SELECT '00000000-0000-4000-8000-000000000001', 'cam-' || i, 'rtsp://cam/' || i,
            jsonb_build_object('type', 'tcp', 'reference', 'rtsp://cam/' || i),
            '{"origin":"http://127.0.0.1:5000","bestshot_handler":{"handler_id":"f3a1c9e2-5b7d-4e60-a8f4-1c2d3e4f5a6b"}}',
            '{}', '{}', 1, 10, 60, 'enabled', 'in_progress', now() - interval '1 hour'
       FROM generate_series(1, $1) AS i`,
    [n],
  );
}
