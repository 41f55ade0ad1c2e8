import pg from 'pg';

// The streams the list benchmarks read: bench/list.ts and bench/overload.ts.

const ACCOUNTS = 10;

/** Seeds `streams` streams over 10 accounts (names cam-0..999, three statuses) with one log row each. */
export async function seedListStreams(url: string, streams: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // One statement: 10 accounts, names cam-0..999, three statuses, one log row per stream.
  await client.query(
    `WITH s AS (
       INSERT INTO streams (account_id, name, reference, data, event_handler, policies, location,
                            autorestart_restart, autorestart_attempt_count, autorestart_delay, autorestart_status, status, create_time)
       SELECT ('00000000-0000-4000-8000-' || lpad(((i % $2) + 1)::text, 12, '0'))::uuid,
              'cam-' || (i % 1000), 'rtsp://cam/' || i,
              jsonb_build_object('type', 'tcp', 'reference', 'rtsp://cam/' || i, 'roi', '[0,0,0,0]'::jsonb, 'droi', '[0,0,0,0]'::jsonb, 'rotation', 0),
              '{"origin":"http://127.0.0.1:5000","api_version":6,"bestshot_handler":{"handler_id":"f3a1c9e2-5b7d-4e60-a8f4-1c2d3e4f5a6b"},"detection_handler":null}'::jsonb,
              '{}'::jsonb, '{}'::jsonb, 1, 10, 60, 'enabled',
              (ARRAY['pending','pause','done'])[(i % 3) + 1],
              now() - make_interval(secs => $1 - i)
       FROM generate_series(1, $1) AS i
       RETURNING stream_id, account_id, status, version, create_time)
     INSERT INTO stream_logs (stream_id, account_id, status, version, log_time)
     SELECT stream_id, account_id, status, version, create_time FROM s`,
    [streams, ACCOUNTS],
  );
  await client.query('VACUUM ANALYZE');
  await client.end();
}
